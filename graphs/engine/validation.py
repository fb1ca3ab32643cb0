"""Plan validation: every problem of a plan, as data a model can act on.

``validate_plan`` checks a plan before anything runs and returns ``PlanIssue``s rather than
raising at the first problem, so a planner can fix them all in one repair round. Checks:

- the plan has at most ``limits.max_steps`` steps (``too_many_steps``) and, when set, no
  dependency chain longer than ``limits.max_depth`` (``too_deep``);
- step ids are unique (``duplicate_id``);
- ``depends_on`` entries and ``${...}`` references and expressions in args and condition name
  existing steps (``unknown_step``), never the step itself (``self_dependency``), and are well
  formed (``bad_reference``, ``bad_condition``; an expression's syntax, functions and their
  number of arguments are checked here, before anything runs);
- the dependencies are acyclic (``cycle``, with its path ``s1 → s2 → s1``);
- every tool exists (``unknown_tool``) and is allowed (``tool_not_allowed``);
- args validate against the tool's args model (``invalid_args``). A top-level argument holding a
  reference, exactly or inside text, cannot be checked before its value exists: errors located
  in it are left to the engine, which validates the resolved arguments again.

A condition's references are implicit dependencies (see ``plangate.graphs.engine.plan``), so a
condition always tests results that exist when the step is ready.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from plangate.graphs.engine.conditions import ConditionSyntaxError, parse_condition
from plangate.graphs.engine.plan import DEFAULT_LIMITS, Plan, PlanLimits, Step
from plangate.graphs.engine.references import ReferenceResolutionError, find_references
from plangate.tools.base import Tool
from plangate.tools.errors import PlangateError, ToolArgsError
from plangate.tools.registry import Toolset

IssueCode = Literal[
    "too_many_steps", "too_deep", "duplicate_id", "unknown_step", "self_dependency", "cycle",
    "unknown_tool", "tool_not_allowed", "invalid_args", "bad_reference", "bad_condition",
]  # fmt: skip


class PlanIssue(BaseModel):
    """One problem with a plan."""

    model_config = ConfigDict(frozen=True)

    step_id: str | None = Field(description="The step at fault; None for the whole plan.")
    field: str | None = Field(description="Where in the step, e.g. 'args.party_size'.")
    code: IssueCode = Field(description="What kind of problem, e.g. 'unknown_tool'.")
    message: str = Field(description="What is wrong and what would be valid.")


class PlanValidationError(PlangateError):
    """A plan failed validation.

    Attributes:
        issues: every problem found, in the order ``validate_plan`` reports them.
    """

    model_visible = True

    def __init__(self, issues: Sequence[PlanIssue]) -> None:
        super().__init__(f"the plan has {len(issues)} issue(s):\n{format_issues(issues)}")
        self.issues: tuple[PlanIssue, ...] = tuple(issues)


def format_issues(issues: Sequence[PlanIssue]) -> str:
    """The issues as a numbered list, one per line, for a model to read."""
    return "\n".join(f"{number}. {issue.message}" for number, issue in enumerate(issues, 1))


def _issue(code: IssueCode, step_id: str | None, field: str | None, text: str) -> PlanIssue:
    where = ", ".join(part for part in (f"step {step_id}" if step_id else "", field or "") if part)
    return PlanIssue(
        step_id=step_id, field=field, code=code, message=f"{where}: {text}" if where else text
    )


def validate_plan(
    plan: Plan,
    toolset: Toolset,
    *,
    allowed: Collection[str] | None = None,
    limits: PlanLimits = DEFAULT_LIMITS,
) -> list[PlanIssue]:
    """Every problem with ``plan``; an empty list means it may run.

    Args:
        plan: the plan to check.
        toolset: the tools that exist.
        allowed: names of the tools this agent may call; ``None`` allows the whole toolset.
        limits: size bounds.
    """
    issues: list[PlanIssue] = []
    if len(plan.steps) > limits.max_steps:
        text = f"the plan has {len(plan.steps)} steps; at most {limits.max_steps} are allowed"
        issues.append(_issue("too_many_steps", None, "steps", text))
    ids = [step.id for step in plan.steps]
    for index, step in enumerate(plan.steps):
        if step.id in ids[:index]:
            text = f"id {step.id!r} is used by another step already; give every step its own id"
            issues.append(_issue("duplicate_id", step.id, "id", text))
        issues.extend(_check_links(step, ids))
        issues.extend(_check_tool(step, toolset, allowed))
    issues.extend(_cycles(plan))
    # Depth is only defined for a DAG; a cycle is reported already.
    if limits.max_depth is not None and not {"cycle", "self_dependency"} & {i.code for i in issues}:
        depth = plan.depth()
        if depth > limits.max_depth:
            text = (
                f"the longest chain of dependent steps has {depth} steps; at most "
                f"{limits.max_depth} are allowed: let steps that do not need each other's "
                "results run side by side"
            )
            issues.append(_issue("too_deep", None, "steps", text))
    return issues


def _check_links(step: Step, ids: Sequence[str]) -> Iterator[PlanIssue]:
    """``depends_on``, references and the condition of ``step``."""
    links: list[tuple[str, str]] = [("depends_on", dep) for dep in step.depends_on]
    for key, value in step.args.items():
        try:
            links.extend((f"args.{key}", ref.step_id) for ref in find_references(value))
        except ReferenceResolutionError as exc:
            text = (
                f"{exc} (references look like ${{s1.field}} or ${{s1[0].field}}; expressions "
                "like ${s1.items[name == 'x'][0].id} or ${floor(s1.qty / 2)})"
            )
            yield _issue("bad_reference", step.id, f"args.{key}", text)
    if step.condition is not None:
        try:
            condition = parse_condition(step.condition)
        except ConditionSyntaxError as exc:
            yield _issue("bad_condition", step.id, "condition", str(exc))
        else:
            links.extend(("condition", ref.step_id) for ref in condition.references)
    known = ", ".join(dict.fromkeys(ids))
    for field, target in dict.fromkeys(links):
        if target == step.id:
            text = f"the step depends on itself ({target}); it can only use earlier results"
            yield _issue("self_dependency", step.id, field, text)
        elif target not in ids:
            text = f"there is no step {target!r}; steps are: {known}"
            yield _issue("unknown_step", step.id, field, text)


def _check_tool(step: Step, toolset: Toolset, allowed: Collection[str] | None) -> list[PlanIssue]:
    """The tool exists, is allowed, and accepts the arguments that are known before running."""
    usable = [name for name in toolset.names if allowed is None or name in allowed]
    if step.tool not in toolset or step.tool not in usable:
        code: IssueCode = "unknown_tool" if step.tool not in toolset else "tool_not_allowed"
        what = "there is no tool" if code == "unknown_tool" else "this agent may not use tool"
        text = f"{what} {step.tool!r}; available tools: {', '.join(usable) or '(none)'}"
        return [_issue(code, step.id, "tool", text)]
    tool = toolset.get(step.tool)
    try:
        tool.validate_args(step.args)
    except ToolArgsError as exc:
        pending = {key for key, value in step.args.items() if _holds_reference(value)}
        return [
            _issue("invalid_args", step.id, f"args.{loc}" if loc != "(root)" else "args",
                   f"{msg}. {_signature(tool)}")
            for loc, msg in exc.errors
            if loc.split(".")[0] not in pending
        ]  # fmt: skip
    return []


def _holds_reference(value: Any) -> bool:
    try:
        return bool(find_references(value))
    except ReferenceResolutionError:
        return True  # malformed: reported as bad_reference, not as a type error on top


def _signature(tool: Tool[Any]) -> str:
    """``Tool 'x' takes: a (string, required), b (integer)`` from the args schema."""
    schema = tool.args_schema()
    required = set(schema.get("required", ()))
    params = []
    for name, spec in schema.get("properties", {}).items():
        notes = [str(spec["type"])] if "type" in spec else []
        notes += ["required"] if name in required else []
        params.append(f"{name} ({', '.join(notes)})" if notes else name)
    return f"Tool {tool.name!r} takes: {', '.join(params) or 'no arguments'}."


def _cycles(plan: Plan) -> Iterator[PlanIssue]:
    """One ``cycle`` issue per back edge found by a depth-first walk, in plan order.

    Iterative, so a huge plan (already reported as too large) cannot exhaust the stack.
    """
    ids = {step.id for step in plan.steps}
    edges = {
        sid: [dep for dep in plan.dependencies(sid) if dep in ids and dep != sid] for sid in ids
    }
    state: dict[str, Literal["open", "closed"]] = {}
    for root in dict.fromkeys(step.id for step in plan.steps):
        if root in state:
            continue
        path, pending = [root], [iter(edges[root])]
        state[root] = "open"
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                state[path.pop()] = "closed"
                pending.pop()
            elif state.get(nxt) == "open":
                loop = [*path[path.index(nxt) :], nxt]
                text = (
                    f"steps form a cycle: {' → '.join(loop)} (each waits for the next); remove "
                    "one of these dependencies from depends_on or from a ${...} reference"
                )
                yield _issue("cycle", loop[0], "depends_on", text)
            elif nxt not in state:
                state[nxt] = "open"
                path.append(nxt)
                pending.append(iter(edges[nxt]))
