"""The `agentkit` command: a table of subcommands, each one module beside its package.

Every command module has the same two functions: `add_arguments(parser)`
declares its arguments and `run(args) -> int` does the work. Only the module
of the command being run is imported (`agentkit --help` imports none of them:
mlx_lm alone takes seconds to import). A new subcommand is one row in
`COMMANDS` and one module with those two functions.

Kit errors (`AgentkitError`) are printed as a red message with their fix and
exit code 2; set AGENTKIT_DEBUG=1 to get the traceback as well.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the real import waits until an error is printed (keeps --help light)
    from agentkit.errors import AgentkitError


class Command(NamedTuple):
    """One subcommand: where it lives and what `--help` says about it."""

    module: str
    """The module with `add_arguments(parser)` and `run(args) -> int`."""
    help: str
    """The line in `agentkit --help`."""
    description: str
    """The paragraph at the top of `agentkit NAME --help`."""
    epilog: str | None = None
    """Text after the options in `agentkit NAME --help` (exit codes, where they matter)."""


COMMANDS: dict[str, Command] = {
    "serve": Command(
        "agentkit.serving.command", "run mlx_lm.server for a model in the foreground until Ctrl-C",
        "Start mlx_lm.server for MODEL, wait until it answers, print its URL."),
    "doctor": Command(
        "agentkit.serving.doctor", "check Python, MLX, memory, the toy models and a server",
        "Check that this machine can serve models; exit 1 if a required check fails."),
    "compare": Command(
        "agentkit.harness.compare", "run the same agent on a dense and a MoE model and compare them",
        "Serve the dense model, run the suite, stop it; then the same for the MoE model; "
        "print tool calls, correctness and latency side by side."),
    "toy": Command(
        "agentkit.toy.command", "rebuild and evaluate the toy models (data, train, eval)",
        "Rebuild the toy models: `toy data`, then `toy train`; `toy eval` scores them "
        "on held-out tasks through the real mlx_lm.server."),
    "chat": Command(
        "agentkit.chat.command", "chat with a model: streamed answers, thinking toggles, a live stats line",
        "Chat with a model (one message per line from a pipe). "
        "Commands: /think, /nothink, /prompt, /reset, /quit."),
    "run": Command(
        "agentkit.agents.command", "run an agent (react, reflection, plan) on a task, shown live and traced",
        "Run one agent pattern on TASK with the kit's example tools; show it live and save its trace.",
        """exit codes:
  0    the run finished and its verdict found no problem
  1    the verdict found a problem (ungrounded argument, markup in the answer,
       unsupported number, unrecovered tool error, no answer or a guard stopped
       the run, answer cut by max_tokens); the status line and the trace say which
  2    the run could not start or failed with an error (the message says what to do)
  130  interrupted (Ctrl-C); the trace is complete up to there"""),
    "trace": Command(
        "agentkit.harness.trace_diff", "read saved traces (trace show FILE, trace diff A B)",
        "Read the traces that `agentkit run` saves."),
    "bench": Command(
        "agentkit.bench.command", "the write-ups' benches: speed, thinking, multiturn, concurrency",
        "Run one bench on a model (--model, default toy-dense) or a running server (--url) "
        "and print its table."),
    "fit": Command(
        "agentkit.sizing.command", "will a model fit in memory, and its decode ceiling on a chip",
        "Weights (parameters x bits / 8), KV cache at a context, whether it fits the Mac's "
        "memory, and the decode ceiling (bandwidth / bytes read per token). Exit 1 when it does not fit."),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, just that command's module is imported (what `main` does)."""
    parser = argparse.ArgumentParser(
        prog="agentkit", description="Build LLM agents from scratch against a local mlx_lm.server."
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub = subcommands.add_parser(name, help=command.help, description=command.description,
                                     epilog=command.epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
        if only is None or name == only:
            module = importlib.import_module(command.module)
            module.add_arguments(sub)
            sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `agentkit` console script; returns the exit code."""
    from agentkit.errors import AgentkitError

    argv = sys.argv[1:] if argv is None else argv
    # The command is the first word that is not an option; "" (none, as in
    # `agentkit --help`) imports no command module at all.
    chosen = next((word for word in argv if not word.startswith("-")), "")
    args = build_parser(only=chosen).parse_args(argv)
    try:
        return args.run(args)
    except AgentkitError as exc:
        if os.environ.get("AGENTKIT_DEBUG") == "1":
            raise
        _print_error(exc)
        return 2
    except KeyboardInterrupt:
        from agentkit.serving.signals import forget_interrupt

        forget_interrupt()  # cleaned up already: exit 130, not by SIGINT (see there)
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


if __name__ == "__main__":
    sys.exit(main())
