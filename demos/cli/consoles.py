"""How the commands print and exit: the two consoles, one error line, one exit code.

Errors never show a traceback: ``guarded`` turns a ``UsageError`` into exit 2 and any other
``PlangateError`` into exit 1, each with one line on standard error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    return typer.Exit(code)


def guarded(command: Callable[[], Coroutine[Any, Any, int]]) -> None:
    """Run an async command; exit with its code, or 2 / 1 for a usage / plangate error."""
    from plangate.tools.errors import PlangateError, UsageError

    try:
        code = asyncio.run(command())
    except UsageError as exc:
        raise fail(str(exc), 2) from exc
    except PlangateError as exc:
        raise fail(f"{type(exc).__name__}: {exc}", 1) from exc
    raise typer.Exit(code)


def on_wait() -> None:
    """Say why a command waits for the state folder's lock."""
    err_console.print("waiting for another plangate command to finish…", highlight=False)
