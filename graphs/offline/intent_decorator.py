"""``@intent``: a plan builder made an ``Intent``, as ``@tool`` makes a function a ``Tool``.

The intent is named after the function and described by its docstring, so a grammar reads
like a list of tools; the function may return just the plan's steps. How intents are matched:
``plangate.graphs.offline.grammar``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.offline.grammar import Intent, PlanBuilder
from plangate.tools.errors import UsageError

StepsBuilder = Callable[[re.Match[str], PlanningContext], Plan | Sequence[Step]]
"""``(match, context) -> Plan | steps``: what ``@intent`` decorates."""


def intent(
    *patterns: str,
    examples: Iterable[str] = (),
    name: str | None = None,
    description: str | None = None,
    replan: PlanBuilder | None = None,
) -> Callable[[StepsBuilder], Intent]:
    r"""Make the decorated plan builder an ``Intent``, as ``@tool`` makes a function a tool.

    The intent is named after the function and described by the first line of its docstring
    (both overridable). The function builds the plan from the match and the planning context,
    as ``Intent.build`` does, and may return just the plan's steps::

        @intent(r"hold (?P<grams>\d+) ?g of (?P<tea>\w+)", examples=("hold 50 g of sencha",))
        def hold(match, ctx):
            '''Hold some grams of a tea.'''
            return [Step(id="hold", tool="hold_tea", args={"tea": match["tea"], ...})]

        grammar = Grammar([hold])

    Args:
        patterns: the regular expressions, tried in order; named groups capture the slots.
        examples: phrasings that match, shown when a request is not understood.
        name: the intent's name; the function's name by default.
        description: what the request does; the docstring's first line (without its final
            period) by default.
        replan: the plan after a step failed (``Intent.replan``).

    Raises:
        UsageError: no pattern (or ``@intent`` used without its patterns), an example list
            given as one string, or no description (the function has no docstring and none is
            given).
    """
    if isinstance(examples, str):
        raise UsageError(f"intent examples are a tuple of str, e.g. ({examples!r},)")
    if not all(isinstance(pattern, str) for pattern in patterns):
        raise UsageError(
            "@intent takes its patterns first: @intent(r'hold (?P<grams>\\d+) g', ...)"
        )

    def make(fn: StepsBuilder) -> Intent:
        called = name or str(getattr(fn, "__name__", ""))
        # A docstring's first line ends with a period; a description is a phrase ("…, e.g. …").
        first = (fn.__doc__ or "").strip().split("\n", 1)[0].strip().rstrip(".")
        said = description if description is not None else first
        if not said:
            raise UsageError(
                f"intent {called!r} has no description: add a docstring whose first line says "
                "what the request does, or pass description="
            )

        def build(match: re.Match[str], context: PlanningContext) -> Plan:
            made = fn(match, context)
            return made if isinstance(made, Plan) else Plan(steps=list(made))

        return Intent(called, said, tuple(examples), patterns, build, replan=replan)

    return make
