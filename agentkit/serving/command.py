"""`agentkit serve MODEL`: one mlx_lm.server in the foreground until Ctrl-C.

Prints the URL, the model id to send and the log's path, one unwrapped line
each, so a script can read them from a pipe. With `--hosts A,B` (or
`--hostfile`) the server runs under `mlx.launch`, the model split across the
ranks (`agentkit.serving.hosts`); Ctrl-C, SIGTERM and agentkit's own death stop
the launcher and every rank.
"""

from __future__ import annotations

import argparse

from agentkit.cli_types import port, positive_float
from agentkit.serving.hosts import add_hosts_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL",
                        help="toy-dense, toy-moe, a model directory, or a Hugging Face id")
    parser.add_argument("--port", type=port, default=None, help="port (default: a free one)")
    parser.add_argument("--template", default=None,
                        help="chat template: a kit name (qwen3.6, hermes) or a .jinja path")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--ready-timeout", type=positive_float, default=60.0,
                        help="seconds to wait for the model to load (default: 60)")
    add_hosts_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from agentkit.errors import ServerStartError
    from agentkit.serving.hosts import hosts_from_args
    from agentkit.serving.server import ManagedServer
    from agentkit.serving.signals import forget_interrupt, stop_on_signals

    console = Console()
    # A plain `kill` (SIGTERM) stops the server too, through the same clean path as Ctrl-C.
    stop_on_signals()
    server = ManagedServer(args.model, port=args.port, template=args.template,
                           host=args.host, ready_timeout=args.ready_timeout, hosts=hosts_from_args(args))
    stopped_by_user = False
    try:
        with console.status(f"starting {server.label}..."):
            server.start()
        # One unwrapped line each, so scripts can read them from a pipe.
        for line in (f"ready {server.base_url}", f"model id: {server.model_id}",
                     f"log: {server.log_path}", "Ctrl-C to stop"):
            console.print(line, soft_wrap=True, highlight=False, markup=False)
        code = server.wait()
    except KeyboardInterrupt:
        forget_interrupt()
        stopped_by_user = True
    finally:
        server.stop()
    if stopped_by_user:
        return 0  # ManagedServer.stop() printed the one line that says what it stopped
    raise ServerStartError(
        f"{server.died() or f'mlx_lm.server exited on its own with code {code}'}.\n{server.log_tail(20)}",
        fix=f"read the full log at {server.log_path}",
    )
