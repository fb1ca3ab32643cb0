"""ProvenanceTracer: references at field level, request and result matching, bounds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.provenance import MAX_LEAVES, ProvenanceTracer, normalize, with_edits
from plangate.graphs.guards.labels import CallProvenance

RESULTS = {
    "s1": {
        "data": [
            {
                "id": "lis-007",
                "name": "Casa Azul",
                "guide": "Ask for the courtyard table by the fig tree",
            },
        ],
        "count": 1,
    }
}


def trace(
    args: dict[str, Any],
    raw: dict[str, Any] | None = None,
    *,
    request: str = "Dinner for 4 in Lisbon",
    round_: int = 1,
    strategy: str = "plan",
    step_id: str = "s2",
) -> CallProvenance:
    step = Step(id=step_id, tool="book_table", args=raw if raw is not None else args)
    first = Step(id="s1" if strategy == "plan" else "t1_1", tool="search", args={})
    plan = Plan(steps=[first, step])
    tracer = ProvenanceTracer(request, RESULTS, {"s1": "search"}, strategy=strategy, round_=round_)
    return tracer.trace(plan, step, args)


def kinds(provenance: CallProvenance, path: str) -> list[tuple[str, str | None, str]]:
    label = provenance.label(path)
    assert label is not None, f"no label for {path}"
    return [(s.kind, s.step_id, s.path) for s in label.sources]


def test_normalize_folds_case_width_zero_width_and_spaces() -> None:
    assert normalize("  ＣＡＳＡ\u200b  Azul\n") == "casa azul"


def test_a_string_contained_in_a_result_string_is_found_with_its_path() -> None:
    found = trace({"note": "THE COURTYARD TABLE BY THE FIG"})
    assert kinds(found, "note") == [("step", "s1", "data[0].guide")]
    assert found.label("note").sources[0].matched  # type: ignore[union-attr]


def test_a_string_that_contains_a_result_string_is_found() -> None:
    found = trace({"note": "Please: ask for the courtyard table by the fig tree, thanks"})
    assert kinds(found, "note") == [("step", "s1", "data[0].guide")]


def test_short_strings_match_only_whole_results_not_pieces() -> None:
    found = trace({"code": "fig", "name": "casa azul"})
    assert kinds(found, "code") == [("model", None, "")]  # 'fig' is only part of a string
    assert kinds(found, "name") == [("step", "s1", "data[0].name")]


def test_the_request_wins_over_a_result_and_numbers_match_whole_words() -> None:
    found = trace({"city": "lisbon", "party_size": 4, "count": 1, "other": 40})
    assert kinds(found, "city") == [("request", None, "")]
    assert kinds(found, "party_size") == [("request", None, "")]
    assert kinds(found, "other") == [("model", None, "")]  # 40 is not the 4 of the request
    assert not found.label("other").trusted  # type: ignore[union-attr]  # chosen after results


def test_under_trusted_control_literals_are_never_matched_to_results() -> None:
    found = trace({"venue_id": "lis-007"}, round_=0)
    assert kinds(found, "venue_id") == [("model", None, "")]
    assert found.is_trusted


def test_react_turns_after_the_first_are_untrusted_control() -> None:
    assert trace({"x": 1}, strategy="react", step_id="t1_2").trusted_control
    later = trace({"venue_id": "lis-007"}, strategy="react", step_id="t2_1")
    assert not later.trusted_control
    assert kinds(later, "venue_id") == [("step", "s1", "data[0].id")]


def test_escaped_dollars_and_plain_text_are_literals() -> None:
    found = trace({"note": "${s1.count}"}, {"note": "$${s1.count}"}, round_=0)
    assert kinds(found, "note") == [("model", None, "")]


def test_huge_arguments_are_labelled_within_bounds() -> None:
    args = {"items": [{"name": f"n{i}"} for i in range(5000)]}
    found = trace(args)
    assert 0 < len(found.arguments) <= MAX_LEAVES + 1


def test_edits_mark_changed_arguments_as_a_persons() -> None:
    before = trace({"venue_id": "lis-007", "party_size": 4})
    after = with_edits(before, {"venue_id": "x", "party_size": 4}, {"venue_id": "x"})
    assert after is not None
    assert kinds(after, "venue_id") == [("person", None, "")]
    assert kinds(after, "party_size") == [("request", None, "")]
    assert with_edits(None, {}, {}) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(args=st.dictionaries(st.text(min_size=1, max_size=6), JSON, max_size=5), request=st.text())
def test_any_arguments_get_a_label_per_leaf_and_a_payload_that_loads(
    args: dict[str, Any], request: str
) -> None:
    found = trace(args, request=request)
    loaded = CallProvenance.from_payload({"provenance": found.to_payload()})
    assert loaded == found
    for label in found.arguments:
        assert label.sources
        assert label.trusted == all(
            s.kind in ("request", "default", "person") for s in label.sources
        )


def test_a_long_result_is_still_searched_item_by_item() -> None:
    padded = {"s1": [{"id": f"pad-{i}"} for i in range(3000)] + [{"id": "the-one-we-want"}]}
    step = Step(id="s2", tool="book_table", args={"venue_id": "the-one-we-want"})
    plan = Plan(steps=[Step(id="s1", tool="search", args={}), step])
    tracer = ProvenanceTracer("book it", padded, {"s1": "search"}, round_=1)
    found = tracer.trace(plan, step, {"venue_id": "the-one-we-want"})
    assert kinds(found, "venue_id") == [("step", "s1", "[3000].id")]


def test_odd_numbers_never_break_the_tracer() -> None:
    found = trace({"big": 10**400, "inf": float("inf"), "nan": float("nan"), "four": 4.0})
    assert kinds(found, "four") == [("request", None, "")]
    assert kinds(found, "big") == [("model", None, "")]
