"""Run the ``plangate`` CLI and kill it, like a real crash, at a chosen point (test-only).

```
python tests/reliability/killpoint.py POINT -- run reservation "Book a table…" --yes
python tests/reliability/killpoint.py --serve   # a fork server: one JSON request per line
```

``POINT`` is where the process SIGKILLs itself, ``NAME`` or ``NAME@N`` (the N-th time it is
reached, the first by default):

- ``before_effect``  a write was claimed in the ledger; its effect has not happened
- ``after_effect``   the effect happened; the ledger does not record it yet
- ``in_commit``      inside the ledger transaction that settles the write committed, before COMMIT
- ``after_ledger``   the ledger committed the write; the run's checkpoint does not have it yet
- ``call@N``         entering the N-th function of plangate's own code (any instant, seeded)
- ``count``          no kill: count those functions, for drawing ``call@N`` at random
- ``none``           no kill

The kill points are patched in here, around ``plangate.tools.ledger`` and
``plangate.tools.ledger_sqlite``, so production code carries no test hooks. The fork server
imports plangate once and forks a child per request: each child is a process of its own that
runs the CLI and dies (SIGKILL) or exits, so a test pays the import once, not per command.
"""

from __future__ import annotations

import contextvars
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plangate
import plangate.tools.ledger as ledger_module
from plangate.tools.ledger import WriteState
from plangate.tools.ledger_sqlite import SQLiteLedger

POINTS = ("before_effect", "after_effect", "in_commit", "after_ledger")
ROOT = Path(plangate.__file__).resolve().parent
_OWN = str(ROOT) + os.sep
_NOT_OWN = (str(ROOT / ".venv") + os.sep, str(ROOT / "tests") + os.sep)
_SETTLING: contextvars.ContextVar[WriteState | None] = contextvars.ContextVar(
    "settling", default=None
)
CHILD_LIMIT = 60  # seconds a forked command may run before SIGALRM ends it


def die() -> None:
    """End this process the way a crash does: no cleanup, no flushing, no ``finally``."""
    os.kill(os.getpid(), signal.SIGKILL)


class Trigger:
    """Counts arrivals at a named point and kills the process at the chosen one.

    Args:
        point: ``NAME`` or ``NAME@N``.
    """

    def __init__(self, point: str) -> None:
        name, _, nth = point.partition("@")
        self.name = name
        self.nth = int(nth or 1)
        self.seen = 0

    def reach(self, name: str) -> None:
        """Record an arrival at ``name``; die if it is the chosen one."""
        if name != self.name:
            return
        self.seen += 1
        if self.seen == self.nth:
            die()


def patch_ledger(trigger: Trigger) -> None:
    """Put the four commit boundaries of a write into ``trigger``'s hands."""
    perform_write = ledger_module._perform

    async def _perform(ledger: Any, key: str, owner: str, perform: Any, *rest: Any) -> Any:
        async def effect() -> Any:
            trigger.reach("before_effect")
            result = await perform()
            trigger.reach("after_effect")
            return result

        return await perform_write(ledger, key, owner, effect, *rest)

    settle = SQLiteLedger.settle
    run = SQLiteLedger._run

    async def patched_settle(self: SQLiteLedger, key: str, owner: str, state: WriteState,
                             *rest: Any, **named: Any) -> None:  # fmt: skip
        token = _SETTLING.set(state)  # asyncio.to_thread copies it into the worker thread
        try:
            await settle(self, key, owner, state, *rest, **named)
        finally:
            _SETTLING.reset(token)
        if state is WriteState.COMMITTED:
            trigger.reach("after_ledger")

    def patched_run(self: SQLiteLedger, statements: Callable[[Any], Any]) -> Any:
        def inside(conn: Any) -> Any:
            out = statements(conn)
            if _SETTLING.get() is WriteState.COMMITTED:
                trigger.reach("in_commit")
            return out

        return run(self, inside)

    ledger_module._perform = _perform  # type: ignore[assignment]
    SQLiteLedger.settle = patched_settle  # type: ignore[method-assign]
    SQLiteLedger._run = patched_run  # type: ignore[method-assign]


class CallCounter:
    """A trace hook counting calls into plangate's own functions; kills at call ``kill_at``.

    A global trace function is told of Python calls only (not C calls, not returns), and
    returning None leaves the frame untraced: the cost is one check per call.
    """

    def __init__(self, kill_at: int | None) -> None:
        self.kill_at = kill_at or -1
        self.calls = 0

    def install(self) -> None:
        """Trace this thread and every thread started from now on."""
        import threading

        own: dict[Any, bool] = {}
        lookup, kill_at, counter = own.get, self.kill_at, self

        def hook(frame: Any, _event: str, _arg: Any) -> None:
            code = frame.f_code
            mine = lookup(code)
            if mine is None:
                name = code.co_filename
                mine = own[code] = name.startswith(_OWN) and not name.startswith(_NOT_OWN)
            if mine:
                counter.calls += 1
                if counter.calls == kill_at:
                    die()

        threading.settrace(hook)
        sys.settrace(hook)


def arm(point: str) -> CallCounter | None:
    """Install ``point``'s kill in this process; the call counter, for ``count`` and ``call@N``."""
    trigger = Trigger(point)
    if trigger.name in POINTS:
        patch_ledger(trigger)
    elif trigger.name in ("count", "call"):
        counter = CallCounter(trigger.nth if trigger.name == "call" else None)
        counter.install()
        return counter
    elif trigger.name != "none":
        raise SystemExit(f"unknown kill point {point!r}: use one of {POINTS}, call@N, count, none")
    return None


def run_cli(args: list[str]) -> int:
    """``plangate ARGS`` in this process; its exit code."""
    from plangate.demos.cli.commands import app

    try:
        app(args=args, prog_name="plangate")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def warm_up() -> None:
    """Import what the commands import lazily, so forked children start at once."""
    import plangate.agents.catalog
    import plangate.agents.models
    import plangate.agents.reservation
    import plangate.agents.trading
    import plangate.demos.cli.clocks
    import plangate.demos.cli.render
    import plangate.demos.cli.runner
    import plangate.demos.cli.session
    import plangate.graphs.engine.persistence
    import plangate.tools.domains.backends  # noqa: F401


def child(request: dict[str, Any]) -> None:
    """In a forked child: run one command as ``request`` says, then leave without cleanup."""
    signal.alarm(CHILD_LIMIT)
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(handle, fd)
        os.close(handle)
    sys.stdout.reconfigure(write_through=True)  # type: ignore[union-attr]
    sys.stderr.reconfigure(write_through=True)  # type: ignore[union-attr]
    counter = arm(request["point"])
    code = run_cli(request["args"])
    if counter is not None:
        sys.settrace(None)
        Path(request["report"]).write_text(str(counter.calls), encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve() -> None:
    """Answer one JSON request per stdin line with ``{"killed", "code"}``, forking per request."""
    warm_up()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                child(request)
            finally:
                os._exit(70)
        _, status = os.waitpid(pid, 0)  # reaped at once: a dead owner's pid is really gone
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        sys.stdout.write(json.dumps({"killed": killed, "code": code}) + "\n")
        sys.stdout.flush()


def main(argv: list[str]) -> int:
    """``POINT -- ARGS`` or ``--serve``."""
    if argv[:1] == ["--serve"]:
        serve()
        return 0
    if len(argv) < 2 or argv[1] != "--":
        raise SystemExit("usage: killpoint.py POINT -- CLI ARGS… | killpoint.py --serve")
    counter = arm(argv[0])
    code = run_cli(argv[2:])
    if counter is not None:
        sys.settrace(None)
        print(f"killpoint: {counter.calls} calls", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
