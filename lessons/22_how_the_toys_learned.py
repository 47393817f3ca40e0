"""Lesson 22: how the toy models learned to call tools, and a tiny one trained while you watch.

    python lessons/22_how_the_toys_learned.py                 # steps 1-4; step 5 needs torch
    pip install -e '.[train]'                                 # torch, transformers, tokenizers
    python lessons/22_how_the_toys_learned.py --steps 100     # a shorter training run

Steps 1-4 need no server and no torch: a scenario played against the real
tools, the same conversation rendered through the chat template, the
tokenizer, and the loss mask that leaves everything but the assistant's
tokens out. Step 5 trains a 2-layer qwen3 from scratch on the CPU, with the
code `agentkit toy data` and `agentkit toy train` run (`build_data`,
`train`), and scores how many of its generations are well-formed calls,
before and after.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from agentkit.client.raw import prompt_opened_think
from agentkit.parsing import parse_assistant
from agentkit.serving.chat_template import load_chat_template, render_chat
from agentkit.toy.corpus import generate_transcripts, render_sample
from agentkit.toy.families import FAMILIES
from agentkit.toy.wording import PARAPHRASE, TRAIN

from facts import fact, not_measured  # lessons/facts.py: prints the numbers the lesson's text quotes

TOY_TOKENIZER = Path(__file__).resolve().parent.parent / "fixtures" / "models" / "toy-dense" / "tokenizer.json"
FAMILY = "weather_single"
TEMPLATE = "qwen3.6"  # one format: Qwen3.6's XML calls
TRAIN_TRANSCRIPTS = 400
SCORED_PROMPTS = 12
DEFAULT_STEPS = 200
# Small batches, a high learning rate: a 2-layer model of width 64 learns the call markup in ~200 steps.
TINY_TRAINING = dict(batch_size=4, max_len=1024, lr=1e-2, warmup=10, device="cpu")


def step_1_scenarios(console: Console):
    console.rule("1. Scenarios: gold conversations played against the real tools")
    table = Table(caption="weight: how often the corpus draws the family", caption_justify="left")
    for column in ("family", "weight", "tools it needs"):
        table.add_column(column, justify="right" if column == "weight" else "left")
    for name, (_, weight, tools) in FAMILIES.items():
        table.add_row(name, f"{weight:g}", ", ".join(tools) or "-")
    console.print(table)
    transcript = next(generate_transcripts(1, "train", seed=3, families=[FAMILY]))
    console.print(f"One {FAMILY} transcript (the tool message is what the real get_weather returned "
                  f"in the toy world):")
    for message in transcript.messages[1:]:
        shown = message["content"] or ", ".join(f"{c['function']['name']}({c['function']['arguments']})"
                                                 for c in message.get("tool_calls", []))
        console.print(f"  {message['role']:>9}: {shown}", markup=False, highlight=False)
    wordings = sum(len(w) for w in TRAIN.values())
    unseen = sum(len(w) for w in PARAPHRASE.values())
    console.print(f"Users are worded from {wordings} training wordings (agentkit/toy/wording.py), wrapped in "
                  f"random openers and closers; {unseen} more are kept out of training for the eval.")
    fact("families", len(FAMILIES))
    fact("train_wordings", wordings)
    fact("paraphrase_wordings", unseen)
    return transcript


def step_2_rendering(console: Console, transcript):
    console.rule("2. Rendering: the template's text, and which characters carry loss")
    sample = render_sample(transcript, TEMPLATE, load_chat_template(TEMPLATE))[0]
    start = sample.text.index("<|im_start|>user")
    shown, at = [], start
    for a, b in sample.spans:
        shown += [_escape(sample.text[at:a]), f"[reverse]{_escape(sample.text[a:b])}[/]"]
        at = b
    console.print("".join(shown), highlight=False)
    learned = sum(b - a for a, b in sample.spans)
    console.print(f"(the system prompt with the tool schemas is cut off above). Highlighted: the "
                  f"{learned} of {len(sample.text)} characters the assistant wrote, the only ones trained on.")
    fact("sample_chars", len(sample.text))
    fact("learned_chars", learned)
    return sample


def step_3_tokens(console: Console, sample) -> None:
    console.rule("3. The tokenizer: byte-level BPE with Qwen's markup as single tokens")
    from tokenizers import Tokenizer

    from agentkit.toy.tokenizer import encode_spans

    tok = Tokenizer.from_file(str(TOY_TOKENIZER))
    for text in ("<tool_call>", "<function=get_weather>", "temperature 1234"):
        pieces = tok.encode(text, add_special_tokens=False).tokens
        console.print(f"  {text!r:>26} -> {len(pieces)} token(s): {' | '.join(pieces)}", markup=False)
    ids, mask = encode_spans(tok, sample.text, sample.spans)
    console.print(f"The sample is {len(ids)} tokens; {sum(mask)} carry loss (mask 1), the rest are read, "
                  f"never predicted. Vocabulary: {tok.get_vocab_size()} tokens (Qwen3.6: about 248,000).")
    fact("vocab", tok.get_vocab_size())
    fact("sample_tokens", len(ids))
    fact("loss_tokens", sum(mask))


def step_4_recipe(console: Console) -> None:
    console.rule("4. The recipe of the committed toys")
    console.print("agentkit toy data: 48,000 transcripts from every family (all but the long conversations, "
                  "added since: see fixtures/models/README.md), rendered 60% qwen3.6 / 40% "
                  "hermes, a 1,024-token BPE, arrays of ids and masks.\nagentkit toy train: transformers' "
                  "reference Qwen3.5/Qwen3 modules, next-token loss on the masked tokens only, AdamW, "
                  "cosine schedule, on a GPU.\nagentkit toy eval: held-out entities and unseen wordings "
                  "through the real mlx_lm.server (lesson 17 asks the live toy the same way).")


def step_5_train(console: Console, steps: int) -> None:
    console.rule(f"5. Train a 2-layer qwen3 on {FAMILY} in the {TEMPLATE} format, on the CPU")
    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        console.print(f"{' and '.join(missing)} not installed: step 5 skipped; to run it: "
                      "pip install -e '.[train]' (about 1 GB)", markup=False)
        # The text quotes step 5's numbers and the whole run's time: this run measured neither.
        not_measured("valid_before", "valid_after", "train_s", "run_s")
        return
    import torch

    from agentkit.toy.architecture import hf_config
    from agentkit.toy.build import build_data
    from agentkit.toy.train import TrainConfig, build_model, train

    # One thread: on a 2-core machine shared with other jobs, two threads ran a step 5x slower than one.
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson22-") as scratch:
        data = Path(scratch)
        started = time.perf_counter()
        stats = build_data(data, n_transcripts=TRAIN_TRANSCRIPTS, vocab_size=512, n_heldout=SCORED_PROMPTS,
                           workers=2, families=[FAMILY], templates=(TEMPLATE,))
        console.print(f"data: {stats['samples']} samples, {stats['tokens']} tokens, "
                      f"{stats['target_tokens']} with loss ({time.perf_counter() - started:.0f} s)")
        cfg = tiny_config(data, hf_config)
        torch.manual_seed(0)
        before = score(build_model(cfg["text"]), data, cfg["eos"])
        console.print(f"before training: {before}/{SCORED_PROMPTS} generations are a well-formed call")
        started = time.perf_counter()
        model, summary = train(cfg["hf"], data / "dataset.npz",
                               # A fixed number of steps, not a time budget, so the result is the same on every run.
                               TrainConfig(steps=steps, **TINY_TRAINING),
                               log=lambda line: console.print(f"  {line}", highlight=False))
        trained_s = time.perf_counter() - started
        after = score(model, data, cfg["eos"], show=lambda task, text: console.print(
            f"asked {task_prompt_text(task)!r}, it wrote:\n{text}", markup=False, highlight=False))
        console.print(f"after {summary['steps']} steps ({trained_s:.0f} s, final loss {summary['final_loss']}): "
                      f"{after}/{SCORED_PROMPTS} generations are a well-formed call")
        fact("valid_before", before)
        fact("valid_after", after)
        fact("train_s", f"{trained_s:.0f}", timing=True)


def tiny_config(data: Path, hf_config) -> dict:
    """toy-attn's config (qwen3, full attention) shrunk to 2 layers of width 64, for this vocabulary."""
    import json

    tokenizer = json.loads((data / "tokenizer" / "tokenizer.json").read_text())
    added = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}
    vocab = max(len(tokenizer["model"]["vocab"]), max(added.values()) + 1)
    hf = hf_config("toy-attn", vocab_size=vocab, eos_token_id=added["<|im_end|>"],
                   pad_token_id=added["<|endoftext|>"])
    hf.update(hidden_size=64, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1, head_dim=32,
              intermediate_size=192)
    return {"hf": hf, "text": hf, "eos": added["<|im_end|>"]}


def score(model, data: Path, eos: int, show=None) -> int:
    """How many held-out prompts the model answers with a well-formed call to an offered tool.

    `show(task, text)` is called with the first prompt's task and the model's output.
    """
    import torch
    from tokenizers import Tokenizer

    from agentkit.toy.script import Transcript
    from agentkit.toy.evaluate import task_prompt

    tok = Tokenizer.from_file(str(data / "tokenizer" / "tokenizer.json"))
    template = load_chat_template(TEMPLATE)
    lines = (data / "heldout.jsonl").read_text(encoding="utf-8").splitlines()
    model.eval()
    valid = 0
    for line in lines[:SCORED_PROMPTS]:
        task = Transcript.model_validate_json(line)
        prompt = render_chat(template, task_prompt(task), task.tools, add_generation_prompt=True,
                             enable_thinking=task.enable_thinking)
        ids = torch.tensor([tok.encode(prompt, add_special_tokens=False).ids])
        with torch.no_grad():
            out = model.generate(ids, max_new_tokens=64, do_sample=False, eos_token_id=eos, pad_token_id=eos)
        text = tok.decode(out[0, ids.shape[1]:].tolist(), skip_special_tokens=False)
        valid += well_formed_call(text, task.tools, prompt_opened_think(prompt))
        if show is not None and line == lines[0]:
            show(task, text)
    return valid


def task_prompt_text(task) -> str:
    return next(m["content"] for m in reversed(task.messages) if m["role"] == "user")


def well_formed_call(text: str, tools: list[dict], opened_think: bool) -> bool:
    """True when the output holds at least one call the kit's parser reads cleanly: a tool offered,
    in the XML format, with every required argument."""
    turn = parse_assistant(text, tools=tools, prompt_opened_think=opened_think)
    schemas = {t["function"]["name"]: t["function"]["parameters"] for t in tools}
    return bool(turn.tool_calls) and not turn.errors and all(
        call.name in schemas and call.dialect == "xml"
        and set(schemas[call.name].get("required", [])) <= set(call.arguments)
        for call in turn.tool_calls)


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 22: how the toy models learned to call tools")
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS,
                        help=f"training steps in step 5, batches of 4 (default: {DEFAULT_STEPS}, about 2 minutes)")
    args = parser.parse_args()
    console = Console()
    transcript = step_1_scenarios(console)
    sample = step_2_rendering(console, transcript)
    step_3_tokens(console, sample)
    step_4_recipe(console)
    step_5_train(console, args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
