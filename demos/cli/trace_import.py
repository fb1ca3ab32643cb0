"""``plangate trace import FILE``: an OpenAI chat-completions log becomes a replayable trace.

The log is a JSON file (a list of messages, or a request body with ``messages``), or JSONL with
one message per line, or JSONL with one conversation per line (choose one with ``--line``). The
agent named by ``--agent`` (a demo agent, or ``module:attribute``) plays it through
``plangate.graphs.traces.import_openai``; the trace goes to ``--out`` (default: next to the log,
``NAME.trace.jsonl``). Exits 0 with what was imported, 2 with one line when the log cannot be
read or does not fit the agent.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import typer

from plangate.demos.cli.consoles import console, fail
from plangate.demos.cli.targets import resolve_target

FILE = typer.Argument(..., help="The OpenAI chat log (JSON or JSONL).", show_default=False)
AGENT = typer.Option(
    ..., "--agent", help="The agent that plays the log: a demo agent or module:attribute."
)
OUT = typer.Option(
    None, "--out", help="Where to write the trace. Default: FILE's name + .trace.jsonl."
)
NAME = typer.Option(None, "--name", help="The agent's name in the trace. Default: --agent's.")
LINE = typer.Option(
    None, "--line", min=1, help="In JSONL with one conversation per line: which one."
)


def read_log(file: Path, line: int | None) -> Any:
    """The conversation in ``file`` (see the module docstring).

    Raises:
        ValueError: the file cannot be read, is not JSON, or holds several conversations
            and ``line`` does not choose one.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {file}: {exc}") from exc
    try:
        return json.loads(text) if line is None else _rows(text)[line - 1]
    except IndexError:
        raise ValueError(f"{file} has no line {line}") from None
    except ValueError:
        if line is not None:
            raise
    rows = _rows(text)
    if not rows:
        raise ValueError(f"{file} is empty: expected an OpenAI chat log (JSON or JSONL)")
    if all(isinstance(row, dict) and "role" in row for row in rows):
        return rows  # one message per line
    if len(rows) == 1:
        return rows[0]
    raise ValueError(f"{file} holds {len(rows)} conversations; import one per trace with --line N")


def _rows(text: str) -> list[Any]:
    rows = []
    for number, row in enumerate(text.splitlines(), 1):
        if not row.strip():
            continue
        try:
            rows.append(json.loads(row))
        except ValueError as exc:
            raise ValueError(f"line {number} is not JSON ({exc.args[0]})") from exc
    return rows


def import_command(
    file: Path = FILE,
    agent: str = AGENT,
    out: Path | None = OUT,
    name: str | None = NAME,
    line: int | None = LINE,
) -> None:
    """Import an OpenAI chat log (several user turns, tool calls, tool errors) as a trace."""
    from plangate.graphs.traces import import_openai
    from plangate.graphs.traces.format import RunRecord, ToolResultRecord
    from plangate.tools.errors import PlangateError

    reference = agent if ":" in agent else None
    label = name or (agent.rpartition(":")[2] if reference else agent)
    try:
        log = read_log(file, line)
        target = resolve_target(label if reference else agent, reference)
        trace = asyncio.run(import_openai(log, target, agent=label))
    except (ValueError, PlangateError) as exc:
        raise fail(f"cannot import {file}: {exc}", 2) from exc
    target_path = out or file.with_name(f"{file.name.partition('.')[0]}.trace.jsonl")
    try:
        trace.write(target_path)
    except OSError as exc:
        raise fail(f"cannot write {target_path}: {exc}", 2) from exc
    runs = len(trace.of_type(RunRecord))
    results = trace.of_type(ToolResultRecord)
    failed = sum(1 for r in results if r.error is not None)
    console.print(
        f"[green]✓[/] imported {runs} user turn(s), {len(results)} tool call(s) "
        f"({failed} failed) → {target_path}",
        highlight=False,
    )
