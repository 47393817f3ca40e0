"""ReAct's guards: what to do when the model loops or breaks the format.

Two kinds of trouble, two kinds of exception (see STYLE.md, "errors carry the fix"):

- `ModelMistake`: something the model can fix if told. It carries the text to
  send back; the loop catches it, records a `guard` event, appends the text as
  a user message and asks again. Malformed calls (the parser's message), a call
  written only inside <think> (pointed out once), and a call repeated
  `max_repeats` times (the model is told to stop).
- `AgentLimitError`: a limit was reached, and asking again would only burn
  tokens. The run stops with an exception that says what happened and what to
  change: too many steps, a repeated call the model kept making after it was
  told, malformed or unknown calls past `max_format_retries`, a prompt larger
  than the context budget.

`Guards` holds the state of one ReAct run (how often each call was made, how
many format retries are left) and records a `guard` event for each decision.
"""

from __future__ import annotations

import json

from agentkit.agents.config import AgentConfig
from agentkit.errors import AgentkitError
from agentkit.parsing import ToolCall, message_for_model
from agentkit.parsing.tags import CALL_OPEN, THINK_CLOSE
from agentkit.prompts import render_prompt
from agentkit.tools import ToolResult
from agentkit.trace.events import GuardEvent, GuardName
from agentkit.trace.tracer import Tracer
from agentkit.trace.turn import Turn


class ModelMistake(Exception):
    """A mistake the model can fix: `message` is sent back to it as a user message."""

    def __init__(self, guard: GuardName, message: str, detail: str) -> None:
        super().__init__(detail)
        self.guard = guard
        self.message = message
        self.detail = detail


class AgentLimitError(AgentkitError):
    """A guard stopped the run; `guard` names which one."""

    guard: GuardName = "max_steps"


class MaxStepsError(AgentLimitError):
    """The agent made its maximum number of model requests without a final answer."""

    guard = "max_steps"


class RepeatedCallError(AgentLimitError):
    """The model repeated a call after it was told the result would not change."""

    guard = "repeated_call"


class FormatRetriesError(AgentLimitError):
    """The model kept writing malformed calls or calling tools that do not exist."""

    guard = "parse_error"


class ContextBudgetError(AgentLimitError):
    """A request's prompt grew past the configured context budget."""

    guard = "context_budget"


def call_key(call: ToolCall) -> str:
    """The identity of a call for the repeat guard: its name and its arguments, key order ignored."""
    return f"{call.name} {json.dumps(call.arguments, sort_keys=True, ensure_ascii=False)}"


def wrote_call_in_reasoning(turn: Turn) -> bool:
    """True when the model wrote a tool call inside <think> and none outside it.

    Raw mode: the kit's parser reports it as a `call_in_reasoning` warning.
    Server mode: mlx_lm.server leaves the block in the reasoning, or (0.32.2)
    leaks it with a literal </think> into the content.
    """
    if turn.tool_calls:
        return False
    if any(w.code == "call_in_reasoning" for w in turn.warnings):
        return True
    return CALL_OPEN in (turn.reasoning or "") or (THINK_CLOSE in turn.content and CALL_OPEN in turn.content)


class Guards:
    """The guard state of one ReAct run."""

    def __init__(self, config: AgentConfig, tracer: Tracer) -> None:
        self.config = config
        self.tracer = tracer
        self.calls: dict[str, int] = {}
        self.told_to_stop: set[str] = set()
        self.format_mistakes = 0
        self.pointed_at_reasoning = False
        self._just_reached: list[tuple[ToolCall, int]] = []

    def before_call(self, call: ToolCall) -> None:
        """Count the call; stop the run if the model was already told not to repeat it."""
        key = call_key(call)
        self.calls[key] = count = self.calls.get(key, 0) + 1
        if key in self.told_to_stop:
            raise self.stop(RepeatedCallError(
                f"The model called {call.name} with the same arguments {count} times, "
                "and again after it was told the result would not change.",
                fix="a small model stuck in a loop: try thinking on, a larger model, or a clearer task; "
                "AgentConfig.max_repeats sets how many repeats are allowed"))
        if count >= self.config.max_repeats:
            self._just_reached.append((call, count))

    def after_calls(self, turn: Turn, results: list[ToolResult]) -> None:
        """Check a turn once its calls ran; raise `ModelMistake` with what the model should hear."""
        reached, self._just_reached = self._just_reached, []
        unknown = [r for r in results if r.error_kind == "unknown_tool"]
        if turn.errors or unknown:
            self.format_mistakes += 1
            if self.format_mistakes > self.config.max_format_retries:
                problems = message_for_model(turn.errors) or unknown[0].content
                raise self.stop(FormatRetriesError(
                    f"The model wrote {self.format_mistakes} broken or unknown tool calls; the last: {problems}",
                    fix="check that the chat template matches the model (--template), try --parser raw "
                    "to see the exact text, or raise AgentConfig.max_format_retries"))
            for result in unknown:  # the toolbox's answer already went back as the observation
                self.record("unknown_tool", "told_model", f"unknown tool {result.name!r}", result.content)
        if turn.errors:
            problems = message_for_model(turn.errors)
            raise ModelMistake("parse_error", render_prompt("guard_parse_error", problems=problems),
                               f"{len(turn.errors)} tool call(s) lost: {', '.join(e.code for e in turn.errors)}")
        if not self.pointed_at_reasoning and wrote_call_in_reasoning(turn):
            # Once only: if the model answers in words after being told, that answer stands.
            self.pointed_at_reasoning = True
            raise ModelMistake("call_in_reasoning", render_prompt("guard_call_in_reasoning"),
                               "a tool call was written inside <think> and nowhere else")
        if reached:
            call, count = reached[0]
            self.told_to_stop.update(call_key(c) for c, _ in reached)
            raise ModelMistake("repeated_call", render_prompt("guard_repeated_call", name=call.name, count=count),
                               f"{call.name} called {count} times with {json.dumps(call.arguments)}")

    def record(self, guard: GuardName, action: str, detail: str, message: str | None = None) -> None:
        self.tracer.emit(GuardEvent(guard=guard, action=action, detail=detail, message=message))

    def stop(self, error: AgentLimitError) -> AgentLimitError:
        return stop(self.tracer, error)


def over_budget(turn: Turn, budget: int | None) -> ContextBudgetError | None:
    """The error to stop with when the prompt the server just processed is larger than `budget`."""
    if budget is None or turn.usage is None or turn.usage.prompt_tokens <= budget:
        return None
    return ContextBudgetError(
        f"The prompt reached {turn.usage.prompt_tokens} tokens, over the context budget of {budget}.",
        fix="shorten tool results or the task, lower max_steps, or raise AgentConfig.context_budget")


def stop(tracer: Tracer, error: AgentLimitError) -> AgentLimitError:
    """Record that `error` stops the run and return it, for the caller to raise."""
    tracer.emit(GuardEvent(guard=error.guard, action="stopped", detail=error.message))
    return error
