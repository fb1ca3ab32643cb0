"""Cleaning replayed data as the recorder cleaned it, without redoing what is known clean.

A replay cleans everything it compares — each model request (instructions, tool schemas, the
conversation), each tool call, each outcome — with the trace's ``Redactor``, which looks for PII
and secrets in every string. Most strings come back as they went in, and the same ones come back
replay after replay (the agent's prompt and schemas). ``Cleaner`` walks the data as
``Redactor.clean`` does, string by string, and remembers, for the process, the strings that
cleaned to themselves under a given way of cleaning: those are passed as they are from then on.

That is exact because cleaning a string depends on the string alone once it comes back unchanged:
it holds no PII, or only stand-ins, which every table keeps as they are; and no secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretBytes, SecretStr

from plangate.graphs.guards.pseudonyms import has_placeholder
from plangate.graphs.guards.redaction import SECRET, Redactor, is_secret_key

MAX_REMEMBERED = 200_000
"""Strings (and key names) remembered per way of cleaning; past it, they are learnt again."""

_CLEAN: dict[tuple[bool, frozenset[str], bool], dict[str, bool]] = {}
_SECRET_KEYS: dict[str, bool] = {}


class Cleaner:
    """``redactor.clean``, remembering the strings that clean to themselves.

    Args:
        redactor: the trace's way of cleaning.

    Attributes:
        held: whether the data last cleaned holds a placeholder for a value (PII met without
            its stand-in, ``plangate.graphs.traces._align``) anywhere.
    """

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        way = (redactor.pii, redactor.secrets, redactor.pseudonyms is None)
        self._clean = _CLEAN.setdefault(way, {})  # string -> whether it holds a placeholder
        self.held = False

    def clean(self, value: Any) -> Any:
        """``value`` as ``redactor.clean`` returns it (the input is not mutated)."""
        self.held = False
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            held = self._clean.get(value)
            if held is not None:
                self.held = self.held or held
                return value
            cleaned = self.redactor.clean(value)
            held = has_placeholder(cleaned)
            self.held = self.held or held
            if cleaned == value:
                if len(self._clean) >= MAX_REMEMBERED:
                    self._clean.clear()
                self._clean[value] = held
            return cleaned
        if isinstance(value, Mapping):
            return {
                key: SECRET if isinstance(key, str) and _holds_secret(key, item) else
                self._walk(item)
                for key, item in value.items()
            }  # fmt: skip
        if isinstance(value, list | tuple):
            return [self._walk(item) for item in value]
        if isinstance(value, SecretStr | SecretBytes):
            return SECRET
        return value


def _holds_secret(key: str, value: Any) -> bool:
    secret = _SECRET_KEYS.get(key)
    if secret is None:
        if len(_SECRET_KEYS) >= MAX_REMEMBERED:
            _SECRET_KEYS.clear()
        secret = _SECRET_KEYS[key] = is_secret_key(key)
    return secret and value not in (None, "", SECRET)
