"""Is MLX usable here? One array operation in a child Python, before any server starts.

The probe runs in a child interpreter because a broken backend can abort the
whole process (an illegal instruction, a missing Metal device), and the
caller must survive to say so. `ManagedServer` calls `require_backend` before
it starts `mlx_lm.server`; `agentkit doctor` shows the same probe as a table row.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys

from pydantic import BaseModel

from agentkit.errors import BackendError

# Run in a child interpreter. Versions are printed first, so they are known
# even when importing mlx kills the child.
_PROBE = """
import importlib.metadata as md, json
def version(name):
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None
print(json.dumps({"mlx_version": version("mlx"), "mlx_lm_version": version("mlx-lm")}), flush=True)
import mlx.core as mx
x = mx.array([1]) + 1
mx.eval(x)
assert x.item() == 2, "mlx computed 1 + 1 wrong"
cuda = hasattr(mx, "cuda") and mx.cuda.is_available()
backend = "Metal" if mx.metal.is_available() else "CUDA" if cuda else "CPU"
print(json.dumps({"backend": backend}), flush=True)
"""


class BackendInfo(BaseModel):
    """What the MLX probe found in a Python interpreter."""

    python: str
    """The interpreter that was probed (the one that will run mlx_lm.server)."""
    backend: str | None = None
    """`Metal`, `CUDA` or `CPU` when an MLX array operation ran; None otherwise."""
    mlx_version: str | None = None
    """Installed mlx version, None when mlx is not installed."""
    mlx_lm_version: str | None = None
    """Installed mlx-lm version, None when mlx-lm is not installed."""
    error: str | None = None
    """The end of the probe's output when it failed."""


def install_hint() -> str:
    """The pip command that gives this platform a working mlx_lm.server."""
    if sys.platform == "darwin":
        return 'pip install mlx-lm  (Apple Silicon; MLX has no Intel-Mac build)'
    return 'pip install "mlx[cpu]" mlx-lm'


@functools.cache
def probe_backend(python: str = sys.executable) -> BackendInfo:
    """Run one MLX array operation in `python` and report versions and backend."""
    try:
        done = subprocess.run(
            [python, "-c", _PROBE], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return BackendInfo(python=python, error=str(exc))
    info: dict = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            info.update(json.loads(line))
    error = None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        error = f"exit code {done.returncode}: " + "\n".join(tail)
    return BackendInfo(python=python, error=error, **info)


def require_backend(python: str = sys.executable) -> BackendInfo:
    """Raise `BackendError` unless mlx-lm is installed and MLX runs in `python`."""
    info = probe_backend(python)
    if info.error is None and info.mlx_lm_version is not None and info.backend:
        return info
    if info.mlx_lm_version is None:
        problem = f"mlx-lm is not installed for {python}."
    else:
        problem = f"MLX cannot run an array operation in {python} ({info.error})."
    raise BackendError(problem, fix=install_hint())
