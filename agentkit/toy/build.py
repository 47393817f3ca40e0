"""Rebuild the toy models: `agentkit toy data`, then `agentkit toy train`.

    agentkit toy data  --out build/toy-data            # corpus, tokenizer, arrays (CPU, ~1 min)
    agentkit toy train --data build/toy-data           # both models -> fixtures/models/
    agentkit toy eval                                  # held-out eval through mlx_lm.server

Training runs on a GPU when PyTorch sees one (a few minutes), otherwise on
the CPU (hours at the default settings; pass --steps to trade quality for time).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from agentkit.toy.architecture import hf_config, is_hybrid, parameter_counts

DEFAULT_TRANSCRIPTS = 48000
DEFAULT_VOCAB = 1024
SHARDS = 16
HELDOUT_SEED = 1_000_003  # any seed works: held-out entities come from their own pools


def build_data(out_dir: Path, n_transcripts: int = DEFAULT_TRANSCRIPTS, seed: int = 0,
               vocab_size: int = DEFAULT_VOCAB, n_heldout: int = 200, workers: int | None = None,
               families: list[str] | None = None, templates: tuple[str, ...] | None = None,
               tokenizer_from: Path | None = None) -> dict:
    """Write tokenizer/, dataset.npz and heldout.jsonl under out_dir; return corpus stats.

    `families` and `templates` narrow the corpus (lesson 22 trains a tiny model on
    one family in one format); the defaults are what the committed toys used.
    `tokenizer_from` (a model folder) keeps that model's tokenizer instead of
    learning a new one: a model continued with `--init-from` must read the same
    token ids it was trained on, even when the corpus has changed.
    """
    from agentkit.prompts import prompts_sha256
    from agentkit.serving.chat_template import load_chat_template
    from agentkit.toy.corpus import TEMPLATES, generate_transcripts, tools_sha256
    from agentkit.toy.tokenizer import save_tokenizer, train_tokenizer
    from tokenizers import Tokenizer

    out_dir.mkdir(parents=True, exist_ok=True)
    templates = templates or TEMPLATES
    # The corpus is drawn in SHARDS independent pieces, each with its own seed,
    # so it can be generated on every core and is the same whatever the core count.
    counts = [n_transcripts // SHARDS + (k < n_transcripts % SHARDS) for k in range(SHARDS)]
    with ProcessPoolExecutor(workers or os.cpu_count()) as pool:
        seeds = [seed * SHARDS + k for k in range(SHARDS)]
        samples = [s for shard in pool.map(_render_shard, counts, seeds, [families] * SHARDS, [templates] * SHARDS)
                   for s in shard]
        if tokenizer_from:
            tok = Tokenizer.from_file(str(tokenizer_from / "tokenizer.json"))
        else:
            tok = train_tokenizer((s.text for s in samples), vocab_size)
        save_tokenizer(tok, out_dir / "tokenizer", load_chat_template("qwen3.6"))
        encoded = pool.map(_encode, [out_dir / "tokenizer" / "tokenizer.json"] * len(samples), samples,
                           chunksize=256)
        ids, mask, offsets = [], [], [0]
        for sid, smask in encoded:
            ids += sid
            mask += smask
            offsets.append(len(ids))
    np.savez_compressed(out_dir / "dataset.npz", ids=np.array(ids, dtype=np.uint16),
                        mask=np.array(mask, dtype=np.uint8), offsets=np.array(offsets, dtype=np.int64))
    with open(out_dir / "heldout.jsonl", "w", encoding="utf-8") as f:
        for t in generate_transcripts(n_heldout, "heldout", HELDOUT_SEED, families=families):
            f.write(t.model_dump_json() + "\n")
    lengths = np.diff(offsets)
    stats = {"transcripts": n_transcripts, "samples": len(samples), "tokens": len(ids),
             "target_tokens": int(sum(mask)), "vocab_size": tok.get_vocab_size(),
             "mean_len": round(float(lengths.mean()), 1), "max_len": int(lengths.max()),
             "templates": {t: sum(s.template == t for s in samples) for t in templates},
             # The exact template bytes the models learn; a test compares them with today's files.
             "template_sha256": {t: hashlib.sha256(load_chat_template(t).encode()).hexdigest()
                                 for t in ("qwen3.6", "hermes")},
             "prompts_sha256": prompts_sha256(),
             # Tool descriptions sit in every system prompt: they are training text too.
             "tools_sha256": tools_sha256()}
    (out_dir / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")
    return stats


def _render_shard(n: int, seed: int, families: list[str] | None, templates: tuple[str, ...]) -> list:
    from agentkit.toy.corpus import generate_transcripts, render_corpus

    return list(render_corpus(generate_transcripts(n, "train", seed, families=families), seed, templates))


@lru_cache(maxsize=1)
def _tokenizer(path: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(path))


def _encode(tokenizer_file: Path, sample) -> tuple[list[int], list[int]]:
    from agentkit.toy.tokenizer import encode_spans

    return encode_spans(_tokenizer(tokenizer_file), sample.text, sample.spans)


def train_and_export(name: str, data_dir: Path, out_dir: Path, train_cfg) -> dict:
    """Train one toy model on data_dir and write a complete model directory to out_dir."""
    from agentkit.toy.export import published_state_dict, save_config, save_weights
    from agentkit.toy.train import train

    tok_config = json.loads((data_dir / "tokenizer" / "tokenizer.json").read_text())
    vocab = {t["content"]: t["id"] for t in tok_config["added_tokens"]}
    vocab_size = max(len(tok_config["model"]["vocab"]), max(vocab.values()) + 1)
    cfg = hf_config(name, vocab_size=vocab_size, eos_token_id=vocab["<|im_end|>"],
                    pad_token_id=vocab["<|endoftext|>"])
    model, summary = train(cfg, data_dir / "dataset.npz", train_cfg)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_weights(published_state_dict(model.state_dict(), is_hybrid(name)), out_dir)
    save_config(cfg, out_dir)
    for f in (data_dir / "tokenizer").iterdir():
        shutil.copy(f, out_dir / f.name)
    shutil.copy(data_dir / "stats.json", out_dir / "data_stats.json")
    summary.update(model=name, parameters=parameter_counts(name, vocab_size))
    (out_dir / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
