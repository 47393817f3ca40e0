"""The graders of the ReAct loop and the repeated-call guard, run on scripted models.

Every case is a script of model turns replayed by agentkit's `ScriptedClient`
(it raises `ScriptExhaustedError` when the agent asks once more than the
script holds), against the kit's example tools in a scratch folder. The
checks read what the agent sent back (`client.requests`), what it returned,
and what it raised, and say which rule a difference breaks.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from agentkit.agents import AgentConfig, MaxStepsError, ModelMistake, RepeatedCallError
from agentkit.client.history import verbatim_assistant_message
from agentkit.client.scripted import ScriptedClient, ScriptExhaustedError, call_turn, raw_turn, text_turn
from agentkit.trace.turn import Turn
from agentkit.errors import AgentkitError
from agentkit.parsing import message_for_model, render_tool_call_hermes
from agentkit.parsing.types import Dialect
from agentkit.prompts import render_prompt
from agentkit.tools import ToolBox, example_tools
from agentkit.trace import Tracer
from grading import CaseFailure, Check

TASK = "What is the weather in Paris?"
PARIS, TOKYO, ROME = (("get_weather", {"city": city}) for city in ("Paris", "Tokyo", "Rome"))


@dataclass
class Run:
    """What one scripted run of the learner's agent did."""

    client: ScriptedClient
    tracer: Tracer
    toolbox: ToolBox
    result: Any = None
    error: Exception | None = None
    observations: list[str] = field(default_factory=list)

    def sent(self, request: int) -> list[dict]:
        """The messages of request `request` (1-based); fails the case when the loop made fewer."""
        made = len(self.client.requests)
        if request > made:
            # The checks call went_wrong first, with a guess at why; this is the backstop, so
            # that a short run reads as what the loop did, never as an IndexError in the learner's code.
            raise CaseFailure(f"your loop made {how_many_requests(made)}; the case reads request {request}")
        return self.client.requests[request - 1].messages


def run_agent(agent: Callable, turns: list[Turn], config: AgentConfig, task: str = TASK,
              dialect: Dialect | None = None) -> Run:
    """Run `agent(client, toolbox, task, config, tracer)` on a script; keep what it returned or raised.

    `dialect`: the tool-call format of the template the script stands for, as a served model's client knows it.
    """
    with tempfile.TemporaryDirectory(prefix="agentkit-exercise-") as workspace:
        toolbox = example_tools(workspace)
        run = Run(ScriptedClient(turns, dialect=dialect), Tracer(), toolbox)
        try:
            run.result = agent(run.client, toolbox, task, config, run.tracer)
        except (AgentkitError, ModelMistake) as error:  # a stop, a PlanError, an extra request
            run.error = error
    return run


def extra_request(run: Run) -> str | None:
    """The usual message when the agent asked the model more often than the script expects."""
    if isinstance(run.error, ScriptExhaustedError):
        return f"an extra request: {run.error.message}"
    return None


def went_wrong(run: Run, guess: str) -> str | None:
    """What every ReAct check asks first: an extra request, a crash, or a run that stopped short."""
    return extra_request(run) or raised(run) or too_few_requests(run, guess)


def too_few_requests(run: Run, guess: str) -> str | None:
    """The usual message when the agent stopped before the script's last turn, with a guess at why."""
    made, expected = len(run.client.requests), len(run.client.turns)
    if made >= expected:
        return None
    return f"your loop made {how_many_requests(made)}; expected {expected} ({guess})"


def how_many_requests(count: int) -> str:
    return f"{count} request" if count == 1 else f"{count} requests"


def observation(name: str, arguments: dict) -> str:
    with tempfile.TemporaryDirectory() as workspace:
        return example_tools(workspace).run(name, arguments).content


def tool_results_after_step(run: Run, request: int) -> list[dict]:
    """The tool messages that follow the last assistant turn in request `request`."""
    messages = run.sent(request)
    last = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=None)
    if last is None:
        raise CaseFailure(f"request {request} sent {[m['role'] for m in messages]}, with no assistant turn: the "
                          "assistant turn goes into the history before its results (history.add_assistant(turn))")
    return [m for m in messages[last + 1 :] if m["role"] == "tool"]


# -- ReAct -------------------------------------------------------------------------------

STOPPED_AFTER_CALL = "did it stop after the tool call instead of sending the result back?"
STOPPED_AFTER_CALLS = "did it stop after the tool calls instead of sending the results back?"


def react_case(name: str, turns: list[Turn], check: Callable[[Run], str | None], hint: str,
               config: AgentConfig | None = None, dialect: Dialect | None = None) -> Check:
    return Check(name, lambda module: check(run_agent(module.react, turns, config or AgentConfig(), dialect=dialect)),
                 hint)


def answers_at_once(run: Run) -> str | None:
    if problem := went_wrong(run, "did it ask the model at all?"):
        return problem
    system, user = {"role": "system", "content": render_prompt("react_system")}, {"role": "user", "content": TASK}
    if run.sent(1)[:2] != [system, user]:
        return f"request 1 sent {short_roles(run.sent(1))}; expected the react_system prompt, then the task"
    if run.client.requests[0].tools != run.toolbox.schemas():
        return "request 1 did not send the toolbox's schemas: History(..., tools=toolbox.schemas())"
    return answer_is(run, "Hello!")


def one_call(run: Run) -> str | None:
    if problem := went_wrong(run, STOPPED_AFTER_CALL):
        return problem
    if problem := roles_differ(2, ["system", "user", "assistant", "tool"], [m["role"] for m in run.sent(2)]):
        return problem
    return answer_is(run, "12 °C in Paris.") or observations_are(run, [observation(*PARIS)])


def parallel_calls(run: Run) -> str | None:
    if problem := went_wrong(run, STOPPED_AFTER_CALLS):
        return problem
    results = tool_results_after_step(run, 2)
    ids = run.client.turns[0].call_ids
    if len(results) != 2:
        return (f"expected 2 observations in step 1, got {len(results)}: did you run every tool call in the reply? "
                "(zip(turn.tool_calls, turn.call_ids))")
    if [m["tool_call_id"] for m in results] != ids:
        return (f"the tool results carry the ids {[m['tool_call_id'] for m in results]}, expected {ids}: "
                "one result per call, in the order of the calls, with the call's own id")
    return observations_are(run, [observation(*PARIS), observation(*TOKYO)]) or answer_is(run, "Both cities.")


def tool_error(run: Run) -> str | None:
    guess = "did it stop at the tool's error instead of sending it back as the observation?"
    if problem := went_wrong(run, guess):
        return problem
    sent = tool_results_after_step(run, 2)
    if not sent or not sent[0]["content"].startswith("Error:"):
        return f"the model should read the tool's 'Error: ...' as the observation, got {sent}"
    return answer_is(run, "Cannot divide by zero.")


def max_steps(run: Run) -> str | None:
    if isinstance(run.error, MaxStepsError):
        made = len(run.client.requests)
        return None if made == 3 else f"MaxStepsError after {made} requests, expected 3 (config.max_steps)"
    if problem := extra_request(run):
        return problem + " (config.max_steps is 3: after 3 requests, raise MaxStepsError)"
    return f"expected MaxStepsError after config.max_steps = 3 requests, got {outcome(run)}"


def repeated_calls(run: Run) -> str | None:
    ran = [e for e in run.tracer.events if e.type == "tool_result"]
    if isinstance(run.error, RepeatedCallError):
        if len(ran) != 2:
            return (f"{len(ran)} calls ran (the trace has {len(ran)} tool_result events), expected 2: "
                    "the third must not run")
        told = run.sent(3)[-1]
        want = render_prompt("guard_repeated_call", name="get_weather", count=2)
        return None if told == {"role": "user", "content": want} else (
            f"request 3 should end with the guard's warning {want!r}, got {told}: send ModelMistake.message as a "
            "user message")
    if problem := extra_request(run):
        return problem + ": the third identical call, after the warning, must stop the run (guards.before_call)"
    return f"expected RepeatedCallError on the third identical call, got {outcome(run)}: use guards.before_call"


def malformed_call(run: Run) -> str | None:
    guess = ("did it take the malformed turn, which has no parsed call, for the answer? guards.after_calls "
             "raises ModelMistake for it first")
    if problem := went_wrong(run, guess):
        return problem
    want = render_prompt("guard_parse_error", problems=message_for_model(run.client.turns[0].errors))
    told = run.sent(2)[-1]
    if told != {"role": "user", "content": want}:
        return (f"request 2 should end with the parser's message to the model, got {told}: guards.after_calls "
                "raises ModelMistake; add its .message as a user message and ask again")
    return answer_is(run, "12 °C in Paris.")


def traced(run: Run) -> str | None:
    if problem := went_wrong(run, STOPPED_AFTER_CALLS):
        return problem
    kinds = [e.type for e in run.tracer.events if e.type in ("model_call", "tool_call", "tool_result")]
    want = ["model_call", "tool_call", "tool_result", "tool_call", "tool_result", "model_call"]
    if kinds != want:
        return f"the trace records {kinds}, expected {want}: ask with AgentModel.ask, run each call with run_tool"
    options = [r.options for r in run.client.requests]
    wanted = {"thinking": True, "parser": "raw", "max_tokens": 99, "temperature": 0.0}
    bad = [o for o in options if o != wanted]
    if bad:
        return f"a request went out with {bad[0]}, expected the run's settings {wanted}: AgentModel.ask sends them"
    return None


def other_dialect_echoed(run: Run) -> str | None:
    if problem := went_wrong(run, STOPPED_AFTER_CALL):
        return problem
    turn = run.client.turns[0]
    echoed = next((m for m in run.sent(2) if m["role"] == "assistant"), None)
    if echoed != verbatim_assistant_message(turn):
        return ("request 2 echoed the Hermes JSON call as the served template would write a call (XML), not as "
                "the model wrote it: the prompt no longer starts with the tokens of request 1 and its reply, so "
                "the server's cache misses and prefills the turn again; build the History with "
                "dialect=served_dialect(client)")
    return answer_is(run, "12 °C in Paris.")


def answer_is(run: Run, want: str) -> str | None:
    answer = getattr(run.result, "answer", None)
    if answer != want:
        return f"returned {outcome(run)}, expected a ReactResult with answer {want!r}"
    return None


def observations_are(run: Run, want: list[str]) -> str | None:
    got = getattr(run.result, "observations", None)
    return None if got == want else f"ReactResult.observations is {got}, expected every tool result in order: {want}"


def raised(run: Run) -> str | None:
    return None if run.error is None else f"raised {type(run.error).__name__}: {run.error}"


def outcome(run: Run) -> str:
    if run.error is not None:
        return f"{type(run.error).__name__}: {run.error}"
    return f"answer {getattr(run.result, 'answer', run.result)!r}"


ROLE_NAMES = {"system": "system prompt", "user": "user message", "assistant": "assistant turn", "tool": "tool result"}
MISSING_FIXES = {
    "system": "start the History with system=render_prompt('react_system')",
    "user": "add the task with history.add_user(task) before the first request",
    "assistant": "add the turn with history.add_assistant(turn) before its results, or the model never sees that "
                 "it asked",
    "tool": "send each result back with history.add_tool_result(call_id, result.content)",
}
EXTRA_FIXES = {
    "system": "one system prompt, at the start",
    "user": "a user message is the task or a guard's warning; results go back as tool messages",
    "assistant": "add each turn once",
    "tool": "send one result per call",
}
OTHER_ROLE = "a history holds system, user, assistant and tool messages"


def roles_differ(request: int, expected: list[str], got: list[str]) -> str | None:
    """None when request `request` sent the expected roles, else what is missing, extra or out of order."""
    if got == expected:
        return None
    differences = role_differences(expected, got)
    # One fix, for the first difference: the others often follow from it.
    return (f"request {request} sent {', '.join(got) or 'no messages'}; expected {', '.join(expected)}: "
            f"{'; '.join(text for text, _ in differences)} ({differences[0][1]})")


def role_differences(expected: list[str], got: list[str]) -> list[tuple[str, str]]:
    """(what differs, how to fix it) for what is missing, extra or out of order in `got`."""
    if sorted(got) == sorted(expected):
        # The same messages in another order: name the first place they part.
        at = next(i for i, (want, have) in enumerate(zip(expected, got)) if want != have)
        where = f"message {at + 1} is the {role_name(got[at])}, expected the {role_name(expected[at])}"
        return [(f"out of order: {where}", MISSING_FIXES[expected[at]])]
    found = []
    for op, w1, w2, g1, g2 in SequenceMatcher(a=expected, b=got, autojunk=False).get_opcodes():
        after = f"after the {role_name(expected[w1 - 1])}" if w1 else "at the start"
        if op in ("delete", "replace"):
            instead = f", {listed(map(a_role, got[g1:g2]))} in its place" if op == "replace" else ""
            missing = listed(f"the {role_name(role)}" for role in expected[w1:w2])
            found.append((f"missing {missing} {after}{instead}", MISSING_FIXES[expected[w1]]))
        elif op == "insert":
            extra = listed(f"an extra {role_name(role)}" for role in got[g1:g2])
            found.append((f"{extra} {after}", EXTRA_FIXES.get(got[g1], OTHER_ROLE)))
    return found


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, f"{role!r} message")


def a_role(role: str) -> str:
    return f"{'an' if role == 'assistant' else 'a'} {role_name(role)}"


def listed(items: Iterable[str]) -> str:
    """'x', 'x and y', 'x, y and z'."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def short_roles(messages: list[dict]) -> str:
    return json.dumps([(m["role"], str(m.get("content"))[:40]) for m in messages], ensure_ascii=False)


# Qwen3.6 sometimes writes the Hermes JSON of the previous generation under its XML template.
HERMES_PARIS = render_tool_call_hermes(*PARIS)
BROKEN = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Pa'
REACT_CHECKS = [
    react_case("an answer at once", [text_turn("Hello!")], answers_at_once,
               "History(system=render_prompt('react_system'), tools=toolbox.schemas()), add the task, ask; "
               "a turn without calls is the answer"),
    react_case("one call, then the answer", [call_turn(PARIS), text_turn("12 °C in Paris.")], one_call,
               "history.add_assistant(turn) before history.add_tool_result(call_id, result.content)"),
    react_case("parallel calls", [call_turn(PARIS, TOKYO), text_turn("Both cities.")], parallel_calls,
               "every call of the turn runs, in order, before the model is asked again"),
    react_case("a tool error",
               [call_turn(("calculator", {"expression": "1 / 0"})), text_turn("Cannot divide by zero.")],
               tool_error, "a failed tool is an observation: send result.content, whatever it says"),
    react_case("max steps", [call_turn(PARIS), call_turn(TOKYO), call_turn(ROME)], max_steps,
               "for step in range(1, config.max_steps + 1), then raise guards.stop(MaxStepsError(...))",
               AgentConfig(max_steps=3)),
    react_case("repeated calls", [call_turn(PARIS)] * 3, repeated_calls,
               "guards.before_call(call) before each call, guards.after_calls(turn, results) after them"),
    react_case("a malformed call", [raw_turn(BROKEN), text_turn("12 °C in Paris.")], malformed_call,
               "catch ModelMistake from guards.after_calls: history.add_user(mistake.message), then continue"),
    react_case("a call in the other format", [raw_turn(HERMES_PARIS), text_turn("12 °C in Paris.")],
               other_dialect_echoed, "History(..., dialect=served_dialect(client)): the history echoes a call "
               "the template would write differently as the model wrote it", AgentConfig(parser="raw"),
               dialect="xml"),
    react_case("the trace and the settings", [call_turn(PARIS, TOKYO), text_turn("Done.")], traced,
               "model.ask(history, 'react') and run_tool(toolbox, call, call_id, step, config, tracer)",
               AgentConfig(thinking=True, parser="raw", max_tokens=99)),
]


def react_solution() -> SimpleNamespace:
    from agentkit.agents import react

    return SimpleNamespace(react=react)
