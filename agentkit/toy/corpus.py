"""Synthetic agent transcripts, rendered through the kit's chat templates.

The pipeline, in the order `agentkit toy data` runs it:
1. draw transcripts from the scenario families (train entities only);
2. render each through a chat template (`qwen3.6` or `hermes`, so the same
   weights serve both dialects), marking which characters the assistant
   generated: only those carry loss;
3. learn a BPE tokenizer on the rendered text and encode every sample;
4. write the arrays for training and a held-out task file for evaluation.
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import Iterator

from pydantic import BaseModel, Field

from agentkit.prompts import render_prompt
from agentkit.serving.chat_template import load_chat_template, render_chat
from agentkit.toy.entities import EntityPools, Split
from agentkit.toy.families import FAMILIES
from agentkit.toy.script import Transcript, TranscriptScript
from agentkit.toy.wording import Wording
from agentkit.toy.world import ToyWorld

TEMPLATES = ("qwen3.6", "hermes")
# The agents' own system prompt (agentkit/prompts/react_system.jinja) is the most
# common one, so the toy models are at home in the kit's ReAct loop.
_SYSTEM_PROMPTS = [None, "You are a helpful assistant.", render_prompt("react_system"), render_prompt("react_system")]
END = "<|im_end|>"


class TrainingSample(BaseModel):
    """A rendered conversation and the character spans the model must learn to write."""

    text: str = Field(description="The full rendered conversation.")
    spans: list[tuple[int, int]] = Field(description="[start, end) character spans of assistant output.")
    template: str = Field(description="Chat template name used to render it.")
    family: str = Field(description="Scenario family.")


def generate_transcripts(n: int, split: Split, seed: int, families: list[str] | None = None,
                         wording: Wording = "train") -> Iterator[Transcript]:
    """Yield gold transcripts for `n` episodes drawn from the scenario families."""
    rng = random.Random(seed)
    pools = EntityPools(split=split, rng=rng, wording=wording)
    names = families or list(FAMILIES)
    weights = [FAMILIES[f][1] for f in names]
    world = ToyWorld()
    all_tools = [s["function"]["name"] for s in world.toolbox.schemas()]
    try:
        for _ in range(n):
            family = rng.choices(names, weights)[0]
            scenario, _, needed = FAMILIES[family]
            # Offer the needed tools plus a few distractors, in the toolbox's order,
            # so the model learns to read the tool list instead of assuming it.
            offered = set(needed) | set(rng.sample(all_tools, rng.randint(0, 3)))
            script = TranscriptScript(family, world.toolbox, [t for t in all_tools if t in offered],
                                      thinking=rng.random() < 0.5, system=rng.choice(_SYSTEM_PROMPTS))
            world.reset()
            produced = scenario(script, pools, world, rng)
            # Multi-request agents (reflection, planning) give one transcript per request.
            for transcript in produced if isinstance(produced, list) else [produced]:
                transcript.world = dict(world.seeded)
                yield transcript
    finally:
        world.close()


def tools_sha256() -> str:
    """Digest of the example tools' JSON schemas, exactly as the system prompts show them."""
    world = ToyWorld()
    try:
        schemas = json.dumps(world.toolbox.schemas(), ensure_ascii=False, sort_keys=True)
    finally:
        world.close()
    return hashlib.sha256(schemas.encode("utf-8")).hexdigest()


def render_sample(transcript: Transcript, template_name: str, template: str) -> list[TrainingSample]:
    """Render one transcript into training samples.

    For assistant message j the target is what the template adds after the
    generation prompt: render(messages[:j+1]) minus render(messages[:j], add_generation_prompt).
    Where the template is prefix-stable, several targets share one rendering of
    the whole user turn. Where it is not (templates drop older reasoning, and
    Qwen3's drops an empty think block once a turn is no longer the last), the
    turn becomes a sample of its own, rendered exactly as the server would
    render that moment of the conversation.
    """
    def render(messages: list[dict], generation_prompt: bool) -> str:
        return render_chat(template, messages, tools=transcript.tools, add_generation_prompt=generation_prompt,
                           enable_thinking=transcript.enable_thinking)

    msgs = transcript.messages
    user_turns = [i for i, m in enumerate(msgs) if m["role"] == "user"]
    samples = []
    for k, start in enumerate(user_turns):
        stop = user_turns[k + 1] if k + 1 < len(user_turns) else len(msgs)
        full, shared_spans = render(msgs[:stop], False), []
        for j in range(start + 1, stop):
            if msgs[j]["role"] != "assistant":
                continue
            prompt, done = render(msgs[:j], True), render(msgs[:j + 1], False)
            if not done.startswith(prompt):
                raise ValueError(f"template {template_name!r}: the generation prompt is not a prefix of the "
                                 f"rendered reply (message {j} of a {transcript.family} transcript)")
            span = (len(prompt), done.index(END, len(prompt)) + len(END))
            if full.startswith(done):
                shared_spans.append(span)
            else:
                samples.append(TrainingSample(text=done, spans=[span], template=template_name,
                                              family=transcript.family))
        if shared_spans:
            samples.append(TrainingSample(text=full, spans=shared_spans, template=template_name,
                                          family=transcript.family))
    return samples


def render_corpus(transcripts: Iterator[Transcript], seed: int,
                  names: tuple[str, ...] = TEMPLATES) -> Iterator[TrainingSample]:
    """Render each transcript with a randomly chosen kit template (60% qwen3.6, 40% hermes).

    `names` narrows the choice (one name: every transcript in that template).
    """
    rng = random.Random(seed)
    templates = {name: load_chat_template(name) for name in names}
    for t in transcripts:
        # The draw happens whatever `names` is, so the default corpus stays the one the toys learned.
        name = "qwen3.6" if rng.random() < 0.6 else "hermes"
        if name not in templates:
            name = names[0]
        yield from render_sample(t, name, templates[name])
