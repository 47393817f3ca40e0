"""The graders of Reflection and Plan-and-Execute, run on scripted models.

Each case is a script of turns (`ScriptedClient`: an extra request fails):
the draft or the steps' ReAct runs, then critiques, rewrites, plans and
replans as JSON text, valid or not. The checks compare what came back with
what the script implies, and the prompts the agent sent with the kit's
prompt templates, so a wrong prompt, a missing request or an extra one is
named.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from agentkit.agents import AgentConfig, MaxStepsError, PlanError
from agentkit.agents.plan_execute import StepDone
from agentkit.client.scripted import call_turn, text_turn
from agentkit.prompts import render_prompt
from grade_agents import PARIS, TASK, Run, extra_request, observation, outcome, run_agent
from grading import CaseFailure, Check

def explained(run: Callable[[], Run], why: str) -> Run:
    try:
        return run()
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's bug: say which rule the case tests
        raise CaseFailure(f"raised {type(error).__name__}: {error}" + (f"\n{why}" if why else "")) from None


# -- Reflection ---------------------------------------------------------------------------

RIGHT, WRONG = "It is 12 °C in Paris.", "It is 21 °C in Paris."
PROBLEM = "The draft says 21 °C; the evidence says 12 °C."
PASS = text_turn('{"verdict": "pass", "problems": []}')
REVISE = text_turn('{"verdict": "revise", "problems": ["%s"]}' % PROBLEM)


def draft(answer: str) -> list:
    return [call_turn(PARIS), text_turn(answer)]


def reflection_case(name: str, turns: list, answer: str, drafts: int, verdicts: list[str], hint: str,
                    rounds: int = 2, why: str = "") -> Check:
    def check(module: Any) -> str | None:
        run = explained(lambda: run_agent(module.reflect, turns, AgentConfig(max_rounds=rounds)), why)
        problem = extra_request(run) or reflection_result(run, answer, drafts, verdicts) or reflection_prompts(run)
        return f"{problem}\n{why}" if problem and why else problem

    return Check(name, check, hint)


def reflection_result(run: Run, answer: str, drafts: int, verdicts: list[str]) -> str | None:
    result = run.result
    if run.error is not None or result is None:
        return f"expected a ReflectionResult, got {outcome(run)}"
    if result.answer != answer:
        return f"the answer is {result.answer!r}, expected {answer!r}: the last draft stands"
    if len(result.drafts) != drafts:
        return f"{len(result.drafts)} drafts, expected {drafts}: the ReAct answer, then one per 'revise'"
    got = [c.verdict for c in result.critiques]
    if got != verdicts:
        return f"critiques {got}, expected {verdicts}: keep each usable critique, stop at 'pass' or max_rounds"
    events = [e.verdict for e in run.tracer.events if e.type == "critique"]
    if events != verdicts:
        return f"the trace has critique events {events}, expected {verdicts}: tracer.emit(CritiqueEvent(...))"
    return None


def reflection_prompts(run: Run) -> str | None:
    """The critique and revise requests: fresh conversations, no tools, the kit's prompts."""
    evidence, drafts, critiques = [observation(*PARIS)], run.result.drafts, run.result.critiques
    rewrites = 0
    for number, request in enumerate(run.client.requests[2:], start=3):
        system = request.messages[0]["content"]
        if request.tools:
            return f"request {number} sent tools: the reviewer and the rewriter check the evidence, they call nothing"
        if system == render_prompt("reflection_critique_system"):
            want = render_prompt("reflection_critique", task=TASK, evidence=evidence, draft=drafts[rewrites])
            if request.messages[1:2] != [{"role": "user", "content": want}]:
                return (f"request {number} (a critique) sent {request.messages[1:]}, expected the user message "
                        f"{want!r} after the reviewer's system prompt")
        elif system == render_prompt("react_system"):
            want = render_prompt("reflection_revise", task=TASK, evidence=evidence, draft=drafts[rewrites],
                                 problems=critiques[rewrites].problems)
            if request.messages[1:] != [{"role": "user", "content": want}]:
                return f"request {number} (a rewrite) sent {request.messages[1:]}, expected one user message {want!r}"
            rewrites += 1
        else:
            return f"request {number} has the system prompt {system[:60]!r}: neither the reviewer's nor the writer's"
    return None


REFLECTION_CHECKS = [
    reflection_case("a pass at once", [*draft(RIGHT), PASS], RIGHT, 1, ["pass"],
                    "a fresh History with reflection_critique_system, one user message rendered from "
                    "reflection_critique; ask_json(model, reviewer, Critique, 'critique'); stop on 'pass'"),
    reflection_case("revise, then pass", [*draft(WRONG), REVISE, text_turn(RIGHT), PASS], RIGHT, 2,
                    ["revise", "pass"], "on 'revise', a fresh History with react_system and reflection_revise; "
                    "model.ask(writer, 'revise').content is the new draft; then critique it"),
    reflection_case("the round limit", [*draft(WRONG), REVISE, text_turn("Still 21 °C."), REVISE,
                                        text_turn("Maybe 21 °C.")], "Maybe 21 °C.", 3, ["revise", "revise"],
                    "at most config.max_rounds critiques; the last rewrite stands, unchecked"),
    reflection_case("a critique in a code fence", [*draft(WRONG), text_turn(
        'Here is my review:\n```json\n{"verdict": "revise", "problems": ["%s"]}\n```' % PROBLEM),
        text_turn(RIGHT), PASS], RIGHT, 2, ["revise", "pass"],
        "read the critique with ask_json (parse_json_reply), never json.loads on the whole reply",
        why="the reply wraps the JSON in a sentence and a code fence, as models do"),
    reflection_case("the verdict decides, not the words", [*draft(RIGHT), text_turn(
        'Nothing is wrong, no need to revise. {"verdict": "pass", "problems": []}')], RIGHT, 1, ["pass"],
        "branch on critique.verdict, never on words in the reply", why="the reply says 'wrong' and 'revise' "
        "in its prose, and its verdict is pass"),
    reflection_case("a reviewer that never answers in JSON", [*draft(RIGHT), text_turn("Looks good to me!"),
                                                             text_turn("Yes, it is good.")], RIGHT, 1, [],
                    "ask_json asks once more, then returns None: keep the current draft and stop",
                    why="two replies without JSON: the draft must stand and no critique be kept"),
]


def reflection_solution() -> SimpleNamespace:
    from agentkit.agents import reflect

    return SimpleNamespace(reflect=reflect)


# -- Plan-and-Execute ---------------------------------------------------------------------

GET, CONVERT, CONVERT_12 = "Get the weather in Paris.", "Convert it to kelvin.", "Convert 12 °C to kelvin."
KELVIN = ("convert_units", {"value": 12, "from_unit": "celsius", "to_unit": "kelvin"})


def plan(*steps: str) -> Any:
    return text_turn('{"steps": [%s]}' % ", ".join(f'"{s}"' for s in steps))


STEP_1 = [call_turn(PARIS), text_turn("12 °C")]
STEP_2 = [call_turn(KELVIN), text_turn("285.15 K")]
SYNTH = text_turn("It is 285.15 K in Paris.")


def plan_case(name: str, turns: list, done: list[tuple[str, str]] | None, hint: str, config: AgentConfig | None = None,
              error: type | None = None, why: str = "") -> Check:
    def check(module: Any) -> str | None:
        run = explained(lambda: run_agent(module.plan_and_execute, turns, config or AgentConfig(),
                                          task="Paris in kelvin?"), why)
        problem = extra_request(run) or plan_outcome(run, done, error) or plan_prompts(run)
        return f"{problem}\n{why}" if problem and why else problem

    return Check(name, check, hint)


def plan_outcome(run: Run, done: list[tuple[str, str]] | None, error: type | None) -> str | None:
    if error is not None:
        if isinstance(run.error, error):
            return None
        return f"expected {error.__name__}, got {outcome(run)}"
    if run.error is not None or run.result is None:
        return f"expected a PlanResult, got {outcome(run)}"
    got = [(d.step, d.result) for d in run.result.done]
    if got != done:
        return f"the steps done are {got}, expected {done}"
    if run.result.answer != run.client.turns[-1].content:
        return f"the answer is {run.result.answer!r}, expected the synthesis {run.client.turns[-1].content!r}"
    return None


def plan_prompts(run: Run) -> str | None:
    """The planner gets the tool names and no tools; each step is told what was done; the synthesis gets it all."""
    first = run.client.requests[0]
    want = render_prompt("plan_request", task="Paris in kelvin?", tools=run.toolbox.names)
    if first.messages != [{"role": "system", "content": render_prompt("plan_system")},
                          {"role": "user", "content": want}] or first.tools:
        return f"the planner's request sent {first.messages} (tools: {bool(first.tools)}), expected planner(...)"
    if run.result is None:
        return None
    done = run.result.done
    executors = [r for r in run.client.requests if r.messages[0]["content"] == render_prompt("react_system")
                 and len(r.messages) == 2 and r.tools]
    for index, request in enumerate(executors):
        want = render_prompt("plan_execute_step", task="Paris in kelvin?", done=done[:index], step=done[index].step)
        if request.messages[1]["content"] != want:
            return (f"step {index + 1}'s ReAct run got the task {request.messages[1]['content']!r}, expected "
                    f"{want!r}: render plan_execute_step with the steps done so far")
    last = run.client.requests[-1]
    want = render_prompt("plan_synthesize", task="Paris in kelvin?", done=[StepDone(step=s.step, result=s.result)
                                                                           for s in done])
    if last.messages[-1] != {"role": "user", "content": want} or last.tools:
        return f"the last request sent {last.messages[-1]}, expected the synthesis prompt {want!r} with no tools"
    return None


PLAN_CHECKS = [
    plan_case("plan, execute, replan, synthesize", [plan(GET, CONVERT), *STEP_1, plan(CONVERT_12), *STEP_2, SYNTH],
              [(GET, "12 °C"), (CONVERT_12, "285.15 K")],
              "ask_json(model, planner(...), Plan, 'plan'); one react() per step; after each step, while steps "
              "remain, ask_json(..., ReplanReply, 'replan') replaces the remaining steps",
              why="the replanner rewrote the second step: the executor must run the replanned step"),
    plan_case("replanning off", [plan(GET, CONVERT), *STEP_1, *STEP_2, SYNTH], [(GET, "12 °C"), (CONVERT, "285.15 K")],
              "config.replan False: no replan request", AgentConfig(replan=False)),
    plan_case("the replanner drops the rest", [plan(GET, CONVERT, "Say it."), *STEP_1, plan(), SYNTH],
              [(GET, "12 °C")], "a replan with no steps means the task is done: go to the synthesis",
              why='the replanner replied {"steps": []}: its steps replace the remaining ones, so nothing is left'),
    plan_case("a replan that is not JSON", [plan(GET, CONVERT), *STEP_1, text_turn("OK."), text_turn("Sure."),
                                            *STEP_2, SYNTH], [(GET, "12 °C"), (CONVERT, "285.15 K")],
              "ask_json returns None after two bad replies: keep the remaining steps as they were"),
    plan_case("no plan", [text_turn("I will do it."), text_turn("Right away.")], None,
              "no valid plan after ask_json's retry: raise PlanError", error=PlanError),
    plan_case("a replanner that keeps adding steps", [plan("a", "b"), text_turn("did a"), plan("b", "c"),
                                                      text_turn("did b"), plan("c", "d")], None,
              "before each step: if len(done) == config.max_plan_steps, raise stop_after_max_steps(...)",
              AgentConfig(max_plan_steps=2), error=MaxStepsError, why="the plan must stop at max_plan_steps (2)"),
]


def plan_solution() -> SimpleNamespace:
    from agentkit.agents import plan_and_execute

    return SimpleNamespace(plan_and_execute=plan_and_execute)
