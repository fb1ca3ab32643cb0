"""``Step`` and ``Plan``: a workflow as a DAG of typed tool calls, and ``PlanLimits``.

A plan is what a planner (a model, or the offline rule planner) produces and what the engine
executes. Its models cross the model boundary — a model fills them in through structured
output — so every field says what it means and how to write it.

A step depends on the steps in its ``depends_on`` *and* on every step its ``args`` or its
``condition`` reference: a reference is an implicit dependency, so a condition may only test
results that are known when the step becomes ready, and nobody has to list a dependency twice.
Steps may be written in any order; only cycles are forbidden
(``plangate.graphs.engine.validation``).

**Empty plans.** A plan may have no steps: the request needs no tool call (the instructions
answer it, or the policy forbids it outright). Its ``note`` says what the answer tells the
user; the run goes straight to the answer.

**Skipping.** A step whose condition is false is skipped, and so is every step that depends on
it, directly or through others: a dependent would otherwise run on a result that does not exist.
``Plan.ready`` therefore only offers steps whose dependencies are all *done*; the engine skips a
step together with ``Plan.dependents(step_id)``.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from plangate.graphs.engine.conditions import ConditionSyntaxError, parse_condition
from plangate.graphs.engine.identity_memo import IdentityMemo
from plangate.graphs.engine.references import (
    STEP_ID_PATTERN,
    ReferenceResolutionError,
    find_references,
)
from plangate.tools.errors import UsageError


class Step(BaseModel):
    """One tool call in a plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(
        pattern=f"^{STEP_ID_PATTERN}$",
        description="Unique id of this step, e.g. 's1' or 'find_flights': a lowercase letter, "
        "then up to 31 lowercase letters, digits or '_'. Other steps read this step's result "
        "as ${id} or ${id.field}.",
    )
    tool: str = Field(description="Name of the tool this step calls; one of the available tools.")
    args: dict[str, Any] = Field(
        description="Arguments of the tool, as its argument schema describes. A string may use "
        "an earlier step's result: a value that is exactly '${s1.offers[0].id}' becomes that "
        "value with its JSON type; '${s1.city}' inside other text is replaced by its text. A "
        "path starts at the step's result and continues with .field or [index]. Write $${ for "
        "a literal ${. Inside ${...} a list may be filtered by its items' fields and numbers "
        "computed: '${s1.orders[symbol == 'META'][0].id}', '${floor(s1[0].qty / 2)}' (+ - * /, "
        "floor ceil round abs min max len, date() and time() of an ISO timestamp)."
    )
    depends_on: list[str] = Field(
        default_factory=list,
        description="Ids of steps that must finish before this one. Steps referenced with "
        "${...} in args or condition are dependencies already and need not be listed.",
    )
    condition: str | None = Field(
        default=None,
        description='When to run this step, e.g. "${s1.price} < 200 and ${s1.seats} >= 2". '
        "Operators: < <= > >= == != and or not, 'x in [1, 2]', parentheses; values: numbers, "
        "'text', true, false, null, ${step.field}. If false, this step and every step that "
        "depends on it are skipped. Omit it to always run the step.",
    )
    description: str = Field(default="", description="What this step is for, in a few words.")


_INDEX = "_plangate_index"


_DEPENDENCIES = "_plangate_dependencies"


@dataclass
class _PlanIndex:
    """What ``Plan`` looks up on every scheduling step, by step id."""

    of: list[Step]
    steps: dict[str, Step]


def _dependencies(step: Step) -> list[str]:
    ids = list(step.depends_on)
    for value in step.args.values():
        try:
            ids.extend(ref.step_id for ref in find_references(value))
        except ReferenceResolutionError:
            continue
    if step.condition is not None:
        with contextlib.suppress(ConditionSyntaxError):
            ids.extend(ref.step_id for ref in parse_condition(step.condition).references)
    return list(dict.fromkeys(ids))


class Plan(BaseModel):
    """A workflow: tool calls and the dependencies between them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[Step] = Field(
        description="The steps. Steps that do not depend on each other run in parallel. "
        "Empty when no tool call is needed: the request is answered or refused outright.",
    )
    rationale: str = Field(default="", description="Why this plan answers the request, briefly.")
    note: str = Field(
        default="",
        description="For a plan with no steps: what the answer tells the user, e.g. the "
        "answer the instructions give, or why the policy does not allow the request.",
    )

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Without a note a plan dumps as it always did: states, events and traces written
        # before notes existed read the same, and a model's answer format has no note.
        data: dict[str, Any] = handler(self)
        if not self.note:
            data.pop("note", None)
        return data

    @property
    def is_empty(self) -> bool:
        """True for a plan that calls no tool: the run goes straight to the answer."""
        return not self.steps

    def step(self, step_id: str) -> Step:
        """The step called ``step_id`` (the first one, should ids repeat).

        Raises:
            UsageError: no step has that id.
        """
        found = self._index().steps.get(step_id)
        if found is None:
            known = ", ".join(step.id for step in self.steps)
            raise UsageError(f"plan has no step {step_id!r}; steps: {known}")
        return found

    def has(self, step_id: str) -> bool:
        """Whether a step is called ``step_id``."""
        return step_id in self._index().steps

    def dependencies(self, step_id: str) -> list[str]:
        """Ids ``step_id`` waits for: its ``depends_on``, then those its args and condition reference.

        Malformed references and conditions are left out here; ``validate_plan`` reports them.
        Ids are listed once each, in order of appearance, and may name unknown steps.
        """
        step = self.step(step_id)
        known = step.__dict__.get(_DEPENDENCIES)
        if known is None:
            # A step is frozen: what it waits for is worked out once, whatever plan holds it.
            known = step.__dict__[_DEPENDENCIES] = _dependencies(step)
        return list(known)

    def _index(self) -> _PlanIndex:
        """Steps by id and their dependencies, worked out once per plan, not on every lookup.

        A plan is frozen, so the index stays right; it is rebuilt if ``steps`` is ever another
        list (a ``model_copy`` with new steps).
        """
        index = self.__dict__.get(_INDEX)
        if not isinstance(index, _PlanIndex) or index.of is not self.steps:
            index = _PlanIndex(of=self.steps, steps={})
            for step in self.steps:
                index.steps.setdefault(step.id, step)
            self.__dict__[_INDEX] = index
        return index

    def dependents(self, step_id: str) -> list[str]:
        """Ids of every step that depends on ``step_id``, directly or not, in plan order.

        These are the steps skipped along with ``step_id``.
        """
        self.step(step_id)
        reached = {step_id}
        changed = True
        while changed:
            changed = False
            for step in self.steps:
                if step.id not in reached and reached & set(self.dependencies(step.id)):
                    reached.add(step.id)
                    changed = True
        return [step.id for step in self.steps if step.id in reached and step.id != step_id]

    def topological_order(self) -> list[Step]:
        """The steps, each after its dependencies; ties keep plan order.

        Dependencies on unknown ids are ignored (validate first).

        Raises:
            UsageError: the plan has a cycle; ``validate_plan`` names its path.
        """
        ids = {step.id for step in self.steps}
        waits = {step.id: set(self.dependencies(step.id)) & ids for step in self.steps}
        order: list[Step] = []
        placed: set[str] = set()
        while len(order) < len(self.steps):
            wave = [s for s in self.steps if s.id not in placed and waits[s.id] <= placed]
            if not wave:
                stuck = ", ".join(s.id for s in self.steps if s.id not in placed)
                raise UsageError(f"plan has a cycle among steps {stuck}; validate it first")
            order.extend(wave)
            placed.update(step.id for step in wave)
        return order

    def ready(
        self,
        done: Collection[str],
        skipped: Collection[str] = (),
        running: Collection[str] = (),
    ) -> list[Step]:
        """Steps that may start now, in plan order.

        A step is ready when it is not done, skipped or running and every dependency is done.
        A step with a skipped dependency is never ready: skip it with ``dependents``.
        """
        finished = {*done, *skipped, *running}
        return [
            step
            for step in self.steps
            if step.id not in finished and all(dep in done for dep in self.dependencies(step.id))
        ]

    def depth(self) -> int:
        """Steps on the longest dependency chain (1 when nothing depends on anything, 0 for
        an empty plan).

        Raises:
            UsageError: the plan has a cycle.
        """
        ids = {step.id for step in self.steps}
        level: dict[str, int] = {}
        for step in self.topological_order():
            deps = [level[dep] for dep in self.dependencies(step.id) if dep in ids]
            level[step.id] = 1 + max(deps, default=0)
        return max(level.values(), default=0)


_PLANS: IdentityMemo[Plan] = IdentityMemo(1024)
"""One plan per run in flight is what ``plan_from_state`` needs to remember."""

_STEPS: IdentityMemo[Step] = IdentityMemo(16384)
"""Steps of the plans in flight, so a plan that grew (``react``) validates its new steps only."""


_GROWN: IdentityMemo[tuple[list[Any], list[Step]]] = IdentityMemo(1024)
"""By a plan's first step data: the step data of its latest version and their ``Step``s."""


def _validated(data: Any) -> Plan:
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        return Plan.model_validate(data)
    items: list[Any] = data["steps"]
    known, steps = _GROWN.find(items[0]) or ([], [])
    # A plan that grew (react) begins with the very step data of its previous version.
    if not (len(known) <= len(items) and all(map(operator.is_, known, items))):
        known, steps = [], []
    steps = steps + [
        _STEPS.get(item, Step.model_validate) if isinstance(item, dict) else item
        for item in items[len(known) :]
    ]
    plan = Plan.model_validate({**data, "steps": steps})
    _GROWN.put(items[0], (list(items), plan.steps))
    return plan


def plan_from_state(data: Any) -> Plan:
    """The ``Plan`` a run's state holds as JSON data, validated once per plan, not per node.

    Every node of a run reads the same plan from the state; validating it (and working out its
    dependencies) anew at each of hundreds of steps made scheduling cost grow with the square
    of the plan's length. The plan is remembered by the identity of its data (``IdentityMemo``),
    and so is each of its steps: a ``react`` plan that gained a turn's calls validates those
    only, and its other steps are the very same ``Step`` objects as before.
    """
    return _PLANS.get(data, _validated)


@dataclass(frozen=True)
class PlanLimits:
    """Bounds a plan must respect.

    Attributes:
        max_steps: most steps a plan may have.
        max_parallel: most steps the engine runs at once (dispatch enforces it; a wider plan
            is valid and simply runs in several waves).
        max_depth: longest dependency chain allowed, in steps; ``None`` for no limit.
    """

    max_steps: int = 20
    max_parallel: int = 8
    max_depth: int | None = None

    def __post_init__(self) -> None:
        for name in ("max_steps", "max_parallel", "max_depth"):
            value = getattr(self, name)
            if value is None and name == "max_depth":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(
                    f"PlanLimits.{name} must be at least 1 (a whole number), got {value!r}"
                )


DEFAULT_LIMITS = PlanLimits()
