"""Lesson 18: Dense vs MoE: the same agent on two models, decisions diffed, latency measured.

    python lessons/18_dense_vs_moe.py                       # toy-dense vs toy-moe, started one after the other
    python lessons/18_dense_vs_moe.py --out runs/lesson18   # keep the traces and the HTML report

Three steps: run a slice of the default suite twice on each model (the
harness behind `agentkit compare`) and print its report; read one task's
divergence decision by decision, as `agentkit trace diff A B` shows it; and
put the latency numbers and the repeat stability side by side.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rich.console import Console

from agentkit.agents import AgentConfig
from agentkit.client import OpenAIClient
from agentkit.harness.compare import versions
from agentkit.harness.diff import describe_divergence
from agentkit.harness.report_html import render_html
from agentkit.harness.report_terminal import print_report, print_trace_diff
from agentkit.harness.run import TaskRun, run_suite, warm_up
from agentkit.harness.suite import load_suite
from agentkit.harness.summary import CompareSummary, RunSetup, build_summary
from agentkit.serving.endpoint import open_endpoint
from agentkit.serving.hosts import add_hosts_arguments, hosts_from_args
from agentkit.trace import read_trace

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

# A single call, parallel calls, a chain on a name the toy models mangle, and a Reflection task.
TASKS = ["weather-single", "weather-parallel", "notes", "reflect-multiply"]
REPEATS = 2


def step_1_run_both(console: Console, args: argparse.Namespace, out: Path) -> CompareSummary:
    console.rule("1. The same suite, the same agent config, one model after the other")
    suite = load_suite("default")
    suite = suite.model_copy(update={"tasks": [t for t in suite.tasks if t.id in TASKS]})
    # Temperature 0 and the same settings for both: any difference below comes from the model.
    config = AgentConfig(max_tokens=256)
    runs: dict[str, list[TaskRun]] = {}
    model_ids, wall = {}, {}
    for label, url in ((args.dense, args.dense_url), (args.moe, args.moe_url)):
        start = time.perf_counter()
        console.print(f"{label}: starting the server (or connecting), warming up, {len(TASKS)} tasks x {REPEATS}")
        # One model at a time: a 48 GB Mac cannot hold a 27B dense and a 35B MoE at once.
        with open_endpoint(label, url=url, hosts=hosts_from_args(args), model_given=False) as endpoint:
            client = OpenAIClient(endpoint)
            warm_up(client)
            runs[label] = run_suite(client, label, suite, config, out, repeats=REPEATS)
            model_ids[label] = endpoint.model_id
        wall[label] = time.perf_counter() - start
    setup = RunSetup(suite="default (lesson slice)", pattern="react", thinking=False, repeats=REPEATS,
                     agent_config=config.model_dump(), models=model_ids, versions=versions(),
                     seed="none sent (temperature 0)", wall_s=wall)
    traces = {r.trace: read_trace(r.trace) for rs in runs.values() for r in rs}
    summary = build_summary(setup, list(runs), runs, traces)
    print_report(summary, console)
    return summary


def step_2_one_divergence(console: Console, summary: CompareSummary) -> None:
    console.rule("2. Where the two models part, decision by decision")
    a, b = summary.labels
    row = next((r for r in summary.tasks if not r.diff.identical), summary.tasks[0])
    console.print(f"task {row.task!r}: {describe_divergence(row.diff)}", markup=False)
    # The same view `agentkit trace diff A B` prints for any two saved traces.
    print_trace_diff(row.diff, f"{a}/{Path(row.runs[a][0].trace).name}", f"{b}/{Path(row.runs[b][0].trace).name}",
                     console)


def step_3_what_it_cost(console: Console, summary: CompareSummary) -> None:
    console.rule("3. What each model cost, and whether it decided the same way twice")
    for label in summary.labels:
        m = summary.models[label]
        changed = sum(row.changed[label] for row in summary.tasks)
        console.print(f"{label:>10}: decode {m.decode_tps or 0:.0f} tok/s, TTFT p50 {m.ttft_p50_ms or 0:.0f} ms, "
                      f"{m.requests} requests, {m.completion_tokens} tokens generated, "
                      f"{summary.passed[label]}/{m.runs} runs right, decisions changed between repeats in "
                      f"{changed} of {len(summary.tasks)} tasks", markup=False)
        key = label.replace("-", "_")
        fact(f"{key}_requests", m.requests)
        fact(f"{key}_right", summary.passed[label])
        fact(f"{key}_runs", m.runs)
        fact(f"{key}_changed", changed)
        fact(f"{key}_cached_percent", f"{(m.cached_ratio or 0) * 100:.0f}")
        fact(f"{key}_ttft_p50_ms", f"{m.ttft_p50_ms or 0:.0f}", timing=True)
        fact(f"{key}_decode_tps", f"{m.decode_tps or 0:.0f}", timing=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 18: dense vs MoE")
    parser.add_argument("--dense", default="toy-dense")
    parser.add_argument("--moe", default="toy-moe")
    parser.add_argument("--dense-url", default=None, help="a running server for the dense model")
    parser.add_argument("--moe-url", default=None, help="a running server for the MoE model")
    parser.add_argument("--out", type=Path, default=None, help="keep traces and report.html here")
    add_hosts_arguments(parser)
    args = parser.parse_args()
    console = Console()
    # Not removed at the end: the traces and report.html are for the reader to open, and the last line says where.
    out = args.out or Path(tempfile.mkdtemp(prefix="agentkit-lesson18-"))
    summary = step_1_run_both(console, args, out)
    step_2_one_divergence(console, summary)
    step_3_what_it_cost(console, summary)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(render_html(summary), encoding="utf-8")
    # The path on a line of its own, never wrapped, so it can be copied whole.
    console.print("traces and report.html:")
    console.print(str(out), markup=False, highlight=False, soft_wrap=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
