"""Labels on the values a step produces: its call's provenance and its result's label.

Every step's record carries two labels, so they live in the checkpoint (and survive a resume in
another process) and in the trace (on each ``step_finished`` event):

- ``provenance``: where each argument of its call came from (a ``CallProvenance``, computed
  before the tool-call guardrails ran; ``plangate.graphs.guards.labels``);
- ``label``: its result's ``ResultLabel``: the source (this step, this tool) and whether it is
  trusted. A tool result is untrusted unless its tool declares ``trusted_output=True`` (data
  the user's own system of record produces, e.g. the user's own account). A result made by
  quarantined extraction (``plangate.graphs.engine.quarantine``) also names where the text it
  read came from (``derived_from``): it is never trusted, whatever it extracted.

Both are stored compactly, since a record is saved in every checkpoint: the result label as
``{"trusted": false}`` (the step and the tool are the record's own), the call's provenance as
each argument's sources, a source being its kind (``"request"``) or, for a step's result,
``[step_id, tool, path]`` (with ``true`` appended when it was found by matching), and the paths
of the untrusted arguments::

    {"trusted_control": true, "untrusted": ["venue_id"],
     "arguments": {"venue_id": [["s1", "search", "[0].id"]], "party_size": ["request"]}}

``labels_of(record)`` reads both labels back, and returns ``None`` for each one a record made
before labels existed does not hold. (An approval request carries the call's provenance in
full, ``CallProvenance.to_payload``, for the person who reads it.)

Later steps see these labels through the ``ProvenanceTracer``: a value taken from a trusted
result stays trusted (``trust_results``), one taken from any other result is untrusted. And a
re-plan or a react turn made when every result read so far was trusted is still trusted
control (``has_read_untrusted``, ``trust_control``): it is reading *untrusted* text that
makes control untrusted, not reading the user's own records.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, Source, SourceKind
from plangate.tools.base import Tool

PROVENANCE_KEY = "provenance"
"""The key of a step record holding its call's provenance (``CallProvenance.to_payload``)."""
LABEL_KEY = "label"
"""The key of a step record holding its result's label (``ResultLabel.to_record``)."""
QUARANTINED = "quarantined"
"""The attribute a tool sets to True when its result is extracted from its input text by a
tool-less model: the result's label then names where that text came from."""


class ResultLabel(BaseModel):
    """The label of one step's result.

    Attributes:
        step_id: the step that produced it.
        tool: the tool that produced it.
        trusted: True only when the tool declares its output trusted.
        derived_from: for a result extracted from text (quarantined extraction), where that
            text came from; empty otherwise.
    """

    model_config = ConfigDict(frozen=True)

    step_id: str
    tool: str
    trusted: bool = False
    derived_from: tuple[Source, ...] = ()

    @property
    def source(self) -> Source:
        """The source a value taken from this result has."""
        return Source(kind="step", step_id=self.step_id, tool=self.tool)

    def describe(self) -> str:
        """The label in words: ``s1 read_mail result, untrusted``."""
        trust = "trusted" if self.trusted else "untrusted"
        text = f"{self.step_id} {self.tool} result, {trust}"
        if self.derived_from:
            text += ": extracted from text " + " + ".join(s.describe() for s in self.derived_from)
        return text

    def to_record(self) -> dict[str, Any]:
        """The JSON kept in a step record: the step and tool are the record's own."""
        data: dict[str, Any] = {"trusted": self.trusted}
        if self.derived_from:
            data["derived_from"] = [
                s.model_dump(mode="json", exclude_defaults=True) for s in self.derived_from
            ]
        return data


def label_result(
    step_id: str, tool: str, *, trusted: bool, derived_from: tuple[Source, ...] = ()
) -> ResultLabel:
    """The label of a result ``tool`` produced at ``step_id``.

    Args:
        step_id: the step.
        tool: the tool's name.
        trusted: whether the tool declares its output trusted.
        derived_from: where the input of an extraction came from; an extracted result is
            never trusted.
    """
    return ResultLabel(
        step_id=step_id, tool=tool, trusted=trusted and not derived_from, derived_from=derived_from
    )


def label_call_result(
    step_id: str, tool: Tool[Any], provenance: CallProvenance | None
) -> ResultLabel:
    """The label of the result ``tool`` returned at ``step_id`` for a call labelled ``provenance``.

    A quarantined extraction's result carries the sources of its untrusted arguments.
    """
    derived: tuple[Source, ...] = ()
    if getattr(tool, QUARANTINED, False):
        if provenance is None:  # where its text came from is unknown: never trusted
            derived = (Source(kind="model"),)
        else:
            found = (s for label in provenance.untrusted for s in label.sources)
            derived = tuple(dict.fromkeys(found))
        return ResultLabel(step_id=step_id, tool=tool.name, trusted=False, derived_from=derived)
    return label_result(step_id, tool.name, trusted=tool.trusted_output)


@dataclass(frozen=True)
class StepLabels:
    """The labels a step record holds.

    Attributes:
        provenance: its call's argument labels; None when the call was never labelled (a
            step skipped or failed before its arguments were checked, or an older record).
        result: its result's label; None when it has no result (or is an older record).
    """

    provenance: CallProvenance | None
    result: ResultLabel | None


def compact_provenance(provenance: CallProvenance) -> dict[str, Any]:
    """``provenance`` as the compact JSON a step record keeps (see the module docstring)."""
    arguments = {
        label.path: [_compact_source(source) for source in label.sources]
        for label in provenance.arguments
    }
    data: dict[str, Any] = {"trusted_control": provenance.trusted_control}
    untrusted = [label.path for label in provenance.untrusted]
    if untrusted:
        data["untrusted"] = untrusted
    data["arguments"] = arguments
    return data


def recorded(provenance: CallProvenance | None) -> dict[str, Any]:
    """The keys a step record gets for a call labelled ``provenance`` (none when unlabelled)."""
    return {} if provenance is None else {PROVENANCE_KEY: compact_provenance(provenance)}


def expand_provenance(data: Any) -> CallProvenance | None:
    """The ``CallProvenance`` of a record's compact JSON; None when it is missing or malformed.

    The full form of an approval payload (``CallProvenance.to_payload``) is read too.
    """
    if not isinstance(data, Mapping):
        return None
    arguments = data.get("arguments")
    if not isinstance(arguments, Mapping):
        return CallProvenance.from_payload({"provenance": data})
    untrusted = data.get("untrusted") or ()
    try:
        labels = tuple(
            ArgumentLabel(
                path=path, sources=tuple(_expand_source(s) for s in sources),
                trusted=path not in untrusted,
            )
            for path, sources in arguments.items()
        )  # fmt: skip
        return CallProvenance(trusted_control=data.get("trusted_control"), arguments=labels)
    except (ValidationError, TypeError, ValueError):
        return None


def _compact_source(source: Source) -> Any:
    if source.kind != "step":
        return source.kind
    parts: list[Any] = [source.step_id, source.tool, source.path]
    return [*parts, True] if source.matched else parts


def _expand_source(data: Any) -> Source:
    if isinstance(data, str):
        kind: SourceKind = data  # type: ignore[assignment]  # validated by Source
        return Source(kind=kind)
    step_id, tool, path, *matched = data
    return Source(kind="step", step_id=step_id, tool=tool, path=path, matched=bool(matched))


def labels_of(record: Mapping[str, Any]) -> StepLabels:
    """The labels held by a step record (as stored in state, a checkpoint or a trace)."""
    provenance = expand_provenance(record.get(PROVENANCE_KEY))
    data = record.get(LABEL_KEY)
    result = None
    if isinstance(data, Mapping):
        try:
            result = ResultLabel.model_validate(
                {**data, "step_id": record.get("step_id"), "tool": record.get("tool")}
            )
        except ValidationError:
            result = None
    return StepLabels(provenance=provenance, result=result)


def trusted_results(records: Mapping[str, Mapping[str, Any]]) -> frozenset[str]:
    """The ids of the steps whose records label their result trusted."""
    found = set()
    for step_id, record in records.items():
        label = record.get(LABEL_KEY)
        if isinstance(label, Mapping) and label.get("trusted") is True:
            found.add(step_id)
    return frozenset(found)


def trust_results(provenance: CallProvenance, trusted: Collection[str]) -> CallProvenance:
    """``provenance`` with the values taken from trusted results (steps ``trusted``) trusted.

    An argument is trusted when each of its sources is: a trusted-result step, or a source
    trusted already (the request, a default, a person, a model under trusted control).
    """
    if not trusted:
        return provenance
    labels = []
    changed = False
    for label in provenance.arguments:
        if not label.trusted and all(_trusts(s, trusted, provenance) for s in label.sources):
            label = ArgumentLabel(path=label.path, sources=label.sources, trusted=True)
            changed = True
        labels.append(label)
    if not changed:
        return provenance
    return CallProvenance(trusted_control=provenance.trusted_control, arguments=tuple(labels))


def has_read_untrusted(
    records: Iterable[Mapping[str, Any]], trusted_tool: Callable[[str], bool]
) -> bool:
    """Whether a planner or model that saw ``records`` had read untrusted text.

    A result is read when its step is done (trusted only with a trusted label); a failure's
    message when it failed or was refused: trusted when the tool never ran (plangate wrote it:
    a guardrail's block before the call, a person's rejection, invalid arguments), or when the
    tool declares its output trusted (``trusted_tool(name)``). Once a tool ran, its error text,
    or a result guardrail's reason about its result, may quote that result. A skipped step
    shows nothing.
    """
    for record in records:
        status = record.get("status")
        if status == "skipped":
            continue
        if status == "done":
            label = record.get(LABEL_KEY)
            if not (isinstance(label, Mapping) and label.get("trusted") is True):
                return True
        elif _ran(record) and not trusted_tool(str(record.get("tool", ""))):
            return True
    return False


def _ran(record: Mapping[str, Any]) -> bool:
    """Whether the record's tool ran: only the call-tool node's records time the call."""
    return "duration" in record


def trust_control(provenance: CallProvenance) -> CallProvenance:
    """``provenance`` of a call made when nothing untrusted had been read: trusted control.

    The model's own choices become trusted; values from untrusted results stay untrusted.
    """
    if provenance.trusted_control:
        return provenance
    # Under trusted control only a step's result can be untrusted (``trust_results`` then
    # decides on those), every other source is trusted.
    labels = tuple(
        ArgumentLabel(
            path=label.path, sources=label.sources,
            trusted=label.trusted or all(s.kind != "step" for s in label.sources),
        )
        for label in provenance.arguments
    )  # fmt: skip
    return CallProvenance(trusted_control=True, arguments=labels)


def _trusts(source: Source, trusted: Collection[str], provenance: CallProvenance) -> bool:
    if source.kind == "step":
        return source.step_id in trusted
    if source.kind == "model":
        return provenance.trusted_control
    return True
