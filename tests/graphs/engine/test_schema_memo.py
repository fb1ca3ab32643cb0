"""``MemoizedSchema``: the same schema as pydantic's, generated once, each caller its own copy."""

from __future__ import annotations

from pydantic import BaseModel, Field

from plangate.graphs.engine.planner import PlanAnswer
from plangate.graphs.engine.schema_memo import MemoizedSchema


class Plain(BaseModel):
    name: str = Field(description="a name")
    count: int = 1


class Memo(MemoizedSchema):
    name: str = Field(description="a name")
    count: int = 1


def test_the_schema_is_pydantics_for_every_set_of_arguments() -> None:
    for kwargs in ({}, {"mode": "serialization"}, {"by_alias": False}):
        plain, memo = Plain.model_json_schema(**kwargs), Memo.model_json_schema(**kwargs)
        assert {**plain, "title": "Memo"} == memo


def test_each_caller_gets_a_copy_it_may_change() -> None:
    first = PlanAnswer.model_json_schema()
    first["properties"].clear()
    first["title"] = "changed"
    again = PlanAnswer.model_json_schema()
    assert again["title"] == "Plan"
    assert "steps" in again["properties"]
