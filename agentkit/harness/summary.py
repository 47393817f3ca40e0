"""The comparison's result as one typed object: what `summary.json` holds and both reports draw.

`build_summary` is pure: the checked runs of both models and their traces in,
per-model and per-task numbers and the decision diff of every task out. The
terminal report, the HTML report and `summary.json` all read this one object,
so they cannot disagree.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from agentkit.harness.diff import DecisionDiff, diff_decisions
from agentkit.harness.metrics import (
    PooledMetrics,
    TimelineBar,
    changed_between_repeats,
    pool_metrics,
)
from agentkit.harness.run import TaskRun, is_right
from agentkit.trace.reader import Trace


class RunSetup(BaseModel):
    """How the comparison was run, so a reader can reproduce it."""

    suite: str = Field(description="Suite name.")
    pattern: str = Field(description="Default agent pattern (tasks may override it).")
    thinking: bool = Field(description="Whether reasoning was asked for.")
    repeats: int = Field(description="Runs of each task per model.")
    agent_config: dict = Field(description="The AgentConfig both models got.")
    models: dict[str, str] = Field(description="Model label -> the model id the server reported.")
    versions: dict[str, str] = Field(description="Package versions (mlx, mlx-lm, agentkit).")
    seed: str = Field(description="What was done about sampling seeds.")
    wall_s: dict[str, float] = Field(default_factory=dict, description="Seconds per model, server start included.")
    chip: str | None = Field(default=None, description="Apple chip the ceilings are for, when known.")
    decode_ceiling_tps: dict[str, float] = Field(
        default_factory=dict, description="Model label -> decode tok/s ceiling on `chip` (agentkit fit).")
    stopped: str | None = Field(default=None, description="Why the comparison stopped early (a server died); "
                                "None when it ran to the end.")
    not_run: dict[str, list[str]] = Field(default_factory=dict,
                                          description="Model label -> runs that never happened (task-rN).")


class TaskRow(BaseModel):
    """One task: each model's outcome and numbers, and where their decisions part."""

    task: str = Field(description="Task id.")
    pattern: str = Field(description="Agent pattern that ran it.")
    runs: dict[str, list[TaskRun]] = Field(description="Model label -> its runs of the task, one per repeat.")
    metrics: dict[str, PooledMetrics] = Field(description="Model label -> the task's numbers over repeats.")
    changed: dict[str, int] = Field(description="Model label -> repeats that decided differently from the first.")
    diff: DecisionDiff = Field(description="First repeat of model A against first repeat of model B.")


class CompareSummary(BaseModel):
    """Everything a comparison found."""

    setup: RunSetup = Field(description="How it was run.")
    labels: list[str] = Field(description="The two model labels, dense first.")
    models: dict[str, PooledMetrics] = Field(description="Model label -> numbers over the whole suite.")
    passed: dict[str, int] = Field(description="Model label -> runs whose outcome was success.")
    problems: dict[str, int] = Field(default_factory=dict,
                                     description="Model label -> problems the run verdicts found, over all runs.")
    tasks: list[TaskRow] = Field(description="One row per task, in suite order.")
    timeline: dict[str, list[TimelineBar]] = Field(
        description="Model label -> every request of its first repeat, on one clock from its first request.")

    @property
    def diverged(self) -> list[str]:
        return [row.task for row in self.tasks if not row.diff.identical]


def build_summary(setup: RunSetup, labels: list[str], runs: dict[str, list[TaskRun]],
                  traces: dict[str, Trace]) -> CompareSummary:
    """Pool the runs per model and per task and diff each task's decisions; `traces` is keyed by trace path."""
    a, b = labels
    rows = []
    for task in dict.fromkeys(r.task for r in runs[a]):
        if not all(any(r.task == task for r in runs[label]) for label in labels):
            continue  # a comparison stopped early: only tasks both models ran are compared
        per_model = {label: [r for r in runs[label] if r.task == task] for label in labels}
        first_a, first_b = per_model[a][0], per_model[b][0]
        rows.append(TaskRow(
            task=task, pattern=first_a.pattern, runs=per_model,
            metrics={label: pool_metrics([r.metrics for r in rs]) for label, rs in per_model.items()},
            changed={label: changed_between_repeats([r.decision_key for r in rs]) for label, rs in per_model.items()},
            diff=diff_decisions(traces[first_a.trace], traces[first_b.trace],
                                _passed(first_a), _passed(first_b)),
        ))
    return CompareSummary(
        setup=setup, labels=labels,
        models={label: pool_metrics([r.metrics for r in runs[label]]) for label in labels},
        passed={label: sum(r.outcome == "success" for r in runs[label]) for label in labels},
        problems={label: sum(len(r.problems) for r in runs[label]) for label in labels},
        tasks=rows,
        timeline={label: _timeline([r for r in runs[label] if r.repeat == 0], traces) for label in labels},
    )


def _passed(run: TaskRun) -> bool:
    return is_right(run.answer_ok, run.calls_ok, run.problems)


def _timeline(runs: list[TaskRun], traces: dict[str, Trace]) -> list[TimelineBar]:
    # Put every task's requests on one clock so the chart shows the whole suite, gaps for tools included.
    starts = [(call.turn.timings.request_start, call) for r in runs for call in traces[r.trace].model_calls()]
    if not starts:
        return []
    zero = min(s for s, _ in starts)
    return [TimelineBar(start_s=s - zero, total_s=c.turn.timings.total, ttft_s=c.turn.timings.ttft,
                          purpose=c.purpose) for s, c in starts]
