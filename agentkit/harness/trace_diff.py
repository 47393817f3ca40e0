"""`agentkit trace show FILE` and `agentkit trace diff A B`: read the traces `agentkit run` saves.

`show` prints one trace as the run looked (`agentkit.trace.show`); `diff` is
the decision diff of `agentkit compare`, on any two saved traces.

Two runs of the same task (two models, two settings, two repeats) line up
decision by decision; the command prints the alignment, the first
divergence and how each run ended. Without a checker, an outcome is how the
run ended (answered, guard hit, error), not whether the answer was right.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agentkit.harness.diff import diff_decisions
from agentkit.trace import read_trace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="trace_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print a trace as the run looked, then a summary")
    show.add_argument("file", type=Path, metavar="FILE", help="a .jsonl trace")
    diff = actions.add_parser("diff", help="align the decisions of two traces and show where they part")
    diff.add_argument("a", type=Path, metavar="A", help="a .jsonl trace")
    diff.add_argument("b", type=Path, metavar="B", help="another .jsonl trace")


def run(args: argparse.Namespace) -> int:
    if args.trace_command == "diff":
        return run_trace_diff(args.a, args.b)
    from agentkit.trace.show import show_trace

    show_trace(args.file)
    return 0


def run_trace_diff(path_a: Path, path_b: Path) -> int:
    """Print the diff; exit code 0 when the decisions are the same, 1 when they differ (like `diff`)."""
    from rich.console import Console

    from agentkit.harness.report_terminal import print_trace_diff

    a, b = read_trace(path_a), read_trace(path_b)
    diff = diff_decisions(a, b)
    print_trace_diff(diff, _label(path_a, a), _label(path_b, b), Console())
    return 0 if diff.identical else 1


def _label(path: Path, trace) -> str:
    start = trace.start
    return f"{path.name} ({start.model}, {start.agent})" if start else path.name
