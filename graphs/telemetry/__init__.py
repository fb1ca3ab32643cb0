"""OpenTelemetry spans for runs, plans, waves, tool calls, model calls, verdicts and approvals.

An optional extra (``pip install 'plangate[otel]'``): importing plangate never imports
OpenTelemetry, and with the extra missing or no tracer provider configured a run costs what it
did. Spans follow the GenAI semantic conventions (``conventions``); ``run_spans`` draws the tree.

- ``Telemetry``: pass it to ``Agent(..., telemetry=Telemetry())``, or build an engine with
  ``Telemetry().engine(runtime)``
- ``TracedEngine``
"""

from plangate.graphs.telemetry.telemetry import Telemetry
from plangate.graphs.telemetry.traced_engine import TracedEngine

__all__ = ["Telemetry", "TracedEngine"]
