"""Ports: find a free one, or say clearly that the one asked for is taken.

Kept apart from `server.py` because picking a port is its own small idea:
bind to port 0 and let the OS choose; to check a given port, try to connect
(someone answers: busy) and then to bind (a listener on another address: busy).
"""

from __future__ import annotations

import socket

from agentkit.errors import PortInUseError


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now: bind to port 0 and let the OS pick."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def require_free_port(host: str, port: int) -> None:
    """Raise `PortInUseError` when something already listens on `port`."""
    # Something answering a connect is busy for sure; a failing bind catches
    # listeners on other addresses of the same port.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        busy = probe.connect_ex((client_host(host), port)) == 0
    if not busy:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # Same option as the server's own socket, so a port left in
            # TIME_WAIT by a server that just stopped still counts as free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError:
                busy = True
    if busy:
        raise PortInUseError(
            f"Port {port} on {host} is already in use.",
            fix=f"pick another with `--port N` (or port=N), leave it out to get a free one, "
            f"or stop the process using it (`lsof -i :{port}` shows it)",
        )


def client_host(host: str) -> str:
    # A server bound to every interface is still reached through loopback.
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports on 127.0.0.1 (mlx.launch's ring uses one per rank)."""
    for _ in range(50):
        first = free_port("127.0.0.1")
        if all(_port_free(first + i) for i in range(1, count)):
            return first
    raise PortInUseError(f"Found no {count} consecutive free ports for the ranks.",
                         fix="stop other servers, or start mlx.launch with --starting-port yourself")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
