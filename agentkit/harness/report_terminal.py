"""The comparison in the terminal: decisions, outcomes and latency as rich tables.

Three tables, read in this order: where the two models decided differently
(first divergence per task and the argument that changed, with the problems
the run verdict found under each outcome), how each task
ended and what it cost, and the whole-suite numbers per model. In a terminal
narrower than WIDE the first two turn vertical (one small table per task, one
row per task and model), so that no cell is folded into slivers at 80 columns. `print_trace_diff`
shows one pair of traces the same way for `agentkit trace diff A B`.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from agentkit.harness.diff import DecisionDiff, describe_divergence
from agentkit.harness.metrics import PooledMetrics
from agentkit.harness.run import TaskRun
from agentkit.harness.summary import CompareSummary

OUTCOME_STYLE = {"success": "green", "answered": "green", "failure": "red", "guard hit": "yellow",
                 "error": "red", "unfinished": "red"}
STATUS_MARK = {"same": "=", "args": "≠ args", "changed": "≠", "only_a": "A only", "only_b": "B only"}
# Columns the side-by-side layout needs: six decision columns, or a task beside ten numbers.
WIDE = 120


def print_report(summary: CompareSummary, console: Console) -> None:
    a, b = summary.labels
    if console.width >= WIDE:
        console.print(decisions_table(summary))
    else:
        console.print(f"Decisions on suite '{summary.setup.suite}' (first repeat)", style="italic", highlight=False,
                      markup=False)
        for table in decisions_by_task(summary):
            console.print(table)
    console.print(latency_table(summary, narrow=console.width < WIDE))
    console.print(models_table(summary))
    setup = summary.setup
    console.print(f"suite '{setup.suite}', pattern {setup.pattern} (tasks may override), thinking "
                  f"{'on' if setup.thinking else 'off'}, repeats {setup.repeats}, temperature "
                  f"{setup.agent_config['temperature']}; seed: {setup.seed}", highlight=False, markup=False)
    console.print("models: " + ", ".join(f"{k} = {v}" for k, v in setup.models.items()) + "; versions: "
                  + ", ".join(f"{k} {v}" for k, v in setup.versions.items()), highlight=False, markup=False)
    console.print(Text.assemble(
        (a, "bold"), f": {summary.passed[a]}/{summary.models[a].runs} right, {_count(summary, a)}; ",
        (b, "bold"), f": {summary.passed[b]}/{summary.models[b].runs} right, {_count(summary, b)}. ",
        f"Decisions differ on: {', '.join(summary.diverged) or 'no task'}"))
    if setup.stopped:
        skipped = ", ".join(f"{label} {len(ids)}" for label, ids in setup.not_run.items()) or "none listed"
        console.print(Text(f"stopped early: {setup.stopped}; not run: {skipped} (not counted as model failures)",
                           style="red"), soft_wrap=True)


def decisions_table(summary: CompareSummary) -> Table:
    a, b = (escape(label) for label in summary.labels)  # names from the user: never read as markup
    table = Table(title=Text(f"Decisions on suite '{summary.setup.suite}' (first repeat)"), show_lines=True)
    for name in ("task", f"{a} decisions", f"{b} decisions", "first divergence", f"{a} outcome", f"{b} outcome"):
        table.add_column(name, overflow="fold")
    a, b = summary.labels
    for row in summary.tasks:
        d = row.diff
        table.add_row(f"{escape(row.task)}\n[dim]{row.pattern}[/]", _side(d, "a"), _side(d, "b"), Text(describe_divergence(d)),
                      _outcome(d.outcome_a) + _problems(row.runs[a][0]),
                      _outcome(d.outcome_b) + _problems(row.runs[b][0]))
    return table


def decisions_by_task(summary: CompareSummary) -> list[Table]:
    """The decisions table for a narrow terminal: per task, the two models' decisions side by side."""
    a, b = summary.labels
    tables = []
    for row in summary.tasks:
        d = row.diff
        table = Table(title=Text(f"{row.task} ({row.pattern})", style="bold"), title_justify="left",
                      caption=Text(f"first divergence: {describe_divergence(d)}"), caption_justify="left")
        table.add_column(f"{escape(a)} decisions", overflow="fold")
        table.add_column(f"{escape(b)} decisions", overflow="fold")
        table.add_row(_side(d, "a"), _side(d, "b"))
        table.add_row(_outcome(d.outcome_a), _outcome(d.outcome_b))
        tables.append(table)
    return tables


def latency_table(summary: CompareSummary, narrow: bool = False) -> Table:
    if narrow:
        return _latency_rows_per_model(summary)
    table = Table(title="Latency per task (medians over repeats; TTFT is the median over the task's requests)")
    table.add_column("task")
    # "changed" counts repeats that decided differently: only meaningful with --repeats > 1.
    columns = ("TTFT ms", "tok/s", "steps", "wall s") + (("changed",) if summary.setup.repeats > 1 else ())
    for label in summary.labels:
        for what in columns:
            table.add_column(f"{escape(label)} {what}" if what == "TTFT ms" else what, justify="right")
    for row in summary.tasks:
        cells = [escape(row.task)]
        for label in summary.labels:
            m = row.metrics[label]
            cells += [_num(m.ttft_p50_ms), _num(m.decode_tps), _num(m.steps.median), _spread(m)]
            if summary.setup.repeats > 1:
                cells.append(f"{row.changed[label]}/{summary.setup.repeats - 1}")
        table.add_row(*cells)
    return table


def _latency_rows_per_model(summary: CompareSummary) -> Table:
    """The latency table for a narrow terminal: one row per task and model instead of one column per model."""
    table = Table(title="Latency per task (medians over repeats; TTFT is the median over the task's requests)")
    repeats = summary.setup.repeats
    for name in ("task", "model", "TTFT ms", "tok/s", "steps", "wall s") + (("changed",) if repeats > 1 else ()):
        table.add_column(name, justify="left" if name in ("task", "model") else "right", overflow="fold")
    for row in summary.tasks:
        for index, label in enumerate(summary.labels):
            m = row.metrics[label]
            cells = [escape(row.task) if index == 0 else "", escape(label), _num(m.ttft_p50_ms), _num(m.decode_tps),
                     _num(m.steps.median), _spread(m)]
            table.add_row(*cells, *([f"{row.changed[label]}/{repeats - 1}"] if repeats > 1 else []),
                          end_section=index == len(summary.labels) - 1)
    return table


def models_table(summary: CompareSummary) -> Table:
    table = Table(title="Per model, over the whole suite")
    table.add_column("metric")
    for label in summary.labels:
        table.add_column(escape(label), justify="right")
    rows = [("TTFT p50 / p95 ms", lambda m: f"{_num(m.ttft_p50_ms)} / {_num(m.ttft_p95_ms)}"),
            ("inter-token p50 / p95 ms", lambda m: f"{_num(m.itl_p50_ms, 1)} / {_num(m.itl_p95_ms, 1)}"),
            ("decode tok/s (median)", lambda m: _num(m.decode_tps)),
            ("prefill tok/s (median, est.)", lambda m: _num(m.prefill_tps)),
            ("cached-token ratio", lambda m: "-" if m.cached_ratio is None else f"{m.cached_ratio:.0%}"),
            # What the server actually prefilled: on a hybrid model a history that is not
            # echoed exactly shows here first (bench multiturn shows it round by round).
            ("prefilled tokens (prompt - cached)", lambda m: str(m.prefilled_tokens)),
            ("requests", lambda m: str(m.requests)),
            ("prompt / completion tokens", lambda m: f"{m.prompt_tokens} / {m.completion_tokens}"),
            ("reasoning tokens (est.)", lambda m: str(m.reasoning_tokens)),
            ("agent wall s (sum)", lambda m: f"{m.total_wall_s:.1f}")]
    for name, cell in rows:
        table.add_row(name, *(cell(summary.models[label]) for label in summary.labels))
    table.add_row("tasks right", *(f"{summary.passed[label]}/{summary.models[label].runs}" for label in summary.labels))
    table.add_row("model wall s (server incl.)", *(f"{summary.setup.wall_s.get(label, 0):.1f}"
                                                   for label in summary.labels))
    ceilings = summary.setup.decode_ceiling_tps
    if ceilings:
        # Decode is bound by memory bandwidth: how close each model gets to its bound (lesson 19).
        table.add_row(f"decode vs {escape(summary.setup.chip or '')} ceiling", *(
            f"{_num(summary.models[label].decode_tps)} / {_num(ceilings[label])} = "
            f"{(summary.models[label].decode_tps or 0) / ceilings[label]:.1%}" if label in ceilings else "-"
            for label in summary.labels))
    return table


def print_trace_diff(diff: DecisionDiff, label_a: str, label_b: str, console: Console) -> None:
    """`agentkit trace diff A B`: the aligned decisions of two traces, row by row."""
    table = Table(title=Text(f"Decisions: A = {label_a}, B = {label_b}"), show_lines=False)
    for name in ("#", "A", "", "B"):
        table.add_column(name, overflow="fold")
    for i, pair in enumerate(diff.pairs, start=1):
        style = "" if pair.status == "same" else "bold yellow"
        table.add_row(str(i), Text(pair.a.label() if pair.a else ""), Text(STATUS_MARK[pair.status], style=style),
                      Text(pair.b.label() if pair.b else ""))
    console.print(table)
    console.print(f"first divergence: {describe_divergence(diff)}", highlight=False, markup=False)
    console.print(Text.assemble("outcomes: A ", _outcome_text(diff.outcome_a), ", B ", _outcome_text(diff.outcome_b)))


def _side(diff: DecisionDiff, side: str) -> str:
    lines = []
    for pair in diff.pairs:
        decision = pair.a if side == "a" else pair.b
        text = escape(decision.label()) if decision else "—"
        lines.append(text if pair.status == "same" else f"[yellow]{text}[/]")
    return "\n".join(lines) or "(nothing)"


def _outcome(outcome: str) -> str:
    return f"[{OUTCOME_STYLE[outcome]}]{outcome}[/]"


def _problems(run: TaskRun) -> str:
    # The verdict's findings under the outcome: why a run whose answer passed its checker is not right.
    return "".join(f"\n[red]{escape(p.summary)}[/]" for p in run.problems)


def _count(summary: CompareSummary, label: str) -> str:
    found = summary.problems.get(label, 0)
    return f"{found} problem{'' if found == 1 else 's'} found"


def _outcome_text(outcome: str) -> Text:
    return Text(outcome, style=OUTCOME_STYLE[outcome])


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _spread(m: PooledMetrics) -> str:
    if m.runs < 2 or m.wall_s.median is None:
        return _num(m.wall_s.median, 1)
    return f"{m.wall_s.median:.1f} ({m.wall_s.low:.1f}-{m.wall_s.high:.1f})"
