"""Properties of value labels: a copied value is always traced to its result, never trusted,
and only a trusted result can make a value trusted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.provenance import ProvenanceTracer, number_key
from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, Source
from plangate.graphs.guards.result_labels import (
    compact_provenance,
    expand_provenance,
    trust_results,
)

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)
SECRET = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=8, max_size=30)


def copied(value: object, mail: str) -> CallProvenance:
    """The labels of a write, made in a re-plan, whose ``value`` argument holds ``value``."""
    results = {"m": [{"body": mail}]}
    step = Step(id="p", tool="pay", args={"value": value})
    plan = Plan(steps=[Step(id="m", tool="read_mail", args={}), step])
    tracer = ProvenanceTracer("pay my rent", results, {"m": "read_mail"}, round_=1)
    return tracer.trace(plan, step, {"value": value})


@given(before=st.lists(WORDS, max_size=6), after=st.lists(WORDS, max_size=6), secret=SECRET)
def test_a_value_copied_out_of_any_text_is_traced_to_that_result(
    before: list[str], after: list[str], secret: str
) -> None:
    mail = " ".join([*before, secret, *after])
    label = copied(secret, mail).label("value")
    assert label is not None
    assert label.trusted is False
    assert [(s.kind, s.step_id, s.path) for s in label.sources] == [("step", "m", "[0].body")]


@given(
    amount=st.integers(min_value=10, max_value=10**9),
    cents=st.sampled_from(["", ".00", ".0"]),
    grouped=st.booleans(),
    words=st.lists(WORDS, max_size=4),
)
def test_an_amount_copied_out_of_a_text_is_traced_however_it_was_written(
    amount: int, cents: str, grouped: bool, words: list[str]
) -> None:
    written = (f"{amount:,}" if grouped else str(amount)) + cents
    assert number_key(written) == number_key(amount)
    label = copied(amount, " ".join([*words, "send", written, "EUR", *words])).label("value")
    assert label is not None
    assert label.trusted is False
    assert label.sources[0].step_id == "m"


KINDS = st.sampled_from(["request", "step", "model", "default", "person"])
STEPS = st.sampled_from(["a", "b", "c"])


@st.composite
def provenances(draw: st.DrawFn) -> CallProvenance:
    control = draw(st.booleans())
    labels = []
    for i in range(draw(st.integers(min_value=0, max_value=4))):
        sources = tuple(
            Source(
                kind=kind, step_id=draw(STEPS), tool=draw(st.sampled_from(["read", None])),
                path=draw(st.sampled_from(["", "[0].body", "a.b"])), matched=draw(st.booleans()),
            )
            if kind == "step"
            else Source(kind=kind)
            for kind in draw(st.lists(KINDS, min_size=1, max_size=3))
        )  # fmt: skip
        trusted = all(
            s.kind in ("request", "default", "person") or (s.kind == "model" and control)
            for s in sources
        )
        labels.append(ArgumentLabel(path=f"arg{i}", sources=sources, trusted=trusted))
    return CallProvenance(trusted_control=control, arguments=tuple(labels))


@given(provenance=provenances(), trusted=st.frozensets(STEPS))
def test_only_values_wholly_from_trusted_results_become_trusted(
    provenance: CallProvenance, trusted: frozenset[str]
) -> None:
    out = trust_results(provenance, trusted)
    assert out.trusted_control == provenance.trusted_control
    for before, after in zip(provenance.arguments, out.arguments, strict=True):
        assert after.sources == before.sources
        if before.trusted:
            assert after.trusted, "a trusted value lost its trust"
        untrusted_steps = {s.step_id for s in before.sources if s.kind == "step"} - trusted
        if untrusted_steps:
            assert not after.trusted, "a value from an untrusted result became trusted"


@given(provenance=provenances())
def test_the_compact_form_a_record_keeps_reads_back_the_same(provenance: CallProvenance) -> None:
    assert expand_provenance(compact_provenance(provenance)) == provenance
    assert expand_provenance(provenance.to_payload()) == provenance  # an approval's full form
