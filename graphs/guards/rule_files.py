"""Business rules as data: read from YAML or TOML, written back to YAML.

A rules file holds a list ``rules``; each rule has the fields of ``BusinessRule``::

    rules:
      - id: no_basic_economy_changes
        tool: update_reservation_flights
        bind:
          cabin: {lookup: get_reservation_details,
                  args: {reservation_id: {field: reservation_id}}, path: cabin}
        require: {"!=": [{var: cabin}, basic_economy]}
        message: "reservation {args.reservation_id} is {cabin}"
        policy: no changes to basic economy

Terms are literals (text, numbers, true, false, null) or one-key mappings, with options::

    {field: path}  {var: name}  {item: path}  {clock: now | today}
    {days: n}  {hours: n}  {minutes: n}
    {lookup: tool, args: {name: term}, path: path}
    {len: term, where: check}  {sum: term, path: path, where: check}
    {add: [a, b]}  {sub: [a, b]}  {mul: [a, b]}  {div: [a, b]}

Checks are one-key mappings::

    {"<": [a, b]} (and <= > >= == !=)  {matches: [term, pattern]}
    {starts_with: [term, prefix or [prefixes]]}  {in: [term, [values] or term]}
    {present: term}  {all: [checks]}  {any: [checks]}  {not: check}

Every mistake is a ``UsageError`` naming the file, the rule and the key: an unknown key, a
missing one, a value of the wrong kind. The rules are then validated against the agent's
tools when its ``BusinessRules`` guardrail is built.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from plangate.graphs.guards.business_rules import BusinessRule, validate_rules
from plangate.graphs.guards.rule_data import rule_from_data, rule_to_data
from plangate.tools.errors import UsageError


def rules_from_data(data: Any, source: str = "<rules>") -> list[BusinessRule]:
    """The rules of a parsed rules document (``{"rules": [...]}``), structurally validated."""
    if (
        not isinstance(data, Mapping)
        or set(data) != {"rules"}
        or not isinstance(data["rules"], list)
    ):
        raise UsageError(f"{source}: a rules file holds one key, 'rules', a list of rules")
    rules = [
        rule_from_data(item, f"{source}: rule {i + 1}") for i, item in enumerate(data["rules"])
    ]
    validate_rules(rules, None, source=source)
    return rules


def load_rules(path: str | Path) -> list[BusinessRule]:
    """The rules in a ``.yaml``/``.yml`` or ``.toml`` file.

    Raises:
        UsageError: the file is unreadable, not YAML/TOML, or a rule in it is malformed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        elif path.suffix == ".toml":
            data = tomllib.loads(text)
        else:
            raise UsageError(f"{path}: rules files end in .yaml, .yml or .toml")
    except (OSError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read rules ({exc})") from exc
    return rules_from_data(data, str(path))


def dump_rules(rules: Iterable[BusinessRule]) -> str:
    """``rules`` as a YAML rules file."""
    data = {"rules": [rule_to_data(rule) for rule in rules]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
