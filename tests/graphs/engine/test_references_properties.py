"""Property tests for references: path round-trips, resolution, and only typed errors."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.engine.references import (
    PathSegment,
    Reference,
    ReferenceResolutionError,
    find_references,
    format_path,
    parse_reference,
    parse_template,
    resolve,
)

step_ids = st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True)
fields = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
segments = st.lists(st.one_of(fields, st.integers(0, 10**6)), max_size=6)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(fields, inner, max_size=4)
    ),
    max_leaves=20,
)


def walk(document: Any, path: list[PathSegment]) -> tuple[bool, Any]:
    """The test's own lookup: (found, value)."""
    node = document
    for seg in path:
        in_list = isinstance(seg, int) and isinstance(node, list) and seg < len(node)
        in_object = isinstance(seg, str) and isinstance(node, dict) and seg in node
        if not (in_list or in_object):
            return False, None
        node = node[seg]
    return True, node


@st.composite
def document_and_valid_path(draw: st.DrawFn) -> tuple[Any, list[PathSegment]]:
    document = draw(documents)
    node, path = document, []
    while draw(st.booleans()):
        if isinstance(node, list) and node:
            index = draw(st.integers(0, len(node) - 1))
            node, path = node[index], [*path, index]
        elif isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            node, path = node[key], [*path, key]
        else:
            break
    return document, path


@given(step_ids, segments)
def test_format_then_parse_round_trips(step_id: str, path: list[PathSegment]) -> None:
    text = format_path(step_id, tuple(path))
    ref = parse_reference(text)
    assert ref == Reference(step_id, tuple(path), f"${{{text}}}")
    assert format_path(ref.step_id, ref.path) == text
    assert find_references(f"a {ref} b") == [ref]


@given(document_and_valid_path(), step_ids)
def test_resolve_returns_the_value_at_a_valid_path(
    case: tuple[Any, list[PathSegment]], step_id: str
) -> None:
    document, path = case
    found, expected = walk(document, path)
    assert found
    ref = f"${{{format_path(step_id, tuple(path))}}}"
    assert resolve(ref, {step_id: document}) == expected
    as_text = (
        expected
        if isinstance(expected, str)
        else json.dumps(expected, separators=(",", ":"), ensure_ascii=False)
    )
    assert resolve(f"<{ref}>", {step_id: document}) == f"<{as_text}>"


@given(documents, segments)
def test_any_path_resolves_or_raises_the_typed_error(
    document: Any, path: list[PathSegment]
) -> None:
    found, expected = walk(document, path)
    ref = f"${{{format_path('s1', tuple(path))}}}"
    error: ReferenceResolutionError | None = None
    try:
        value = resolve([ref], {"s1": document})
    except ReferenceResolutionError as exc:
        error = exc
    if error is None:
        assert found
        assert value == [expected]
    else:
        assert not found
        assert error.reference == ref
        assert error.reason


@given(st.text(max_size=40), documents)
def test_arbitrary_text_never_raises_anything_but_the_typed_error(text: str, document: Any) -> None:
    try:
        parts = parse_template(text)
    except ReferenceResolutionError:
        parts = None
    error: ReferenceResolutionError | None = None
    try:
        resolved = resolve(text, {"s1": document})
    except ReferenceResolutionError as exc:
        error = exc
    if error is not None:
        assert str(error).startswith(error.reference)
    else:
        assert parts is not None
        if not any(isinstance(part, Reference) for part in parts):
            assert resolved == "".join(str(part) for part in parts)


@given(st.text(alphabet="${}$.[]0s1ab_ ", max_size=30))
def test_reference_alphabet_soup_never_raises_anything_but_the_typed_error(text: str) -> None:
    error: ReferenceResolutionError | None = None
    try:
        resolve({"x": text}, {"s1": {"a": [1, {"b": 2}]}})
    except ReferenceResolutionError as exc:
        error = exc
    if error is not None:
        assert error.reason
    else:
        assert "${" not in text.replace("$${", "") or find_references(text)
