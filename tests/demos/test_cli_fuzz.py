"""The CLI surface, fuzzed: whatever the arguments, options or files, no traceback reaches the user.

Every command gets hypothesis-drawn arguments and option values (garbage text, control
characters, out-of-range numbers, paths that are folders or unwritable), in process through
typer's ``CliRunner`` with ``$PLANGATE_HOME`` in a temporary folder and the time pinned. Each
invocation must end with one of the documented exit codes (0-5), print no Python traceback, and a
usage problem (exit 2) must be explained briefly. ``replay`` and ``trace show`` also read
generated garbage files: binary, truncated JSONL, huge numbers, deep nesting, wrong types.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from plangate.demos.cli.commands import app
from tests.demos.conftest import CLI_NOW

EXIT_CODES = {0, 1, 2, 3, 4, 5}
FUZZ = settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs"]), max_size=10),
    st.sampled_from(["", "-", "--", "-1", "1e999", "nan", "9" * 40, "../..", "\x1b[2J", "a=b"]),
).filter(lambda s: "\x00" not in s)  # argv cannot carry NUL


def invoke(home: Path, argv: list[str], *, usage: bool = False) -> Result:
    """Run the CLI in process; assert the invariants every invocation must keep.

    With ``usage``, the invocation is a usage problem: exit 2 and a brief explanation (one line,
    or click's usage line and its boxed error). Other exits 2 may explain at length (a request
    the offline planner cannot parse lists what it understands).
    """
    result = CliRunner().invoke(
        app, argv, env={"PLANGATE_HOME": str(home), "PLANGATE_NOW": CLI_NOW}
    )
    shown = f"plangate {argv!r} -> {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output, shown
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), shown
    assert result.exit_code in EXIT_CODES, shown
    if usage:
        assert result.exit_code == 2, shown
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert 0 < len(lines) <= 8, shown
    return result


def _folder(home: Path) -> st.SearchStrategy[str]:
    # A folder, an unwritable device, a file in a missing folder, or drawn text.
    return st.one_of(
        st.sampled_from(
            [str(home.parent), "/dev/full", str(home.parent / "no" / "such" / "t.jsonl")]
        ),
        TEXT,
    )


@pytest.fixture
def state(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    # Drawn paths are relative too (a --trace named "-"): they land in the test's own folder.
    monkeypatch.chdir(home.parent)
    return home


@FUZZ
@given(data=st.data())
def test_run_with_drawn_arguments_and_options_never_shows_a_traceback(
    state: Path, data: st.DataObject
) -> None:
    argv = ["run", data.draw(st.sampled_from(["tables", "reservation"]) | TEXT, label="agent")]
    argv.append(data.draw(st.sampled_from(["Book a table for 2 in Lisbon tomorrow at 8pm"]) | TEXT))
    options = {
        "--model": st.sampled_from(["offline", "nope:x", ":", "offline:"])
        | TEXT.filter(lambda s: ":" not in s),
        "--backend": st.sampled_from(["sandbox", "ftp://x", "http://", "http://:99999", "::"])
        | TEXT,
        "--strategy": st.sampled_from(["plan", "react"]) | TEXT,
        "--now": st.sampled_from(["2026-03-09T09:00Z", "0001-01-01", "9999-12-31T23:59:59-23:59"])
        | TEXT,
        "--thread": TEXT,
        "--trace": _folder(state),
    }
    for name in data.draw(st.lists(st.sampled_from(sorted(options)), max_size=3, unique=True)):
        argv += [name, data.draw(options[name], label=name)]
    argv += data.draw(st.sampled_from([[], ["--json"], ["--yes"], ["--bogus"]]))
    invoke(state, argv)


@FUZZ
@given(data=st.data())
def test_resume_demo_graph_and_tools_with_drawn_arguments_never_show_a_traceback(
    state: Path, data: st.DataObject
) -> None:
    command = data.draw(st.sampled_from(["resume", "demo", "graph", "tools"]))
    argv = [command]
    if command == "resume":
        argv.append(data.draw(TEXT))
        for flag in data.draw(
            st.lists(
                st.sampled_from(
                    ["--approve", "--reject", "--edit", "--reason", "--now", "--backend"]
                ),
                max_size=3,
            )
        ):
            argv += [
                flag,
                data.draw(TEXT | st.sampled_from(["s1", "s1={", 's1={"a": 1}', "s1=[]"])),
            ]
    elif command == "demo":
        # A known agent only with a scenario that does not exist: a real demo run is slow.
        agent = data.draw(TEXT.filter(lambda s: s not in ("reservation", "trading")))
        argv += [agent] if data.draw(st.booleans()) else ["reservation", "--scenario", agent or "-"]
    elif command == "graph":
        argv.append(data.draw(st.sampled_from(["reservation", "trading"]) | TEXT))
        if data.draw(st.booleans()):
            argv += ["--png", str(state.parent / "no" / "such" / "g.png")]
    else:
        argv += data.draw(st.sampled_from([[], ["--json"], ["--bogus"], ["extra"]]))
    invoke(state, argv)


@FUZZ
@given(
    port=st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=65536),
        TEXT.filter(lambda s: not s.strip().isdigit()),
    ),
    extra=st.lists(
        st.sampled_from(["--seed", "--fault-rate", "--fault-seed", "--now"]),
        max_size=2,
        unique=True,
    ),
    values=st.lists(TEXT, min_size=2, max_size=2),
)
def test_sandbox_serve_refuses_bad_values_in_one_line(
    state: Path, port: int | str, extra: list[str], values: list[str]
) -> None:
    # The port is always out of range or not a number, so the server never starts.
    argv = ["sandbox", "serve", "--port", str(port)]
    for name, value in zip(extra, values, strict=False):
        argv += [name, value]
    invoke(state, argv, usage=True)


# --- garbage files for replay and trace show ---------------------------------------------------

HEADER = {"type": "header", "version": 1}
GARBAGE = st.one_of(
    st.binary(max_size=200),
    st.just(b"\xff\xfe\x00garbage"),
    st.just(b'{"type": "header", "version": 1}\n{"type": "run", "trun'),
    st.just((json.dumps(HEADER) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n").encode()),
    st.just(b'{"type": "header", "version": 1e999}\n'),
    st.just(b'{"type": "header", "version": ' + b"9" * 5000 + b"}\n"),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=10,
    ).map(lambda value: (json.dumps(HEADER) + "\n" + json.dumps(value) + "\n").encode()),
    st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["header", "run", "model", "tool", "event", "end", "x"])},
            optional={
                "version": st.integers() | st.text(max_size=3),
                "run": st.integers() | st.text(max_size=3) | st.none(),
                "step": st.integers() | st.lists(st.integers(), max_size=2),
                "at": st.floats() | st.text(max_size=5),
            },
        ),
        max_size=4,
    ).map(lambda records: "\n".join(json.dumps(r) for r in [HEADER, *records]).encode()),
)


@FUZZ
@given(content=GARBAGE, command=st.sampled_from([["replay"], ["trace", "show"]]))
def test_garbage_trace_files_are_refused_without_a_traceback(
    state: Path, content: bytes, command: list[str]
) -> None:
    trace = state / "garbage.jsonl"
    trace.write_bytes(content)
    result = invoke(state, [*command, str(trace)])
    assert result.exit_code in (1, 2), result.output


@pytest.mark.parametrize("command", [["replay"], ["trace", "show"]])
@pytest.mark.parametrize("path", ["folder", "missing", "/dev/null"])
def test_a_trace_path_that_is_no_trace_file_is_one_line(
    state: Path, command: list[str], path: str
) -> None:
    where = {"folder": str(state), "missing": str(state / "missing.jsonl")}.get(path, path)
    result = invoke(state, [*command, where], usage=True)
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1, result.output


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+05:00"])
def test_a_now_that_overflows_in_utc_is_a_usage_error(state: Path, moment: str) -> None:
    # Found by the fuzzing above: converting the moment to UTC overflowed, a traceback.
    result = invoke(state, ["run", "tables", "Book a table for 2", "--now", moment], usage=True)
    assert "outside the years" in result.output
