"""Spans over the wire: the OTLP/HTTP exporter sends a run to a loopback receiver, PII redacted."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from plangate.agents import Agent
from plangate.agents.reservation.spec import SPEC
from plangate.graphs.telemetry import Telemetry
from tests.agents.reservation.sandbox_world import make_world

EMAIL = "ana.silva@example.com"
DINNER = f"Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm email me at {EMAIL}"


class Receiver(ThreadingHTTPServer):
    """An OTLP/HTTP trace receiver: keeps each decoded ``ExportTraceServiceRequest``."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[ExportTraceServiceRequest] = []
        self.paths: list[str] = []

    @property
    def endpoint(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/v1/traces"

    def spans(self) -> list[Span]:
        return [
            span
            for request in self.requests
            for resource in request.resource_spans
            for scope in resource.scope_spans
            for span in scope.spans
        ]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.server.requests.append(request)
        self.server.paths.append(self.path)
        reply = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads what arrived, not the log."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def value(attribute: AnyValue) -> Any:
    kind = attribute.WhichOneof("value")
    if kind == "array_value":
        return [value(item) for item in attribute.array_value.values]
    return getattr(attribute, kind) if kind else None


def attributes(span: Span) -> dict[str, Any]:
    return {item.key: value(item.value) for item in span.attributes}


async def test_a_run_arrives_over_otlp_http_as_its_span_tree_with_pii_redacted(
    receiver: Receiver,
) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "bookings"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=receiver.endpoint)))
    world = make_world()
    agent = Agent(SPEC, world.toolset, clock=world.clock, telemetry=Telemetry(provider))
    paused = await agent.run(DINNER, thread_id="dinner")
    done = await agent.resume(paused.thread_id, {"table": "approve"})
    assert done.status == "done", done.error
    assert provider.force_flush()  # waits until the exporter has sent every span
    provider.shutdown()

    assert set(receiver.paths) == {"/v1/traces"}
    services = {value(a.value) for q in receiver.requests for r in q.resource_spans
                for a in r.resource.attributes if a.key == "service.name"}  # fmt: skip
    assert services == {"bookings"}
    spans = receiver.spans()
    by_id = {span.span_id: span for span in spans}
    roots = [s for s in spans if not s.parent_span_id]
    assert sorted(s.name for s in roots) == ["invoke_agent reservation"] * 2
    (book,) = [s for s in spans if s.name == "execute_tool book_table"]
    wave = by_id[book.parent_span_id]
    assert wave.name == "plangate.wave"
    assert by_id[wave.parent_span_id].name == "invoke_agent reservation"
    assert attributes(book)["plangate.idempotency_key"] == done.steps["table"]["key"]
    assert attributes(book)["plangate.effect"] == "write"
    assert attributes(book)["gen_ai.tool.call.id"] == "table"
    (resumed,) = [s for s in roots if attributes(s)["plangate.resumed"]]
    (link,) = resumed.links
    assert by_id[link.span_id].name == "invoke_agent reservation"
    # The request's address arrived as a stand-in, and nowhere as itself.
    request = attributes(resumed)["plangate.request"]
    assert "@redacted.example.com" in request
    assert all(EMAIL not in sent.SerializeToString().decode("latin-1")
               for sent in receiver.requests)  # fmt: skip
