"""Scenario families for the kit's Reflection and Plan-and-Execute agents.

These agents make several requests per task, each with its own prompt from
`agentkit/prompts/`. A family here plays one whole episode with the real
tools (a perfect planner, executor and critic) and returns one transcript per
request, so the toy models learn every stage in exactly the message layout the
agents send: the critic's JSON verdict, the reviser's rewrite, the planner's
JSON steps, each executed step, the replanner, and the final synthesis.
"""

from __future__ import annotations

import json
import random
import re

from agentkit.prompts import render_prompt
from agentkit.toy.entities import EntityPools
from agentkit.toy.scenarios import REACT_FAMILIES
from agentkit.toy.script import Transcript, TranscriptScript, observation_json
from agentkit.toy.wording import ask
from agentkit.toy.world import ToyWorld

REACT = render_prompt("react_system")


def _deg(w: dict) -> str:
    return f"{w['temperature']}°{'F' if w['unit'] == 'fahrenheit' else 'C'}"


# --- Reflection ---------------------------------------------------------------

# Drafts come from the ReAct families themselves, so the critic sees the same
# tasks, evidence and answers the Reflection agent's first ReAct run produces:
# one piece of evidence or several (parallel calls, chains).
_DRAFT_FAMILIES = {"weather_single": 2, "weather_parallel": 2, "calculator": 2.5, "convert": 1.5,
                   "weather_then_convert": 1.5, "weather_then_calculate": 1.5, "files_read": 0.5,
                   "notes": 1}
_NUMBER = r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d.])"


def _gold_draft(s: TranscriptScript, pools: EntityPools, world: ToyWorld, rng: random.Random):
    """A correct ReAct run; returns (task, evidence, answer, [(flawed draft, problem), ...])."""
    family = rng.choices(list(_DRAFT_FAMILIES), list(_DRAFT_FAMILIES.values()))[0]
    scenario, _, needed = REACT_FAMILIES[family]
    run = scenario(s.fork(REACT, list(needed)), pools, world, rng)
    task = next(m["content"] for m in run.messages if m["role"] == "user")
    evidence = [m["content"] for m in run.messages if m["role"] == "tool"]
    answer = run.messages[-1]["content"]
    return task, evidence, answer, _flaws(answer, evidence, run.answer_facts, rng)


def _flaws(answer: str, evidence: list[str], facts: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """Wrong drafts the critic must catch: a number that disagrees with the evidence, a missing fact."""
    flaws = []
    seen = " ".join(evidence)
    numbers = [m for m in re.finditer(_NUMBER, answer) if _mentions(seen, m.group())]
    if numbers:
        m = rng.choice(numbers)
        right = m.group()
        for _ in range(5):
            if "." in right:
                head, digit = right[:-1], int(right[-1])
                wrong = head + str((digit + rng.randint(1, 8)) % 10)
            else:
                wrong = str(int(right) + rng.choice([-7, -3, -1, 1, 2, 5, 11, 100]))
            # A wrong number that the evidence happens to hold elsewhere is no flaw a reader could see.
            if not _mentions(seen, wrong):
                flaws.append((answer[:m.start()] + wrong + answer[m.end():],
                              f"The draft says {wrong} but the evidence says {right}."))
                break
    for fact in facts:
        for joint in (f" and {fact}", f", {fact}"):
            if joint in answer and not fact.replace(".", "").lstrip("-").isdigit():
                flaws.append((answer.replace(joint, "", 1), f"The draft does not mention {fact}."))
                break
    return flaws


def _mentions(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", text) is not None


def _check_numbers(draft: str, task: str, evidence: list[str], problem: str | None) -> str:
    """The critic's reasoning: each number of the draft looked up in the evidence, in order.

    Written as a procedure a small model can copy (read a number, find it or
    not), so with thinking on the verdict follows from the check rather than
    from a guess at the first token.
    """
    seen = task + " " + " ".join(evidence)
    checks = []
    for number in dict.fromkeys(m.group() for m in re.finditer(_NUMBER, draft)):
        found = _mentions(seen, number)
        checks.append(f"{number} is {'in' if found else 'not in'} the evidence")
        if not found:
            break
    head = f"I check the draft's numbers: {', '.join(checks)}. " if checks else ""
    if problem is None:
        return head + "Nothing is missing, so the draft passes."
    if problem.startswith("The draft says"):
        return head + "So the draft must be revised."
    # "The draft does not mention windy." -> "But the draft does not mention windy, so ..."
    return head + f"But t{problem[1:].rstrip('.')}, so it must be revised."


def reflection_critique(s, pools, world, rng) -> list[Transcript]:
    task, evidence, answer, flaws = _gold_draft(s, pools, world, rng)
    passing = rng.random() < 0.5 or not flaws
    draft, problem = (answer, None) if passing else rng.choice(flaws)
    verdict = {"verdict": "pass", "problems": []} if passing else {"verdict": "revise", "problems": [problem]}
    critic = s.fork(render_prompt("reflection_critique_system"), [])
    critic.user(render_prompt("reflection_critique", task=task, evidence=evidence, draft=draft))
    text = json.dumps(verdict, ensure_ascii=False)
    thought = _check_numbers(draft, task, evidence, problem)
    out = [_stage(critic.answer(text, thought, [f'"verdict": "{verdict["verdict"]}"']), "critique")]
    if not passing:
        reviser = s.fork(REACT, [])
        reviser.user(render_prompt("reflection_revise", task=task, evidence=evidence, draft=draft, problems=[problem]))
        out.append(_stage(reviser.answer(answer, "I fix the draft using the evidence.", [answer.rstrip(".")]), "revise"))
    return out


def _stage(t: Transcript, stage: str) -> Transcript:
    t.family = f"{t.family}:{stage}"
    return t


# --- Plan-and-Execute -------------------------------------------------------------

# Two-step arithmetic: the second step names its operation only in words, so
# the executor must turn "Multiply the result by 3" into "* 3" (one op alone
# taught the toy to copy the first step's operator instead).
_FIRST_OPS = [("Add {a} and {b}", "+"), ("Subtract {b} from {a}", "-"), ("Multiply {a} by {b}", "*")]
_THEN_OPS = [("multiply the result by {c}", "*", "Multiply the result by {c}."),
             ("add {c} to the result", "+", "Add {c} to the result."),
             ("subtract {c} from the result", "-", "Subtract {c} from the result."),
             ("divide the result by {c}", "/", "Divide the result by {c}.")]


def _plan_for(pools: EntityPools, world: ToyWorld, rng: random.Random):
    """A task, its plan, and for each step the gold call maker and result writer."""
    kind = rng.randrange(4)
    if kind == 0:
        city, unit = pools.city(), rng.choice(["kelvin", "fahrenheit"])
        task = ask(rng, "weather_unit", pools.wording, c=city, t=unit)
        steps = [f"Get the weather in {city}.", f"Convert the temperature from celsius to {unit}."]
        tools = ["get_weather", "convert_units"]
        def call(i, done):
            if i == 0:
                return ("get_weather", {"city": city})
            return ("convert_units", {"value": done[0]["w"]["temperature"], "from_unit": "celsius", "to_unit": unit})
        def result(i, obs, done):
            if i == 0:
                w = observation_json(obs)
                return f"{w['city']}: {_deg(w)}, {w['condition']}.", {"w": w}
            r = json.loads(obs)["result"]
            return f"{done[0]['w']['temperature']} celsius is {r} {unit}.", {"r": r}
        def final(done):
            w, r = done[0]["w"], done[1]["r"]
            return f"It is {r} {unit} in {w['city']} ({w['temperature']}°C).", [str(r)]
    elif kind == 1:
        a, b = pools.city(), pools.city()
        # "Difference" is a subtraction (first city minus second); the planner must say so.
        subtract = rng.random() < 0.5
        task = ask(rng, "weather_diff" if subtract else "weather_sum", pools.wording, a=a, b=b)
        last = (f"Subtract the temperature of {b} from the temperature of {a}." if subtract
                else "Add the two temperatures.")
        op, label = ("-", "difference") if subtract else ("+", "sum")
        steps = [f"Get the weather in {a}.", f"Get the weather in {b}.", last]
        tools = ["get_weather", "calculator"]
        def call(i, done):
            if i < 2:
                return ("get_weather", {"city": [a, b][i]})
            return ("calculator", {"expression": f"{done[0]['w']['temperature']} {op} {done[1]['w']['temperature']}"})
        def result(i, obs, done):
            if i < 2:
                w = observation_json(obs)
                return f"{w['city']}: {_deg(w)}, {w['condition']}.", {"w": w}
            return f"The {label} is {obs}.", {"r": obs}
        def final(done):
            wa, wb = done[0]["w"], done[1]["w"]
            tail = f"the difference is {done[2]['r']}°C" if subtract else f"together {done[2]['r']}°C"
            return f"{wa['city']} is {_deg(wa)} and {wb['city']} is {_deg(wb)}; {tail}.", [done[2]["r"]]
    elif kind == 2:
        names = world.seed_files(rng, pools, ".")
        src, dst = rng.choice(names), pools.file_name()
        task = rng.choice(["Copy {a} to {b}.", "Make a copy of {a} named {b}."]).format(a=src, b=dst)
        steps = [f"Read {src}.", f"Write the content to {dst}."]
        tools = ["read_file", "write_file"]
        def call(i, done):
            return ("read_file", {"path": src}) if i == 0 else ("write_file", {"path": dst, "content": done[0]["text"]})
        def result(i, obs, done):
            return (f"{src} says: {obs}", {"text": obs}) if i == 0 else (f"Saved {dst}.", {})
        def final(done):
            return f"Copied {src} to {dst}.", [dst]
    else:
        a, b, c = pools.number(), pools.number(), pools.number(2, 30)
        (first, op1), (then, op2, step2) = rng.choice(_FIRST_OPS), rng.choice(_THEN_OPS)
        first, then, step2 = (t.format(a=a, b=b, c=c) for t in (first, then, step2))
        expr1 = f"{a} {op1} {b}"
        task = f"{first}, then {then}."
        steps = [f"Calculate {expr1}.", step2]
        tools = ["calculator"]
        def call(i, done):
            return ("calculator", {"expression": expr1 if i == 0 else f"{done[0]['r']} {op2} {c}"})
        def result(i, obs, done):
            return (f"{expr1} = {obs}.", {"r": obs}) if i == 0 else (f"{done[0]['r']} {op2} {c} = {obs}.", {"r": obs})
        def final(done):
            return f"The result is {done[1]['r']}.", [done[1]["r"]]
    return task, steps, tools, call, result, final


def plan_execute(s, pools, world, rng) -> list[Transcript]:
    task, steps, tools, call, result, final = _plan_for(pools, world, rng)
    offered = sorted(set(tools) | set(rng.sample(["get_weather", "calculator", "convert_units", "search_notes",
                                                  "list_files", "read_file", "write_file"], rng.randint(0, 2))))
    offered = [t for t in ["get_weather", "calculator", "convert_units", "search_notes", "list_files",
                           "read_file", "write_file"] if t in offered]
    out = []
    planner = s.fork(render_prompt("plan_system"), [])
    planner.user(render_prompt("plan_request", task=task, tools=offered))
    out.append(_stage(planner.answer(json.dumps({"steps": steps}, ensure_ascii=False),
                                     f"The task needs {len(steps)} steps.", steps), "plan"))
    done: list[dict] = []
    for i, step in enumerate(steps):
        executor = s.fork(REACT, offered)
        shown = [{"step": d["step"], "result": d["result"]} for d in done]
        executor.user(render_prompt("plan_execute_step", task=task, done=shown, step=step))
        name, args = call(i, done)
        [obs] = executor.call([(name, args)], f"This step needs {name}.")
        text, state = result(i, obs, done)
        out.append(_stage(executor.answer(text, "The step is done.", [text[:30]]), "step"))
        done.append({"step": step, "result": text, **state})
        remaining = steps[i + 1:]
        if remaining:
            replanner = s.fork(render_prompt("plan_system"), [])
            shown = [{"step": d["step"], "result": d["result"]} for d in done]
            replanner.user(render_prompt("plan_replan", task=task, done=shown, remaining=remaining))
            out.append(_stage(replanner.answer(json.dumps({"steps": remaining}, ensure_ascii=False),
                                               "The remaining steps still fit.", [remaining[0]]), "replan"))
    synth = s.fork(REACT, [])
    shown = [{"step": d["step"], "result": d["result"]} for d in done]
    synth.user(render_prompt("plan_synthesize", task=task, done=shown))
    answer, facts = final(done)
    out.append(_stage(synth.answer(answer, "All steps are done. I write the answer.", facts), "synthesize"))
    return out
