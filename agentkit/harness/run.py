"""Run a whole suite on one model: every task through the kit's agents, each run traced.

This is the part of a comparison that talks to a model. It takes a `Client`
(so tests drive it with a `ScriptedClient`), runs each task with its pattern
in a fresh workspace, writes one trace per task and repeat, and checks the
outcome against the task's checkers and the run's verdict (a run counts right
only when its answer passes the checker AND the verdict found no problem:
an answer that happens to contain "12" is not right if the call that fetched
it asked for the weather in "Tags"). What comes back is data only: the
reports read `TaskRun`s and the traces, never the model.

A run that a guard stops, or that fails, is a result like any other: its
trace is complete (the runner records how it ended), and it counts as a
failure in the report instead of ending the comparison. A server that dies is
not the model's failure: `run_suite` stops, keeps what it measured, and
raises `ServerDiedError` naming the tasks that did not run.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from agentkit.agents.config import AgentConfig
from agentkit.agents.runner import run_agent
from agentkit.client import Client
from agentkit.errors import AgentkitError
from agentkit.harness.diff import Outcome, decision_key, outcome
from agentkit.harness.metrics import RunMetrics, run_metrics
from agentkit.harness.suite import Suite, Task, check_answer, check_calls
from agentkit.tools import ToolBox, example_tools
from agentkit.trace import (
    FinalAnswer,
    ModelCall,
    Trace,
    Tracer,
    TraceWriter,
    read_trace,
)
from agentkit.trace.verdict import Problem, judge

WARMUP_MESSAGE = "Say OK."
SERVER_EXIT_WAIT_S = 3.0
"""After a run that errored, how long to wait for a dying server to be seen as dead."""


class ServerDiedError(AgentkitError):
    """The server died during a suite: `runs` holds what was measured, `not_run` the runs that never happened."""

    def __init__(self, message: str, runs: list, not_run: list[str]) -> None:
        super().__init__(message, fix="read the server's log (named above) for why it died, then run again")
        self.runs = runs
        self.not_run = not_run


class TaskRun(BaseModel):
    """One model's run of one task (one repeat), checked."""

    task: str = Field(description="Task id.")
    model: str = Field(description="Model label (e.g. toy-dense).")
    repeat: int = Field(description="0-based repeat number.")
    pattern: str = Field(description="The agent pattern that ran it.")
    trace: str = Field(description="Path of the trace file.")
    answer: str | None = Field(description="The final answer, None when the run ended without one.")
    answer_ok: bool = Field(description="The answer passed the task's checker.")
    calls_ok: bool | None = Field(description="The calls per turn matched the expected ones; None when unchecked.")
    problems: list[Problem] = Field(default_factory=list, description="What the run's verdict found wrong.")
    outcome: Outcome = Field(description="success, failure, guard hit or error.")
    decision_key: str = Field(description="The decision sequence as one string (compares repeats).")
    metrics: RunMetrics = Field(description="Latency and tokens of the run.")


def warm_up(client: Client) -> None:
    """One tiny request, so the first task does not pay for loading weights and compiling kernels."""
    client.complete([{"role": "user", "content": WARMUP_MESSAGE}], max_tokens=8, thinking=False)


def run_suite(client: Client, label: str, suite: Suite, config: AgentConfig, out_dir: Path, *,
              pattern: str = "react", repeats: int = 1,
              on_run: Callable[[TaskRun], None] | None = None,
              server_died: Callable[[], str | None] | None = None) -> list[TaskRun]:
    """Run every task `repeats` times on `client`; traces go to `out_dir/<label>/<task>-r<N>.jsonl`.

    server_died: says (one line) whether the server is gone; then the run
        stops with `ServerDiedError` instead of counting every task left as
        the model's error.
    """
    runs = []
    planned = [(repeat, task) for repeat in range(repeats) for task in suite.tasks]
    for index, (repeat, task) in enumerate(planned):
        path = out_dir / _safe(label) / f"{task.id}-r{repeat}.jsonl"
        task_pattern = task.pattern or pattern
        # Thinking is per task when the suite asks for it, else the comparison's setting.
        task_config = config.model_copy(update={"thinking": config.thinking or task.thinking})
        trace = run_task(client, label, task, task_pattern, task_config, path)
        run = check_run(task, trace, label=label, repeat=repeat, pattern=task_pattern, path=path)
        died = _server_death(server_died, run)
        if died:
            # The run that met the dead server measured the server, not the model.
            left = planned[index if run.outcome == "error" else index + 1:]
            kept = runs if run.outcome == "error" else [*runs, run]
            raise ServerDiedError(died, kept, [f"{t.id}-r{r}" for r, t in left])
        runs.append(run)
        if on_run:
            on_run(run)
    return runs


def _server_death(server_died: Callable[[], str | None] | None, run: TaskRun) -> str | None:
    if server_died is None:
        return None
    # A server that just died may take a moment to be seen as dead; an error is when that happens.
    deadline = time.monotonic() + (SERVER_EXIT_WAIT_S if run.outcome == "error" else 0)
    while True:
        died = server_died()
        if died or time.monotonic() >= deadline:
            return died
        time.sleep(0.1)


def run_task(client: Client, label: str, task: Task, pattern: str, config: AgentConfig, path: Path) -> Trace:
    """One traced run of `task` in a fresh workspace; returns the trace read back from its file."""
    path.unlink(missing_ok=True)  # a rerun into the same --out replaces the old trace
    workspace = Path(tempfile.mkdtemp(prefix="agentkit-task-"))
    try:
        for rel, text in task.files.items():
            (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
            (workspace / rel).write_text(text, encoding="utf-8")
        toolbox = ToolBox(t for t in example_tools(workspace) if t.name in task.tools)
        with TraceWriter(path) as writer:
            try:
                run_agent(pattern, client, toolbox, task.prompt, config, Tracer(writer), model_name=label)
            except KeyboardInterrupt:
                raise
            except Exception:  # noqa: BLE001, S110
                pass  # the trace holds how it ended (run_end, and an error event with the fix)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return read_trace(path)


def check_run(task: Task, trace: Trace, *, label: str, repeat: int, pattern: str, path: Path) -> TaskRun:
    """Check a trace against the task: answer, calls per turn, outcome."""
    answer = next((e.answer for e in trace.events if isinstance(e, FinalAnswer)), None)
    turns = [[(c.name, c.arguments) for c in e.turn.tool_calls] for e in trace.events
             if isinstance(e, ModelCall) and e.turn.tool_calls]
    answer_ok = check_answer(task.check, answer)
    calls_ok = check_calls(task.expect_calls, turns)
    problems = judge(trace).problems
    return TaskRun(task=task.id, model=label, repeat=repeat, pattern=pattern, trace=str(path), answer=answer,
                   answer_ok=answer_ok, calls_ok=calls_ok, problems=problems,
                   outcome=outcome(trace, is_right(answer_ok, calls_ok, problems)),
                   decision_key=decision_key(trace), metrics=run_metrics(trace))


def is_right(answer_ok: bool, calls_ok: bool | None, problems: list[Problem]) -> bool:
    """Right: the checker passed the answer, the calls matched where checked, and the verdict found nothing."""
    return answer_ok and calls_ok is not False and not problems


def _safe(label: str) -> str:
    # A Hugging Face id has a slash; a folder name should not.
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label)
