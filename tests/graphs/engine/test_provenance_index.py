"""The results index finds exactly what asking every result in turn finds, and a run's index
is extended from one dispatch to the next, never stale."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from plangate.graphs.engine import provenance
from plangate.graphs.engine.provenance import ProvenanceTracer, _StepText, normalize

words = st.sampled_from(["rua", "augusta", "lisboa", "room", "101", "tea", "ignore", "x"])
phrases = st.lists(words, min_size=1, max_size=5).map(" ".join)
results = st.lists(
    st.one_of(
        phrases,
        st.dictionaries(st.sampled_from(["name", "note", "id"]), phrases, max_size=3),
        st.lists(phrases, max_size=3),
    ),
    max_size=8,
)


def naive(norm: str, found: dict[str, Any]) -> list[tuple[str, str]]:
    """Every result asked in turn, as provenance did before it had an index."""
    out = []
    for step_id, result in found.items():
        path = _StepText.of(result).find(norm)
        if path is not None:
            out.append((step_id, path))
    return out[:3]


def indexed(norm: str, found: dict[str, Any], run: str | None) -> list[tuple[str, str]]:
    tracer = ProvenanceTracer("", found, {}, strategy="react", run=run)
    return [(s.step_id or "", s.path or "") for s in tracer._in_results(norm)]


@settings(max_examples=150, deadline=None)
@given(results, phrases)
def test_the_index_finds_what_asking_every_result_finds(items: list[Any], literal: str) -> None:
    found = {f"s{n}": result for n, result in enumerate(items)}
    norm = normalize(literal)
    assert indexed(norm, found, None) == naive(norm, found)


@settings(max_examples=60, deadline=None)
@given(results, results, phrases)
def test_a_runs_index_grows_with_its_results_and_is_rebuilt_when_one_changes(
    first: list[Any], more: list[Any], literal: str
) -> None:
    provenance._INDEXES.clear()
    norm = normalize(literal)
    before = {f"s{n}": result for n, result in enumerate(first)}
    assert indexed(norm, before, "run") == naive(norm, before)
    grown = {**before, **{f"t{n}": result for n, result in enumerate(more)}}
    assert indexed(norm, grown, "run") == naive(norm, grown)
    if before:
        changed = {**grown, "s0": {"note": literal}}  # another object for an indexed step
        assert indexed(norm, changed, "run") == naive(norm, changed)
        if len(norm) >= provenance.MIN_EXACT:  # shorter literals are never matched
            assert indexed(norm, changed, "run")[0] == ("s0", "note")
