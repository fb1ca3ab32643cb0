"""What a replay saves on its way is exact: cleaning by remembered strings, schemas made once,
structured output parsed where it arrives, and traces read without walking every record for
its depth."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import BaseModel, SecretStr

from plangate.graphs.guards.pseudonyms import Pseudonyms
from plangate.graphs.guards.redaction import Redactor
from plangate.graphs.traces._align import holds_placeholder
from plangate.graphs.traces._cleaning import Cleaner
from plangate.graphs.traces.format import MAX_DEPTH, TraceFormatError, parse_trace
from plangate.graphs.traces.model_calls import BoundaryChatModel, canonical_tools
from tests.traces.agents import TRACES

SAMPLES: list[Any] = [
    "plain text, nothing to hide",
    "write to Ana.Lima@mail.example.net or call +351 912 345 678",
    "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00",
    "already a stand-in: user1@redacted.example.com",
    "Bearer abcdefghijklmnop1234 in a header",
    {"api_key": "sk-live-123456", "note": "ok", "token": "", "nested": [{"password": "x1"}]},
    {"messages": [{"role": "human", "content": "mail rui@mail.example.net"}], "n": 3},
    ("a tuple", 4.5, None, True),
    SecretStr("hunter22"),
]

REDACTORS = [
    lambda: Redactor(),
    lambda: Redactor(pii=False),
    lambda: Redactor(pseudonyms=Pseudonyms(allocate=False)),
    lambda: Redactor(pseudonyms=Pseudonyms(allocate=True)),
]


@pytest.mark.parametrize("make", REDACTORS)
def test_the_cleaner_cleans_as_the_redactor_does_however_often(make: Any) -> None:
    for _ in range(3):  # the later rounds pass remembered strings as they are
        redactor, table = make(), make()
        cleaner = Cleaner(table)
        for sample in SAMPLES:
            assert cleaner.clean(sample) == redactor.clean(sample), sample


_TEXT = st.text(alphabet=st.sampled_from("ab@.+-_ 0123456789xyz"), max_size=40)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_the_cleaner_matches_the_redactor_on_any_json(value: Any) -> None:
    for make in REDACTORS:
        for _ in range(2):  # the second time from what it remembered
            cleaner = Cleaner(make())
            cleaned = cleaner.clean(value)
            assert cleaned == make().clean(value)
            assert cleaner.held == holds_placeholder(cleaned)


def test_the_cleaner_says_when_a_value_stands_as_a_placeholder() -> None:
    text = "mail Ana.Lima@mail.example.net"
    for _ in range(2):
        cleaner = Cleaner(Redactor(pseudonyms=Pseudonyms(allocate=False)))
        cleaned = cleaner.clean({"messages": [text, "plain"]})
        assert cleaner.held
        assert holds_placeholder(cleaned)
        cleaner.clean(["plain", "user1@redacted.example.com"])
        assert not cleaner.held


class Answer(BaseModel):
    """The answer."""

    text: str


def test_a_class_bound_as_a_tool_is_converted_once_and_each_binding_gets_a_copy() -> None:
    first, second = canonical_tools([Answer])[0], canonical_tools([Answer])[0]
    assert first == second
    assert first["function"]["name"] == "Answer"
    first["function"]["parameters"]["properties"].clear()
    assert canonical_tools([Answer])[0] == second


def test_traces_are_read_alike_and_only_deep_records_are_refused() -> None:
    text = (TRACES / "shop" / "offline_order.jsonl").read_text(encoding="utf-8")
    assert parse_trace(text).records  # no committed record is walked for its depth
    header = text.splitlines()[0]
    wide = {"type": "event", "thread_id": "t1", "event": {"x": [[1]] * (MAX_DEPTH + 5)}}
    deep: Any = 1
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    deep_record = {"type": "event", "thread_id": "t1", "event": {"x": deep}}
    with pytest.raises(TraceFormatError, match="invalid event record"):
        parse_trace(header + "\n" + json.dumps(wide))  # many brackets, shallow: read on
    with pytest.raises(TraceFormatError, match="nests deeper"):
        parse_trace(header + "\n" + json.dumps(deep_record))


class _Answering(BoundaryChatModel):
    """Answers every request with one fixed message."""

    answer: AIMessage

    @property
    def _llm_type(self) -> str:
        return "answering"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.answer)])


ANSWERS = [
    AIMessage("", tool_calls=[{"name": "Answer", "args": {"text": "hi"}, "id": "c1"}]),
    AIMessage("", tool_calls=[{"name": "Answer", "args": {"text": 3}, "id": "c1"}]),
    AIMessage("no tool call at all"),
    AIMessage("", invalid_tool_calls=[{"name": "Answer", "args": "{", "id": "c1", "error": "x"}]),
]


def _seen(output: Any, include_raw: bool) -> Any:
    if not include_raw:
        return output
    raw, error = output["raw"], output["parsing_error"]
    return (raw.content, raw.tool_calls, output["parsed"], type(error), str(error))


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("schema", [Answer, canonical_tools([Answer])[0]])
@pytest.mark.parametrize("include_raw", [True, False])
async def test_structured_output_parsed_in_line_is_langchains(
    answer: AIMessage, schema: Any, include_raw: bool
) -> None:
    model = _Answering(answer=answer)
    ours = model.with_structured_output(schema, include_raw=include_raw, method="function_calling")
    theirs = BaseChatModel.with_structured_output(model, schema, include_raw=include_raw)
    try:
        expected = _seen(await theirs.ainvoke("hello"), include_raw)
    except Exception as exc:
        with pytest.raises(type(exc), match=re.escape(str(exc))):
            await ours.ainvoke("hello")
        return
    assert _seen(await ours.ainvoke("hello"), include_raw) == expected
    assert _seen(ours.invoke("hello"), include_raw) == expected
