"""The watchdog between agentkit and its server: the server never outlives agentkit.

`ManagedServer` does not start `mlx_lm.server` (or `mlx.launch` and its ranks)
itself. It starts this small program, which starts the server in a process
group of its own and then waits for one of four things:

- agentkit writes `stop` on the pipe: stop the server, quietly (a normal stop);
- the pipe closes without `stop`: agentkit died, even by SIGKILL, which no
  handler can catch. The kernel closes a dead process's pipes on every OS;
  that is what makes this work on macOS, which has no parent-death signal.
  On Linux `PR_SET_PDEATHSIG` (prctl(2)) also sends SIGTERM here at once;
- SIGTERM, SIGINT or SIGHUP reaches the watchdog: stop the server;
- the server exits on its own: stop whatever is left of its group (the other
  ranks of an `mlx.launch`) and exit with the server's code.

Stopping means SIGTERM to the whole group, a grace period, then SIGKILL to the
group: a SIGTERM to `mlx.launch` alone leaves it spinning with its ranks alive.

    python -m agentkit.serving.watchdog --parent PID --log FILE --label TEXT -- COMMAND...

Its first line on stdout is the server's process group id, so agentkit can
still reach the group if the watchdog itself is killed. The parent's side of
this is `start`, `read_server_pgid` and `tell_stop`, which `ManagedServer` uses.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

GRACE_S = 5.0
"""Seconds the server's group gets to exit after SIGTERM before SIGKILL."""
STOP = b"stop"
"""What agentkit writes on the pipe for a normal stop."""
PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal this process gets when its parent thread dies (Linux only)."""


def start(command: list[str], log_path: Path, label: str) -> subprocess.Popen:
    """Run `command` under the watchdog (the parent's side); its output goes to `log_path`."""
    arguments = [sys.executable, __file__, "--parent", str(os.getpid()), "--log", str(log_path), "--label", label]
    # Linux sends the parent-death signal when the thread that started the
    # child ends, not the process: only the main thread lives as long as agentkit.
    if threading.current_thread() is threading.main_thread():
        arguments.append("--pdeathsig")
    return subprocess.Popen(
        [*arguments, "--", *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        # stderr stays the parent's: the one line after agentkit died lands on its terminal.
        # Own session: a Ctrl-C in the terminal reaches only agentkit, which decides how the server stops.
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def read_server_pgid(process: subprocess.Popen) -> int:
    """The server's process group id, the watchdog's first line; raises when it could not start the server."""
    from agentkit.errors import ServerStartError

    line = process.stdout.readline()
    if not line.strip().isdigit():
        process.wait()
        raise ServerStartError(f"The watchdog could not start mlx_lm.server (exit code {process.returncode}).",
                               fix="run `agentkit doctor`; the error above says what failed")
    return int(line)


def tell_stop(process: subprocess.Popen) -> None:
    """Ask for a normal, quiet stop."""
    try:
        process.stdin.write(STOP + b"\n")
        process.stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the watchdog is already gone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agentkit.serving.watchdog")
    parser.add_argument("--parent", type=int, required=True, help="agentkit's pid")
    parser.add_argument("--pdeathsig", action="store_true", help="also ask Linux for a parent-death signal")
    parser.add_argument("--log", required=True, help="file the server's output is appended to")
    parser.add_argument("--label", default="mlx_lm.server", help="what to call the server in messages")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    signalled: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: signalled.append(signum))
    if args.pdeathsig:
        _ask_for_parent_death_signal()
    with open(args.log, "ab") as log:
        # A session of its own: its group is what gets stopped, and a Ctrl-C in
        # agentkit's terminal reaches agentkit only, which then stops it here.
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    print(server.pid, flush=True)
    # The parent may have died before prctl took effect: then it has a new parent already.
    parent_gone = os.getppid() != args.parent

    reason = None
    while reason is None:
        if parent_gone:
            reason = "parent"
        elif signalled:
            reason = "signal"
        elif server.poll() is not None:
            reason = "exited"
        else:
            readable, _, _ = select.select([sys.stdin], [], [], 0.2)
            if readable:
                data = os.read(sys.stdin.fileno(), 64)
                if data.startswith(STOP):
                    reason = "stop"
                elif not data:
                    parent_gone = True  # EOF: every write end is closed, agentkit is gone

    stop_group(server)
    if reason in ("parent", "signal"):
        what = ("agentkit (pid %d) is gone" % args.parent if reason == "parent"
                else f"watchdog got {signal.Signals(signalled[0]).name}")
        # The one line a person sees when agentkit itself could not say it.
        sys.stderr.write(f"agentkit: {what}; stopped {args.label} (log: {args.log})\n")
        sys.stderr.flush()
    code = server.returncode
    return 128 - code if code is not None and code < 0 else (code or 0)


def stop_group(server: subprocess.Popen, grace: float = GRACE_S) -> None:
    """SIGTERM to the server's whole group, then SIGKILL whatever is still there after `grace`."""
    pgid = server.pid
    _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        server.poll()  # reap the leader, so the group empties once the others are gone
        if server.returncode is not None and not _group_alive(pgid):
            return
        time.sleep(0.05)
    _signal_group(pgid, signal.SIGKILL)
    server.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _ask_for_parent_death_signal() -> None:
    # Linux only; elsewhere the closed pipe is the signal.
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # the pipe still tells us


if __name__ == "__main__":
    sys.exit(main())
