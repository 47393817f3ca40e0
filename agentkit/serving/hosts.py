"""One model across several machines: the `--hosts` flags and the `mlx.launch` command they make.

MLX ships its own launcher. `mlx.launch --hosts A,B --backend ring CMD` starts
CMD once per host (over ssh, or locally for 127.0.0.1), tells each process its
rank, and connects them (ring: TCP over Ethernet or Thunderbolt; jaccl: RDMA
over Thunderbolt 5). mlx_lm.server, started that way, loads its model split
across the ranks (`sharded_load`): by layers with `--pipeline` for models with
pipeline support (mlx_lm's `PipelineMixin`, e.g. `qwen3_5`), otherwise
tensor-parallel. Rank 0 answers HTTP; the others only compute. The kit builds
that command line and nothing more: no serving layer of its own.

    agentkit serve toy-dense --hosts 127.0.0.1,127.0.0.1     # two local ranks (how the tests run it)
    agentkit serve MODEL --hostfile hosts.json --backend jaccl   # two Macs, hostfile from mlx.distributed_config

Every command that takes a model takes these flags (`add_hosts_arguments`).
Each host needs the same Python environment and the model at the same path.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from agentkit.errors import SetupError
from agentkit.serving.ports import free_ports

BACKENDS = ("ring", "jaccl")


class HostsError(SetupError):
    """The hosts, the hostfile or the model cannot be served across ranks."""


@dataclass(frozen=True)
class Hosts:
    """Where the ranks of one server run; no hosts means one process, no launcher."""

    hosts: tuple[str, ...] = ()
    """One entry per rank, as given to --hosts; a host repeated runs several ranks there."""
    hostfile: Path | None = None
    """An mlx.launch hostfile (JSON) instead of --hosts."""
    backend: str = "ring"
    """mlx.launch backend: ring (TCP) or jaccl (RDMA over Thunderbolt 5)."""
    parallel: str | None = None
    """pipeline (by layers) or tensor; None: pipeline where the model supports it."""

    @property
    def distributed(self) -> bool:
        return bool(self.hosts) or self.hostfile is not None

    @property
    def ranks(self) -> int:
        if self.hostfile is not None:
            data = json.loads(self.hostfile.read_text())
            return len(data["hosts"] if isinstance(data, dict) else data)
        return len(self.hosts)

    def describe(self) -> str:
        where = ",".join(self.hosts) if self.hosts else str(self.hostfile)
        return f"{self.ranks} ranks ({where}, {self.backend})"

    def launched(self, server_command: list[str], model_dir: Path | None) -> list[str]:
        """The mlx_lm.server command under mlx.launch, the model split by layers or by tensors."""
        parallel = choose_parallel(model_dir, self.parallel)
        require_sharded_files(model_dir)
        if parallel == "pipeline":
            server_command = [*server_command, "--pipeline"]
        # The ring's ports, one per rank from here (the default, 32323, may be taken by another run).
        return self.launch_command(server_command, starting_port=free_ports(self.ranks))

    def launch_command(self, server_command: list[str], starting_port: int) -> list[str]:
        """`mlx.launch ... -- SERVER_COMMAND`; the ring's ports start at `starting_port`."""
        where = ["--hostfile", str(self.hostfile)] if self.hostfile else ["--hosts", ",".join(self.hosts)]
        return [*launcher(), *where, "--backend", self.backend, "--starting-port", str(starting_port),
                "--", *server_command]


def add_hosts_arguments(parser: argparse.ArgumentParser) -> None:
    """--hosts, --hostfile, --backend, --pipeline/--tensor: the same on every command that serves a model."""
    group = parser.add_argument_group("serving one model across machines (mlx.launch)")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--hosts", type=_host_list, default=(), metavar="HOST[,HOST...]",
                       help="one rank per host; repeat 127.0.0.1 for local ranks (default: one process here)")
    where.add_argument("--hostfile", type=Path, default=None, metavar="FILE",
                       help="an mlx.launch hostfile (JSON, e.g. written by mlx.distributed_config)")
    group.add_argument("--backend", choices=BACKENDS, default="ring",
                       help="ring: TCP over Ethernet/Thunderbolt; jaccl: RDMA over Thunderbolt 5 (default: ring)")
    split = group.add_mutually_exclusive_group()
    split.add_argument("--pipeline", dest="parallel", action="store_const", const="pipeline",
                       help="split the layers across ranks (default where the model supports it)")
    split.add_argument("--tensor", dest="parallel", action="store_const", const="tensor",
                       help="split every layer's weights across ranks")


def hosts_from_args(args: argparse.Namespace) -> Hosts:
    """The Hosts the flags asked for; commands without the flags get one process."""
    hostfile = getattr(args, "hostfile", None)
    if hostfile is not None and not hostfile.is_file():
        raise HostsError(f"No hostfile at {hostfile}.",
                         fix="write one with `mlx.distributed_config`, or give the hosts with --hosts A,B")
    hosts = Hosts(hosts=tuple(getattr(args, "hosts", ()) or ()), hostfile=hostfile,
                  backend=getattr(args, "backend", "ring"), parallel=getattr(args, "parallel", None))
    if hostfile is not None:
        try:
            hosts.ranks  # noqa: B018 (read it now: a broken hostfile fails here, in one line)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            raise HostsError(f"Cannot read the hostfile {hostfile}: {error}.",
                             fix='a JSON list of {"ssh": HOST, "ips": [IP]}, one per rank, or '
                             '{"hosts": [...]} (mlx.distributed_config writes one)') from None
    return hosts


def launcher() -> list[str]:
    """How to run mlx.launch: the script next to this Python, else the module it runs."""
    script = Path(sys.executable).parent / "mlx.launch"
    if script.exists():
        return [str(script)]
    found = shutil.which("mlx.launch")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from mlx._distributed_utils.launch import main; sys.exit(main())"]


def choose_parallel(model_dir: Path | None, requested: str | None) -> str:
    """pipeline or tensor for this model: the request, checked, or pipeline where supported."""
    support = _sharding_support(model_dir)
    if requested is None:
        if support is None or "pipeline" in support:
            return "pipeline"
        requested = "tensor"
    if support is not None and requested not in support:
        other = " or ".join(sorted(support)) or "nothing"
        raise HostsError(f"This model's architecture does not support {requested} parallelism in the "
                         f"installed mlx_lm (it supports {other}).",
                         fix=f"use --{sorted(support)[0]}" if support else "serve it on one machine")
    return requested


def require_sharded_files(model_dir: Path | None) -> None:
    """sharded_load opens model.safetensors.index.json: say so before starting ranks that would die."""
    if model_dir is not None and not (model_dir / "model.safetensors.index.json").exists():
        raise HostsError(
            f"{model_dir} has no model.safetensors.index.json, which mlx_lm's sharded_load needs "
            "to give each rank its weights.",
            fix="save the model with an index (mlx_lm.convert writes one; a single-file index lists every "
            'weight as {"weight_map": {"NAME": "model.safetensors", ...}})')


def _sharding_support(model_dir: Path | None) -> set[str] | None:
    """{'pipeline', 'tensor'} as far as the installed mlx_lm's model file shows; None when unknown."""
    if model_dir is None or not (model_dir / "config.json").exists():
        return None
    config = json.loads((model_dir / "config.json").read_text())
    model_type = config.get("model_type", "")
    try:
        from mlx_lm.utils import MODEL_REMAPPING

        spec = importlib.util.find_spec(f"mlx_lm.models.{MODEL_REMAPPING.get(model_type, model_type)}")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    # Read, not imported: the mixin and the method are what sharded_load looks for.
    source = Path(spec.origin).read_text()
    support = set()
    if "PipelineMixin" in source:
        support.add("pipeline")
    if "def shard(" in source:
        support.add("tensor")
    return support


def _host_list(text: str) -> tuple[str, ...]:
    hosts = tuple(host.strip() for host in text.split(","))
    if not hosts or any(not host for host in hosts):
        raise argparse.ArgumentTypeError(f"{text!r}: give hosts separated by commas, e.g. 127.0.0.1,127.0.0.1")
    if len(hosts) < 2:
        raise argparse.ArgumentTypeError("give at least two hosts (one rank each); one host needs no --hosts")
    return hosts
