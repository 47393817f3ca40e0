"""`agentkit doctor`: is this machine ready to serve a model, and if not, what to do.

Each check is a small function returning a `Check`; `run_checks` collects them
and `report` prints one table. The MLX backend is checked with the same probe
`ManagedServer` runs before it starts `mlx_lm.server` (`backend`).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import urllib.request
from pathlib import Path

from pydantic import BaseModel

from agentkit.cli_types import base_url
from agentkit.errors import IncompleteModelError, ModelNotFoundError
from agentkit.serving.backend import install_hint, probe_backend
from agentkit.serving.models import TOY_MODELS, resolve_model

DEFAULT_URL = "http://127.0.0.1:8080/v1"


class Check(BaseModel):
    """One line of the doctor's table."""

    name: str
    """What was checked, e.g. `MLX backend`."""
    ok: bool
    """Whether the check passed."""
    detail: str
    """What was found (a version, a size, an error)."""
    required: bool = True
    """Whether a failure makes `agentkit doctor` exit with code 1."""
    fix: str | None = None
    """What to do when it failed."""


def parse_meminfo(text: str) -> tuple[int, int | None]:
    """Total and available bytes from Linux /proc/meminfo text."""
    fields = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts:
            # /proc/meminfo reports kB (KiB, despite the label).
            fields[name.strip()] = int(parts[0]) * 1024
    return fields["MemTotal"], fields.get("MemAvailable")


def read_memory() -> tuple[int, int | None] | None:
    """Total and available memory in bytes, None when this platform is not supported."""
    try:
        if sys.platform.startswith("linux"):
            return parse_meminfo(Path("/proc/meminfo").read_text())
        if sys.platform == "darwin":
            out = subprocess.run(
                ["sysctl", "-n", "hw.memsize"], capture_output=True, text=True, timeout=5
            )
            # macOS has no single "available" number; the total is what matters
            # for choosing between the 27B dense and the 35B-A3B MoE.
            return int(out.stdout.strip()), None
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        return None
    return None


def check_backend() -> list[Check]:
    """The MLX backend, the mlx version and the mlx-lm version."""
    info = probe_backend()
    fix = install_hint()
    return [
        Check(name="MLX backend", ok=bool(info.backend) and info.error is None,
              detail=info.backend or info.error or "unknown", fix=fix),
        Check(name="mlx", ok=info.mlx_version is not None,
              detail=info.mlx_version or "not installed", fix=fix),
        Check(name="mlx-lm", ok=info.mlx_lm_version is not None,
              detail=info.mlx_lm_version or "not installed", fix=fix),
    ]


def check_memory() -> Check:
    memory = read_memory()
    if memory is None:
        return Check(name="Memory", ok=True, required=False, detail="unknown on this platform")
    total, available = memory
    detail = f"{total / 2**30:.1f} GiB total"
    if available is not None:
        detail += f", {available / 2**30:.1f} GiB available"
    return Check(name="Memory", ok=True, required=False, detail=detail)


def check_toy_model(name: str) -> Check:
    try:
        ref = resolve_model(name)
    except (ModelNotFoundError, IncompleteModelError) as exc:
        return Check(name=f"Toy model {name}", ok=False, detail=exc.message, fix=exc.fix)
    return Check(name=f"Toy model {name}", ok=True, detail=str(ref.path))


def check_server(url: str, required: bool) -> Check:
    """Whether an OpenAI-compatible server answers `GET {url}/models`."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/models", timeout=3) as response:
            body = response.read()
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Check(name="Server", ok=False, required=required,
                     detail=f"no answer at {url} ({reason})",
                     fix="start one with `agentkit serve toy-dense --port 8080`")
    try:
        ids = [model["id"] for model in json.loads(body)["data"]]
    except (ValueError, KeyError, TypeError):
        # mlx-lm 0.32 sends an empty 200 when the Hugging Face cache folder is
        # missing (ml-explore/mlx-lm#1636); the server itself is fine.
        return Check(name="Server", ok=True, required=required,
                     detail=f"{url} answers, but its model list is empty; "
                     "`mkdir -p ~/.cache/huggingface/hub` and restart it to fix that")
    return Check(name="Server", ok=True, required=required,
                 detail=f"{url} serves {', '.join(ids) or 'no listed models'}")


def run_checks(url: str = DEFAULT_URL, url_required: bool = False) -> list[Check]:
    """Every doctor check, in the order the table shows them."""
    python_ok = sys.version_info >= (3, 11)
    return [
        Check(name="Python", ok=python_ok, detail=platform.python_version(),
              fix="agentkit needs Python 3.11 or newer"),
        Check(name="Platform", ok=True, required=False,
              detail=f"{platform.system()} {platform.release()} ({platform.machine()})"),
        *check_backend(),
        check_memory(),
        *(check_toy_model(name) for name in TOY_MODELS),
        check_server(url, required=url_required),
    ]


def report(checks: list[Check]) -> int:
    """Print the checks as a table; 0 when every required check passed, else 1."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="agentkit doctor")
    for column in ("Check", "Status", "Detail"):
        table.add_column(column)
    for check in checks:
        if check.ok:
            status = "[green]ok[/]"
        else:
            status = "[red]FAIL[/]" if check.required else "[yellow]warn[/]"
        detail = check.detail if check.ok or not check.fix else f"{check.detail}\nfix: {check.fix}"
        # Text(), not a markup string: error messages may contain [brackets].
        table.add_row(check.name, status, Text(detail))
    Console().print(table)
    return 0 if all(check.ok for check in checks if check.required) else 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", type=base_url, default=None,
                        help="server to look for (default: mlx_lm.server's own default, "
                        "port 8080 on this machine); when given, no answer is a failure")


def run(args: argparse.Namespace) -> int:
    """`agentkit doctor`: every check, one table; exit code 1 when a required check failed."""
    return report(run_checks(url=args.url or DEFAULT_URL, url_required=args.url is not None))
