"""The ``plangate`` command line: ``app`` is the typer application, ``main`` runs it.

``commands`` holds the commands (run, resume, demo, graph, tools, sandbox), ``trace_commands``
the trace ones (replay, trace show); ``runner`` drives a run with live progress,
``render`` draws events and answers, ``session`` keeps the ``.plangate/`` state.
"""

from plangate.demos.cli.commands import app, main

__all__ = ["app", "main"]
