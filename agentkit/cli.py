"""The `agentkit` command: one small function per subcommand.

Each `add_<name>` function declares its arguments and a `run` function that
imports the module doing the work only when that subcommand runs, so
`agentkit --help` stays fast (importing mlx_lm alone takes seconds).
Kit errors (`AgentkitError`) are printed as a red message with their fix and
exit code 2; set AGENTKIT_DEBUG=1 to get the traceback as well.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the real import waits until an error is printed (keeps --help fast)
    from agentkit.errors import AgentkitError

Subcommands = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_serve(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "serve", help="run mlx_lm.server for a model in the foreground until Ctrl-C",
        description="Start mlx_lm.server for MODEL, wait until it answers, print its URL.",
    )
    parser.add_argument("model", metavar="MODEL",
                        help="toy-dense, toy-moe, a model directory, or a Hugging Face id")
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    parser.add_argument("--template", default=None,
                        help="chat template: a kit name (qwen3.6, hermes) or a .jinja path")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--ready-timeout", type=float, default=60.0,
                        help="seconds to wait for the model to load (default: 60)")
    parser.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from rich.console import Console

    from agentkit.errors import ServerStartError
    from agentkit.server import ManagedServer

    console = Console()
    # A plain `kill` (SIGTERM) should stop the server too, through the same
    # clean path as Ctrl-C instead of leaving it orphaned.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    server = ManagedServer(args.model, port=args.port, template=args.template,
                           host=args.host, ready_timeout=args.ready_timeout)
    stopped_by_user = False
    try:
        with console.status(f"starting mlx_lm.server for {args.model}..."):
            server.start()
        # One unwrapped line each, so scripts can read them from a pipe.
        for line in (f"ready {server.base_url}", f"model id: {server.model_id}",
                     f"log: {server.log_path}", "Ctrl-C to stop"):
            console.print(line, soft_wrap=True, highlight=False, markup=False)
        code = server.wait()
    except KeyboardInterrupt:
        stopped_by_user = True
    finally:
        server.stop()
    if stopped_by_user:
        console.print("stopped")
        return 0
    raise ServerStartError(
        f"mlx_lm.server exited on its own with code {code}.\n{server.log_tail(20)}",
        fix=f"read the full log at {server.log_path}",
    )


def add_doctor(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "doctor", help="check Python, MLX, memory, the toy models and a server",
        description="Check that this machine can serve models; exit 1 if a required check fails.",
    )
    parser.add_argument("--url", default=None,
                        help="server to look for (default: mlx_lm.server's own default, "
                        "port 8080 on this machine); when given, no answer is a failure")
    parser.set_defaults(run=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    from agentkit.doctor import DEFAULT_URL, report, run_checks

    return report(run_checks(url=args.url or DEFAULT_URL, url_required=args.url is not None))


def add_compare(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "compare", help="run the same agent on a dense and a MoE model and compare them",
        description="Serve the dense model, run the suite, stop it; then the same for the MoE model; "
        "print tool calls, correctness and latency side by side.",
    )
    from agentkit.compare import add_arguments

    add_arguments(parser)
    parser.set_defaults(run=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    from agentkit.compare import run_compare as compare

    return compare(args)


def add_toy(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "toy", help="rebuild and evaluate the toy models (data, train, eval)",
        description="Rebuild the toy models: `toy data`, then `toy train`; `toy eval` scores them "
        "on held-out tasks through the real mlx_lm.server.",
    )
    from agentkit.toy.__main__ import add_arguments

    add_arguments(parser)
    parser.set_defaults(run=run_toy)


def run_toy(args: argparse.Namespace) -> int:
    from agentkit.toy.__main__ import run

    return run(args)


def add_chat(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "chat", help="chat with a model: streamed answers, thinking toggles, a live stats line",
        description="Chat with a model (one message per line from a pipe). "
        "Commands: /think, /nothink, /prompt, /reset, /quit.",
    )
    from agentkit.client.chat_app import add_chat_arguments

    add_chat_arguments(parser)
    parser.set_defaults(run=run_chat)


def run_chat(args: argparse.Namespace) -> int:
    from agentkit.client.chat_app import run_from_args

    return run_from_args(args)


RUN_EXIT_CODES = """exit codes:
  0    the run finished and its verdict found no problem
  1    the verdict found a problem (ungrounded argument, markup in the answer,
       unsupported number, unrecovered tool error, no answer or a guard stopped
       the run, answer cut by max_tokens); the status line and the trace say which
  2    the run could not start or failed with an error (the message says what to do)
  130  interrupted (Ctrl-C); the trace is complete up to there"""


def add_run(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "run", help="run an agent (react, reflection, plan) on a task, shown live and traced",
        description="Run one agent pattern on TASK with the kit's example tools; show it live and save its trace.",
        epilog=RUN_EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from agentkit.agents.command import add_arguments

    add_arguments(parser)
    parser.set_defaults(run=run_run)


def run_run(args: argparse.Namespace) -> int:
    from agentkit.agents.command import run

    return run(args)


def add_trace(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("trace", help="read saved traces (trace show FILE, trace diff A B)",
                                    description="Read the traces that `agentkit run` saves.")
    actions = parser.add_subparsers(dest="trace_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print a trace as the run looked, then a summary")
    show.add_argument("file", type=Path, metavar="FILE", help="a .jsonl trace")
    diff = actions.add_parser("diff", help="align the decisions of two traces and show where they part")
    diff.add_argument("a", type=Path, metavar="A", help="a .jsonl trace")
    diff.add_argument("b", type=Path, metavar="B", help="another .jsonl trace")
    parser.set_defaults(run=run_trace)


def run_trace(args: argparse.Namespace) -> int:
    if args.trace_command == "diff":
        from agentkit.harness.trace_diff import run_trace_diff

        return run_trace_diff(args.a, args.b)
    from agentkit.trace.show import show_trace

    show_trace(args.file)
    return 0


def add_bench(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "bench", help="the write-ups' benches: speed, thinking, multiturn, concurrency",
        description="Run one bench on a model (--model, default toy-dense) or a running server (--url) "
        "and print its table.",
    )
    from agentkit.bench.command import add_arguments

    add_arguments(parser)
    parser.set_defaults(run=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    from agentkit.bench.command import run

    return run(args)


def add_fit(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "fit", help="will a model fit in memory, and its decode ceiling on a chip",
        description="Weights (parameters x bits / 8), KV cache at a context, whether it fits the Mac's "
        "memory, and the decode ceiling (bandwidth / bytes read per token). Exit 1 when it does not fit.",
    )
    from agentkit.fit import add_arguments

    add_arguments(parser)
    parser.set_defaults(run=run_fit)


def run_fit(args: argparse.Namespace) -> int:
    from agentkit.fit import run

    return run(args)


# ---------------------------------------------------------------------------
# Registration point. A new subcommand is one `add_<name>(subcommands)`
# function above, following add_serve: declare its arguments, set
# `run=run_<name>`, and import its module inside `run_<name>`. Then list it
# here. Planned: compare, toy (with `toy train` / `toy eval` as its own
# subparsers), chat, run, trace, bench, fit.
# ---------------------------------------------------------------------------
SUBCOMMANDS: list[Callable[[Subcommands], None]] = [
    add_serve,
    add_doctor,
    add_compare,
    add_toy,
    add_chat,
    add_run,
    add_trace,
    add_bench,
    add_fit,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentkit", description="Build LLM agents from scratch against a local mlx_lm.server."
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in SUBCOMMANDS:
        add(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `agentkit` console script; returns the exit code."""
    from agentkit.errors import AgentkitError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except AgentkitError as exc:
        if os.environ.get("AGENTKIT_DEBUG") == "1":
            raise
        _print_error(exc)
        return 2
    except KeyboardInterrupt:
        return 130


def _print_error(exc: AgentkitError) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=True)
    # Text(), not markup: messages quote logs and paths full of [brackets];
    # soft_wrap: keep quoted log lines as they are instead of re-wrapping them.
    console.print(Text(f"error: {exc.message}", style="red"), soft_wrap=True)
    if exc.fix:
        console.print(Text(f"fix: {exc.fix}", style="bold"), soft_wrap=True)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
