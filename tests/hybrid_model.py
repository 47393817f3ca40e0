"""Hybrid (`qwen3_5`) model directories for the prompt-cache tests, built in seconds.

A `qwen3_5` model mixes Gated DeltaNet layers (a fixed-size recurrent state,
an `ArraysCache` that mlx_lm cannot trim) with full-attention layers (a
`KVCache`). That one fact decides how mlx_lm.server's prompt cache behaves, and
it does not depend on what the weights are. Two builds:

- `build_hybrid_model(dir)`: random weights (hidden 192, 4 layers, 3 DeltaNet :
  1 attention, the published layout). It writes noise, so its replies rarely
  re-tokenize to the tokens it generated.
- `build_hybrid_model(dir, attention_from=toy_dense_dir)`: toy-dense's six
  attention layers and MLPs placed in a `qwen3_5` body, each one after a
  Gated DeltaNet layer whose output projection and MLP are zero. The DeltaNet
  layers still run and hold their state (the cache is as untrimmable as
  Qwen3.6's), but add nothing to the residual stream, so the model computes
  exactly toy-dense's function: a hybrid that answers like the trained toy,
  until the hybrid toys trained with the `qwen3_5` architecture land.

Both use the kit's tokenizer and chat template (copied from toy-dense) and the
config shape published Qwen3.6 checkpoints have (`model_type: qwen3_5` with a
`text_config`), which is what mlx_lm loads.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json")

# Small DeltaNet layers: on the CPU mlx_lm runs their recurrence token by token.
LINEAR_HEADS = {"linear_num_value_heads": 2, "linear_num_key_heads": 1,
                "linear_key_head_dim": 32, "linear_value_head_dim": 32, "linear_conv_kernel_dim": 4}


def build_hybrid_model(directory: Path, tokenizer_from: Path | None = None, *,
                       attention_from: Path | None = None) -> Path:
    """Write a servable `qwen3_5` model to `directory` (see the module docstring)."""
    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_lm.models import qwen3_5

    source = attention_from or tokenizer_from
    if source is None:
        raise ValueError("give tokenizer_from= (random weights) or attention_from= (toy-dense's layers)")
    directory.mkdir(parents=True, exist_ok=True)
    for name in TOKENIZER_FILES:
        if (source / name).is_file():
            shutil.copy(source / name, directory / name)
    base = json.loads((source / "config.json").read_text())

    text_config = {
        "model_type": "qwen3_5_text",
        "hidden_size": base["hidden_size"], "intermediate_size": base["intermediate_size"],
        "num_attention_heads": base["num_attention_heads"], "num_key_value_heads": base["num_key_value_heads"],
        "head_dim": base["head_dim"], "rms_norm_eps": base["rms_norm_eps"], "vocab_size": base["vocab_size"],
        "max_position_embeddings": base["max_position_embeddings"],
        "tie_word_embeddings": base.get("tie_word_embeddings", True),
        **LINEAR_HEADS,
        # Grafted: every other layer is attention (6 DeltaNet + 6 attention);
        # random: Qwen3.6's 3 DeltaNet : 1 attention.
        "full_attention_interval": 2 if attention_from else 4,
        "num_hidden_layers": 2 * base["num_hidden_layers"] if attention_from else 4,
        # Full rotary on every head dim, as toy-dense's qwen3 attention has it.
        "rope_parameters": {"rope_type": "default", "rope_theta": base.get("rope_theta", 10000.0),
                            "partial_rotary_factor": 1.0 if attention_from else 0.25},
        "eos_token_id": base.get("eos_token_id"),
    }
    config = {"model_type": "qwen3_5", "architectures": ["Qwen3_5ForConditionalGeneration"],
              "text_config": text_config, "tie_word_embeddings": text_config["tie_word_embeddings"],
              "eos_token_id": base.get("eos_token_id")}

    mx.random.seed(0)
    model = qwen3_5.Model(qwen3_5.ModelArgs.from_dict(config))
    weights = dict(tree_flatten(model.parameters()))
    if attention_from is not None:
        weights.update(_grafted(attention_from, weights, base))
    (directory / "config.json").write_text(json.dumps(config, indent=2))
    mx.save_safetensors(str(directory / "model.safetensors"), weights, metadata={"format": "mlx"})
    return directory


def _grafted(source: Path, weights: dict, base: dict) -> dict:
    """toy-dense's tensors under the hybrid's names; the DeltaNet layers silenced."""
    import mlx.core as mx

    dense = {}
    for path in source.glob("*.safetensors"):
        dense.update(mx.load(str(path)))
    heads, head_dim = base["num_attention_heads"], base["head_dim"]
    out = {"language_model.model.embed_tokens.weight": dense["model.embed_tokens.weight"],
           "language_model.model.norm.weight": dense["model.norm.weight"]}
    for i in range(base["num_hidden_layers"]):
        linear, attention = f"language_model.model.layers.{2 * i}", f"language_model.model.layers.{2 * i + 1}"
        # The DeltaNet layer adds zero to the residual: no output, no MLP.
        out[f"{linear}.linear_attn.out_proj.weight"] = mx.zeros_like(weights[f"{linear}.linear_attn.out_proj.weight"])
        out[f"{linear}.mlp.down_proj.weight"] = mx.zeros_like(weights[f"{linear}.mlp.down_proj.weight"])
        d = f"model.layers.{i}"
        for name in ("input_layernorm", "post_attention_layernorm", "self_attn.q_norm", "self_attn.k_norm"):
            out[f"{attention}.{name}.weight"] = dense[f"{d}.{name}.weight"]
        for name in ("mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "self_attn.k_proj", "self_attn.v_proj"):
            out[f"{attention}.{name}.weight"] = dense[f"{d}.{name}.weight"]
        # Gated attention: q_proj gives each head its queries, then its gate.
        # A zero gate is sigmoid(0) = 0.5 on every output; o_proj doubles it back.
        q = dense[f"{d}.self_attn.q_proj.weight"].reshape(heads, head_dim, -1)
        out[f"{attention}.self_attn.q_proj.weight"] = mx.concatenate([q, mx.zeros_like(q)], axis=1).reshape(
            2 * heads * head_dim, -1)
        out[f"{attention}.self_attn.o_proj.weight"] = 2 * dense[f"{d}.self_attn.o_proj.weight"]
    return out
