"""What a trace must never hold: secrets, always; PII, unless a run opts out.

``Redactor.clean(value)`` walks JSON-like data and

1. replaces the value of every key that names a credential (``api_key``, ``authorization``,
   ``token``, ``secret``, ``password``…) with ``[secret]``;
2. replaces, inside every string, each secret it knows by value (collected from the chat model's
   fields and the backends' clients with ``find_secrets``) and anything shaped like one
   (``Bearer …``, ``sk-…``);
3. redacts PII with ``plangate.graphs.guards.pii.redact`` (emails, phones, Luhn-valid cards,
   IBANs), unless ``pii=False``: with ``pseudonyms`` (what a recorder uses), each distinct value
   becomes the same stand-in of the same shape wherever it appears
   (``plangate.graphs.guards.pseudonyms``); without, a marker such as ``[email]``.

Cleaning is idempotent, which is what lets replay compare: the recorder cleans what it writes,
the replayer cleans what the replayed run produced, and equal runs clean to equal data. Stand-ins
also keep replay exact when cleaning changes data a later step reads: the code that replays a
recorded result sees ``user1@redacted.example.com`` where the live run saw an address, passes
the same validators, and the requests it builds from it clean to the recorded ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr

from plangate.graphs.guards.pii import redact
from plangate.graphs.guards.pseudonyms import Pseudonyms

SECRET = "[secret]"
_SECRET_KEY = re.compile(
    r"(?i)^(?:.*[_-])?(?:api[_-]?key|apikey|authorization|auth[_-]?token|access[_-]?token|"
    r"refresh[_-]?token|token|secret|client[_-]?secret|password|passwd|cookie|x[_-]api[_-]key|"
    r"private[_-]?key|credentials?)$"
)
_SECRET_SHAPES = re.compile(
    r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}|\bsk-[A-Za-z0-9_-]{16,}|\bxox[abp]-[A-Za-z0-9-]{10,}"
)
_MIN_SECRET = 6  # shorter values are too likely to occur by chance to be replaced by value


def is_secret_key(key: str) -> bool:
    """True when a field or header named ``key`` holds a credential."""
    return bool(_SECRET_KEY.match(key.lstrip("_")))


@dataclass(frozen=True)
class Redactor:
    """Cleans data before it enters a trace (and replayed data before it is compared).

    Attributes:
        pii: redact PII (the default); ``False`` keeps it, for runs that depend on it.
        secrets: secret values to replace wherever they occur.
        pseudonyms: the stand-ins PII is replaced with (one table per trace); ``None``
            replaces it with markers (``[email]``), as traces of earlier versions hold.
    """

    pii: bool = True
    secrets: frozenset[str] = field(default_factory=frozenset)
    pseudonyms: Pseudonyms | None = field(default=None, compare=False)

    def with_secrets(self, values: Iterable[str]) -> Redactor:
        """This redactor, also replacing ``values`` (with the same stand-ins)."""
        extra = {v for v in values if len(v) >= _MIN_SECRET}
        return Redactor(pii=self.pii, secrets=self.secrets | extra, pseudonyms=self.pseudonyms)

    def clean(self, value: Any) -> Any:
        """``value`` without secrets (and PII, if ``pii``); the input is not mutated."""
        scrubbed = self._scrub(value)
        if not self.pii:
            return scrubbed
        table = self.pseudonyms
        return redact(scrubbed, replace=table.replace if table is not None else None)

    def clean_text(self, text: str) -> str:
        """``clean`` for one string."""
        cleaned: str = self.clean(text)
        return cleaned

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in sorted(self.secrets, key=len, reverse=True):
                value = value.replace(secret, SECRET)
            return _SECRET_SHAPES.sub(SECRET, value)
        if isinstance(value, Mapping):
            return {
                key: SECRET if isinstance(key, str) and _holds_secret(key, item) else
                self._scrub(item)
                for key, item in value.items()
            }  # fmt: skip
        if isinstance(value, list | tuple):
            return [self._scrub(item) for item in value]
        if isinstance(value, SecretStr | SecretBytes):
            return SECRET
        return value


def _holds_secret(key: str, value: Any) -> bool:
    return is_secret_key(key) and value not in (None, "", SECRET)


def find_secrets(*sources: Any, depth: int = 3) -> set[str]:
    """Credentials held by ``sources`` (chat models, backends, HTTP clients), by value.

    Looks at pydantic fields and instance attributes up to ``depth`` levels down: ``SecretStr``
    values, strings under credential-like names, and credential headers of HTTP clients (the
    whole ``Authorization`` value and the token after its scheme).
    """
    found: set[str] = set()
    seen: set[int] = set()
    for source in sources:
        _collect(source, depth, found, seen)
    return {value for value in found if len(value) >= _MIN_SECRET}


def _collect(obj: Any, depth: int, found: set[str], seen: set[int]) -> None:
    if obj is None or depth < 0 or id(obj) in seen or isinstance(obj, str | int | float | bool):
        return
    seen.add(id(obj))
    if isinstance(obj, SecretStr):
        found.add(obj.get_secret_value())
        return
    try:
        headers = getattr(obj, "headers", None)
    except Exception:  # a stand-in that refuses attribute access (e.g. replay's NO_BACKEND)
        return
    if headers is not None and hasattr(headers, "items") and not isinstance(obj, Mapping):
        _collect_pairs(headers.items(), found)
    for name, value in _attributes(obj):
        if isinstance(value, SecretStr):
            found.add(value.get_secret_value())
        elif isinstance(value, str) and is_secret_key(name):
            found.add(value)
        else:
            _collect(value, depth - 1, found, seen)


def _collect_pairs(pairs: Iterable[tuple[Any, Any]], found: set[str]) -> None:
    for name, value in pairs:
        if isinstance(name, str) and isinstance(value, str) and is_secret_key(name):
            found.add(value)
            scheme, _, token = value.partition(" ")
            if token and scheme.isalpha():
                found.add(token)


def _attributes(obj: Any) -> list[tuple[str, Any]]:
    if isinstance(obj, Mapping):
        return [(str(k), v) for k, v in obj.items()]
    if isinstance(obj, list | tuple | set | frozenset):
        return [("", item) for item in obj]
    if isinstance(obj, BaseModel):
        private = getattr(obj, "__pydantic_private__", None) or {}
        return [*((n, getattr(obj, n, None)) for n in type(obj).model_fields), *private.items()]
    try:
        return list(vars(obj).items())
    except TypeError:  # objects with __slots__ only, builtins
        return []
