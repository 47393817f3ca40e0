"""`agentkit compare`: the same agent on a dense and a MoE model, side by side.

The models run one after the other, as they must on a Mac that cannot hold
both: start the server, warm it up, run the whole suite, stop it, then the
other. Both get temperature 0 and the same loop, prompts and tools, so every
difference in the table comes from the models. Timings are measured on the
client over the real HTTP stream (see `simple_loop.py`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from agentkit.endpoint import open_endpoint
from agentkit.simple_loop import LoopRun, run_loop
from agentkit.suite import Suite, Task, load_suite
from agentkit.tools import example_tools


class TaskResult(BaseModel):
    """One model's run of one task, checked."""

    task: str = Field(description="Task id.")
    model: str = Field(description="Model label.")
    run: LoopRun = Field(description="What the loop did.")
    calls_ok: bool = Field(description="Tool calls matched the expected calls.")
    answer_ok: bool = Field(description="Final answer contained every expected string.")


def check(task: Task, run: LoopRun) -> tuple[bool, bool]:
    got = [sorted(json.dumps([c.name, c.arguments], sort_keys=True) for c in step) for step in run.steps]
    want = [sorted(json.dumps([c.name, c.arguments], sort_keys=True) for c in step) for step in task.expect_calls]
    answer_ok = run.answer is not None and all(s.lower() in run.answer.lower() for s in task.expect_answer)
    return got == want, answer_ok


def run_suite(model: str, suite: Suite, url: str | None = None, on_task=None) -> list[TaskResult]:
    """Serve `model` (or use `url`), run every task of the suite, stop the server."""
    results = []
    with open_endpoint(model, url=url) as endpoint:
        for task in suite.tasks:
            workspace = Path(tempfile.mkdtemp(prefix="agentkit-task-"))
            try:
                for rel, text in task.files.items():
                    (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
                    (workspace / rel).write_text(text, encoding="utf-8")
                toolbox = example_tools(workspace)
                schemas = [s for s in toolbox.schemas() if s["function"]["name"] in task.tools]
                run = run_loop(endpoint, [{"role": "user", "content": task.prompt}], toolbox, schemas,
                               thinking=task.thinking)
            finally:
                shutil.rmtree(workspace, ignore_errors=True)
            calls_ok, answer_ok = check(task, run)
            results.append(TaskResult(task=task.id, model=model, run=run, calls_ok=calls_ok, answer_ok=answer_ok))
            if on_task:
                on_task(results[-1])
    return results


def _calls(run: LoopRun) -> str:
    """Tool calls per model turn, one turn per line; repeats of the same turn folded as ×N."""
    turns = [" + ".join(f"{c.name}({', '.join(f'{k}={v!r}' for k, v in (c.arguments or {}).items())})"
                        for c in step) for step in run.steps]
    lines: list[str] = []
    for turn in turns:
        if lines and lines[-1].split("  ×")[0] == turn:
            count = int(lines[-1].split("  ×")[1]) + 1 if "  ×" in lines[-1] else 2
            lines[-1] = f"{turn}  ×{count}"
        else:
            lines.append(turn)
    return "\n".join(lines) or "(no tool)"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _mark(ok: bool) -> str:
    return "[green]✓[/]" if ok else "[red]✗[/]"


def render_report(suite: Suite, labels: list[str], results: dict[str, list[TaskResult]]) -> None:
    from rich.console import Console
    from rich.table import Table

    decisions = Table(title=f"Decisions on suite '{suite.name}'", show_lines=True)
    decisions.add_column("task")
    for label in labels:
        decisions.add_column(f"{label}: tool calls", overflow="fold")
        decisions.add_column("calls / answer", justify="center")
    latency = Table(title="Latency per task (median over the task's requests)")
    latency.add_column("task")
    for label in labels:
        for what in ("TTFT ms", "tok/s", "steps", "wall s"):
            latency.add_column(f"{label} {what}" if what == "TTFT ms" else what, justify="right")
    for i, task in enumerate(suite.tasks):
        row, times = [task.id], [task.id]
        for label in labels:
            r = results[label][i]
            row += [_calls(r.run), f"{_mark(r.calls_ok)} {_mark(r.answer_ok)}"]
            ttft = _median([q.ttft_s for q in r.run.requests]) or 0
            tps = _median([q.decode_tps for q in r.run.requests if q.decode_tps])
            times += [f"{ttft * 1000:.0f}", f"{tps:.0f}" if tps else "-", str(len(r.run.requests)), f"{r.run.wall_s:.1f}"]
        decisions.add_row(*row)
        latency.add_row(*times)
    console = Console()
    console.print(decisions)
    console.print(latency)
    for label in labels:
        rs = results[label]
        reqs = [q for r in rs for q in r.run.requests]
        console.print(
            f"[bold]{label}[/]: calls right {sum(r.calls_ok for r in rs)}/{len(rs)}, answers right "
            f"{sum(r.answer_ok for r in rs)}/{len(rs)}, TTFT p50 {(_median([q.ttft_s for q in reqs]) or 0) * 1000:.0f} ms, "
            f"decode p50 {_median([q.decode_tps for q in reqs if q.decode_tps]) or 0:.0f} tok/s, "
            f"{len(reqs)} requests, {sum(r.run.wall_s for r in rs):.1f} s")
    differ = [t.id for i, t in enumerate(suite.tasks)
              if len(labels) == 2 and _calls(results[labels[0]][i].run) != _calls(results[labels[1]][i].run)]
    console.print(f"Decisions differ on: {', '.join(differ) if differ else 'no task'}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dense", default="toy-dense", help="dense model (default: %(default)s)")
    parser.add_argument("--moe", default="toy-moe", help="mixture-of-experts model (default: %(default)s)")
    parser.add_argument("--dense-url", default=None, help="use a running server for the dense model")
    parser.add_argument("--moe-url", default=None, help="use a running server for the MoE model")
    parser.add_argument("--suite", default="default", help="suite name under fixtures/suites or a JSON path")
    parser.add_argument("--out", type=Path, default=None, help="write a JSON summary of both runs here")


def run_compare(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console()
    suite = load_suite(args.suite)
    plan = [(args.dense, args.dense_url), (args.moe, args.moe_url)]
    results: dict[str, list[TaskResult]] = {}
    for model, url in plan:
        with console.status(f"{model}: starting") as status:
            def progress(r: TaskResult, model=model, status=status) -> None:
                status.update(f"{model}: {len(results.get(model, [])) + 1}/{len(suite.tasks)} tasks done")
                results.setdefault(model, []).append(r)
            run_suite(model, suite, url=url, on_task=progress)
    labels = [m for m, _ in plan]
    render_report(suite, labels, results)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        summary = {label: [r.model_dump() for r in results[label]] for label in labels}
        (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        console.print(f"wrote {args.out / 'summary.json'}")
    return 0
