"""Moments as a person reads them on the command line: to the minute, in the user's time zone.

Tools and models write moments in ISO 8601 with seconds and an offset
(``2026-03-10T20:00:00+01:00``); the terminal shows ``Tue 10 Mar 19:00`` instead, in the zone of
the person reading, the year only when it is not the current one. The zone is
``$PLANGATE_TZ`` (an IANA name such as ``Europe/Lisbon``), else ``$TZ``, else the machine's own.
A moment written without an offset is local to a place the renderer does not know (a venue's
wall clock): it is shown to the minute as it is, never moved.

The ``--json`` answer keeps every value exactly as the agent returned it; only what is drawn for
a person is rewritten here.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plangate.tools.clock import Clock, SystemClock

ZONE_VAR = "PLANGATE_TZ"
"""Names the zone moments are shown in (an IANA name); the machine's zone when unset."""

_ISO = re.compile(
    r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?(?![\w:])"
)


def _zone_named(name: str) -> tzinfo | None:
    name = name.strip().lstrip(":")
    if not name:
        return None
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def machine_zone() -> tzinfo:
    """The machine's zone: ``/etc/localtime``'s IANA name, else its current fixed offset."""
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve()) if link.is_symlink() else ""
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        found = _zone_named(target.split("zoneinfo/", 1)[1])
        if found is not None:
            return found
    offset = -time.altzone if time.daylight and time.localtime().tm_isdst > 0 else -time.timezone
    return UTC if offset == 0 else timezone(timedelta(seconds=offset))


def user_zone() -> tzinfo:
    """The zone moments are shown in: ``$PLANGATE_TZ``, else ``$TZ``, else the machine's.

    A name that is no known zone is passed over, as if unset: the time shown is then the
    machine's, and the answer's heading names that zone.
    """
    for var in (ZONE_VAR, "TZ"):
        found = _zone_named(os.environ.get(var) or "")
        if found is not None:
            return found
    return machine_zone()


def zone_name(zone: tzinfo) -> str:
    """``Europe/Lisbon``, ``UTC`` or ``UTC+05:30``: how a heading names ``zone``."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None)
    if offset is None or offset == timedelta(0):
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Moments:
    """Shows moments to the minute in ``zone``; the year only when it is not ``clock``'s.

    Attributes:
        zone: the reader's time zone.
        clock: what "this year" is read from.
    """

    zone: tzinfo = field(default_factory=user_zone)
    clock: Clock = field(default_factory=SystemClock)

    @property
    def zone_name(self) -> str:
        """The zone's name, for a heading ("times in Europe/Lisbon")."""
        return zone_name(self.zone)

    def show(self, moment: datetime) -> str:
        """``Tue 10 Mar 19:00`` (``Tue 10 Mar 2027 19:00`` in another year); an aware
        ``moment`` is moved to the zone first, a naive one is shown as it is.

        A moment written in another offset (a table in Madrid, a flight landing in Tokyo) also
        gives the place's own clock, ``Fri 13 Mar 19:30 (20:30 local)``, since that is the time
        the answer's sentences and the place itself speak of. A moment written in UTC gets no
        such note: UTC is how machines write moments, not a place's clock.
        """
        local = ""
        if moment.tzinfo is not None:
            written = moment
            # The first or last day a datetime can hold may not move: it is shown as written.
            with suppress(OverflowError):
                moment = moment.astimezone(self.zone)
            offset = written.utcoffset()
            # UTC is how machines write moments, not a place's clock: no note for it.
            if offset and offset != moment.utcoffset():
                day = "" if written.date() == moment.date() else f"{written:%a} "
                local = f" ({day}{written:%H:%M} local)"
        this_year = self.clock.now().astimezone(self.zone).year
        year = f" {moment.year}" if moment.year != this_year else ""
        return f"{moment:%a} {moment.day} {moment:%b}{year} {moment:%H:%M}{local}"

    def in_text(self, text: str) -> str:
        """``text`` with every ISO 8601 date-time in it shown as ``show`` shows it."""
        return _ISO.sub(self._replace, text) if "-" in text else text

    def is_moment(self, text: str) -> bool:
        """Whether ``text`` is one ISO 8601 date-time and nothing else."""
        found = _ISO.fullmatch(text.strip())
        return found is not None and _parsed(found) is not None

    def has_moments(self, text: str) -> bool:
        """Whether ``text`` holds an ISO 8601 date-time with an offset (one shown in the zone)."""
        return any(m.group(7) and _parsed(m) is not None for m in _ISO.finditer(text))

    def _replace(self, found: re.Match[str]) -> str:
        moment = _parsed(found)
        return found.group(0) if moment is None else self.show(moment)


def _parsed(found: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, second, offset = found.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:  # 2026-13-45T99:00: not a moment, left as written
        return None
    if not offset:
        return moment
    if offset == "Z":
        return moment.replace(tzinfo=UTC)
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[-2:])
    if hours > 23 or minutes > 59:
        return None
    return moment.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
