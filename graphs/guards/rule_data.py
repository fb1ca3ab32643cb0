"""Business rules as plain data (what YAML, TOML and JSON hold), read and written.

The shapes of rules, terms and checks as data are documented in
``plangate.graphs.guards.rule_files``. Reading names the place of every mistake
(``rules.yaml: rule 'party_size': require.<=.0: unknown key 'fild'``); writing produces data
that reads back to an equal rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from plangate.graphs.guards._rule_values import COMPARISONS
from plangate.graphs.guards.business_rules import BusinessRule
from plangate.graphs.guards.rule_checks import (
    AllOf,
    AnyOf,
    Compare,
    In,
    Matches,
    Not,
    Present,
    StartsWith,
)
from plangate.graphs.guards.rule_lookups import Lookup
from plangate.graphs.guards.rule_measures import Arith, Duration, Length, Now, Sum, Today
from plangate.graphs.guards.rule_terms import Arg, Const, Item, Predicate, Term, Var
from plangate.tools.errors import UsageError

_RULE_KEYS = ("id", "tool", "require", "message", "policy", "when", "bind", "action", "on_error")
_TERM_OPTIONS = {
    "field": (), "var": (), "item": (), "clock": (), "days": (), "hours": (), "minutes": (),
    "lookup": ("args", "path"), "len": ("where",), "sum": ("path", "where"),
    "add": (), "sub": (), "mul": (), "div": (),
}  # fmt: skip
_ARITH = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
_CHECKS = (*COMPARISONS, "matches", "starts_with", "in", "present", "all", "any", "not")


def _fail(at: str, problem: str) -> UsageError:
    return UsageError(f"{at}: {problem}")


def _head(data: Mapping[str, Any], heads: Iterable[str], at: str, what: str) -> str:
    found = [key for key in data if key in heads]
    known = ", ".join(heads)
    if not found and data:
        raise _fail(at, f"unknown key {sorted(data)[0]!r}; a {what} has one of the keys {known}")
    if len(found) != 1:
        raise _fail(at, f"a {what} has exactly one of the keys {known}; got {sorted(data)}")
    return found[0]


def _text(value: Any, at: str) -> str:
    if not isinstance(value, str):
        raise _fail(at, f"expected text, got {value!r}")
    return value


def _pair(value: Any, at: str) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(at, f"expected a list of two, got {value!r}")
    return value[0], value[1]


def term_from_data(data: Any, at: str) -> Term:
    """The term ``data`` describes (see the module docstring); ``at`` locates it in errors."""
    if not isinstance(data, Mapping):
        if isinstance(data, list):
            raise _fail(at, f"a list is not a term; write a value or a one-key mapping: {data!r}")
        try:
            return Const(data)
        except UsageError as exc:
            raise _fail(at, str(exc)) from exc
    head = _head(data, _TERM_OPTIONS, at, "term")
    if unknown := sorted(set(data) - {head, *_TERM_OPTIONS[head]}):
        allowed = ", ".join(_TERM_OPTIONS[head]) or "none"
        raise _fail(at, f"unknown key {unknown[0]!r} for {head} (its options: {allowed})")
    value, inner = data[head], f"{at}.{head}"
    try:
        if head in ("field", "var", "item"):
            return {"field": Arg, "var": Var, "item": Item}[head](_text(value, inner))
        if head == "clock":
            if value not in ("now", "today"):
                raise _fail(inner, f"the clock reads 'now' or 'today', not {value!r}")
            return Now() if value == "now" else Today()
        if head in ("days", "hours", "minutes"):
            return Duration(value, head)  # type: ignore[arg-type]  # head is a unit here
        if head == "lookup":
            args = data.get("args", {})
            if not isinstance(args, Mapping):
                raise _fail(f"{at}.args", f"expected a mapping of argument terms, got {args!r}")
            terms = {str(k): term_from_data(v, f"{at}.args.{k}") for k, v in args.items()}
            return Lookup(_text(value, inner), terms, _text(data.get("path", ""), f"{at}.path"))
        where = check_from_data(data["where"], f"{at}.where") if "where" in data else None
        if head == "len":
            return Length(term_from_data(value, inner), where)
        if head == "sum":
            path = _text(data.get("path", ""), f"{at}.path")
            return Sum(term_from_data(value, inner), path, where)
        left, right = _pair(value, inner)
        return Arith(
            _ARITH[head], term_from_data(left, f"{inner}.0"), term_from_data(right, f"{inner}.1")
        )
    except UsageError as exc:
        raise exc if str(exc).startswith(at) else _fail(at, str(exc)) from exc


def check_from_data(data: Any, at: str) -> Predicate:
    """The check ``data`` describes (see the module docstring); ``at`` locates it in errors."""
    if not isinstance(data, Mapping):
        raise _fail(at, f"a check is a one-key mapping like {{'<=': [a, b]}}, got {data!r}")
    head = _head(data, _CHECKS, at, "check")
    if unknown := sorted(set(data) - {head}):
        raise _fail(at, f"unknown key {unknown[0]!r} beside {head!r}")
    value, inner = data[head], f"{at}.{head}"
    try:
        if head in COMPARISONS:
            left, right = _pair(value, inner)
            return Compare(
                term_from_data(left, f"{inner}.0"), head, term_from_data(right, f"{inner}.1")
            )
        if head in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise _fail(inner, f"expected a non-empty list of checks, got {value!r}")
            checks = [check_from_data(item, f"{inner}.{i}") for i, item in enumerate(value)]
            return AllOf(*checks) if head == "all" else AnyOf(*checks)
        if head == "not":
            return Not(check_from_data(value, inner))
        if head == "present":
            return Present(term_from_data(value, inner))
        subject, second = _pair(value, inner)
        term = term_from_data(subject, f"{inner}.0")
        if head == "matches":
            return Matches(term, _text(second, f"{inner}.1"))
        if head == "starts_with":
            prefixes = tuple(second) if isinstance(second, list) else (second,)
            return StartsWith(term, prefixes)
        values = tuple(second) if isinstance(second, list) else term_from_data(second, inner)
        return In(term, values)
    except UsageError as exc:
        raise exc if str(exc).startswith(at) else _fail(at, str(exc)) from exc


def rule_from_data(data: Any, at: str) -> BusinessRule:
    """The rule ``data`` describes; ``at`` locates it (``rules.yaml: rule 3``) in errors."""
    if not isinstance(data, Mapping):
        raise _fail(at, f"a rule is a mapping with keys {', '.join(_RULE_KEYS)}; got {data!r}")
    at = f"{at.rsplit(': rule ', 1)[0]}: rule {data['id']!r}" if "id" in data else at
    if unknown := sorted(set(data) - set(_RULE_KEYS)):
        raise _fail(at, f"unknown key {unknown[0]!r}; a rule has {', '.join(_RULE_KEYS)}")
    if missing := [key for key in ("id", "tool", "require", "message") if key not in data]:
        raise _fail(at, f"missing key {missing[0]!r}")
    bind = data.get("bind", {})
    if not isinstance(bind, Mapping):
        raise _fail(f"{at}: bind", f"expected a mapping of names to terms, got {bind!r}")
    try:
        return BusinessRule(
            id=data["id"],
            tool=data["tool"],
            require=check_from_data(data["require"], f"{at}: require"),
            message=data["message"],
            policy=data.get("policy", ""),
            when=check_from_data(data["when"], f"{at}: when") if "when" in data else None,
            bind={str(k): term_from_data(v, f"{at}: bind.{k}") for k, v in bind.items()},
            action=data.get("action", "block"),
            on_error=data.get("on_error", "violate"),
        )
    except UsageError as exc:
        source = at.rsplit(": rule ", 1)[0]
        if str(exc).startswith(("rule ", source)):  # the rule named itself already
            raise exc if str(exc).startswith(source) else _fail(source, str(exc)) from exc
        raise _fail(at, str(exc)) from exc


def _number_data(value: Decimal) -> int | float | str:
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def term_to_data(term: Term) -> Any:
    """``term`` as data that ``term_from_data`` reads back."""
    match term:
        case Const(value=Decimal() as number):
            return _number_data(number)
        case Const(value=value):
            return value
        case Arg(path=path):
            return {"field": path}
        case Var(name=name):
            return {"var": name}
        case Item(path=path):
            return {"item": path}
        case Now():
            return {"clock": "now"}
        case Today():
            return {"clock": "today"}
        case Duration(amount=amount, unit=unit):
            return {unit: _number_data(Decimal(amount))}
        case Lookup(tool=tool, args=args, path=path):
            data = {"lookup": tool, "args": {k: term_to_data(v) for k, v in args.items()}}
            return {**data, "path": path} if path else data
        case Length(of=of, where=where):
            return _with_where({"len": term_to_data(of)}, where)
        case Sum(of=of, path=path, where=where):
            data = {"sum": term_to_data(of), **({"path": path} if path else {})}
            return _with_where(data, where)
        case Arith(op=op, left=left, right=right):
            head = {symbol: name for name, symbol in _ARITH.items()}[op]
            return {head: [term_to_data(left), term_to_data(right)]}
    raise UsageError(f"cannot write {term!r} as data")


def _with_where(data: dict[str, Any], where: Predicate | None) -> dict[str, Any]:
    return {**data, "where": check_to_data(where)} if where is not None else data


def check_to_data(check: Predicate) -> Any:
    """``check`` as data that ``check_from_data`` reads back."""
    match check:
        case Compare(left=left, op=op, right=right):
            return {op: [term_to_data(left), term_to_data(right)]}
        case Matches(term=term, pattern=pattern):
            return {"matches": [term_to_data(term), pattern]}
        case StartsWith(term=term, prefixes=prefixes):
            return {"starts_with": [term_to_data(term), list(prefixes)]}
        case In(term=term, values=Term() as values):
            return {"in": [term_to_data(term), term_to_data(values)]}
        case In(term=term, values=tuple() as values):
            listed = [_number_data(v) if isinstance(v, Decimal) else v for v in values]
            return {"in": [term_to_data(term), listed]}
        case Present(term=term):
            return {"present": term_to_data(term)}
        case Not(check=inner):
            return {"not": check_to_data(inner)}
        case AnyOf():
            return {"any": [check_to_data(item) for item in check.checks]}
        case AllOf():
            return {"all": [check_to_data(item) for item in check.checks]}
    raise UsageError(f"cannot write {check!r} as data")


def rule_to_data(rule: BusinessRule) -> dict[str, Any]:
    """``rule`` as data that ``rule_from_data`` reads back (defaults left out)."""
    data: dict[str, Any] = {"id": rule.id, "tool": rule.tool}
    if rule.bind:
        data["bind"] = {name: term_to_data(term) for name, term in rule.bind.items()}
    if rule.when is not None:
        data["when"] = check_to_data(rule.when)
    data["require"] = check_to_data(rule.require)
    data["message"] = rule.message
    if rule.policy:
        data["policy"] = rule.policy
    if rule.action != "block":
        data["action"] = str(rule.action)
    if rule.on_error != "violate":
        data["on_error"] = rule.on_error
    return data
