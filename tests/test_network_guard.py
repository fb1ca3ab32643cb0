import socket

import pytest


def test_non_loopback_connections_are_refused() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(ConnectionRefusedError, match="network is blocked"):
        sock.connect(("192.0.2.1", 80))
    sock.close()


def test_loopback_connections_are_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(server.getsockname())
    conn, _ = server.accept()
    assert conn.getpeername() == client.getsockname()
    for s in (conn, client, server):
        s.close()
