"""One place that decides what SIGTERM and Ctrl-C do: unwind like Ctrl-C, and remember which it was.

Python turns Ctrl-C (SIGINT) into `KeyboardInterrupt`, so `with` blocks and
`finally` clauses run and a `ManagedServer` stops its server. SIGTERM, what
`kill`, `timeout` and a CI cancel send, kills Python on the spot by default:
no `finally`, no cleanup. `stop_on_signals()` makes SIGTERM (and SIGHUP, a
closed terminal) take the Ctrl-C path too, and records the signal, so the
line that says what was stopped can name why (`received()`).

The death of agentkit itself (SIGKILL, a crash) cannot be handled here: the
watchdog (`agentkit.serving.watchdog`) covers that.
"""

from __future__ import annotations

import signal
import threading

_received: list[str] = []


def stop_on_signals() -> None:
    """Make SIGTERM, SIGHUP and SIGINT raise KeyboardInterrupt in the main thread, recording the signal.

    Handlers someone installed on purpose (or SIG_IGN, as `nohup` sets) are
    left alone; calling this twice is harmless. Only the main thread may set
    handlers, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        current = signal.getsignal(sig)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(sig, _interrupt)


def received() -> str | None:
    """The name of the last signal that interrupted the program ('SIGTERM'), None if none did."""
    return _received[-1] if _received else None


def forget_interrupt() -> None:
    """Call after catching a KeyboardInterrupt: the exit status is then the one returned, not death by SIGINT.

    Since bpo-1054041 (https://bugs.python.org/issue1054041) CPython kills
    itself with SIGINT at exit when a KeyboardInterrupt went unhandled. It
    notes that in a flag set by any exec() or eval() of a string that the
    interrupt leaves, such as a dataclass being built during a lazy import
    (httpx's, the first time a client is made), even when the interrupt is
    caught later; under `python -m` nothing clears it, and `agentkit`
    interrupted at that moment died by SIGINT instead of exiting 130. Each
    exec() of a string clears the flag first, so an empty one clears it.
    """
    exec("")  # noqa: S102 - an empty program, run only for the flag it clears


def _interrupt(signum: int, frame: object) -> None:
    _received.append(signal.Signals(signum).name)
    raise KeyboardInterrupt
