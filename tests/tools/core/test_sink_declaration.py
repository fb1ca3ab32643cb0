"""A write tool declares, per argument, what an untrusted value there may do (``sinks``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from plangate.tools.base import Tool, tool
from plangate.tools.domains.broker.tools import cancel_order, place_order
from plangate.tools.domains.calendar.tools import cancel_event, create_event
from plangate.tools.domains.flights.tools import book_flight, cancel_booking
from plangate.tools.domains.restaurants.tools import book_table, cancel_reservation
from plangate.tools.errors import UsageError
from plangate.tools.schema_tool import tool_from_json_schema
from plangate.tools.sinks import DEFAULT_SINK, Sinks, declare_sinks, path_parts


class Card(BaseModel):
    number: str
    holder: str


class Leg(BaseModel):
    date: str
    seat: str | None = None


class PayArgs(BaseModel):
    payee_id: str
    notes: str = ""
    card: Card
    legs: list[Leg] = []
    extra: dict[str, Any] = {}


@tool(
    effect="write",
    sinks={"payee_id": "allow", "notes": "approve", "card": "refuse", "legs.seat": "allow"},
)
def pay(args: PayArgs) -> str:
    """Pay someone."""
    return args.payee_id


def test_each_declared_argument_has_its_policy_and_the_rest_default_to_approve() -> None:
    assert pay.sink_policy("payee_id") == "allow"
    assert pay.sink_policy("notes") == "approve"
    assert pay.sink_policy("card") == "refuse"
    assert pay.sink_policy("extra.anything") == DEFAULT_SINK == "approve"


def test_an_argument_policy_covers_its_children_unless_a_dotted_path_names_one() -> None:
    assert pay.sink_policy("card.number") == "refuse"
    assert pay.sink_policy("card.holder") == "refuse"
    assert pay.sink_policy("legs[2].seat") == "allow"  # the dotted path, indices left out
    assert pay.sink_policy("legs[2].date") == "approve"  # legs itself has the default


def test_a_whole_container_takes_the_strictest_policy_inside_it() -> None:
    # labels may cover a whole list or the whole call when there are too many leaves
    strict = Sinks(policies={("legs",): "allow", ("legs", "seat"): "refuse"})
    assert strict.policy("legs") == "refuse"
    assert strict.policy("legs[0]") == "refuse"
    assert strict.policy("legs[0].date") == "allow"
    assert pay.sink_policy("") == "refuse"


def test_path_parts_drop_indices() -> None:
    assert path_parts("passengers[0].first_name") == ("passengers", "first_name")
    assert path_parts("[3]") == ()


def test_an_unknown_argument_name_is_refused_when_the_tool_is_defined() -> None:
    with pytest.raises(UsageError, match=r"sinks names 'payee', but pay has no argument 'payee'"):
        tool(effect="write", sinks={"payee": "allow"})(pay._fn)
    with pytest.raises(UsageError, match=r"'card.pin', but card has no field 'pin'.*holder"):
        tool(effect="write", sinks={"card.pin": "refuse"})(pay._fn)
    with pytest.raises(UsageError, match=r"'notes.text', but notes has no field 'text'"):
        tool(effect="write", sinks={"notes.text": "refuse"})(pay._fn)


def test_open_parts_accept_any_path_and_derived_args_models_are_checked_too() -> None:
    tool(effect="write", sinks={"extra.whatever.deep": "refuse"})(pay._fn)

    def send(to: str, body: str) -> str:
        """Send a message."""
        return to

    assert tool(effect="write", sinks={"body": "refuse"})(send).sink_policy("body") == "refuse"
    with pytest.raises(UsageError, match=r"has no argument 'text'.*body, to"):
        tool(effect="write", sinks={"text": "refuse"})(send)


def test_a_bad_policy_or_shape_names_what_is_wrong() -> None:
    with pytest.raises(UsageError, match=r"sinks\['notes'\] is 'aprove'; use 'allow'"):
        tool(effect="write", sinks={"notes": "aprove"})(pay._fn)  # type: ignore[dict-item]
    with pytest.raises(UsageError, match="maps argument names to policies"):
        tool(effect="write", sinks=["notes"])(pay._fn)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="has an empty part"):
        tool(effect="write", sinks={"card..number": "refuse"})(pay._fn)


def test_tools_from_a_json_schema_are_checked_against_that_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "to": {"type": "string"},
            "account": {"$ref": "#/$defs/Account"},
        },
        "$defs": {"Account": {"type": "object", "properties": {"iban": {"type": "string"}}}},
    }
    built = Tool(
        name="wire", description="Wire money.", args_model=PayArgs, result_type=str,
        fn=lambda args, ctx: "ok", json_schema=schema, sinks={"account.iban": "refuse"},
    )  # fmt: skip
    assert built.sink_policy("account.iban") == "refuse"
    with pytest.raises(UsageError, match="account has no field 'bic'"):
        declare_sinks("wire", {"account.bic": "refuse"}, schema)
    plain = tool_from_json_schema(name="w", description="W.", parameters=schema, fn=lambda a, c: 1)
    assert plain.sink_policy("account.iban") == "approve"


def test_the_bundled_write_tools_allow_ids_and_ask_before_text_from_results() -> None:
    assert book_table.sink_policy("venue_id") == "allow"
    assert book_table.sink_policy("name") == "approve"
    assert create_event.sink_policy("summary") == "approve"
    assert create_event.sink_policy("description") == "approve"
    assert create_event.sink_policy("attendees[0]") == "approve"
    assert book_flight.sink_policy("offer_id") == "allow"
    assert book_flight.sink_policy("passengers[0].first_name") == "refuse"  # identity
    assert place_order.sink_policy("symbol") == "approve"
    for cancel, arg in (
        (cancel_reservation, "reservation_id"),
        (cancel_event, "event_id"),
        (cancel_booking, "booking_id"),
        (cancel_order, "order_id"),
    ):
        assert cancel.sink_policy(arg) == "allow"


def test_json_schema_tools_take_a_declaration_too() -> None:
    schema = {"type": "object", "properties": {"iban": {"type": "string"}}}
    wire = tool_from_json_schema(
        name="wire", description="Wire money.", parameters=schema, fn=lambda a, c: 1,
        sinks={"iban": "refuse"},
    )  # fmt: skip
    assert wire.sink_policy("iban") == "refuse"
    with pytest.raises(UsageError, match="wire has no argument 'bic'"):
        tool_from_json_schema(
            name="wire", description="W.", parameters=schema, fn=lambda a, c: 1,
            sinks={"bic": "refuse"},
        )  # fmt: skip


@given(
    st.dictionaries(
        st.one_of(st.text(max_size=20), st.sampled_from(["card", "card.number", "legs.seat"])),
        st.one_of(st.sampled_from(["allow", "approve", "refuse"]), st.text(max_size=8)),
        max_size=4,
    )
)
def test_any_declaration_is_accepted_or_refused_with_a_usage_error(sinks: dict[str, str]) -> None:
    try:
        declared = declare_sinks("pay", sinks, PayArgs.model_json_schema())
    except UsageError:
        return
    for key, policy in sinks.items():
        assert declared.policy(key) in ("allow", "approve", "refuse")
        if "[" not in key:  # what lies below a declared path and nothing longer: its policy
            assert declared.policy(f"{key}[0].zz") == policy


@given(st.text(max_size=30))
def test_any_label_path_gets_one_of_the_three_policies(path: str) -> None:
    assert pay.sink_policy(path) in ("allow", "approve", "refuse")
