"""The rules tests/test_docs_commands.py runs the docs' shell blocks by: each can fail.

A block is read into commands as a person reads it; shown output must really be printed; a
set-up line that is not true fails; a placeholder with nothing to stand for fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_blocks import Block
from tests.docs_install import check
from tests.docs_output import check_shown
from tests.docs_shell import Command, Export, ShellBlock, Shown, parse
from tests.docs_workspace import Workspace

FOLDERS = (Path("/work/p"), Path("/home/r"))


def commands(kind: str, code: str, after: str | None = None) -> list[Command | Export]:
    return parse(ShellBlock(Block("docs/x.md", kind, 10, code), after))


def test_a_block_reads_as_a_person_reads_it() -> None:
    steps = commands(
        "bash",
        "python3 -m venv .venv && pip install 'plangate[otel]'   # two commands\n"
        "export KEY=$(openssl rand -hex 32)\n"
        "PLANGATE_NOW=2026-03-02T15:00Z plangate run trading \\\n"
        '  "Buy 10 NVDA"  # a comment, not an argument\n'
        "# prose between commands is no output\n"
        "curl -s localhost:8000/threads\n"
        '# → {"status": "paused", …}\n',
    )
    venv, pip, export, run, request = steps
    assert isinstance(venv, Command)
    assert isinstance(pip, Command)
    assert (venv.argv, pip.argv) == (
        ["python3", "-m", "venv", ".venv"],
        ["pip", "install", "plangate[otel]"],
    )
    assert export == Export(12, "KEY", "$(openssl rand -hex 32)")
    assert isinstance(run, Command)
    assert (run.line, run.env) == (13, {"PLANGATE_NOW": "2026-03-02T15:00Z"})
    assert (run.argv, run.comment) == (
        ["plangate", "run", "trading", "Buy 10 NVDA"],
        "a comment, not an argument",
    )
    assert isinstance(request, Command)
    assert request.shown == [Shown(None, ['{"status": "paused", …}'])]


def test_a_console_blocks_other_lines_and_a_text_block_after_are_output() -> None:
    steps = commands(
        "console", "$ plangate tools\nname  effect\n$ plangate graph x\n", "flowchart TD\n"
    )
    first, second = steps
    assert isinstance(first, Command)
    assert isinstance(second, Command)
    assert first.shown == [Shown(None, ["name  effect"])]
    assert second.shown == [Shown(None, ["flowchart TD"])]


def test_output_shown_must_be_printed_in_order() -> None:
    shown = [Shown(None, ["run … started", "✓ step find done in 3ms: data=<8>"])]
    printed = "run 6fd36c47c35d started: x\n✓ step find done in 17ms: data=<8>\n"
    check_shown(shown, printed, "", FOLDERS, "ok")
    with pytest.raises(AssertionError, match="data=<9>"):
        check_shown([Shown(None, ["data=<9>"])], printed, "", FOLDERS, "wrong count")
    with pytest.raises(AssertionError, match="run"):
        check_shown([Shown(None, ["✓ step", "run"])], printed, "", FOLDERS, "out of order")


def test_counts_vary_only_in_comment_output_and_paths_are_the_readers() -> None:
    printed = "indexed 3 documents: 3 read\nindex: /work/p/.plangate/indexes/travel-70ba3f5780\n"
    check_shown(
        [
            Shown(
                "stderr",
                ["indexed 4 documents: 1 read", "index: .plangate/indexes/travel-3f1c9a02b7"],
            )
        ],
        "",
        printed,
        FOLDERS,
        "comment",
    )
    with pytest.raises(AssertionError):
        check_shown([Shown(None, ["indexed 4 documents"])], printed, "", FOLDERS, "console")
    with pytest.raises(AssertionError):
        check_shown([Shown("stdout", ["indexed"])], "", printed, FOLDERS, "other stream")


def test_a_json_body_shown_must_be_within_the_printed_one() -> None:
    printed = (
        '{"run_id": "r1", "status": "paused", "approvals": [{"id": "table", "tool": "book_table"}]}'
    )
    shown = [Shown(None, ['{"status": "paused", "approvals": [{"id": "table", …}], …}'])]
    check_shown(shown, printed, "", FOLDERS, "subset")
    with pytest.raises(AssertionError):
        check_shown([Shown(None, ['{"status": "done", …}'])], printed, "", FOLDERS, "value")
    with pytest.raises(AssertionError):
        check_shown([Shown(None, ['{"answer": {}, …}'])], printed, "", FOLDERS, "key")


@pytest.mark.parametrize(
    ("words", "urls", "message"),
    [
        (["make", "deploy"], [], "no such Makefile target: deploy"),
        (["pip", "install", "plangate[gpu]"], [], "no extra gpu"),
        (["pip", "install", "plangates"], [], "not this project"),
        ([".venv/bin/python", "-m", "bench", "--fastest"], [], "no option --fastest"),
        ([".venv/bin/python", "-m", "no_such_module"], [], "no module no_such_module"),
        (["createdb", "plangate"], ["postgresql://localhost/other"], "createdb makes 'plangate'"),
        (["python3", "-m", "venv", "env"], [], "the Makefile's venv is .venv"),
    ],
)
def test_a_set_up_line_that_is_not_true_fails(
    words: list[str], urls: list[str], message: str
) -> None:
    with pytest.raises(AssertionError, match=message):
        check(words, urls)


def test_true_set_up_lines_pass_and_commands_are_no_set_up_lines() -> None:
    assert check(["make", "demo", "test"], [])
    assert check([".venv/bin/pip", "install", "-e", ".[dev]"], [])
    assert check(["createdb", "-h", "localhost", "plangate"], ["postgresql://u@h/plangate"])
    assert not check(["plangate", "tools"], [])


def test_placeholders_stand_for_what_the_page_did_before(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, lambda: "postgresql://127.0.0.1/plangate_docs_x")
    with pytest.raises(AssertionError, match="THREAD: no earlier command"):
        workspace.fill(Command(1, ["plangate", "resume", "THREAD"]))
    with pytest.raises(AssertionError, match="no earlier request to trading"):
        workspace.fill(Command(1, ["plangate", "run", "trading", "…"]))
    workspace.saw(
        "waiting for approval; to continue:\nplangate resume 6fd36c47c35d --approve table"
    )
    workspace.fill(Command(1, ["plangate", "run", "trading", "Buy 1 NVDA"]))
    words, env = workspace.fill(
        Command(
            2, ["plangate", "resume", "6f…", "~/travel", "postgresql://…"], {"PLANGATE_TOKEN": "…"}
        )
    )
    assert words[2:] == [
        "6fd36c47c35d",
        f"{workspace.home}/travel",
        "postgresql://127.0.0.1/plangate_docs_x",
    ]
    assert env["PLANGATE_TOKEN"] not in (None, "…")
    assert workspace.fill(Command(3, ["plangate", "run", "trading", "…"]))[0][3] == "Buy 1 NVDA"
    assert (workspace.project / "myproject" / "agents.py").is_file()
    assert (workspace.home / "handbook" / "leave.pdf").is_file()
