"""Plan-and-Execute with scripted turns: plan, one ReAct run per step, replanning, synthesis, limits."""

import json

import pytest

from agentkit.agents import AgentConfig, MaxStepsError, PlanError, plan_and_execute, run_agent
from agentkit.agents.plan_execute import StepDone
from agentkit.client.scripted import ScriptedClient, call_turn, text_turn
from agentkit.prompts import render_prompt
from agentkit.tools import example_tools
from agentkit.trace import Tracer

TASK = "What is the temperature in Lisbon in kelvin?"
STEPS = ["Get the weather in Lisbon.", "Convert the temperature from celsius to kelvin."]


@pytest.fixture
def toolbox(tmp_path):
    return example_tools(tmp_path)


def steps(*items):
    return text_turn(json.dumps({"steps": list(items)}))


def full_script(replan=True):
    turns = [steps(*STEPS), call_turn(("get_weather", {"city": "Lisbon"})), text_turn("Lisbon: 34°C, sunny.")]
    if replan:
        turns.append(steps(STEPS[1]))
    turns += [call_turn(("convert_units", {"value": 34, "from_unit": "celsius", "to_unit": "kelvin"})),
              text_turn("34 celsius is 307.15 kelvin."), text_turn("It is 307.15 kelvin in Lisbon (34°C).")]
    return turns


def test_the_whole_protocol(toolbox):
    client = ScriptedClient(full_script())
    tracer = Tracer()
    result = plan_and_execute(client, toolbox, TASK, AgentConfig(), tracer)
    assert result.answer == "It is 307.15 kelvin in Lisbon (34°C)." and result.plan == STEPS
    done = [StepDone(step=STEPS[0], result="Lisbon: 34°C, sunny."),
            StepDone(step=STEPS[1], result="34 celsius is 307.15 kelvin.")]
    assert result.done == done
    plan, step1, _, replan, step2, _, synth = client.requests
    planner_system = {"role": "system", "content": render_prompt("plan_system")}
    react_system = {"role": "system", "content": render_prompt("react_system")}
    assert plan.tools is None and plan.messages == [
        planner_system, {"role": "user", "content": render_prompt("plan_request", task=TASK, tools=toolbox.names)}]
    first_step = render_prompt("plan_execute_step", task=TASK, done=[], step=STEPS[0])
    assert step1.tools == toolbox.schemas() and step1.messages == [react_system, {"role": "user", "content": first_step}]
    assert replan.tools is None and replan.messages == [planner_system, {"role": "user", "content": render_prompt(
        "plan_replan", task=TASK, done=done[:1], remaining=[STEPS[1]])}]
    assert step2.messages[1]["content"] == (
        f"Task: {TASK}\nDone so far:\n1. {STEPS[0]} Result: Lisbon: 34°C, sunny.\nCurrent step: {STEPS[1]}")
    assert synth.tools is None and synth.messages == [
        react_system, {"role": "user", "content": render_prompt("plan_synthesize", task=TASK, done=done)}]
    assert [e.type for e in tracer.events if e.type in ("plan", "step_result")] == [
        "plan", "step_result", "plan", "step_result"]


def test_without_replanning_the_first_plan_runs_as_is(toolbox):
    client = ScriptedClient(full_script(replan=False))
    result = plan_and_execute(client, toolbox, TASK, AgentConfig(replan=False))
    assert len(result.done) == 2 and client.remaining == 0


def test_the_replanner_can_drop_the_remaining_steps(toolbox):
    client = ScriptedClient([steps("Get the weather in Lisbon.", "Say it twice."),
                             call_turn(("get_weather", {"city": "Lisbon"})), text_turn("34°C."),
                             steps(), text_turn("34°C in Lisbon.")])
    tracer = Tracer()
    result = plan_and_execute(client, toolbox, TASK, tracer=tracer)
    assert [d.step for d in result.done] == ["Get the weather in Lisbon."]
    assert [e.steps for e in tracer.events if e.type == "plan"][-1] == []


def test_a_failed_replan_keeps_the_remaining_steps(toolbox):
    turns = full_script()
    turns[3:4] = [text_turn("hmm"), text_turn("still no json")]
    client = ScriptedClient(turns)
    tracer = Tracer()
    result = plan_and_execute(client, toolbox, TASK, tracer=tracer)
    assert [d.step for d in result.done] == STEPS
    assert [e.kind for e in tracer.events if e.type == "error"] == ["InvalidReply"]


def test_no_valid_plan_twice_stops_the_run(toolbox):
    client = ScriptedClient([text_turn("I would first get the weather."), text_turn('{"steps": []}')])
    tracer = Tracer()
    with pytest.raises(PlanError, match="valid plan") as error:
        run_agent("plan", client, toolbox, TASK, tracer=tracer)
    assert error.value.fix
    assert tracer.events[-1].status == "error"


def test_a_replanner_that_keeps_adding_steps_hits_max_plan_steps(toolbox):
    turns = [steps("Step 1.", "Step 2.")]
    for n in range(1, 3):
        turns += [text_turn(f"did {n}"), steps(f"Step {n + 1}.", f"Step {n + 2}.")]
    tracer = Tracer()
    with pytest.raises(MaxStepsError, match="2 plan steps ran"):
        run_agent("plan", ScriptedClient(turns), toolbox, TASK, AgentConfig(max_plan_steps=2), tracer)
    assert tracer.events[-1].status == "stopped"


def test_a_guard_inside_a_step_stops_the_whole_plan(toolbox):
    turns = [steps("Get the weather."), *[call_turn(("get_weather", {"city": "Lisbon"}))] * 3]
    with pytest.raises(Exception, match="same arguments 3 times"):
        plan_and_execute(ScriptedClient(turns), toolbox, TASK)


def test_agent_time_is_measured_on_one_clock_across_the_nested_loops():
    # Each request records the time since the run's previous request ended, so a
    # slow tool in step 1 is counted once (before the executor's next request),
    # not again before the replanner's request.
    import time

    from agentkit.tools import ToolBox, tool

    @tool(name="get_weather")
    def slow_weather(city: str) -> str:
        """Weather, slowly.

        Args:
            city: The city.
        """
        time.sleep(0.3)
        return "34"

    turns = [steps(*STEPS), call_turn(("get_weather", {"city": "Lisbon"})), text_turn("34."), steps(STEPS[1]),
             text_turn("307.15"), text_turn("307.15 K")]
    tracer = Tracer()
    run_agent("plan", ScriptedClient(turns), ToolBox([slow_weather]), TASK, tracer=tracer)
    waits = {(e.purpose, e.step): e.agent_s for e in tracer.events if e.type == "model_call"}
    assert waits[("react", 2)] >= 0.3
    assert waits[("replan", 1)] < 0.1
    assert sum(waits.values()) < 0.45
