"""BusinessRules: real airline rules judged on calls, explained in verdicts, validated at build."""

from __future__ import annotations

from dataclasses import replace

import pytest

from plangate.graphs.guards.business_rules import BusinessRule, BusinessRules
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage
from plangate.graphs.guards.rule_checks import AllOf, AnyOf, Compare, In, Present, StartsWith
from plangate.graphs.guards.rule_lookups import Lookup, ToolsetReader
from plangate.graphs.guards.rule_measures import Arith, Length, Now, Sum, hours
from plangate.graphs.guards.rule_terms import Arg, Const, Var
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset
from tests.graphs.guards.rule_airline import Airline, airline_tools, call, clock


def reservation(path: str) -> Lookup:
    return Lookup("get_reservation", {"reservation_id": Arg("reservation_id")}, path)


NO_BASIC = BusinessRule(
    id="no_basic_economy_changes",
    tool="update_reservation",
    bind={"cabin": reservation("cabin")},
    require=Compare(Var("cabin"), "!=", Const("basic_economy")),
    message="reservation {args.reservation_id} is {cabin}",
    policy="no changes to basic economy",
)
AT_MOST_FIVE = BusinessRule(
    id="at_most_five_passengers",
    tool="update_reservation",
    require=Compare(Length(Arg("passengers")), "<=", Const(5)),
    message="a reservation has at most 5 passengers",
)
BAGS = BusinessRule(
    id="free_bags",
    tool="update_reservation",
    bind={"bags": Sum(Arg("passengers"), "bags")},
    require=Compare(Var("bags"), "<=", Const(3)),
    message="{bags} bags is more than the 3 included",
    action=Action.REQUIRE_APPROVAL,
)
CANCEL_WINDOW = BusinessRule(
    id="cancel_within_24h",
    tool="cancel_reservation",
    require=AnyOf(
        Compare(Arith("+", reservation("created_at"), hours(24)), ">", Now()),
        Compare(reservation("insurance"), "==", Const(True)),
        # An optional argument: absent, it is no reason; compared while absent, undecidable.
        AllOf(Present(Arg("reason")), Compare(Arg("reason"), "==", Const("airline_cancelled"))),
    ),
    message="reservation {args.reservation_id} was booked over 24 h ago and is not insured",
    policy="cancellation within 24 h, or airline cancelled, or insured",
)
OWN_PAYMENT = BusinessRule(
    id="own_payment_method",
    tool="update_reservation",
    require=In(Arg("payment_id"), reservation("payment_methods")),
    message="payment {args.payment_id} does not belong to the traveller",
)
PASSENGERS = [{"name": "Ana", "bags": 1}]


def update(tools: object, rid: str = "K2BIZ9", **changes: object) -> GuardSubject:
    args = {"reservation_id": rid, "passengers": PASSENGERS, "payment_id": "credit_card_7"}
    args["flight_date"] = "2026-06-01"
    return call(tools, "update_reservation", **{**args, **changes})  # type: ignore[arg-type]


@pytest.fixture
def airline() -> Airline:
    return Airline()


async def test_a_lookup_is_retried_as_the_tool_would_be_before_the_rule_fails_closed(
    airline: Airline,
) -> None:
    guard = BusinessRules([NO_BASIC], airline_tools(airline), clock=clock())
    airline.flaky = 2  # two 503s, then the record: the tool's own retry policy reads it
    assert (await guard.check(update(airline_tools(airline)))).action is Action.ALLOW
    assert airline.reads == 3
    airline.down = True  # every read fails: the rule cannot be checked, and refuses
    verdict = await guard.check(update(airline_tools(airline)))
    assert verdict.action is Action.BLOCK
    assert "reservations unavailable" in verdict.reason


async def test_a_lookup_refuses_with_the_message_filled_and_the_policy(airline: Airline) -> None:
    tools = airline_tools(airline)
    guard = BusinessRules([NO_BASIC], tools, clock=clock())

    verdict = await guard.check(update(tools, "ZFA04Y"))

    assert verdict.action is Action.BLOCK
    assert verdict.reason == (
        "reservation ZFA04Y is basic_economy — policy 'no changes to basic economy'"
    )
    assert verdict.details["rule"] == "no_basic_economy_changes"
    assert verdict.details["policy"] == "no changes to basic economy"
    assert verdict.details["values"]["cabin"] == "basic_economy"
    assert (await guard.check(update(tools, "K2BIZ9"))).action is Action.ALLOW


async def test_one_call_reads_each_record_once_for_all_its_rules(airline: Airline) -> None:
    tools = airline_tools(airline)
    guard = BusinessRules([NO_BASIC, OWN_PAYMENT], tools, clock=clock())

    verdict = await guard.check(update(tools, "K2BIZ9", payment_id="credit_card_7"))

    assert verdict.action is Action.BLOCK  # K2BIZ9 holds no payment methods
    assert verdict.details["rule"] == "own_payment_method"
    assert airline.reads == 1
    await guard.check(update(tools, "K2BIZ9"))
    assert airline.reads == 2  # the cache lives for one call, not for the agent


async def test_membership_in_a_looked_up_object_tests_its_keys(airline: Airline) -> None:
    tools = airline_tools(airline)
    guard = BusinessRules([OWN_PAYMENT], tools, clock=clock())

    assert (await guard.check(update(tools, "ZFA04Y"))).action is Action.ALLOW
    refused = await guard.check(update(tools, "ZFA04Y", payment_id="credit_card_9"))
    assert refused.reason == "payment credit_card_9 does not belong to the traveller"


async def test_counting_and_summing_items(airline: Airline) -> None:
    tools = airline_tools(airline)
    guard = BusinessRules([AT_MOST_FIVE, BAGS], tools, clock=clock())
    six = [{"name": str(i), "bags": 0} for i in range(6)]
    heavy = [{"name": "Ana", "bags": 2}, {"name": "Rui", "bags": "2"}]

    assert (await guard.check(update(tools, passengers=PASSENGERS))).action is Action.ALLOW
    assert (await guard.check(update(tools, passengers=six))).action is Action.BLOCK
    held = await guard.check(update(tools, passengers=heavy))
    assert held.action is Action.REQUIRE_APPROVAL
    assert held.reason == "4 bags is more than the 3 included"


async def test_a_block_wins_over_an_earlier_approval(airline: Airline) -> None:
    tools = airline_tools(airline)
    guard = BusinessRules([BAGS, AT_MOST_FIVE], tools, clock=clock())
    six = [{"name": str(i), "bags": 1} for i in range(6)]

    verdict = await guard.check(update(tools, passengers=six))

    assert verdict.action is Action.BLOCK
    assert verdict.details["rule"] == "at_most_five_passengers"


async def test_date_arithmetic_against_the_runs_clock(airline: Airline) -> None:
    tools = airline_tools(airline)
    guard = BusinessRules([CANCEL_WINDOW], tools, clock=clock())
    subject = call(tools, "cancel_reservation", reservation_id="ZFA04Y")  # booked 16 h ago

    assert (await guard.check(subject)).action is Action.ALLOW
    guard.clock.advance(9 * 3600)  # type: ignore[union-attr]  # a FakeClock: 25 h after
    late = await guard.check(subject)
    assert late.action is Action.BLOCK
    assert late.reason.startswith("reservation ZFA04Y was booked over 24 h ago")
    airline_cancelled = {"reservation_id": "ZFA04Y", "reason": "airline_cancelled"}
    allowed = await guard.check(call(tools, "cancel_reservation", **airline_cancelled))
    assert allowed.action is Action.ALLOW
    insured = call(tools, "cancel_reservation", reservation_id="K2BIZ9")  # a month ago
    assert (await guard.check(insured)).action is Action.ALLOW


async def test_a_failed_lookup_fails_closed_with_the_reason(airline: Airline) -> None:
    tools = airline_tools(airline)
    airline.down = True
    verdict = await BusinessRules([NO_BASIC], tools, clock=clock()).check(update(tools))

    assert verdict.action is Action.BLOCK
    assert verdict.reason.startswith("cannot check rule 'no_basic_economy_changes': lookup")
    assert "get_reservation failed (BackendError: reservations unavailable)" in verdict.reason
    assert verdict.reason.endswith("refused to fail closed — policy 'no changes to basic economy'")
    assert "reservations unavailable" in verdict.details["error"]


async def test_a_rule_may_ignore_what_it_cannot_evaluate(airline: Airline) -> None:
    tools = airline_tools(airline)
    lenient = BusinessRule(
        id="lenient", tool="cancel_reservation",
        require=StartsWith(Arg("reason"), "customer_"), message="bad reason",
        on_error="ignore",
    )  # fmt: skip
    guard = BusinessRules([lenient], tools, clock=clock())

    no_reason = call(tools, "cancel_reservation", reservation_id="ZFA04Y")
    assert (await guard.check(no_reason)).action is Action.ALLOW
    other = call(tools, "cancel_reservation", reservation_id="ZFA04Y", reason="whim")
    assert (await guard.check(other)).action is Action.BLOCK


async def test_when_limits_a_rule_to_some_calls(airline: Airline) -> None:
    tools = airline_tools(airline)
    reasoned = BusinessRule(
        id="reason_names_the_party", tool="cancel_reservation", when=Present(Arg("reason")),
        require=In(Arg("reason"), ("customer_request", "airline_cancelled")),
        message="unknown reason {args.reason}",
    )  # fmt: skip
    guard = BusinessRules([reasoned], tools, clock=clock())

    assert (
        await guard.check(call(tools, "cancel_reservation", reservation_id="Z"))
    ).action == "allow"
    whim = await guard.check(call(tools, "cancel_reservation", reservation_id="Z", reason="whim"))
    assert whim.reason == "unknown reason whim"


async def test_the_plan_stage_judges_literal_arguments_only(airline: Airline) -> None:
    tools = airline_tools(airline)
    guard = BusinessRules([AT_MOST_FIVE, NO_BASIC], tools, clock=clock(), stages=["plan"])
    six = [{"name": str(i)} for i in range(6)]

    def plan(args: dict[str, object]) -> GuardSubject:
        step = {"id": "change", "tool": "update_reservation", "args": args}
        return GuardSubject(stage=Stage.PLAN, plan={"steps": [step]})

    refused = await guard.check(plan({"reservation_id": "ZFA04Y", "passengers": six}))
    assert refused.action is Action.BLOCK
    assert refused.step_id == "change"
    assert refused.details["rule"] == "at_most_five_passengers"  # the lookup waits for the call
    later = await guard.check(plan({"reservation_id": "ZFA04Y", "passengers": "${find.people}"}))
    assert later.action is Action.ALLOW
    assert airline.reads == 0


def test_rules_are_validated_against_the_tools_when_built(airline: Airline) -> None:
    tools = airline_tools(airline)

    def build(**fields: object) -> None:
        rule = {"id": "r", "tool": "update_reservation", "message": "m", **fields}
        BusinessRules([BusinessRule(**rule)], tools)  # type: ignore[arg-type]

    with pytest.raises(UsageError, match=r"rule 'r'.*no field 'pasengers'.*passengers"):
        build(require=Compare(Length(Arg("pasengers")), "<", Const(6)))
    with pytest.raises(UsageError, match="lookup tool 'cancel_reservation' writes"):
        build(require=Present(Lookup("cancel_reservation", {"reservation_id": Const("x")})))
    with pytest.raises(UsageError, match="'get_booking' is not in the agent's tools"):
        build(require=Present(Lookup("get_booking", {})))
    with pytest.raises(UsageError, match="compares a list with a number"):
        build(require=Compare(Arg("passengers"), "<", Arith("+", Const(1), Const(2))))
    with pytest.raises(UsageError, match="compares a duration with a number"):
        build(require=Compare(hours(24), "<", Const(3)))
    with pytest.raises(UsageError, match="compares a moment with a number"):
        build(require=Compare(reservation("created_at"), "<", Const(3)))
    with pytest.raises(UsageError, match=r"tool 'book' is not in the agent's tools"):
        BusinessRules([BusinessRule("r", "book", Present(Arg("x")), "m")], tools)
    loop = {"a": Arith("+", Var("b"), Const(1)), "b": Arith("+", Var("a"), Const(1))}
    with pytest.raises(UsageError, match=r"bound term 'a' uses itself \(a -> b -> a\)"):
        build(bind=loop, require=Compare(Var("a"), "<", Const(3)))
    with pytest.raises(UsageError, match="defined twice"):
        BusinessRules([NO_BASIC, NO_BASIC], tools)


def test_a_rule_names_what_is_wrong_with_it() -> None:
    ok = Present(Arg("x"))
    with pytest.raises(UsageError, match="rule id"):
        BusinessRule("two words", "t", ok, "m")
    with pytest.raises(UsageError, match="needs a message"):
        BusinessRule("r", "t", ok, " ")
    with pytest.raises(UsageError, match=r"placeholder \{cabin\}"):
        BusinessRule("r", "t", ok, "is {cabin}")
    with pytest.raises(UsageError, match="action must be block or require_approval"):
        BusinessRule("r", "t", ok, "m", action=Action.ALLOW)
    with pytest.raises(UsageError, match="cannot bind 'now'"):
        BusinessRule("r", "t", ok, "m", bind={"now": Now()})


def test_a_rule_reads_as_it_is_written() -> None:
    assert str(NO_BASIC) == (
        'no_basic_economy_changes: update_reservation requires cabin != "basic_economy"'
    )
    assert str(CANCEL_WINDOW.require) == (
        "((get_reservation(reservation_id=args.reservation_id).created_at + 24 hours) > now"
        " or get_reservation(reservation_id=args.reservation_id).insurance == true"
        ' or (present(args.reason) and args.reason == "airline_cancelled"))'
    )
    assert repr(AT_MOST_FIVE.require) == (
        "Compare(left=Length(of=Arg(path='passengers'), where=None), op='<=', "
        "right=Const(value=Decimal('5')))"
    )


async def test_the_clock_is_the_backends_and_lookups_never_write(airline: Airline) -> None:
    class Backend:
        def __init__(self) -> None:
            self.clock = clock()

    tools = airline_tools(airline)
    backend = Backend()
    bound = Toolset()
    for found in tools:
        bound.add(found, deps=backend)
    fresh = BusinessRule(
        id="fresh", tool="cancel_reservation", message="too old",
        require=Compare(Arith("+", reservation("created_at"), hours(24)), ">", Now()),
    )  # fmt: skip
    guard = BusinessRules([fresh], bound)  # no clock given: the backends' is read at each call
    subject = call(bound, "cancel_reservation", reservation_id="ZFA04Y")

    assert (await guard.check(subject)).action is Action.ALLOW
    backend.clock.advance(9 * 3600)
    assert (await guard.check(subject)).action is Action.BLOCK
    with pytest.raises(UsageError, match="lookup tool 'cancel_reservation' writes"):
        await ToolsetReader(bound).read("cancel_reservation", {"reservation_id": "ZFA04Y"})
    # The engine passes the run's clock reading in the subject's metadata: it comes first.
    early = replace(subject, metadata={"now": "2026-05-01T12:00:00+00:00"})
    assert (await guard.check(early)).action is Action.ALLOW
