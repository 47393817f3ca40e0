"""The run verdict: what went wrong in a run, read from its trace alone.

A run that ends with an answer is not a run that went right. The toy models
have called `get_weather(city="Tags")` for Paris, answered "It is 3°C and
rainy invalid." and left `</think>` in an answer, and every one of those runs
ended `ok`. `judge(trace)` walks the events once and lists each problem it can
prove from the trace, with the request it happened at and the evidence:

    ungrounded_argument  a tool argument that is in neither the task nor any earlier tool result
    leaked_markup        <think>, </think>, <tool_call>, <function=, ... in the final answer
    unsupported_number   a number in the answer that no tool result or the task explains
    unrecovered_error    a tool error the agent neither retried past nor reported
    no_answer            the run ended without an answer (a guard stopped it, an error, killed)
    cut_answer           the answer's request ran into max_tokens

"Never invent a failure" is the other half: each check says in `grounding`
what it accepts (numbers rounded or added, unit names, expressions of seen
numbers), and a run with no problem gets `finished · no problems found`,
which is a claim about these checks, not a proof the answer is right.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, Field

from agentkit.parsing.tags import CONTENT_TAGS
from agentkit.trace.events import (
    ErrorEvent, FinalAnswer, GuardEvent, ModelCall, RunStatus, ToolCallEvent, ToolResultEvent,
)
from agentkit.trace.grounding import grounded_query, grounded_value, numbers_in, source_texts, supported_number
from agentkit.trace.reader import Trace

ProblemKind = Literal["ungrounded_argument", "leaked_markup", "unsupported_number", "unrecovered_error",
                      "no_answer", "cut_answer"]

LEAKED_MARKUP = (*CONTENT_TAGS, "<parameter=", "<|im_start|>", "<|im_end|>")
"""Text that belongs to the chat format, never to an answer a person reads."""
CHOSEN_BY_THE_MODEL = {("write_file", "path")}
"""Arguments the model is meant to make up: a new file's name is its choice, not a fact."""
WORDED_BY_THE_MODEL = {("search_notes", "query")}
"""Arguments in the model's own words: checked with `grounded_query` (one seen word is enough)."""
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)
_HEAD = {"ok": "finished", "stopped": "stopped by a guard", "error": "failed", "interrupted": "interrupted"}


class Problem(BaseModel):
    """One thing that went wrong in a run, with where and why."""

    kind: ProblemKind = Field(description="What kind of problem (see the module docstring).")
    step: int | None = Field(description="1-based model request of the run it happened at; None: the run as a whole.")
    summary: str = Field(description='One line, e.g. `ungrounded argument city="Tags"`.')
    evidence: str = Field(description="What in the trace shows it.")
    call_id: str | None = Field(default=None, description="The tool call it is about (ungrounded arguments).")
    argument: str | None = Field(default=None, description="The argument it is about (ungrounded arguments).")


class Verdict(BaseModel):
    """Every problem found in one run, and how the run ended."""

    status: RunStatus | None = Field(description="The run_end status; None when the trace has no run_end.")
    problems: list[Problem] = Field(default_factory=list, description="What went wrong, in trace order.")

    @property
    def ok(self) -> bool:
        return not self.problems

    def status_line(self) -> str:
        """`finished · no problems found`, or `finished · 1 problem: ungrounded argument city="Tags"`."""
        head = _HEAD.get(self.status, "unfinished") if self.status else "unfinished"
        if not self.problems:
            return f"{head} · no problems found"
        count = f"{len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}"
        return f"{head} · {count}: " + "; ".join(p.summary for p in self.problems)


def judge(trace: Trace) -> Verdict:
    """Check one run's trace; pure: the same trace always gets the same verdict."""
    start, end = trace.start, trace.end
    sources = source_texts(start.task) if start else []  # what the model has been shown, grows as results come
    problems: list[Problem] = []
    request = 0
    answer: FinalAnswer | None = None
    for event in trace.events:
        if isinstance(event, ModelCall):
            request += 1
        elif isinstance(event, ToolCallEvent):
            problems += _ungrounded(event, request, sources)
        elif isinstance(event, ToolResultEvent):
            sources += source_texts(event.content)
        elif isinstance(event, FinalAnswer):
            answer = event
    problems += _unrecovered_errors(trace, answer)
    if answer is None or not answer.answer.strip():
        problems.append(_no_answer(trace, answer))
    else:
        answer_step = _answer_request(trace, answer.answer)
        problems += _leaked(answer.answer, answer_step)
        problems += _unsupported(answer.answer, answer_step, sources)
        problems += _cut(trace, answer.answer, answer_step)
    return Verdict(status=end.status if end else None, problems=problems)


def find_leaked_markup(text: str) -> list[str]:
    """The chat-format tags that appear in `text`, in the order of LEAKED_MARKUP."""
    return [tag for tag in LEAKED_MARKUP if tag in text]


def argument_grounded(tool: str, argument: str, value: object, sources: list[str]) -> bool:
    """Whether one tool argument's value came from the sources, with the per-tool rules above."""
    if (tool, argument) in CHOSEN_BY_THE_MODEL:
        return True
    check = grounded_query if (tool, argument) in WORDED_BY_THE_MODEL else grounded_value
    return check(value, sources)


def _ungrounded(call: ToolCallEvent, request: int, sources: list[str]) -> list[Problem]:
    found = []
    for name, value in call.arguments.items():
        if argument_grounded(call.name, name, value, sources):
            continue
        shown = json.dumps(value, ensure_ascii=False)
        found.append(Problem(
            kind="ungrounded_argument", step=request, summary=f"ungrounded argument {name}={shown}",
            evidence=f"{call.name}({name}={shown}): {shown} is in neither the task nor any earlier tool result",
            call_id=call.call_id, argument=name))
    return found


def _leaked(answer: str, step: int | None) -> list[Problem]:
    found = []
    for tag in find_leaked_markup(answer):
        at = answer.index(tag)
        context = answer[max(0, at - 30):at + len(tag) + 30].replace("\n", " ")
        found.append(Problem(kind="leaked_markup", step=step, summary=f"markup in the answer: {tag}",
                             evidence=f"the answer contains {tag}: …{context}…"))
    return found


def _unsupported(answer: str, step: int | None, sources: list[str]) -> list[Problem]:
    # "1. Paris" numbers a list; it states no fact.
    text = _LIST_MARKER.sub(" ", answer)
    found = []
    for number in dict.fromkeys(numbers_in(text)):
        if not supported_number(number, sources):
            found.append(Problem(
                kind="unsupported_number", step=step, summary=f"unsupported number {number} in the answer",
                evidence=f"{number} is in no tool result nor the task, and is no sum or difference of two "
                         "numbers that are"))
    return found


def _unrecovered_errors(trace: Trace, answer: FinalAnswer | None) -> list[Problem]:
    events, found, request = trace.events, [], 0
    for i, event in enumerate(events):
        request += isinstance(event, ModelCall)
        if not isinstance(event, ToolResultEvent) or event.ok:
            continue
        # Recovered: a later call of the same tool worked (any tool, when the name itself was wrong) ...
        retried = any(isinstance(later, ToolResultEvent) and later.ok
                      and (later.name == event.name or event.error_kind == "unknown_tool")
                      for later in events[i + 1:])
        # ... or the answer tells the user what failed (it repeats part of the error).
        if retried or (answer is not None and _reports(answer.answer, event.content)):
            continue
        found.append(Problem(kind="unrecovered_error", step=request,
                             summary=f"unrecovered {event.error_kind or 'tool error'} from {event.name}",
                             evidence=f"{event.name} answered {event.content!r}; no later call of it worked and "
                                      "the answer does not mention it"))
    return found


def _reports(answer: str, error: str) -> bool:
    # Two words in a row of the error message ("by zero", "unknown city") found in the answer.
    error_words, answer_words = _words(error), _words(answer)
    pairs = {tuple(error_words[i:i + 2]) for i in range(len(error_words) - 1)}
    return any(tuple(answer_words[i:i + 2]) in pairs for i in range(len(answer_words) - 1))


def _no_answer(trace: Trace, answer: FinalAnswer | None) -> Problem:
    if answer is not None:
        why = "the final answer is empty"
    elif (guard := next((e for e in trace.events if isinstance(e, GuardEvent) and e.action == "stopped"), None)):
        why = f"guard {guard.guard} stopped the run: {guard.detail}"
    elif (error := next((e for e in trace.events if isinstance(e, ErrorEvent)), None)):
        why = f"{error.kind}: {error.message}"
    elif trace.end is None:
        why = "the trace has no run_end: the run was killed or is still running"
    else:
        why = f"the run ended {trace.end.status} without one"
    return Problem(kind="no_answer", step=None, summary=f"no answer ({why.split(':')[0]})", evidence=why)


def _cut(trace: Trace, answer: str, step: int | None) -> list[Problem]:
    calls = trace.model_calls()
    if step is None or calls[step - 1].turn.finish_reason != "length":
        return []
    limit = trace.start.config.get("max_tokens") if trace.start else None
    return [Problem(kind="cut_answer", step=step, summary="answer cut by max_tokens",
                    evidence=f"request {step} stopped at the token limit ({limit}) while writing the answer: "
                             f"…{answer[-60:]}")]


def _answer_request(trace: Trace, answer: str) -> int | None:
    # The request whose text became the answer: the last one that wrote it (a critique that passes it comes later).
    calls = trace.model_calls()
    for number in range(len(calls), 0, -1):
        content = calls[number - 1].turn.content.strip()
        if content and (answer.strip() in content or content in answer):
            return number
    return len(calls) or None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())
