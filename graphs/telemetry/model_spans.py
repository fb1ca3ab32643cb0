"""A model call as a GenAI ``chat`` span: model, provider, parameters, tokens, cost.

The span follows the GenAI semantic conventions for inference (name ``chat {model}``,
``gen_ai.operation.name = chat``, ``gen_ai.usage.input_tokens`` / ``output_tokens``, finish
reasons) and adds what plangate knows besides: the node that made the call and its cost in USD
from the run's price table (``plangate.graphs.engine.prices``; ``0`` for a model with no price).
It is made once the call has ended, with the times the callbacks saw, under its phase's span.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentelemetry.context import Context
from opentelemetry.trace import Status, StatusCode, Tracer

from plangate.graphs.engine.prices import Price, price_of
from plangate.graphs.telemetry import conventions as c
from plangate.graphs.telemetry.watch import ModelCall


def cost_of(call: ModelCall, prices: Mapping[str, Price]) -> float:
    """What ``call`` cost in USD by ``prices`` (``0.0`` when its model has no price)."""
    price = price_of(call.response_model or call.model, prices)
    if price is None:
        return 0.0
    return (call.input_tokens * price.input + call.output_tokens * price.output) / 1_000_000


def add_model_span(
    tracer: Tracer, call: ModelCall, context: Context, prices: Mapping[str, Price]
) -> None:
    """Add ``call``'s span under ``context``."""
    attributes: dict[str, Any] = {
        c.OPERATION_NAME: c.CHAT, c.NODE: call.node,
        c.USAGE_INPUT_TOKENS: call.input_tokens, c.USAGE_OUTPUT_TOKENS: call.output_tokens,
        c.COST: cost_of(call, prices),
    }  # fmt: skip
    optional = {
        c.REQUEST_MODEL: call.model, c.PROVIDER_NAME: call.provider,
        c.RESPONSE_MODEL: call.response_model, c.RESPONSE_ID: call.response_id,
        c.REQUEST_TEMPERATURE: call.params.get("temperature"),
        c.REQUEST_MAX_TOKENS: _whole(call.params.get("max_tokens")),
    }  # fmt: skip
    attributes.update({key: value for key, value in optional.items() if value not in (None, "")})
    if call.finish_reasons:
        attributes[c.RESPONSE_FINISH_REASONS] = list(call.finish_reasons)
    name = f"{c.CHAT} {call.model}" if call.model else c.CHAT
    span = tracer.start_span(name, context=context, start_time=call.start, attributes=attributes)
    if call.error:
        span.set_attribute(c.ERROR_TYPE, call.error)
        span.set_status(Status(StatusCode.ERROR, call.error))
    span.end(end_time=call.end)


def _whole(value: float | None) -> int | None:
    return int(value) if value is not None else None
