"""The command line's clock: the real time, or a pinned one.

A run uses the real time unless something pins it: ``--now`` (or ``$PLANGATE_NOW``) for a
reproducible bug report, a demo scenario's own moment, or the moment a paused thread was started
at, so that ``plangate resume`` decides where the run left off. A pinned clock then moves on at
the real pace (``PinnedClock``), and the command says what time the sandbox runs at.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from plangate.tools.clock import Clock

NOW_VAR = "PLANGATE_NOW"
FIRST_YEAR, LAST_YEAR = 1971, 2199
"""The years ``--now`` may name: the sandboxes reach a year or more either side of "now", and
their date arithmetic must stay inside what ``datetime`` can hold."""
Now = Annotated[
    str | None,
    typer.Option(
        envvar=NOW_VAR,
        help=(
            "Run as if it were this moment (ISO 8601, e.g. 2026-03-09T09:00Z; no zone means "
            "UTC), for a reproducible report; the sandbox's time moves on from there."
        ),
        show_default="the real time",
    ),
]
"""The ``--now`` option (or ``$PLANGATE_NOW``) of ``run`` and ``sandbox serve``."""


def parse_now(text: str) -> datetime:
    """``text`` as a timezone-aware moment; a date-time without a zone is UTC.

    Raises:
        UsageError: ``text`` is not an ISO 8601 date or date-time; the message shows the form.
    """
    from plangate.tools.errors import UsageError

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--now / ${NOW_VAR}: {text!r} is not an ISO 8601 date-time; "
            "write it like 2026-03-09T09:00Z or 2026-03-09 09:00+01:00"
        ) from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:  # 9999-12-31T23:59-05:00 is in year 10000 in UTC
        year = moment.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(
            f"--now / ${NOW_VAR}: {text!r} is outside the years the sandbox can run in "
            f"({FIRST_YEAR} to {LAST_YEAR})"
        )
    return moment


def clock_at(moment: datetime | None) -> Clock:
    """The real clock, or one pinned to ``moment``."""
    from plangate.tools.clock import PinnedClock, SystemClock

    return SystemClock() if moment is None else PinnedClock(moment)


def describe_moment(moment: datetime) -> str:
    """``moment`` for a person: ``Monday 9 March 2026, 09:00 UTC``."""
    at = moment.astimezone(UTC)
    return f"{at:%A} {at.day} {at:%B %Y, %H:%M} UTC"


def pinned_clock(now: str | None, recorded: datetime | None, say: Console) -> Clock:
    """A command's clock: ``now`` if given, else the moment its thread was pinned to, else
    ``$PLANGATE_NOW``, else the real time.

    A pinned moment is said on ``say`` (the progress stream), so a report shows when it ran.

    Raises:
        UsageError: ``now`` or ``$PLANGATE_NOW`` is not an ISO 8601 date-time.
    """
    if now is None and recorded is None:
        now = os.environ.get(NOW_VAR) or None
    moment = parse_now(now) if now is not None else recorded
    if moment is not None:
        say.print(f"sandbox time: {describe_moment(moment)}", style="dim")
    return clock_at(moment)
