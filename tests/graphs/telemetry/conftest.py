"""Fixtures of the telemetry tests: an SDK tracer provider exporting to memory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class Spans:
    """The spans a provider finished, with the tree's parent links as lookups."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))

    @property
    def all(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def roots(self) -> list[ReadableSpan]:
        return sorted((s for s in self.all if s.parent is None), key=lambda s: s.start_time or 0)

    def children(self, span: ReadableSpan) -> list[ReadableSpan]:
        assert span.context is not None
        kids = [s for s in self.all if s.parent is not None
                and s.parent.span_id == span.context.span_id]  # fmt: skip
        return sorted(kids, key=lambda s: (s.start_time or 0, s.name))

    def named(self, name: str) -> list[ReadableSpan]:
        return [s for s in self.all if s.name == name]


@pytest.fixture
def spans() -> Iterator[Spans]:
    found = Spans()
    yield found
    found.provider.shutdown()
