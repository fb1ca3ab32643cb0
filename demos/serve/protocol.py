"""The bodies of the HTTP API's requests and errors (its responses are ``runs``' models).

Shaped after LangChain's Agent Protocol, with its field names: a run names its agent
(``agent_id``), may carry ``metadata``, and has either an ``input`` (a new request) or a
``command`` resuming an interrupt with one decision per pending call id
(``plangate.graphs.engine.approvals``). Every body forbids unknown fields, so a typo is a 422
naming the field rather than a silently ignored option.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plangate.demos.serve.runs import ThreadStatus

MAX_REQUEST_CHARS = 4000
"""The longest request a run accepts."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThreadCreate(_Body):
    """``POST /threads``: an id of your own (letters, digits, '-', '_'), or a fresh one."""

    thread_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    metadata: dict[str, Any] = Field(default_factory=dict)


class ThreadSearch(_Body):
    """``POST /threads/search``: every filter given must match; oldest first."""

    status: ThreadStatus | None = None
    agent_id: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=20, ge=1, le=100, strict=True)
    offset: int = Field(default=0, ge=0, strict=True)


class RunInput(_Body):
    """What a new run is asked."""

    request: str = Field(min_length=1, max_length=MAX_REQUEST_CHARS)


class RunCommand(_Body):
    """Resume the thread's interrupt: ``{pending id: "approve" | {"action": ...}}``."""

    resume: dict[str, Any]


class RunCreate(_Body):
    """``POST /threads/{id}/runs``: exactly one of ``input`` (start) or ``command`` (resume).

    ``agent_id`` is needed to start a thread; a resume runs the thread's own agent. The run
    keeps ``metadata`` (the client's own data, e.g. who asked) and shows it back.
    """

    agent_id: str | None = Field(default=None, max_length=200)
    input: RunInput | None = None
    command: RunCommand | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.input is None) == (self.command is None):
            raise ValueError("give exactly one of input (a new request) or command (a resume)")
        if self.input is not None and self.agent_id is None:
            raise ValueError("a new run needs agent_id (GET /agents lists them)")
        return self


class AgentInfo(_Body):
    """An agent served."""

    agent_id: str
    name: str
    description: str


class ErrorBody(_Body):
    """Every 4xx and 5xx: a short code and a sentence saying what was wrong."""

    error: Literal[
        "invalid_request",
        "unauthorized",
        "not_found",
        "method_not_allowed",
        "conflict",
        "too_large",
        "internal",
    ]
    detail: str
