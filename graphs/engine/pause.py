"""A pause for a person inside a LangGraph graph that plangate did not build.

plangate's guards also run as middleware of other agents (``plangate.agents.middleware``), and an
approval there is the same LangGraph ``interrupt`` the engine's own dispatch uses. Only ``graphs``
imports langgraph, so the pause lives here and the middleware calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph.types import interrupt


def pause_for_person(payload: Mapping[str, Any]) -> Any:
    """Pause the running graph with ``payload`` and return the person's answer on resume.

    The first time this runs, LangGraph raises its interrupt (the run stops, checkpointed);
    when the run is resumed with ``Command(resume=answer)`` the node runs again from its start
    and this call returns ``answer``. Whatever runs before it in the node must therefore be
    free of side effects.

    Args:
        payload: what the person is shown; JSON data.
    """
    return interrupt(dict(payload))
