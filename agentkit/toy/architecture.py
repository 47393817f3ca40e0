"""The two toy architectures: a dense Qwen3 and a Qwen3-MoE that mirrors the real pair.

Qwen3.6-27B is dense; Qwen3.6-35B-A3B has more parameters in total but only
~3B active per token. The toy pair keeps that shape at a tiny scale: same
attention, embeddings and depth, but the MoE's feed-forward layers hold 8
experts of which 2 run per token, so it has more FFN parameters in total and
fewer active ones than the dense model. Both are stored as Hugging Face
checkpoints that mlx_lm loads directly.
"""

from __future__ import annotations

from typing import Any

# Shared trunk. head_dim is explicit in Qwen3 configs (q/k norms act per head).
_TRUNK = dict(
    hidden_size=192,
    num_hidden_layers=6,
    num_attention_heads=4,
    num_key_value_heads=2,
    head_dim=48,
    hidden_act="silu",
    rms_norm_eps=1e-6,
    rope_theta=10000.0,
    max_position_embeddings=4096,
    tie_word_embeddings=True,
    attention_bias=False,
    attention_dropout=0.0,
    initializer_range=0.02,
    use_cache=True,
)

ARCHITECTURES: dict[str, dict[str, Any]] = {
    "toy-dense": dict(model_type="qwen3", architectures=["Qwen3ForCausalLM"],
                      intermediate_size=768, **_TRUNK),
    "toy-moe": dict(model_type="qwen3_moe", architectures=["Qwen3MoeForCausalLM"],
                    intermediate_size=768, moe_intermediate_size=256, num_experts=8,
                    num_experts_per_tok=2, norm_topk_prob=True, decoder_sparse_step=1,
                    mlp_only_layers=[], router_aux_loss_coef=0.01, output_router_logits=False,
                    **_TRUNK),
}


def hf_config(name: str, vocab_size: int, eos_token_id: int, pad_token_id: int) -> dict[str, Any]:
    """config.json contents, readable by both transformers and mlx_lm.

    transformers 5 names some fields differently from what mlx_lm reads
    (`num_local_experts` vs `num_experts`, `rope_parameters` vs `rope_theta`),
    so we write both spellings.
    """
    cfg = dict(ARCHITECTURES[name], vocab_size=vocab_size, eos_token_id=eos_token_id,
               pad_token_id=pad_token_id, bos_token_id=None, torch_dtype="float32", dtype="float32")
    cfg["rope_parameters"] = {"rope_type": "default", "rope_theta": cfg["rope_theta"]}
    if "num_experts" in cfg:
        cfg["num_local_experts"] = cfg["num_experts"]
    return cfg


def parameter_counts(name: str, vocab_size: int) -> dict[str, int]:
    """Total and per-token active parameters, computed from the config (no weights needed)."""
    a = ARCHITECTURES[name]
    h, layers, hd = a["hidden_size"], a["num_hidden_layers"], a["head_dim"]
    attn = h * hd * a["num_attention_heads"] * 2 + h * hd * a["num_key_value_heads"] * 2 + 2 * hd
    norms = 2 * h
    embed = vocab_size * h
    if "num_experts" in a:
        expert = 3 * h * a["moe_intermediate_size"]
        ffn_total = a["num_experts"] * expert + a["num_experts"] * h
        ffn_active = a["num_experts_per_tok"] * expert + a["num_experts"] * h
    else:
        ffn_total = ffn_active = 3 * h * a["intermediate_size"]
    base = embed + h + layers * (attn + norms)
    return {"total": base + layers * ffn_total, "active": base + layers * ffn_active,
            "ffn_total": layers * ffn_total, "ffn_active": layers * ffn_active}
