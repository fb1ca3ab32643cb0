"""Scripted demo scenarios of the reservation assistant (``plangate demo reservation``).

Each runs offline on the sandbox at ``NOW`` (Monday 9 March 2026, 09:00 UTC, whatever the hour
it is started at), pauses at every booking for approval, and is approved:

- ``dinner``: a table, after the calendar and availability are checked;
- ``trip``: a flight, dinner where it lands (only once the flight is booked) and the dinner in
  the calendar — three approvals, one after the other;
- ``long_haul``: a premium-economy fare above the travel policy's cap, held for approval with
  the reason;
- ``big_party``: a table for 15, which the policy refuses before anything is searched.
"""

from __future__ import annotations

from datetime import UTC, datetime

from plangate.demos.scenarios.base import Scenario

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
"""When the reservation scenarios run: Monday 9 March 2026, 09:00 UTC ("tomorrow" is the
10th, "next Friday" the 13th).
"""

SCENARIOS: list[Scenario] = [
    Scenario(
        name="dinner",
        title="A Thai dinner for four in Lisbon",
        request="Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm",
        now=NOW,
    ),
    Scenario(
        name="trip",
        title="Lisbon to Madrid, with dinner on arrival",
        request="Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00",
        now=NOW,
    ),
    Scenario(
        name="long_haul",
        title="A long-haul fare above the policy's cap",
        request="Book a premium economy flight from Frankfurt to Sydney next Saturday",
        now=NOW,
    ),
    Scenario(
        name="big_party",
        title="A party too big for the policy",
        request="Book a table for 15 in Porto on Saturday",
        now=NOW,
    ),
]
"""The reservation scenarios, in the order the demo runs them."""
