"""Find the server a running agentkit started, and tell whether anything of it is left (Linux /proc)."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def find_server(agentkit_pid: int, timeout: float = 180) -> tuple[int, int, int]:
    """(watchdog pid, server process group, HTTP port) of the server `agentkit_pid` started; waits for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for watchdog in children(agentkit_pid):
            if "watchdog.py" in cmdline(watchdog):
                for server in children(watchdog):
                    port = re.search(r"--port (\d+)", cmdline(server))
                    if port:
                        return watchdog, server, int(port.group(1))
        time.sleep(0.2)
    raise AssertionError(f"agentkit (pid {agentkit_pid}) started no server within {timeout} s")


def wait_for_port(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listened on port {port} within {timeout} s")


def group_alive(pgid: int) -> bool:
    """True while any process (not a zombie) is left in the group."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def wait_until_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not group_alive(pgid):
            return True
        time.sleep(0.1)
    return not group_alive(pgid)


def serving_port(port: int) -> list[int]:
    """Pids of any process whose command line serves `port` (a rank that escaped its group would show)."""
    return [int(e.name) for e in Path("/proc").iterdir()
            if e.name.isdigit() and int(e.name) != os.getpid() and f"--port {port}" in cmdline(int(e.name))]
