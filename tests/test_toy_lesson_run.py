"""Lesson 22's tiny training run: one family, one format, the same code as `agentkit toy data/train`.

`build_data` narrowed to a family and a template needs no torch and runs in
CI; the training run needs the optional `.[train]` extra and is skipped
without it (CI installs only `.[dev]`).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from agentkit.toy.build import build_data

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
HAS_TORCH = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


def test_build_data_narrowed_to_one_family_and_one_template(tmp_path: Path):
    stats = build_data(tmp_path, n_transcripts=32, vocab_size=400, n_heldout=4, workers=1,
                       families=["weather_single"], templates=("qwen3.6",))
    assert stats["templates"] == {"qwen3.6": stats["samples"]}
    heldout = [json.loads(line) for line in (tmp_path / "heldout.jsonl").read_text().splitlines()]
    assert {task["family"] for task in heldout} == {"weather_single"}
    data = np.load(tmp_path / "dataset.npz")
    # Only the assistant's tokens carry loss, and some do.
    assert 0 < data["mask"].sum() < len(data["mask"]) / 4
    text = json.loads((tmp_path / "tokenizer" / "tokenizer.json").read_text())
    assert any(t["content"] == "<tool_call>" for t in text["added_tokens"])


@pytest.mark.skipif(not HAS_TORCH, reason="needs the train extra: pip install -e '.[train]'")
def test_lesson_22_training_takes_a_tiny_model_from_no_calls_to_some(tmp_path: Path):
    sys.path.insert(0, str(LESSONS))
    lesson = importlib.import_module("22_how_the_toys_learned")
    import torch

    from agentkit.toy.architecture import hf_config
    from agentkit.toy.train import TrainConfig, build_model, train

    torch.set_num_threads(1)
    build_data(tmp_path, n_transcripts=lesson.TRAIN_TRANSCRIPTS, vocab_size=512, n_heldout=lesson.SCORED_PROMPTS,
               workers=1, families=[lesson.FAMILY], templates=(lesson.TEMPLATE,))
    cfg = lesson.tiny_config(tmp_path, hf_config)
    torch.manual_seed(0)
    assert lesson.score(build_model(cfg["text"]), tmp_path, cfg["eos"]) == 0
    model, _ = train(cfg["hf"], tmp_path / "dataset.npz",
                     TrainConfig(steps=lesson.DEFAULT_STEPS, **lesson.TINY_TRAINING), log=lambda line: None)
    assert lesson.score(model, tmp_path, cfg["eos"]) > 0


def test_well_formed_call_wants_an_offered_tool_in_xml_with_its_required_arguments():
    sys.path.insert(0, str(LESSONS))
    lesson = importlib.import_module("22_how_the_toys_learned")
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
    good = "<tool_call>\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n</function>\n</tool_call>"
    assert lesson.well_formed_call(good, tools, opened_think=False)
    assert not lesson.well_formed_call(good.replace("get_weather", "get_time"), tools, opened_think=False)
    assert not lesson.well_formed_call(good.replace("city", "town"), tools, opened_think=False)
    assert not lesson.well_formed_call('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n'
                                       '</tool_call>', tools, opened_think=False)
    assert not lesson.well_formed_call(good[:40], tools, opened_think=False)
