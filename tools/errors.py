"""The one error tree of plangate.

```
PlangateError
├── UsageError                a developer mistake: bad tool signature, duplicate tool name
├── ToolError                 a tool call did not produce a result (carries the tool name)
│   ├── ToolArgsError         arguments failed validation              (model-visible)
│   ├── ToolRefusedError      a business rule refused the call          (model-visible)
│   ├── ToolTimeoutError      the call exceeded its timeout
│   ├── WriteInProgressError  another worker holds this write's idempotency key
│   └── BackendError          the backend failed (service, status)
│       ├── RateLimitedError        429, with the server's Retry-After
│       ├── MalformedResponseError  the reply did not match its model
│       └── OutcomeUnknownError     a write was sent but its outcome is unknown
├── (graphs) ReferenceResolutionError, ConditionSyntaxError, ConditionEvaluationError,
│            PlanValidationError, PlanningError     model-visible plan problems
├── GuardrailBlockedError     a verdict stopped the run (carries the verdict)
├── OutputValidationError     the model's output failed validation after the budget ran out
├── BudgetExceededError       steps / calls / tokens / cost / time
└── ReplayMismatchError       a replayed request differs from the recording (carries the diff)
```

Errors a model should see (``model_visible``) are turned into data by the engine — a message
that says what to change — instead of ending the run. Everything else is raised to the
developer. Foreign exceptions (httpx, pydantic, sqlite) are translated where they cross into
plangate, with ``raise X(...) from exc``.

``GuardrailBlockedError`` is spelled with the ``Error`` suffix every exception here carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class PlangateError(Exception):
    """Root of every error plangate raises on purpose."""

    model_visible: bool = False
    """True when the message is meant for the model, which can fix the call and try again."""


class UsageError(PlangateError):
    """A developer mistake: a bad tool declaration, a duplicate name, a wrong argument."""


class ToolError(PlangateError):
    """A tool call did not produce a result.

    Attributes:
        tool: name of the tool that failed ("" when not known at the raise site).
        retryable: whether repeating the same call may succeed (transient failures).
        attempts: how many attempts were made before this error was raised: more than 1 when
            a layer below already retried (``HttpBackend``), so a layer above does not retry it
            again and multiply the waiting.
    """

    retryable: bool = False
    attempts: int = 1

    def __init__(self, message: str, *, tool: str = "") -> None:
        super().__init__(message)
        self.tool: str = tool

    @property
    def message(self) -> str:
        """The human- and model-readable message."""
        return str(self.args[0]) if self.args else ""


class ToolArgsError(ToolError):
    """Arguments failed validation; ``errors`` lists each problem as ``(location, message)``.

    Attributes:
        errors: one ``(dotted location, message)`` pair per problem.
    """

    model_visible = True

    def __init__(
        self, message: str, *, tool: str = "", errors: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__(message, tool=tool)
        self.errors: tuple[tuple[str, str], ...] = tuple(errors)


class ToolRefusedError(ToolError):
    """A business rule refused the call (sold out, past date, unknown ticker...).

    Attributes:
        reason: machine-readable reason code, e.g. ``"sold_out"``.
        hint: what the caller should change to succeed.
    """

    model_visible = True

    def __init__(
        self, message: str, *, tool: str = "", reason: str = "refused", hint: str = ""
    ) -> None:
        super().__init__(message, tool=tool)
        self.reason: str = reason
        self.hint: str = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        # The message and the hint are two sentences: "... does not list it. Listed symbols: ..."
        stop = "" if self.message.rstrip().endswith((".", "!", "?", ":", ";")) else "."
        return f"{self.message.rstrip()}{stop} {self.hint}".strip()


class ToolTimeoutError(ToolError):
    """The call took longer than its timeout.

    Attributes:
        timeout: the limit that was exceeded, in seconds.
    """

    retryable = True

    def __init__(self, message: str, *, tool: str = "", timeout: float = 0.0) -> None:
        super().__init__(message, tool=tool)
        self.timeout: float = timeout


class WriteInProgressError(ToolError):
    """Another worker is executing the write with this idempotency key right now.

    Attributes:
        key: the idempotency key that is held.
    """

    retryable = True

    def __init__(self, message: str, *, tool: str = "", key: str = "") -> None:
        super().__init__(message, tool=tool)
        self.key: str = key


class BackendError(ToolError):
    """The service behind a tool failed.

    Attributes:
        service: the backend's name, e.g. ``"flights"``.
        status: the HTTP status (or the sandbox's equivalent); ``None`` for transport failures.
    """

    def __init__(
        self,
        message: str,
        *,
        service: str,
        status: int | None = None,
        tool: str = "",
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message, tool=tool)
        self.service: str = service
        self.status: int | None = status
        self.retryable = (
            retryable if retryable is not None else status is None or status in (502, 503, 504)
        )


class RateLimitedError(BackendError):
    """HTTP 429: the backend asks us to slow down.

    Attributes:
        retry_after: seconds the server asked us to wait, when it said.
    """

    def __init__(
        self, message: str, *, service: str, retry_after: float | None = None, tool: str = ""
    ) -> None:
        super().__init__(message, service=service, status=429, tool=tool, retryable=True)
        self.retry_after: float | None = retry_after


class MalformedResponseError(BackendError):
    """The backend's reply could not be parsed into its model.

    Attributes:
        body: the start of the offending body, for diagnosis.
    """

    def __init__(
        self,
        message: str,
        *,
        service: str,
        status: int | None = None,
        body: str = "",
        tool: str = "",
    ) -> None:
        super().__init__(message, service=service, status=status, tool=tool, retryable=False)
        self.body: str = body[:500]


class OutcomeUnknownError(BackendError):
    """A write was sent, but whether it took effect is unknown (timeout, reply lost).

    Never re-send such a write blindly: reconcile it by asking the backend by idempotency key.

    Attributes:
        key: the write's idempotency key, when it had one.
    """

    def __init__(self, message: str, *, service: str, key: str = "", tool: str = "") -> None:
        super().__init__(message, service=service, status=None, tool=tool, retryable=False)
        self.key: str = key


class GuardrailBlockedError(PlangateError):
    """A guardrail verdict stopped the run.

    Attributes:
        verdict: the verdict that blocked (a ``plangate.graphs.guards.guardrails.Verdict``; typed
        loosely here
            because ``tools`` does not import ``graphs``).
    """

    def __init__(self, message: str, *, verdict: Any) -> None:
        super().__init__(message)
        self.verdict: Any = verdict


class OutputValidationError(PlangateError):
    """The model's output still failed validation when the retry budget ran out.

    Attributes:
        errors: the last validation errors, as ``(location, message)`` pairs.
    """

    def __init__(self, message: str, *, errors: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.errors: tuple[tuple[str, str], ...] = tuple(errors)


class BudgetExceededError(PlangateError):
    """A run exhausted one of its budgets.

    Attributes:
        budget: which budget, e.g. ``"tool_calls"``, ``"wall_clock"``.
        limit: the configured limit.
        used: what had been used when the limit was hit.
    """

    def __init__(self, message: str, *, budget: str, limit: float, used: float) -> None:
        super().__init__(message)
        self.budget: str = budget
        self.limit: float = limit
        self.used: float = used


class ReplayMismatchError(PlangateError):
    """A replayed request differs from the recording.

    Attributes:
        diff: a unified diff between the request made and the nearest recorded one.
    """

    def __init__(self, message: str, *, diff: str = "") -> None:
        super().__init__(f"{message}\n{diff}" if diff else message)
        self.diff: str = diff
