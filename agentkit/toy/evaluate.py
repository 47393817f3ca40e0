"""`agentkit toy eval`: held-out evaluation of the toy models through the real mlx_lm.server.

Each held-out task is a gold transcript drawn from entities the models never
saw in training. The model gets the task's messages up to its last user turn
and the same tools, and runs the plain loop against a real server; we score:

- valid tool-call rate: of the turns where the gold agent called tools, how
  many produced calls the server could parse, with known names and JSON-object
  arguments;
- exact tool accuracy: tasks whose whole sequence of calls (names and
  arguments, per turn, order within a turn ignored) equals the gold sequence;
- answer accuracy: tasks whose final answer contains every gold fact;
- paraphrases: the same intents worded in ways no training request used
  (`agentkit/toy/wording.py`), right when calls and answer both are;
- the Reflection critic: the share of wrong drafts it rejects and of right
  drafts it passes; the planner: plans equal to the gold steps (which is where
  "difference" must become a subtraction);
- problems no answer may have: markup in a final answer, and a tool argument
  found neither in the request nor in an earlier tool result (an invented value);
- decode tok/s: median over all requests.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from pydantic import BaseModel, Field

from agentkit.harness.suite import ExpectedCall, check_calls
from agentkit.serving.endpoint import open_endpoint
from agentkit.toy.build import HELDOUT_SEED
from agentkit.toy.corpus import generate_transcripts
from agentkit.toy.script import Transcript
from agentkit.toy.simple_loop import LoopRun, run_loop
from agentkit.toy.world import ToyWorld
from agentkit.trace.grounding import source_texts
from agentkit.trace.verdict import argument_grounded


class EvalRow(BaseModel):
    """Scores of one model served with one template."""

    model: str
    template: str
    tasks: int
    valid_call_rate: float
    exact_tool_accuracy: float
    answer_accuracy: float
    decode_tps: float
    ttft_ms: float
    by_family: dict[str, float] = {}
    paraphrase_accuracy: float = 0.0
    critic_rejects_wrong: float = 0.0
    critic_passes_right: float = 0.0
    plans_right: float = 0.0
    markup_answers: int = 0
    ungrounded_arguments: int = 0


# Intents asked in unseen wordings; the agent stages are worded by the kit's prompts, not by users.
PARAPHRASE_FAMILIES = ["weather_single", "weather_then_convert", "weather_then_calculate", "convert",
                       "notes", "files_list", "files_read"]
MARKUP = ("<think>", "</think>", "<tool_call>", "</tool_call>", "<function=", "<parameter=")


def heldout_tasks(n: int) -> list[Transcript]:
    return list(generate_transcripts(n, "heldout", HELDOUT_SEED))


def paraphrase_tasks(n: int) -> list[Transcript]:
    """Held-out entities asked in held-out wordings."""
    return list(generate_transcripts(n, "heldout", HELDOUT_SEED + 1, families=PARAPHRASE_FAMILIES,
                                     wording="paraphrase"))


def agent_stage_tasks(n: int) -> list[Transcript]:
    """Critic verdicts and plans from `n` more Reflection / Plan-and-Execute episodes.

    The main set holds too few of them to measure the critic's two rates, so
    these stages get episodes of their own.
    """
    return [t for t in generate_transcripts(n, "heldout", HELDOUT_SEED + 2, families=["reflection", "plan_execute"])
            if t.family in ("reflection:critique", "plan_execute:plan")]


def ungrounded_arguments(task: Transcript, run: LoopRun) -> list[str]:
    """Arguments found neither in the request nor in an earlier tool result: values the model invented.

    The same rules as a run's verdict (`agentkit.trace.verdict`): numbers and
    expressions built from earlier numbers are grounded, names must appear.
    """
    sources = [str(m.get("content") or "") for m in task_prompt(task)]
    invented = []
    for step in run.steps:
        for call in step:
            for key, value in (call.arguments or {}).items():
                if not argument_grounded(call.name, key, value, [t for s in sources for t in source_texts(s)]):
                    invented.append(f"{call.name}.{key}={value!r}")
        sources += [c.observation for c in step]
    return invented


def task_prompt(task: Transcript) -> list[dict]:
    """The task's messages up to and including its last user message."""
    last_user = max(i for i, m in enumerate(task.messages) if m["role"] == "user")
    return task.messages[: last_user + 1]


def score_task(task: Transcript, run: LoopRun, tool_names: set[str]) -> tuple[int, int, bool, bool]:
    """(gold tool turns, valid tool turns, exact calls, answer correct) for one task."""
    # The same comparison the compare suites use: per turn, order ignored, 5 == 5.0.
    gold = [[ExpectedCall(name=c.name, arguments=c.arguments) for c in step] for step in task.gold_steps]
    exact = check_calls(gold, [[(c.name, c.arguments or {}) for c in step] for step in run.steps])
    valid = sum(1 for step in run.steps[: len(gold)]
                if step and all(c.name in tool_names and c.arguments is not None for c in step))
    answer_ok = run.answer is not None and all(f.lower() in run.answer.lower() for f in task.answer_facts)
    return len(gold), valid, bool(exact), answer_ok


class Miss(BaseModel):
    """One held-out task the model got wrong, as `--failures` writes it."""

    model: str
    template: str
    kind: str = Field(description="main, paraphrase or stage (critic / planner).")
    family: str
    request: str = Field(description="The task's last user message.")
    thinking: bool
    gold_calls: list[list[str]]
    calls: list[list[str]]
    answer: str | None
    facts: list[str] = Field(description="What the answer had to contain.")
    invented: list[str] = Field(description="Arguments found neither in the request nor in a tool result.")


def _miss(model: str, template: str, kind: str, task: Transcript, run: LoopRun, invented: list[str]) -> Miss:
    def show(steps) -> list[list[str]]:
        return [[f"{c.name}({json.dumps(c.arguments, ensure_ascii=False)})" for c in step] for step in steps]

    return Miss(model=model, template=template, kind=kind, family=task.family,
                request=str(task_prompt(task)[-1]["content"]), thinking=task.enable_thinking,
                gold_calls=show(task.gold_steps), calls=show(run.steps), answer=run.answer,
                facts=task.answer_facts, invented=invented)


def evaluate(model: str, template: str, tasks: list[Transcript], paraphrases: list[Transcript] = (),
             stages: list[Transcript] = (), misses: list[Miss] | None = None) -> EvalRow:
    world = ToyWorld()
    gold_turns = valid_turns = exact = correct = markup = ungrounded = 0
    tps, ttft = [], []
    family_ok: dict[str, list[bool]] = {}
    stage_ok: dict[str, list[bool]] = {"paraphrase": [], "critic:revise": [], "critic:pass": [], "plan": []}
    try:
        with open_endpoint(model, template=template) as endpoint:
            runs = [(t, "main") for t in tasks] + [(t, "paraphrase") for t in paraphrases] + [(t, "stage") for t in stages]
            for task, kind in runs:
                world.restore(task.world)
                run = run_loop(endpoint, task_prompt(task), world.toolbox, task.tools,
                               thinking=task.enable_thinking)
                g, v, e, a = score_task(task, run, {t["function"]["name"] for t in task.tools})
                has_markup = any(tag in (run.answer or "") for tag in MARKUP)
                invented = ungrounded_arguments(task, run)
                markup, ungrounded = markup + has_markup, ungrounded + len(invented)
                if misses is not None and (not (e and a) or has_markup or invented):
                    misses.append(_miss(model, template, kind, task, run, invented))
                if kind == "paraphrase":
                    stage_ok["paraphrase"].append(e and a)
                    continue
                if kind == "main":
                    gold_turns, valid_turns, exact, correct = gold_turns + g, valid_turns + v, exact + e, correct + a
                    # A task counts as done when its calls and its answer are both right.
                    family_ok.setdefault(task.family.split(":")[0], []).append(e and a)
                if task.family == "reflection:critique":
                    stage_ok["critic:revise" if '"revise"' in task.answer_facts[0] else "critic:pass"].append(a)
                elif task.family == "plan_execute:plan":
                    stage_ok["plan"].append(a)
                tps += [r.decode_tps for r in run.requests if r.decode_tps]
                # A request that streamed no output chunk has no TTFT: count its whole time.
                ttft += [r.ttft if r.ttft is not None else r.total for r in run.requests]
    finally:
        world.close()
    n = len(tasks)
    return EvalRow(model=model, template=template, tasks=n,
                   valid_call_rate=valid_turns / max(gold_turns, 1), exact_tool_accuracy=exact / n,
                   answer_accuracy=correct / n, decode_tps=statistics.median(tps) if tps else 0.0,
                   ttft_ms=1000 * statistics.median(ttft) if ttft else 0.0,
                   by_family={f: sum(v) / len(v) for f, v in sorted(family_ok.items())},
                   paraphrase_accuracy=_share(stage_ok["paraphrase"]),
                   critic_rejects_wrong=_share(stage_ok["critic:revise"]),
                   critic_passes_right=_share(stage_ok["critic:pass"]),
                   plans_right=_share(stage_ok["plan"]), markup_answers=markup, ungrounded_arguments=ungrounded)


def _share(outcomes: list[bool]) -> float:
    return sum(outcomes) / len(outcomes) if outcomes else float("nan")


def markdown_table(rows: list[EvalRow]) -> str:
    lines = ["| model | template | tasks | valid tool calls | exact tool+args | final answer | decode tok/s | TTFT ms |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.model} | {r.template} | {r.tasks} | {r.valid_call_rate:.1%} | {r.exact_tool_accuracy:.1%} "
                     f"| {r.answer_accuracy:.1%} | {r.decode_tps:.0f} | {r.ttft_ms:.0f} |")
    lines += ["", "| model | template | paraphrases right | critic rejects wrong | critic passes right "
              "| plans right | answers with markup | invented arguments |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.model} | {r.template} | {r.paraphrase_accuracy:.1%} | {r.critic_rejects_wrong:.1%} "
                     f"| {r.critic_passes_right:.1%} | {r.plans_right:.1%} | {r.markup_answers} "
                     f"| {r.ungrounded_arguments} |")
    families = sorted({f for r in rows for f in r.by_family})
    lines += ["", "Tasks fully right (calls and answer), by family:", "",
              "| family | " + " | ".join(f"{r.model} ({r.template})" for r in rows) + " |",
              "|---|" + "---:|" * len(rows)]
    for f in families:
        lines.append(f"| {f} | " + " | ".join(f"{r.by_family[f]:.0%}" if f in r.by_family else "-" for r in rows) + " |")
    return "\n".join(lines)


def run_eval(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console()
    tasks, paraphrases = heldout_tasks(args.tasks), paraphrase_tasks(args.paraphrases)
    stages = agent_stage_tasks(args.agent_episodes)
    rows, misses = [], []
    for model in args.model or ["toy-dense", "toy-moe"]:
        for template in args.template or ["qwen3.6", "hermes"]:
            with console.status(f"evaluating {model} ({template}) on {len(tasks)} held-out tasks "
                                f"and {len(paraphrases)} paraphrases"):
                rows.append(evaluate(model, template, tasks, paraphrases, stages, misses))
            console.print(f"{model} ({template}): {rows[-1].model_dump()}")
    table = markdown_table(rows)
    console.print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    if args.failures:
        # One JSON line per miss: read them to see what the models get wrong, not just how often.
        Path(args.failures).write_text("".join(m.model_dump_json() + "\n" for m in misses))
        console.print(f"{len(misses)} misses written to {args.failures}")
    return 0
