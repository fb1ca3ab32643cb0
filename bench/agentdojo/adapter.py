"""AgentDojo's functions as plangate tools, run against a suite's environment for real.

Each AgentDojo ``Function`` (a name, a docstring, a pydantic parameters model and the
environment parts it depends on) becomes a plangate ``Tool`` with the same name, arguments
model and description, the effect of the reviewed table (``bench.agentdojo.effects``) and, when
``defended``, that table's sink policies. Calling the tool runs the function through AgentDojo's
own ``FunctionsRuntime.run_function`` on the environment the ``Workbench`` holds, so the
environment's state changes exactly as under AgentDojo's pipelines, and ``utility()`` and
``security()`` grade it afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentdojo.functions_runtime import Function, FunctionsRuntime, TaskEnvironment
from agentdojo.task_suite.task_suite import TaskSuite
from pydantic import BaseModel, TypeAdapter

from bench.agentdojo.effects import check_tables, effect_of, sinks_of
from plangate.tools.base import Tool, ToolContext
from plangate.tools.errors import ToolRefusedError
from plangate.tools.registry import Toolset

_JSON: TypeAdapter[Any] = TypeAdapter(Any)


@dataclass
class Workbench:
    """The environment the tools act on, swapped for each case (cases run one at a time).

    Attributes:
        runtime: AgentDojo's runtime over the suite's functions.
        env: the current case's environment; the tools change it in place.
        calls: every call made on this environment, in order: (function, arguments).
    """

    runtime: FunctionsRuntime
    env: TaskEnvironment | None = None
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def reset(self, env: TaskEnvironment) -> None:
        """Start a case on ``env``."""
        self.env = env
        self.calls = []


def as_json(result: Any) -> Any:
    """A function's result as JSON data (models, dates and lists of them included)."""
    return _JSON.dump_python(result, mode="json")


def adapt(suite_name: str, function: Function[Any, Any], *, defended: bool) -> Tool[Workbench]:
    """``function`` as a plangate tool of ``suite_name``'s tables (sinks only when ``defended``)."""
    name = function.name

    async def call(args: BaseModel, ctx: ToolContext[Workbench]) -> Any:
        bench = ctx.deps
        kwargs = args.model_dump()
        bench.calls.append((name, kwargs))
        # Synchronous and awaiting nothing: a call changes the environment in one piece, in the
        # order the engine starts the calls, as AgentDojo's own pipelines run them.
        result, error = bench.runtime.run_function(bench.env, name, kwargs)
        if error is not None:
            # AgentDojo hands a function's error to the model as text ("File with ID '11' not
            # found"): a refusal the model reads and works around, not a broken service.
            raise ToolRefusedError(f"{name}: {error}", tool=name, reason="agentdojo_error")
        return as_json(result)

    description = (function.description or "").strip() or f"AgentDojo function {name}."
    return Tool(
        name=name,
        description=description,
        args_model=function.parameters,
        result_type=Any,
        fn=call,
        effect="write" if effect_of(suite_name, name) == "write" else "read",
        takes_ctx=True,
        call_style="model",
        sinks=sinks_of(suite_name, name) if defended else None,
        conflict_key=_call_key,
    )


def _call_key(args: BaseModel) -> str:
    """Each distinct call is its own resource: the environment is one in-process object that
    a call changes in one piece, so writes of one tool need not wait for each other's wave."""
    return repr(sorted(args.model_dump(mode="json").items()))


def suite_toolset(suite: TaskSuite[Any], *, defended: bool) -> tuple[Toolset, Workbench]:
    """Every function of ``suite`` as a tool, bound to one ``Workbench`` the cases share.

    Raises:
        ValueError: the effect tables do not match the suite's functions.
    """
    check_tables(suite.name, (f.name for f in suite.tools))
    bench = Workbench(FunctionsRuntime(suite.tools))
    tools = [adapt(suite.name, function, defended=defended) for function in suite.tools]
    return Toolset(tools, deps=bench), bench
