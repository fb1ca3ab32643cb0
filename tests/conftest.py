"""Suite-wide settings: the network is blocked (loopback allowed), hypothesis is deterministic."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from hypothesis import HealthCheck, settings

settings.register_profile(
    "plangate",
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("plangate")

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(address: Any) -> None:
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"the network is blocked in tests (tried {address!r})")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _guard(address)
    _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _guard(address)
    return _connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
