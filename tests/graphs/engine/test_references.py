"""References: parsing, finding, resolving, escaping and the errors a model reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from plangate.graphs.engine.references import (
    Reference,
    ReferenceResolutionError,
    find_references,
    format_path,
    parse_reference,
    parse_template,
    resolve,
)
from plangate.tools.errors import PlangateError

RESULTS: dict[str, Any] = {
    "s1": {
        "offers": [{"id": "o1", "price": "129.90"}, {"id": "o2", "price": "99.00"}],
        "party": 4,
        "open": True,
        "note": None,
        "venue": {"name": "Casa", "tags": ["a", "b"]},
    },
    "s2": [{"id": "x"}],
}


def test_parse_reference_reads_fields_and_indexes() -> None:
    ref = parse_reference("s1.offers[0].id")
    assert ref == Reference("s1", ("offers", 0, "id"), "${s1.offers[0].id}")
    assert parse_reference("s2[10]").path == (10,)
    assert parse_reference("step_2").path == ()


def test_format_path_is_the_inverse_of_parse() -> None:
    assert format_path("s1", ("offers", 0, "id")) == "s1.offers[0].id"
    assert str(Reference("s2", (0, "id"))) == "${s2[0].id}"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "starts with a step id"),
        ("S1.x", "starts with a step id"),
        ("1s", "starts with a step id"),
        ("s1.", "unexpected '.' at character 3"),
        ("s1..a", "unexpected '..a'"),
        ("s1[x]", "write .field or [index]"),
        ("s1[-1]", "unexpected '[-1]'"),
        ("s1 .a", "unexpected ' .a'"),
        ("s1.a b", "unexpected ' b'"),
    ],
)
def test_parse_reference_rejects_malformed_paths(text: str, fragment: str) -> None:
    with pytest.raises(ReferenceResolutionError) as info:
        parse_reference(text)
    assert info.value.reference == f"${{{text}}}"
    assert fragment in info.value.reason


def test_exact_reference_keeps_its_json_type() -> None:
    assert resolve("${s1.party}", RESULTS) == 4
    assert resolve("${s1.open}", RESULTS) is True
    assert resolve("${s1.note}", RESULTS) is None
    assert resolve("${s1.venue.tags}", RESULTS) == ["a", "b"]
    assert resolve("${s2[0]}", RESULTS) == {"id": "x"}
    assert resolve("${s1.offers[1].price}", RESULTS) == "99.00"


def test_interpolated_references_become_text() -> None:
    assert resolve("Table for ${s1.party} at ${s1.venue.name}", RESULTS) == "Table for 4 at Casa"
    assert resolve("tags=${s1.venue.tags};open=${s1.open}", RESULTS) == 'tags=["a","b"];open=true'
    assert resolve("note: ${s1.note}", RESULTS) == "note: null"
    assert resolve(" ${s1.party}", RESULTS) == " 4"


def test_decimals_in_results_interpolate_as_their_text() -> None:
    results = {"s1": {"price": Decimal("1.50")}}
    assert resolve("${s1.price}", results) == Decimal("1.50")
    assert resolve("EUR ${s1.price}", results) == "EUR 1.50"


def test_resolve_walks_nested_arguments_and_leaves_other_values_alone() -> None:
    args = {
        "offer_id": "${s1.offers[0].id}",
        "party_size": 2,
        "filters": {"ids": ["${s2[0].id}", "plain"], "flag": False, "none": None},
        "pair": ("${s1.party}",),
    }
    assert resolve(args, RESULTS) == {
        "offer_id": "o1",
        "party_size": 2,
        "filters": {"ids": ["x", "plain"], "flag": False, "none": None},
        "pair": [4],
    }
    assert args["offer_id"] == "${s1.offers[0].id}", "resolve must not mutate its input"


def test_double_dollar_escapes_a_literal_reference() -> None:
    assert resolve("$${s1.party}", RESULTS) == "${s1.party}"
    assert resolve("costs $5, $$ and ${s1.party}", RESULTS) == "costs $5, $$ and 4"
    assert resolve("$$${s1.party}", RESULTS) == "$${s1.party}"
    assert find_references("$${s1.party} and $${nothing") == []
    assert parse_template("a$${b}${s1}") == ["a${b}", Reference("s1", (), "${s1}")]


def test_find_references_walks_nested_values_in_order() -> None:
    refs = find_references({"a": ["${s1.x} and ${s2[0]}", {"b": "${s3}"}], "c": 5, "d": None})
    assert [(ref.step_id, ref.path, ref.raw) for ref in refs] == [
        ("s1", ("x",), "${s1.x}"),
        ("s2", (0,), "${s2[0]}"),
        ("s3", (), "${s3}"),
    ]


def test_find_references_rejects_an_unclosed_reference() -> None:
    with pytest.raises(ReferenceResolutionError, match="never closed") as info:
        find_references({"a": "id ${s1.offers"})
    assert info.value.reference == "${s1.offers"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${s1.offers[3].id}", "${s1.offers[3].id}: s1.offers has 2 items"),
        ("${s9.id}", "${s9.id}: no result for step s9 (results exist for: s1, s2)"),
        ("${s1.venue.city}", "${s1.venue.city}: s1.venue has no field 'city' (fields: name, tags)"),
        ("${s1.offers.id}", "${s1.offers.id}: s1.offers is a list, not an object"),
        ("${s1.venue[0]}", "${s1.venue[0]}: s1.venue is an object, not a list"),
        ("${s1.party.x}", "${s1.party.x}: s1.party is a number, not an object"),
        ("${s1.note[0]}", "${s1.note[0]}: s1.note is null, not a list"),
        ("${s1.venue.name[0]}", "${s1.venue.name[0]}: s1.venue.name is a string, not a list"),
        ("x ${s1.open.y} y", "${s1.open.y}: s1.open is a boolean, not an object"),
    ],
)
def test_resolution_errors_name_the_reference_and_what_is_missing(text: str, message: str) -> None:
    with pytest.raises(ReferenceResolutionError) as info:
        resolve({"arg": text}, RESULTS)
    assert str(info.value) == message
    assert info.value.reference == message.split(": ")[0]


def test_resolution_error_is_a_model_visible_plangate_error() -> None:
    error = ReferenceResolutionError("${s1.x}", "s1 has no field 'x'")
    assert isinstance(error, PlangateError)
    assert error.model_visible is True
    assert (error.reference, error.reason) == ("${s1.x}", "s1 has no field 'x'")


def test_resolve_with_no_results_says_so() -> None:
    with pytest.raises(ReferenceResolutionError, match=r"results exist for: none yet"):
        resolve("${s1}", {})
