"""Rules files: YAML and TOML read into rules, mistakes named by file, rule and key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from plangate.graphs.guards.business_rules import BusinessRule, BusinessRules
from plangate.graphs.guards.guardrails import Action
from plangate.graphs.guards.rule_checks import Compare, In
from plangate.graphs.guards.rule_files import dump_rules, load_rules
from plangate.graphs.guards.rule_lookups import Lookup
from plangate.graphs.guards.rule_terms import Arg, Const, Var
from plangate.tools.errors import UsageError
from tests.graphs.guards.rule_airline import Airline, airline_tools, call, clock

YAML = """\
rules:
  - id: no_basic_economy_changes
    tool: update_reservation
    bind:
      cabin: {lookup: get_reservation, args: {reservation_id: {field: reservation_id}},
              path: cabin}
    require: {"!=": [{var: cabin}, basic_economy]}
    message: "reservation {args.reservation_id} is {cabin}"
    policy: no changes to basic economy
  - id: flight_within_180_days
    tool: update_reservation
    require:
      all:
        - {">=": [{field: flight_date}, {clock: today}]}
        - {"<=": [{sub: [{field: flight_date}, {clock: today}]}, {days: 180}]}
    message: "flights are booked up to 180 days ahead, not {args.flight_date}"
    action: require_approval
"""

TOML = """\
[[rules]]
id = "no_basic_economy_changes"
tool = "update_reservation"
require = { "!=" = [{ var = "cabin" }, "basic_economy"] }
message = "reservation {args.reservation_id} is {cabin}"
policy = "no changes to basic economy"

[rules.bind]
cabin = { lookup = "get_reservation", args = { reservation_id = { field = "reservation_id" } }, path = "cabin" }
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_yaml_file_becomes_a_working_guardrail(tmp_path: Path) -> None:
    tools = airline_tools(Airline())
    rules = load_rules(write(tmp_path, "airline.yaml", YAML))
    guard = BusinessRules(rules, tools, clock=clock())

    def update(rid: str, day: str) -> Action:
        args = {"reservation_id": rid, "passengers": [], "payment_id": "x", "flight_date": day}
        return call(tools, "update_reservation", **args)  # type: ignore[return-value]

    refused = await guard.check(update("ZFA04Y", "2026-06-01"))  # type: ignore[arg-type]
    assert refused.reason == (
        "reservation ZFA04Y is basic_economy — policy 'no changes to basic economy'"
    )
    held = await guard.check(update("K2BIZ9", "2026-12-01"))  # type: ignore[arg-type]
    assert held.action is Action.REQUIRE_APPROVAL
    assert held.reason == "flights are booked up to 180 days ahead, not 2026-12-01"
    assert (await guard.check(update("K2BIZ9", "2026-06-01"))).action is Action.ALLOW  # type: ignore[arg-type]


def test_toml_and_yaml_read_to_the_same_rule(tmp_path: Path) -> None:
    from_toml = load_rules(write(tmp_path, "airline.toml", TOML))
    from_yaml = load_rules(write(tmp_path, "airline.yaml", YAML))

    assert from_toml == from_yaml[:1]
    assert from_toml[0].bind == {
        "cabin": Lookup("get_reservation", {"reservation_id": Arg("reservation_id")}, "cabin")
    }
    assert from_toml[0].require == Compare(Var("cabin"), "!=", Const("basic_economy"))


def test_dumped_rules_load_back_equal(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, "airline.yaml", YAML))
    assert load_rules(write(tmp_path, "again.yml", dump_rules(rules))) == rules
    fares = BusinessRule(
        "fares", "t", In(Arg("fare"), (Decimal("9.90"), 19, "free")), "fare {args.fare}"
    )
    assert load_rules(write(tmp_path, "fares.yaml", dump_rules([fares]))) == [fares]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "rules:\n  - {id: a, tool: t, requires: {present: {field: x}}, message: m}",
            "rules.yaml: rule 'a': unknown key 'requires'; a rule has id, tool, require",
        ),
        ("rules:\n  - {id: a, tool: t, message: m}", "rules.yaml: rule 'a': missing key 'require'"),
        ("rules:\n  - {tool: t, message: m}", "rules.yaml: rule 1: missing key 'id'"),
        (
            "rules:\n  - {id: a, tool: t, require: {'<': [{fild: x}, 1]}, message: m}",
            "rules.yaml: rule 'a': require.<.0: unknown key 'fild'; a term has one of the keys",
        ),
        (
            "rules:\n  - {id: a, tool: t, require: {'<': [{field: x, path: y}, 1]}, message: m}",
            "rules.yaml: rule 'a': require.<.0: unknown key 'path' for field",
        ),
        (
            "rules:\n  - {id: a, tool: t, require: {'<': [{field: x}]}, message: m}",
            "rules.yaml: rule 'a': require.<: expected a list of two",
        ),
        (
            "rules:\n  - {id: a, tool: t, require: {has: {field: x}}, message: m}",
            "rules.yaml: rule 'a': require: unknown key 'has'; a check has one of the keys",
        ),
        (
            "rules:\n  - {id: a, tool: t, require: {present: {clock: yesterday}}, message: m}",
            "rules.yaml: rule 'a': require.present.clock: the clock reads 'now' or 'today'",
        ),
        (
            "rules:\n  - {id: a, tool: t, require: {'<': [{field: xs}, {days: 1}]}, message: m,"
            " action: deny}",
            "rules.yaml: rule 'a': action must be block or require_approval",
        ),
        (
            "rules:\n  - {id: a, tool: t, require: {'<': [{hours: 1}, 3]}, message: m}",
            "rules.yaml: rule 'a': 1 hours < 3 compares a duration with a number",
        ),
        ("rule: []", "rules.yaml: a rules file holds one key, 'rules'"),
        ("rules: [", "rules.yaml: cannot read rules"),
    ],
)
def test_each_mistake_names_the_file_the_rule_and_the_key(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write(tmp_path, "rules.yaml", text)
    with pytest.raises(UsageError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(str(tmp_path / problem))


def test_only_yaml_and_toml_files_are_read(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"rules files end in \.yaml, \.yml or \.toml"):
        load_rules(write(tmp_path, "rules.json", "{}"))
    with pytest.raises(UsageError, match="cannot read rules"):
        load_rules(tmp_path / "absent.yaml")
