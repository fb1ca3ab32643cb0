"""The travel policy's fare caps, read from the policy itself, and the guardrail that applies them.

The caps are parsed once, when the policy is built, from the copy of ``travel-policy.md``
bundled with ``plangate.tools.domains.retrieval`` (``importlib.resources``), not fetched through the
retrieval backend: building an agent is synchronous and must not depend on a live (perhaps remote,
perhaps fault-injected) document service, and the caps the agent enforces should be those of the
policy version it ships with. The numbers are never copied into code: edit the document and the
guardrail follows; remove the table and building the policy fails, naming what is missing.

Section 3.2 gives round-trip caps per traveller in EUR by region and cabin, and caps a one-way
ticket at a share of the round trip; the flight tools book one-way offers priced for all their
passengers, so a fare is compared per traveller against the one-way cap.

It is not a business rule: the cap to compare with depends on the flight's region (read from
its airports' countries and its duration) and cabin, a table the rule language has no lookup
for; the comparison itself would be one line, the classification is the policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from importlib.resources import files
from typing import Literal

from plangate.agents.reservation.facts import BookingFacts
from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict
from plangate.tools.domains.flights.models import Cabin, Offer
from plangate.tools.domains.world import AIRPORTS_BY_IATA
from plangate.tools.errors import UsageError

Region = Literal["domestic", "europe", "intercontinental", "ultra_long_haul"]
POLICY_FILE = "corpus/travel-policy.md"
CAP_CURRENCY = "EUR"
ULTRA_LONG_HAUL = timedelta(hours=12)
REGION_NAMES: dict[Region, str] = {
    "domestic": "on domestic flights", "europe": "within Europe",
    "intercontinental": "on intercontinental flights",
    "ultra_long_haul": "on ultra long-haul flights",
}  # fmt: skip
CABIN_NAMES: dict[Cabin, str] = {
    "economy": "economy", "premium_economy": "premium economy",
    "business": "business class", "first": "first class",
}  # fmt: skip

_ROW_REGIONS: tuple[tuple[str, Region], ...] = (
    ("ultra long-haul", "ultra_long_haul"),
    ("intercontinental", "intercontinental"),
    ("within europe", "europe"),
    ("domestic", "domestic"),
)
_COLUMNS: tuple[tuple[str, Cabin], ...] = (
    ("premium economy", "premium_economy"),
    ("economy", "economy"),
    ("business", "business"),
)
_SECTION = re.compile(r"^### 3\.2 .*?(?=^#{1,3} )", re.MULTILINE | re.DOTALL)
_ONE_WAY = re.compile(r"one-way ticket is capped at (\d+)\s*% of the round-trip cap", re.I)
_AMOUNT = re.compile(r"([\d,]+(?:\.\d+)?)\s*EUR")


@dataclass(frozen=True)
class FareCaps:
    """Round-trip caps per traveller in EUR; ``None`` where a cabin is not permitted.

    Attributes:
        round_trip: cap by region, then by cabin.
        one_way_share: the share of the round-trip cap a one-way ticket may cost.
    """

    round_trip: Mapping[Region, Mapping[Cabin, Decimal | None]]
    one_way_share: Decimal

    def one_way(self, region: Region, cabin: Cabin) -> Decimal | None:
        """The one-way cap, or ``None`` when the cabin is not permitted (first class never is)."""
        cap = self.round_trip.get(region, {}).get(cabin)
        return None if cap is None else (cap * self.one_way_share).quantize(Decimal("0.01"))


def parse_fare_caps(text: str) -> FareCaps:
    """The caps of section 3.2 of a travel policy written like ``travel-policy.md``.

    Raises:
        UsageError: the section, its table, a region row or the one-way rule is missing.
    """
    section = _SECTION.search(text)
    if section is None:
        raise UsageError("travel policy: no section '### 3.2' with the fare caps")
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.group().splitlines()
        if line.strip().startswith("|") and not set(line) <= set("|- ")
    ]
    if len(rows) < 2:
        raise UsageError("travel policy: section 3.2 has no fare-cap table")
    header = [cell.casefold() for cell in rows[0]]
    columns = {
        index: cabin
        for index, cell in enumerate(header)
        for name, cabin in _COLUMNS
        if cell == name or (cell.startswith(name) and cabin != "economy")
    }
    caps: dict[Region, dict[Cabin, Decimal | None]] = {}
    for row in rows[1:]:
        label = row[0].casefold()
        region = next((r for key, r in _ROW_REGIONS if key in label), None)
        if region is None or region in caps:
            continue
        caps[region] = {cabin: _amount(row[index]) for index, cabin in columns.items()}
    missing = [r for _, r in _ROW_REGIONS if r not in caps or "economy" not in caps[r]]
    if missing:
        raise UsageError(
            f"travel policy: section 3.2 gives no economy cap for {', '.join(missing)}"
        )
    share = _ONE_WAY.search(section.group())
    if share is None:
        raise UsageError("travel policy: section 3.2 does not say what a one-way ticket may cost")
    return FareCaps(round_trip=caps, one_way_share=Decimal(share.group(1)) / 100)


def _amount(cell: str) -> Decimal | None:
    found = _AMOUNT.search(cell)
    return Decimal(found.group(1).replace(",", "")) if found else None


def load_fare_caps() -> FareCaps:
    """The caps of the travel policy bundled with ``plangate.tools.domains.retrieval``."""
    text = (
        files("plangate.tools.domains.retrieval").joinpath(POLICY_FILE).read_text(encoding="utf-8")
    )
    return parse_fare_caps(text)


def region_of(offer: Offer) -> Region:
    """Which row of the cap table a one-way offer falls in."""
    ends = [AIRPORTS_BY_IATA[offer.origin], AIRPORTS_BY_IATA[offer.destination]]
    if ends[0].country == ends[1].country:
        return "domestic"
    if all(airport.timezone.startswith("Europe/") for airport in ends):
        return "europe"  # the policy counts Istanbul as Europe; so does its time zone
    if any(segment.duration > ULTRA_LONG_HAUL for segment in offer.segments):
        return "ultra_long_haul"
    return "intercontinental"


class FareCap:
    """Hold a flight booking whose fare is above the travel policy's cap, saying why.

    Args:
        facts: looks the offer up (its price now, its route and segments).
        caps: the caps, usually ``load_fare_caps()``.
    """

    def __init__(self, facts: BookingFacts, caps: FareCaps) -> None:
        self.name = "fare_cap"
        self.stages = frozenset({Stage.TOOL_CALL})
        self.facts = facts
        self.caps = caps

    async def check(self, subject: GuardSubject) -> Verdict:
        """Require approval for a fare above its cap (or one the cap cannot judge)."""
        if subject.tool is None or subject.tool.name != "book_flight":
            return Verdict.allow(self.name, subject.stage)
        offer = await self.facts.offer(subject.args or {})
        region = region_of(offer)
        cap = self.caps.one_way(region, offer.cabin)
        per_traveller = (offer.price.amount / offer.passengers).quantize(Decimal("0.01"))
        fare = f"{per_traveller} {offer.price.currency} per traveller"
        cabin, where = CABIN_NAMES[offer.cabin], REGION_NAMES[region]
        details = {"region": region, "cabin": offer.cabin, "fare": str(per_traveller),
                   "currency": offer.price.currency, "cap": None if cap is None else str(cap)}  # fmt: skip
        if cap is None:
            reason = (
                f"travel policy: {cabin} is not permitted {where}; booking it needs an "
                "exception (section 9)"
            )
        elif offer.price.currency != CAP_CURRENCY:
            reason = (
                f"travel policy: the fare ({fare}) is not in {CAP_CURRENCY}; check it against "
                f"the one-way {cabin} cap {where}, {cap} {CAP_CURRENCY}, before approving"
            )
        elif per_traveller > cap:
            reason = (
                f"travel policy: the fare ({fare}) is above the one-way {cabin} cap {where}, "
                f"{cap} {CAP_CURRENCY}; booking it needs an exception (section 9)"
            )
        else:
            return Verdict.allow(self.name, subject.stage, details=details)
        return Verdict.approval(self.name, subject.stage, reason, details=details)
