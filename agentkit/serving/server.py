"""ManagedServer: start a real `mlx_lm.server`, wait until it answers, always stop it.

    with ManagedServer("toy-dense") as server:
        client = OpenAI(base_url=server.base_url, api_key="unused")
        client.chat.completions.create(model=server.model_id, ...)

The lifecycle, in order: check that MLX works, resolve the model, make sure the
port is free, start `python -m mlx_lm server` (under `mlx.launch`, one process
per rank, when `hosts` says so) through the watchdog (`agentkit.serving.watchdog`),
which gives it a process group of its own and stops that whole group when
agentkit stops it, is signalled, or dies; poll `GET /v1/models` until the HTTP
server is up, send one warm-up request (mlx_lm loads the weights in a
background thread, so the first request is what waits for them), and on the
way out stop the group. SIGTERM and Ctrl-C unwind through `stop()`
(`agentkit.serving.signals`), which prints one line saying what it stopped.
Every failure raises a kit error quoting the end of the server log.

Without a `log_path`, the log is a temporary file: removed after a clean stop,
kept when the server failed or exited on its own (the error names it).
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from agentkit.errors import ServerNotReadyError, ServerStartError
from agentkit.serving import signals, watchdog
from agentkit.serving.backend import require_backend
from agentkit.serving.chat_template import load_chat_template
from agentkit.serving.hosts import Hosts
from agentkit.serving.models import model_directory, resolve_model
from agentkit.serving.server_log import dead_ranks, hint_from_log, read_tail
from agentkit.serving.ports import client_host, free_port, require_free_port  # noqa: F401 (free_port: also imported from here)

# Servers still running, so that `atexit` can stop them if the interpreter
# exits without leaving the `with` block. The context manager is the normal path.
_LIVE: set[ManagedServer] = set()


class ManagedServer:
    """A running `mlx_lm.server` for one model, stopped when the `with` block ends.

    After `start()`: `base_url` (for the OpenAI client), `model_id` (the `model`
    to send in requests), `port`, `log_path` and `process`. A `log_path` you pass
    is kept after stop; the temporary one is kept only if the server failed.
    """

    def __init__(
        self,
        model: str,
        *,
        port: int | None = None,
        template: str | None = None,
        log_path: str | Path | None = None,
        ready_timeout: float = 60.0,
        extra_args: Sequence[str] = (),
        host: str = "127.0.0.1",
        hosts: Hosts | None = None,
    ) -> None:
        self.model = model
        self.port = port
        self.template = template
        self.ready_timeout = ready_timeout
        self.extra_args = tuple(extra_args)
        self.host = host
        self.hosts = hosts or Hosts()
        """Where the ranks run; the default is one process on this machine."""
        self.log_path = Path(log_path) if log_path is not None else None
        self.model_id: str | None = None
        self.model_dir: Path | None = None
        """The model's directory on this machine once started; None for a Hub model not yet cached."""
        self.process: subprocess.Popen | None = None
        """The watchdog process; the server runs under it, in process group `server_pgid`."""
        self.server_pgid: int | None = None
        """The process group of the server (and of every local rank under mlx.launch)."""
        self._temporary_log = False
        self._stopped_by_us = False
        self._failed = False

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible root, e.g. `http://127.0.0.1:51234/v1`."""
        return f"http://{client_host(self.host)}:{self.port}/v1"

    @property
    def label(self) -> str:
        """What the messages call this server: `mlx_lm.server for toy-dense` (+ its ranks)."""
        ranks = f" on {self.hosts.describe()}" if self.hosts.distributed else ""
        return f"mlx_lm.server for {self.model}{ranks}"

    def __enter__(self) -> ManagedServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and return once it has answered a warm-up request."""
        require_backend()
        ref = resolve_model(self.model, need_chat_template=self.template is None)
        # mlx_lm names a local model by its absolute path; sending that same
        # string as `model` in requests keeps it from loading the weights twice.
        self.model_id = ref.server_arg
        self.model_dir = ref.path
        _ensure_hf_cache_dir()
        command = [sys.executable, "-m", "mlx_lm", "server", "--model", ref.server_arg,
                   "--host", self.host]
        if self.template is not None:
            command += ["--chat-template", load_chat_template(self.template)]
        if self.port is None:
            self.port = free_port(client_host(self.host))
        else:
            require_free_port(self.host, self.port)
        command += ["--port", str(self.port), *self.extra_args]
        if self.hosts.distributed:
            command = self.hosts.launched(command, ref.path)

        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="agentkit-mlx-server-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
            self._temporary_log = True
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_text("")
        # SIGTERM from here on unwinds like Ctrl-C, through stop().
        signals.stop_on_signals()
        self.process = watchdog.start(command, self.log_path, self.label)
        _LIVE.add(self)
        try:
            self.server_pgid = watchdog.read_server_pgid(self.process)
            deadline = time.monotonic() + self.ready_timeout
            self._wait_for_http(deadline)
            self._warm_up(deadline)
            # A Hub model is in the local cache once the server has loaded it.
            self.model_dir = self.model_dir or model_directory(ref.spec, holding="tokenizer.json")
        except BaseException as exc:
            # The error message points to the log; a Ctrl-C while waiting names nothing.
            self._failed = not isinstance(exc, KeyboardInterrupt)
            self.stop()
            raise

    def stop(self, timeout: float = watchdog.GRACE_S + 3) -> None:
        """Stop the server's whole process group (every rank too), through the watchdog."""
        process = self.process
        # returncode is set once the watchdog has been reaped; then the server's
        # group is gone too, and its ids may belong to someone else.
        if process is not None and process.returncode is None:
            try:
                if process.poll() is None:
                    self._stopped_by_us = True
                    watchdog.tell_stop(process)
                    process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
            finally:
                # Also reached on a second Ctrl-C while waiting: never leave it running.
                if process.poll() is None:
                    if self.server_pgid is not None:
                        _signal_group(self.server_pgid, signal.SIGKILL)
                    process.kill()
                    process.wait()
                if self._stopped_by_us and signals.received():
                    # The one line that says a signal stopped a server, and which.
                    print(f"agentkit: {signals.received()} received; stopped {self.label}",
                          file=sys.stderr, flush=True)
        _LIVE.discard(self)
        # A server that exited without being told to crashed: its log says why.
        exited_on_its_own = process is not None and not self._stopped_by_us
        if self._temporary_log and not (self._failed or exited_on_its_own):
            self.log_path.unlink(missing_ok=True)

    def died(self) -> str | None:
        """None while the server runs (or after we stopped it); else one line: its exit, its ranks, its log."""
        if self.process is None or self._stopped_by_us or self.process.poll() is None:
            return None
        code = self.process.returncode
        # The watchdog exits 128 + N when a signal N killed the server (as shells report it).
        how = (f"was killed by {signal.Signals(code - 128).name}" if 128 < code < 128 + signal.NSIG
               else f"exited with code {code}")
        return f"{self.label} {how}{dead_ranks(self.log_tail(200))} (log: {self.log_path})"

    def wait(self) -> int:
        """Block until the server process exits; return its exit code."""
        assert self.process is not None, "start() the server first"
        return self.process.wait()

    def log_tail(self, n: int = 20) -> str:
        """The last `n` lines of the server log."""
        return read_tail(self.log_path, n)

    def _wait_for_http(self, deadline: float) -> None:
        while True:
            self._raise_if_exited()
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2):
                    return
            except (OSError, ValueError):
                pass
            if time.monotonic() >= deadline:
                raise self._not_ready(f"did not answer on {self.base_url}")
            time.sleep(0.1)

    def _warm_up(self, deadline: float) -> None:
        # One token is enough to pay the one-time costs (weight loading,
        # kernel compilation) before anything is measured.
        body = {"model": self.model_id, "max_tokens": 1,
                "messages": [{"role": "user", "content": "Hi"}]}
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=max(deadline - time.monotonic(), 0.1)):
                return
        except (OSError, ValueError) as exc:
            failure = exc
        self._raise_if_exited()
        if isinstance(failure, TimeoutError) or isinstance(getattr(failure, "reason", None), TimeoutError):
            raise self._not_ready("did not answer its warm-up request")
        # mlx_lm loads the weights in a background thread; when loading fails
        # that thread dies but the HTTP server stays up, and /health says 503.
        if self._health_status() == 503:
            problem = f"mlx_lm.server could not load the model {self.model!r}"
        else:
            if isinstance(failure, urllib.error.HTTPError):
                failure = failure.read().decode(errors="replace")
            problem = f"mlx_lm.server for {self.model!r} failed its warm-up request ({failure})"
        raise ServerStartError(
            f"{problem}.\n{self._tail_for_error()}", fix=hint_from_log(self.log_tail(200))
        )

    def _not_ready(self, what: str) -> ServerNotReadyError:
        return ServerNotReadyError(
            f"mlx_lm.server for {self.model!r} {what} within {self.ready_timeout:g} s.\n"
            f"{self._tail_for_error()}",
            fix="give it longer (ready_timeout=..., `--ready-timeout`): a large model "
            "loads slowly, and a Hugging Face id may still be downloading",
        )

    def _health_status(self) -> int | None:
        try:
            with urllib.request.urlopen(f"http://{client_host(self.host)}:{self.port}/health",
                                        timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return None

    def _raise_if_exited(self) -> None:
        assert self.process is not None
        code = self.process.poll()
        if code is not None:
            raise ServerStartError(
                f"{self.label} exited with code {code}{dead_ranks(self.log_tail(200))} while starting.\n"
                f"{self._tail_for_error()}",
                fix=hint_from_log(self.log_tail(200)),
            )

    def _tail_for_error(self) -> str:
        tail = self.log_tail(20) or "(empty so far)"
        return f"Last lines of {self.log_path}:\n{tail}"


def _ensure_hf_cache_dir() -> None:
    # mlx-lm 0.32 answers GET /v1/models with "200" and an empty body when the
    # Hugging Face cache folder does not exist (ml-explore/mlx-lm#1636), which
    # breaks `client.models.list()`. An empty folder is what the Hub client
    # would create on its first download anyway.
    from huggingface_hub import constants

    try:
        Path(constants.HF_HUB_CACHE).mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # read-only home: only the model listing is affected


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop(timeout=2.0)
