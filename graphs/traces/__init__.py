"""Traces: record runs at the model and tool boundary, replay them with no model or backend.

Built on the engine. ``format`` is the versioned JSONL; ``recording`` writes it
(``Agent.record``); ``replay`` feeds it back and reports a loud diff on drift; ``openai_import``
turns an OpenAI chat log into a trace; ``pytest_plugin`` replays traces in a test suite.

- ``Trace``, ``read_trace``, ``TraceFormatError``
- ``Recorder``
- ``replay``, ``replay_sync``, ``ReplayReport``
- ``import_openai``, ``OpenAIImportError``
"""

from plangate.graphs.traces.format import Trace, TraceFormatError, read_trace
from plangate.graphs.traces.openai_import import OpenAIImportError, import_openai
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import ReplayReport, replay, replay_sync

__all__ = [
    "OpenAIImportError",
    "Recorder",
    "ReplayReport",
    "Trace",
    "TraceFormatError",
    "import_openai",
    "read_trace",
    "replay",
    "replay_sync",
]
