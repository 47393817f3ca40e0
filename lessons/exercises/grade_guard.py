"""The grader of the repeated-call guard: the learner's guard inside a small ReAct loop, on scripted models.

The loop is the one of the ReAct lesson, with the guard's two hooks where the
kit's `react()` has them: `before_call(call)` before each call runs (it may
stop the run), `after_calls()` once the turn's calls ran (it may raise
`ModelMistake`, whose message goes back to the model).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from agentkit.agents import AgentConfig, ModelMistake, RepeatedCallError
from agentkit.agents.guards import Guards
from agentkit.client import History
from agentkit.client.scripted import ScriptedClient, ScriptExhaustedError, call_turn, text_turn
from agentkit.trace.turn import Timings, Turn
from agentkit.prompts import render_prompt
from agentkit.tools import example_tools
from agentkit.trace import Tracer
from grading import Check

PARIS, TOKYO, ROME = (("get_weather", {"city": city}) for city in ("Paris", "Tokyo", "Rome"))
KM = ("convert_units", {"value": 10, "from_unit": "km", "to_unit": "mi"})
KM_REORDERED = ("convert_units", {"to_unit": "mi", "value": 10, "from_unit": "km"})


@dataclass
class GuardedRun:
    """What the loop did with the learner's guard."""

    ran: list[str] = field(default_factory=list)
    """The calls that ran, as name(arguments)."""
    told: list[tuple[int, str]] = field(default_factory=list)
    """(after request N, the message sent back) for every ModelMistake."""
    end: str = ""
    """"answered", "RepeatedCallError", or what else ended the run."""


def guarded_loop(guard: Any, turns: list[Turn], max_steps: int = 8) -> GuardedRun:
    run, client = GuardedRun(), ScriptedClient(turns)
    with tempfile.TemporaryDirectory(prefix="agentkit-exercise-") as workspace:
        toolbox = example_tools(workspace)
        history = History(system=render_prompt("react_system"), tools=toolbox.schemas())
        history.add_user("What is the weather?")
        try:
            for step in range(1, max_steps + 1):
                turn = client.complete(history.messages, **history.request_options())
                history.add_assistant(turn)
                for call, call_id in zip(turn.tool_calls, turn.call_ids):
                    guard.before_call(call)
                    run.ran.append(f"{call.name}({call.arguments})")
                    history.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
                try:
                    guard.after_calls()
                except ModelMistake as mistake:
                    run.told.append((step, mistake.message))
                    history.add_user(mistake.message)
                    continue
                if not turn.tool_calls:
                    run.end = "answered"
                    return run
            run.end = "max steps"
        except RepeatedCallError:
            run.end = "RepeatedCallError"
        except ScriptExhaustedError:
            run.end = "an extra request (the run should have stopped)"
    return run


def warning(name: str, count: int) -> str:
    return render_prompt("guard_repeated_call", name=name, count=count)


def guard_case(name: str, turns: list[Turn], ran: int, told: list[tuple[int, str]], end: str, hint: str,
               max_repeats: int = 2, why: str = "") -> Check:
    def check(module: Any) -> str | None:
        run = guarded_loop(module.RepeatedCallGuard(max_repeats), turns)
        problems = []
        if len(run.ran) != ran:
            problems.append(f"{len(run.ran)} calls ran, expected {ran}: {run.ran}")
        if run.told != told:
            problems.append(f"the model was told {describe(run.told)}, expected {describe(told)}")
        if run.end != end:
            problems.append(f"the run ended with {run.end}, expected {end}")
        return "\n".join(problems + ([why] if problems and why else [])) or None

    return Check(name, check, hint)


def describe(told: list[tuple[int, str]]) -> str:
    return "nothing" if not told else "; ".join(f"after request {step}: {message!r}" for step, message in told)


ANSWER = text_turn("It is 12 °C in Paris.")
GUARD_CHECKS = [
    guard_case("different calls", [call_turn(PARIS), call_turn(TOKYO), call_turn(ROME), ANSWER], 3, [], "answered",
               "a call is its name and its arguments: other arguments, another call"),
    guard_case("a repeat reaches the limit", [call_turn(PARIS), call_turn(PARIS), ANSWER], 2,
               [(2, warning("get_weather", 2))], "answered",
               "count each call in before_call; after_calls raises ModelMistake('repeated_call', "
               "render_prompt('guard_repeated_call', name=..., count=...), detail) once a count reaches max_repeats"),
    guard_case("a repeat after the warning stops the run", [call_turn(PARIS)] * 3, 2,
               [(2, warning("get_weather", 2))], "RepeatedCallError",
               "remember the calls the model was told about; before_call raises RepeatedCallError for one of them "
               "before it runs"),
    guard_case("key order does not matter", [call_turn(KM), call_turn(KM_REORDERED), ANSWER], 2,
               [(2, warning("convert_units", 2))], "answered",
               "compare arguments as JSON with sorted keys", why="the two calls differ only in the order of their "
               "argument keys, which is the same call: json.dumps(arguments, sort_keys=True)"),
    guard_case("two identical calls in one turn", [call_turn(PARIS, PARIS), ANSWER], 2,
               [(1, warning("get_weather", 2))], "answered",
               "both run (a tool may be called twice); the warning comes after the turn"),
    guard_case("max_repeats is the setting", [call_turn(PARIS)] * 3 + [ANSWER], 3,
               [(3, warning("get_weather", 3))], "answered", "use the max_repeats you were given, not 2",
               max_repeats=3),
    guard_case("alternating calls", [call_turn(PARIS), call_turn(TOKYO)] * 2 + [call_turn(PARIS)], 4,
               [(3, warning("get_weather", 2)), (4, warning("get_weather", 2))], "RepeatedCallError",
               "counts are per call, for the whole run, not only for the call just before"),
    guard_case("a warning is not repeated", [call_turn(PARIS), call_turn(PARIS), call_turn(TOKYO), ANSWER], 3,
               [(2, warning("get_weather", 2))], "answered",
               "after_calls warns about the calls that reached the limit in this turn, then forgets them"),
]


class KitGuard:
    """agentkit's `Guards`, reduced to the exercise's shape (its repeated-call part)."""

    def __init__(self, max_repeats: int = 2) -> None:
        self.guards = Guards(AgentConfig(max_repeats=max_repeats), Tracer())

    def before_call(self, call: Any) -> None:
        self.guards.before_call(call)

    def after_calls(self) -> None:
        self.guards.after_calls(Turn(content="", timings=Timings(request_start=0.0, total=0.0)), [])


def guard_solution() -> SimpleNamespace:
    return SimpleNamespace(RepeatedCallGuard=KitGuard)
