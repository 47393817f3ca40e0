"""Render a run with rich: live while it runs, or afterwards from its trace file.

`TraceView` turns events into lines on a console: reasoning dimmed, tool calls
and their results, guards in yellow, errors in red, a timing line after each
model request, the answer in a panel, and last the run's verdict (what went
wrong, with the evidence: `verdict.judge`). Live, it also receives the model's
streamed pieces (`delta`) and prints them as they arrive; from a file
(`show_trace`), it prints each request's reasoning and text from the recorded
`Turn` instead, then a summary of where the time went.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agentkit.parsing import ContentDelta, Event, ReasoningDelta
from agentkit.parsing.safe_text import terminal_safe
from agentkit.trace.events import (
    CritiqueEvent, ErrorEvent, FinalAnswer, GuardEvent, ModelCall, PlanEvent, RunEnd, RunStart, StepResultEvent,
    ToolCallEvent, ToolResultEvent, TraceEvent,
)
from agentkit.trace.reader import Trace, read_trace
from agentkit.trace.verdict import Verdict, judge

MAX_SHOWN = 400
"""Characters of a tool result or message shown before it is cut (the trace keeps all of it)."""
MAX_DISPLAYED = 20_000
"""Characters of an answer, reasoning or text shown from a trace: a 50 MB answer would take rich minutes."""


def _line(text: str, style: str = "") -> Text:
    """Text from a run as a rich `Text`: never read as markup, its control characters shown, not obeyed.

    Every string a model or a tool produced goes through here before the
    terminal sees it (see `agentkit.parsing.safe_text`); the trace keeps the raw text.
    """
    return Text(terminal_safe(text), style=style)


class TraceView:
    """Prints events (and, live, streamed text) to a rich console."""

    def __init__(self, console: Console | None = None, live: bool = True) -> None:
        self.console = console or Console()
        self.live = live
        self._streaming: str | None = None  # "reasoning" or "content" while a stream is being printed
        self.events: list[TraceEvent] = []  # the run so far: its verdict is printed at run_end
        self._requests: Counter[str] = Counter()  # the run's model calls so far, by purpose
        self._column = 0  # where the streamed line has got to

    def verdict(self) -> Verdict:
        """The verdict on the events seen so far (the whole run once run_end arrived)."""
        return judge(Trace(events=self.events))

    def delta(self, event: Event) -> None:
        """A streamed piece of the model's answer (live only): print it where it belongs."""
        if isinstance(event, ReasoningDelta):
            self._stream("reasoning", event.text, "dim")
        elif isinstance(event, ContentDelta):
            self._stream("content", event.text, "")

    def event(self, event: TraceEvent) -> None:
        """One recorded event: print what a person needs to follow the run."""
        self._end_stream()
        if isinstance(event, RunStart):
            self.events = []  # one view can show several runs in a row; each gets its own verdict
            self._requests.clear()
        self.events.append(event)
        print_line = self.console.print
        if isinstance(event, RunStart):
            thinking = "on" if event.config.get("thinking") else "off"
            settings = f"thinking {thinking}, parser {event.config.get('parser')}"
            self.console.rule(_line(f"{event.agent} · {event.model} · {settings}"))
            print_line(_line(f"task: {event.task}", style="bold"))
        elif isinstance(event, ModelCall):
            if not self.live:
                self._print_turn_text(event)
            # Numbered among the run's requests of the same purpose, not by event.step: each
            # critique, rewrite and plan step is a conversation of its own, so each is its step 1.
            self._requests[event.purpose] += 1
            print_line(_line(model_call_line(event, self._requests[event.purpose]), style="blue"))
        elif isinstance(event, ToolCallEvent):
            arguments = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in event.arguments.items())
            print_line(_line(f"→ {event.name}({arguments})", style="cyan"))
        elif isinstance(event, ToolResultEvent):
            status = "" if event.ok else f" [{event.error_kind}]"
            print_line(_line(f"← {shorten(event.content)}{status}", style="green" if event.ok else "red"))
        elif isinstance(event, GuardEvent):
            told = f" → told the model: {shorten(event.message or '')}" if event.action == "told_model" else ""
            style = "yellow" if event.action == "told_model" else "bold red"
            print_line(_line(f"guard {event.guard} ({event.action}): {event.detail}{told}", style=style))
        elif isinstance(event, CritiqueEvent):
            problems = "".join(f"\n  - {p}" for p in event.problems)
            # "round", not "critique N": a critique retried after bad JSON is request `critique #2` of round 1.
            print_line(_line(f"round {event.round} verdict: {event.verdict}{problems}", style="magenta"))
        elif isinstance(event, PlanEvent):
            steps = "".join(f"\n  {i}. {s}" for i, s in enumerate(event.steps, start=1)) or " (nothing left)"
            print_line(_line(f"plan from the {event.source}:{steps}", style="magenta"))
        elif isinstance(event, StepResultEvent):
            print_line(_line(f"step {event.index} done: {shorten(event.result)}", style="magenta"))
        elif isinstance(event, ErrorEvent):
            print_line(_line(f"error {event.kind}: {event.message}", style="bold red"))
            if event.fix:
                print_line(_line(f"fix: {event.fix}", style="bold"))
        elif isinstance(event, FinalAnswer):
            print_line(Panel(_line(clip(event.answer)), title="answer", border_style="green"))
        elif isinstance(event, RunEnd):
            self.console.rule(_line(f"{event.model_calls} model calls · {event.tool_calls} tool calls · "
                                    f"{event.wall_s:.2f} s"))
            print_verdict(self.verdict(), self.console)

    def _print_turn_text(self, event: ModelCall) -> None:
        for message in event.new_messages:
            # .get: a hand-edited trace may miss a key; showing the rest beats a traceback.
            if message.get("role") == "user":
                self.console.print(_line(f"user: {shorten(str(message.get('content') or ''))}", style="bold"))
        if event.turn.reasoning:
            self.console.print(_line(clip(event.turn.reasoning), style="dim"))
        if event.turn.content:
            self.console.print(_line(clip(event.turn.content)))

    def _stream(self, kind: str, text: str, style: str) -> None:
        if self._streaming not in (None, kind):
            self._new_line()
        self._streaming = kind
        text = terminal_safe(text)  # before measuring: an escape shown as \x1b takes four columns
        # Each delta is printed on its own, so rich cannot wrap the line: fold it at the console's width here.
        for line_number, line in enumerate(text.split("\n")):
            if line_number:
                self._new_line()
            while line:
                if self._column >= self.console.width:
                    self._new_line()
                piece = line[:self.console.width - self._column]
                self.console.print(_line(piece, style=style), end="")
                self._column += cell_len(piece)
                line = line[len(piece):]

    def _new_line(self) -> None:
        self.console.print()
        self._column = 0

    def _end_stream(self) -> None:
        if self._streaming is not None:
            self._new_line()
            self._streaming = None


def print_verdict(verdict: Verdict, console: Console) -> None:
    """The status line (never `ok` when something was found), then each problem with its evidence."""
    console.print(_line(verdict.status_line(), style="bold green" if verdict.ok else "bold red"))
    for problem in verdict.problems:
        where = f"request {problem.step}: " if problem.step is not None else ""
        console.print(_line(f"  - {where}{problem.evidence}", style="red"))


def model_call_line(event: ModelCall, number: int) -> str:
    """`react #2 · prompt 812 tok (790 cached) · 35 tok out · TTFT 45 ms · 120 tok/s · 0.42 s`.

    `number`: which request of its purpose this is in the run (the second critique is `critique #2`).
    """
    turn, parts = event.turn, [f"{event.purpose} #{number}"]
    if turn.usage is not None:
        cached = f" ({turn.usage.cached_tokens} cached)" if turn.usage.cached_tokens is not None else ""
        parts.append(f"prompt {turn.usage.prompt_tokens} tok{cached} · {turn.usage.completion_tokens} tok out")
    if turn.timings.ttft is not None:
        parts.append(f"TTFT {turn.timings.ttft * 1000:.0f} ms")
    if turn.timings.decode_tps is not None:
        parts.append(f"{turn.timings.decode_tps:.0f} tok/s")
    parts.append(f"{turn.timings.total:.2f} s")
    if turn.finish_reason == "length":
        parts.append("cut by max_tokens")
    return " · ".join(parts)


def clip(text: str, limit: int = MAX_DISPLAYED) -> str:
    """A long text cut for the screen, saying how much was left out (the trace has all of it)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({len(text) - limit} more characters not shown; the trace has them all)"


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def summary_table(trace: Trace) -> Table:
    """Where the time and the tokens went, per purpose of request."""
    table = Table(title="summary")
    for column in ("requests", "purpose", "prompt tok", "cached tok", "out tok", "model s", "agent+tools s"):
        table.add_column(column, justify="right", overflow="fold")
    rows: dict[str, list[float]] = {}
    for call in trace.model_calls():
        usage = call.turn.usage
        row = rows.setdefault(call.purpose, [0, 0, 0, 0, 0.0, 0.0])
        row[0] += 1
        row[1] += usage.prompt_tokens if usage else 0
        row[2] += (usage.cached_tokens or 0) if usage else 0
        row[3] += usage.completion_tokens if usage else 0
        row[4] += call.turn.timings.total
        row[5] += call.agent_s
    for purpose, (n, prompt, cached, out, model_s, agent_s) in rows.items():
        table.add_row(str(n), purpose, str(prompt), str(cached), str(out), f"{model_s:.2f}", f"{agent_s:.3f}")
    return table


def show_trace(path: Path | str, console: Console | None = None) -> Trace:
    """Print a saved trace, then its summary; returns the trace."""
    console = console or Console()
    trace = read_trace(path)
    view = TraceView(console, live=False)
    for event in trace.events:
        view.event(event)
    if trace.end is None:
        console.print(Text("the trace has no run_end: the run was killed or is still running", style="yellow"))
        print_verdict(view.verdict(), console)
    if trace.cut_line is not None:
        console.print(Text(f"the last line was cut mid-write ({len(trace.cut_line)} characters)", style="yellow"))
    if trace.model_calls():
        console.print(summary_table(trace))
    return trace
