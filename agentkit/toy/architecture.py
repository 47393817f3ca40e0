"""The toy architectures: Qwen3.6's hybrid pair in miniature, and a full-attention contrast.

Qwen3.6-27B (`qwen3_5`) and Qwen3.6-35B-A3B (`qwen3_5_moe`) are hybrids: in
every block of four layers, three are Gated DeltaNet (linear attention whose
state has a fixed size, kept in a cache that cannot be trimmed) and one is
gated full attention (a KV cache that grows with the context). The MoE swaps
each feed-forward block for routed experts plus one always-on shared expert
behind a sigmoid gate. The toys keep exactly that shape at a tiny scale:

- `toy-dense`: `qwen3_5`, 8 layers (2 blocks of 3 DeltaNet + 1 attention).
- `toy-moe`: `qwen3_5_moe`, the same trunk; 10 routed experts (top-2) plus a
  shared expert, so its FFN holds more parameters in total than the dense
  model's and runs fewer per token, as in the real pair.
- `toy-attn`: `qwen3`, full attention in every layer (the previous generation
  of the toys), kept so lessons can put a trimmable cache beside a hybrid's.

Configs are written in the shape Qwen publishes (`text_config` nested under a
top-level `model_type`), so mlx_lm loads the toys through the same code path as
a real Qwen3.6 checkpoint.
"""

from __future__ import annotations

from typing import Any

# Shared by all three: width, heads and tokenizer-facing settings.
_COMMON = dict(
    hidden_size=192,
    num_attention_heads=4,
    num_key_value_heads=2,
    head_dim=48,
    hidden_act="silu",
    rms_norm_eps=1e-6,
    max_position_embeddings=4096,
    tie_word_embeddings=True,
    attention_bias=False,
    attention_dropout=0.0,
    initializer_range=0.02,
    use_cache=True,
)

# The hybrid trunk. 3 DeltaNet : 1 attention, twice, like every 4-layer block of Qwen3.6.
_HYBRID = dict(
    num_hidden_layers=8,
    full_attention_interval=4,
    layer_types=["linear_attention"] * 3 + ["full_attention"] + ["linear_attention"] * 3 + ["full_attention"],
    linear_conv_kernel_dim=4,
    linear_key_head_dim=48,
    linear_value_head_dim=48,
    linear_num_key_heads=2,
    linear_num_value_heads=4,
    attn_output_gate=True,
    # Qwen3.6 rotates a quarter of each head (partial rotary) with sections for
    # text/height/width positions; for text all three positions are equal.
    rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.25,
                     "mrope_section": [2, 2, 2], "mrope_interleaved": True},
    **_COMMON,
)

ARCHITECTURES: dict[str, dict[str, Any]] = {
    "toy-dense": dict(model_type="qwen3_5", architectures=["Qwen3_5ForConditionalGeneration"],
                      text_model_type="qwen3_5_text", intermediate_size=576, **_HYBRID),
    "toy-moe": dict(model_type="qwen3_5_moe", architectures=["Qwen3_5MoeForConditionalGeneration"],
                    text_model_type="qwen3_5_moe_text", moe_intermediate_size=128,
                    shared_expert_intermediate_size=128, num_experts=10, num_experts_per_tok=2,
                    norm_topk_prob=True, router_aux_loss_coef=0.01, output_router_logits=False,
                    **_HYBRID),
    "toy-attn": dict(model_type="qwen3", architectures=["Qwen3ForCausalLM"], num_hidden_layers=6,
                     intermediate_size=768, rope_theta=10000.0, **_COMMON),
}


def is_hybrid(name: str) -> bool:
    return "text_model_type" in ARCHITECTURES[name]


def hf_config(name: str, vocab_size: int, eos_token_id: int, pad_token_id: int) -> dict[str, Any]:
    """config.json contents, in the shape of the published model it stands in for.

    Hybrids: `{"model_type": "qwen3_5", "text_config": {...}}` as Qwen ships
    Qwen3.6 (mlx_lm refuses the bare `qwen3_5_text` that transformers'
    `save_pretrained` writes). toy-attn: a flat Qwen3 config with both spellings
    of the rope setting, since transformers 5 writes `rope_parameters` and
    mlx_lm's `qwen3` reads `rope_theta`.
    """
    arch = dict(ARCHITECTURES[name])
    tokens = dict(vocab_size=vocab_size, eos_token_id=eos_token_id, pad_token_id=pad_token_id,
                  bos_token_id=None)
    if not is_hybrid(name):
        cfg = dict(arch, **tokens, torch_dtype="float32", dtype="float32")
        cfg["rope_parameters"] = {"rope_type": "default", "rope_theta": cfg["rope_theta"]}
        return cfg
    text = {k: v for k, v in arch.items() if k not in ("model_type", "architectures", "text_model_type")}
    text.update(model_type=arch["text_model_type"], dtype="float32", **tokens)
    return {"model_type": arch["model_type"], "architectures": arch["architectures"],
            "tie_word_embeddings": arch["tie_word_embeddings"], "eos_token_id": eos_token_id,
            "pad_token_id": pad_token_id, "torch_dtype": "float32", "text_config": text}


def training_config(hf_cfg: dict[str, Any]) -> dict[str, Any]:
    """The config transformers' causal-LM class trains: the text model alone."""
    return dict(hf_cfg["text_config"]) if "text_config" in hf_cfg else dict(hf_cfg)


def parameter_counts(name: str, vocab_size: int) -> dict[str, int]:
    """Total and per-token active parameters, computed from the config (no weights, no mlx).

    `agentkit fit` counts the same models with mlx_lm's own classes; a test
    holds the two counts equal, so this arithmetic is also a reading guide to
    where a hybrid's parameters live.
    """
    a = ARCHITECTURES[name]
    h, layers, hd = a["hidden_size"], a["num_hidden_layers"], a["head_dim"]
    gate = 2 if a.get("attn_output_gate") else 1  # Qwen3.6's q_proj also yields a per-head output gate
    attention = h * hd * a["num_attention_heads"] * (gate + 1) + 2 * h * hd * a["num_key_value_heads"] + 2 * hd
    kinds = a.get("layer_types", ["full_attention"] * layers)
    mixers = sum(attention if kind == "full_attention" else _deltanet_parameters(a) for kind in kinds)
    ffn_total, ffn_active = _ffn_parameters(name)
    base = vocab_size * h + h + mixers + layers * 2 * h  # embeddings (tied), final norm, mixers, layer norms
    return {"total": base + ffn_total, "active": base + ffn_active, "ffn_total": ffn_total, "ffn_active": ffn_active}


def _deltanet_parameters(a: dict[str, Any]) -> int:
    """One Gated DeltaNet layer: projections, short causal conv, per-head decay and gated norm."""
    h, heads = a["hidden_size"], a["linear_num_value_heads"]
    key_dim = a["linear_num_key_heads"] * a["linear_key_head_dim"]
    value_dim = heads * a["linear_value_head_dim"]
    conv_channels = 2 * key_dim + value_dim  # q, k and v all pass through the conv
    return (h * conv_channels + h * value_dim + 2 * h * heads  # in_proj_qkv, in_proj_z, in_proj_b/a
            + conv_channels * a["linear_conv_kernel_dim"] + 2 * heads  # conv1d, A_log and dt_bias
            + a["linear_value_head_dim"] + value_dim * h)  # gated RMSNorm, out_proj


def _ffn_parameters(name: str) -> tuple[int, int]:
    """Feed-forward parameters over all layers: (total, active per token)."""
    a = ARCHITECTURES[name]
    h, layers = a["hidden_size"], a["num_hidden_layers"]
    if "num_experts" not in a:
        per_layer = 3 * h * a["intermediate_size"]
        return layers * per_layer, layers * per_layer
    expert = 3 * h * a["moe_intermediate_size"]
    shared = 3 * h * a["shared_expert_intermediate_size"] + h  # + its sigmoid gate
    router = a["num_experts"] * h
    total = a["num_experts"] * expert + shared + router
    active = a["num_experts_per_tok"] * expert + shared + router
    return layers * total, layers * active
