"""The toy-model data pipeline: entity splits, rendering into targets, tokenizer, architectures."""

from __future__ import annotations

import hashlib
import json
import re
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.serving.chat_template import load_chat_template, render_chat
from agentkit.toy.architecture import ARCHITECTURES, hf_config, parameter_counts
from agentkit.toy.corpus import END, generate_transcripts, render_sample
from agentkit.toy.entities import EntityPools, heldout_real_cities, name_split, training_vocabulary
from agentkit.toy.families import FAMILIES
from agentkit.toy.tokenizer import CONTROL_TOKENS, MARKUP_TOKENS, encode_spans, train_tokenizer

MODELS = Path(__file__).resolve().parent.parent / "fixtures" / "models"


def test_heldout_entities_never_appear_in_training():
    train = EntityPools("train", random.Random(0))
    heldout = EntityPools("heldout", random.Random(0))
    train_names = {train.city() for _ in range(3000)} | {train.topic() for _ in range(3000)}
    train_files = {train.file_name() for _ in range(3000)}
    held_names = {heldout.city() for _ in range(500)} | {heldout.topic() for _ in range(500)}
    held_files = {heldout.file_name() for _ in range(500)}
    assert not train_names & held_names
    assert not train_files & held_files
    assert not set(heldout_real_cities()) & training_vocabulary()


def test_name_split_is_stable_and_mostly_train():
    names = [f"name{i}" for i in range(4000)]
    heldout = [n for n in names if name_split(n) == "heldout"]
    assert 0.08 < len(heldout) / len(names) < 0.17  # 2 of 16 hex digits
    assert [name_split(n) for n in names] == [name_split(n) for n in names]


def test_every_family_produces_a_checkable_transcript():
    seen = set()
    for t in generate_transcripts(400, "train", seed=3):
        seen.add(t.family)
        assert t.messages[-1]["role"] == "assistant" and t.messages[-1]["content"]
        assert t.answer_facts, t.family
        for fact in t.answer_facts:
            assert fact.lower() in t.messages[-1]["content"].lower(), (t.family, fact)
        offered = {s["function"]["name"] for s in t.tools}
        assert set(FAMILIES[t.family.split(":")[0]][2]) <= offered
    assert {f.split(":")[0] for f in seen} == set(FAMILIES)


def test_a_session_chains_requests_and_is_judged_on_the_last():
    """Long conversations: the toys must answer the latest request, not an earlier one's city."""
    sessions = [t for t in generate_transcripts(400, "train", seed=11) if t.family == "session"]
    assert sessions
    for t in sessions:
        users = [i for i, m in enumerate(t.messages) if m["role"] == "user"]
        assert len(users) >= 2
        # The gold calls are those after the last request; the earlier ones stay in the history.
        after_last = [c["function"]["name"] for m in t.messages[users[-1]:] for c in m.get("tool_calls", [])]
        assert after_last == [c.name for step in t.gold_steps for c in step]
    # Longer than any single request, as the multiturn bench's conversation is.
    template = load_chat_template("qwen3.6")
    assert max(len(render_chat(template, t.messages, tools=t.tools)) for t in sessions) > 4000


@pytest.mark.parametrize("template_name", ["qwen3.6", "hermes"])
def test_targets_are_exactly_what_the_assistant_generates(template_name):
    template = load_chat_template(template_name)
    for t in generate_transcripts(60, "train", seed=5):
        for sample in render_sample(t, template_name, template):
            for start, end in sample.spans:
                target = sample.text[start:end]
                assert target.endswith(END)
                # The text before each target is the generation prompt the server renders.
                assert sample.text[:start].endswith("<|im_start|>assistant\n") or \
                    sample.text[:start].endswith("<think>\n") or sample.text[:start].endswith("</think>\n\n")


def test_a_prefix_unstable_turn_becomes_its_own_sample():
    # Qwen3's template drops an empty think block once a turn is not the last:
    # with thinking off, each tool turn must be rendered on its own.
    template = load_chat_template("hermes")
    t = next(t for t in generate_transcripts(200, "train", seed=7)
             if not t.enable_thinking and t.family == "weather_then_convert")
    samples = render_sample(t, "hermes", template)
    assert len(samples) > 1
    last = render_chat(template, t.messages, tools=t.tools, add_generation_prompt=False, enable_thinking=False)
    assert samples[-1].text == last


def test_tokenizer_keeps_qwen_special_tokens_whole_and_digits_apart():
    texts = ["<|im_start|>user\nWeather in Oslo 2024?<|im_end|>\n<think>\nok\n</think>\n\n<tool_call>x</tool_call>"] * 20
    tok = train_tokenizer(texts, vocab_size=300)
    for token in CONTROL_TOKENS + MARKUP_TOKENS:
        assert len(tok.encode(token, add_special_tokens=False).ids) == 1, token
    digits = tok.encode("2024", add_special_tokens=False).tokens
    assert len(digits) == 4
    text = "<|im_start|>assistant\nabc<|im_end|>\n"
    ids, mask = encode_spans(tok, text, [(len("<|im_start|>assistant\n"), len(text) - 1)])
    assert tok.decode(ids, skip_special_tokens=False) == text
    assert tok.decode([i for i, m in zip(ids, mask) if m], skip_special_tokens=False) == "abc<|im_end|>"


def test_moe_mirrors_the_real_pair_more_total_fewer_active():
    dense, moe = parameter_counts("toy-dense", 1024), parameter_counts("toy-moe", 1024)
    assert moe["total"] > dense["total"]
    assert moe["active"] < dense["active"]
    assert moe["ffn_active"] < dense["ffn_active"] < moe["ffn_total"]


def test_hybrids_are_configured_like_the_published_qwen36_pair():
    for name, model_type in (("toy-dense", "qwen3_5"), ("toy-moe", "qwen3_5_moe")):
        cfg = hf_config(name, vocab_size=1024, eos_token_id=2, pad_token_id=0)
        text = cfg["text_config"]
        assert cfg["model_type"] == model_type and text["model_type"] == f"{model_type}_text"
        # Three Gated DeltaNet layers per full-attention layer, at least two attention layers.
        kinds = text["layer_types"]
        assert kinds.count("full_attention") >= 2
        assert all(kinds[i] == ("full_attention" if i % 4 == 3 else "linear_attention") for i in range(len(kinds)))
    moe = hf_config("toy-moe", vocab_size=1024, eos_token_id=2, pad_token_id=0)["text_config"]
    assert moe["shared_expert_intermediate_size"] > 0 and moe["num_experts_per_tok"] < moe["num_experts"]
    attn = hf_config("toy-attn", vocab_size=1024, eos_token_id=2, pad_token_id=0)
    # transformers 5 writes rope_parameters, mlx_lm's qwen3 reads rope_theta: both are there.
    assert attn["rope_theta"] == attn["rope_parameters"]["rope_theta"]
    assert set(ARCHITECTURES) == {"toy-dense", "toy-moe", "toy-attn"}


@pytest.mark.parametrize("name", ["toy-dense", "toy-moe", "toy-attn"])
def test_committed_models_match_their_recipe(name):
    directory = MODELS / name
    if not directory.is_dir():
        pytest.skip("toy models not built")
    config = json.loads((directory / "config.json").read_text())
    assert config["model_type"] == ARCHITECTURES[name]["model_type"]
    weights = json.loads((directory / "model.safetensors.index.json").read_text())
    # The layout Qwen publishes: the language model nested, the MoE's experts fused.
    keys = weights["weight_map"]
    if name != "toy-attn":
        assert all(k.startswith("model.language_model.") for k in keys)
    if name == "toy-moe":
        assert "model.language_model.layers.0.mlp.experts.gate_up_proj" in keys
        assert "model.language_model.layers.0.mlp.shared_expert_gate.weight" in keys
    total_mb = sum(p.stat().st_size for p in directory.glob("*.safetensors")) / 1e6
    assert total_mb < 40


def test_all_toy_weights_stay_small():
    sizes = {n: sum(p.stat().st_size for p in (MODELS / n).glob("*.safetensors")) / 1e6 for n in ARCHITECTURES}
    assert sizes["toy-dense"] + sizes["toy-moe"] <= 60
    assert sum(sizes.values()) <= 75


def test_committed_models_were_trained_on_the_current_templates():
    """Changing a chat template changes the bytes the models were trained on: retrain or revert."""
    card = MODELS / "toy-dense" / "data_stats.json"
    if not card.exists():
        pytest.skip("toy models not built")
    recorded = json.loads(card.read_text())["template_sha256"]
    for name, digest in recorded.items():
        assert hashlib.sha256(load_chat_template(name).encode()).hexdigest() == digest, (
            f"agentkit/templates/chat/{name}.jinja changed since the toy models were trained; "
            "retrain them (agentkit toy data && agentkit toy train) or revert the template")


def _current_prompts_sha256() -> str:
    from agentkit.prompts import prompts_sha256
    return prompts_sha256()


def _current_tools_sha256() -> str:
    from agentkit.toy.corpus import tools_sha256
    return tools_sha256()


# The toys learned the agents' prompts word for word, and a tool's description
# sits in every system prompt: editing either changes what they were trained to read.
@pytest.mark.parametrize("key, current, what", [
    ("prompts_sha256", _current_prompts_sha256, "a prompt in agentkit/prompts/"),
    ("tools_sha256", _current_tools_sha256, "a docstring or signature of an example tool (agentkit/tools/)"),
])
def test_committed_models_were_trained_on_the_current_prompts_and_tools(key, current, what):
    card = MODELS / "toy-dense" / "data_stats.json"
    if not card.exists():
        pytest.skip("toy models not built")
    assert json.loads(card.read_text())[key] == current(), (
        f"{what} changed since the toy models were trained; "
        "retrain them (agentkit toy data && agentkit toy train) or revert the change")


def test_no_heldout_name_hides_in_the_prompts_or_tool_descriptions():
    # "Lisbon" was get_weather's example city: one token, in every system prompt,
    # never a city in training, so the toy could not copy it when asked about Lisbon.
    from agentkit.toy.entities import heldout_fixed_names
    from agentkit.toy.words import prompt_words

    leaked = {w for w in prompt_words() if w.lower() in heldout_fixed_names()}
    assert not leaked, f"held-out names in the kit's prompts or tool descriptions: {sorted(leaked)}"


def test_eval_scores_a_perfect_run_right_and_a_wrong_argument_wrong():
    from agentkit.toy.evaluate import score_task
    from agentkit.toy.simple_loop import CallRecord, LoopRun

    task = next(t for t in generate_transcripts(50, "heldout", seed=11) if t.family == "weather_then_convert")
    names = {s["function"]["name"] for s in task.tools}
    # Integers written as floats still match: the tool receives the same number.
    steps = [[CallRecord(name=c.name, arguments={k: float(v) if isinstance(v, int) else v
                                                 for k, v in c.arguments.items()}, observation="")
              for c in step] for step in task.gold_steps]
    answer = task.messages[-1]["content"]
    assert score_task(task, LoopRun(steps=steps, answer=answer), names) == (2, 2, True, True)
    steps[0][0].arguments = {"city": "Elsewhere"}
    assert score_task(task, LoopRun(steps=steps, answer="no idea"), names) == (2, 2, False, False)


def test_transcripts_do_not_depend_on_the_hash_seed():
    # `agentkit toy data --seed N` must give the same corpus on every run: a set
    # iterated while drawing from rng once made file contents vary with PYTHONHASHSEED.
    code = ("from agentkit.toy.corpus import generate_transcripts\n"
            "for t in generate_transcripts(120, 'train', seed=0): print(t.model_dump_json())")
    root = Path(__file__).resolve().parent.parent
    outs = [subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert outs[0] == outs[1]


def test_evaluation_paraphrases_never_appear_in_training_wordings():
    from agentkit.toy.wording import PARAPHRASE, TRAIN

    assert set(PARAPHRASE) <= set(TRAIN)
    for intent, wordings in PARAPHRASE.items():
        assert not set(wordings) & set(TRAIN[intent]), intent
    # Every training transcript's request is worded from TRAIN (a sample, both splits of entities).
    from agentkit.toy.corpus import generate_transcripts

    # Each paraphrase as a pattern, its fields matching any name: none may occur in a training request.
    patterns = [re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(w))) for ws in PARAPHRASE.values() for w in ws]
    for t in generate_transcripts(300, "train", 7):
        first_user = next(m["content"] for m in t.messages if m["role"] == "user")
        assert not any(p.search(first_user) for p in patterns), first_user


def test_composed_wordings_give_each_intent_dozens_of_frames_before_names():
    # Twelve fixed sentences per intent taught the toys the sentences, not the intent.
    import random

    from agentkit.toy.composed_wording import FRAMES, compose
    from agentkit.toy.wording import TRAIN

    assert set(FRAMES) == set(TRAIN)
    rng = random.Random(0)
    for intent in FRAMES:
        drawn = {compose(rng, intent) for _ in range(3000)}
        assert len(drawn) >= 25, (intent, len(drawn))
        assert not any("[" in d or "|" in d for d in drawn), intent
