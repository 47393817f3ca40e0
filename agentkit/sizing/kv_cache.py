"""What the context costs in memory: the KV cache, and the fixed state of linear-attention layers.

Every attention layer keeps, for every token of the context, one key and one
value vector per KV head (grouped-query attention shares them between query
heads, which is why `num_key_value_heads` is small):

    KV bytes per token = attention layers x kv_heads x head_dim x 2 (K and V) x bytes per value

It grows linearly with the context, and decoding reads all of it for every
new token. Hybrid models (Qwen3.5/3.6) use full attention in only one layer of
four; the other layers (Gated DeltaNet) carry a fixed-size recurrent state
instead, the same size at 10 tokens or 200,000. `layer_caches` says, layer by
layer, which of the two each one keeps: the same split as mlx_lm's
`model.make_cache()` (an `ArraysCache` per Gated DeltaNet layer, a `KVCache`
per attention layer), and the reason a hybrid's prompt cache cannot be
trimmed (lesson 09): a recurrent state cannot be rolled back to an earlier
token, a KV cache can.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from agentkit.sizing.parameters import text_config

LayerKind = Literal["Gated DeltaNet", "attention"]


class LayerCache(BaseModel):
    """What one layer keeps between tokens."""

    kind: LayerKind
    """`Gated DeltaNet` (linear attention, fixed state) or `attention` (full attention, KV cache)."""
    fixed_bytes: int
    """Bytes that do not depend on the context: a Gated DeltaNet layer's recurrent and convolution state."""
    bytes_per_token: int
    """Bytes added by each token of context: an attention layer's keys and values."""


def layer_caches(config: dict[str, Any]) -> list[LayerCache]:
    """One `LayerCache` per layer, in order."""
    text = text_config(config)
    head_dim = text.get("head_dim") or text["hidden_size"] // text["num_attention_heads"]
    kv = LayerCache(kind="attention", fixed_bytes=0,
                    bytes_per_token=text["num_key_value_heads"] * head_dim * 2 * value_bytes(text))
    kinds = layer_kinds(text)
    if all(kind == "attention" for kind in kinds):
        return [kv] * len(kinds)
    v_heads, k_dim, v_dim = (text["linear_num_value_heads"], text["linear_key_head_dim"],
                             text["linear_value_head_dim"])
    # mlx_lm keeps the recurrent state (one k_dim x v_dim matrix per value head)
    # in float32; the short convolution keeps its last kernel-1 inputs in the
    # activation dtype.
    recurrent = v_heads * v_dim * k_dim * 4
    conv_dim = 2 * text["linear_num_key_heads"] * k_dim + v_heads * v_dim
    conv = (text.get("linear_conv_kernel_dim", 4) - 1) * conv_dim * value_bytes(text)
    state = LayerCache(kind="Gated DeltaNet", fixed_bytes=recurrent + conv, bytes_per_token=0)
    return [kv if kind == "attention" else state for kind in kinds]


def layer_kinds(text: dict[str, Any]) -> list[LayerKind]:
    """Each layer's kind: from `layer_types`, else every `full_attention_interval`-th layer is attention."""
    layers = text["num_hidden_layers"]
    if text.get("layer_types"):
        return ["attention" if kind == "full_attention" else "Gated DeltaNet" for kind in text["layer_types"]]
    interval = text.get("full_attention_interval")
    if interval and "linear_num_value_heads" in text:
        # mlx_lm's qwen3_5: layer i is linear unless (i + 1) is a multiple of the interval.
        return ["attention" if (i + 1) % interval == 0 else "Gated DeltaNet" for i in range(layers)]
    return ["attention"] * layers


def layer_pattern(caches: list[LayerCache]) -> str:
    """The layer layout in letters, its repeat folded: `DDDA x 2` (D: Gated DeltaNet, A: attention)."""
    letters = "".join("A" if layer.kind == "attention" else "D" for layer in caches)
    for size in range(1, len(letters) + 1):
        unit = letters[:size]
        if len(letters) % size == 0 and unit * (len(letters) // size) == letters:
            repeats = len(letters) // size
            return unit if repeats == 1 else f"{unit} x {repeats}"
    return letters


def kv_bytes_per_token(config: dict[str, Any]) -> int:
    """KV-cache bytes per token: attention layers x kv_heads x head_dim x 2 (K and V) x bytes per value."""
    return sum(layer.bytes_per_token for layer in layer_caches(config))


def fixed_state_bytes(config: dict[str, Any]) -> int:
    """Bytes of the linear-attention layers' state (0 for a plain transformer)."""
    return sum(layer.fixed_bytes for layer in layer_caches(config))


def attention_layers(text: dict[str, Any]) -> int:
    """Layers with full attention: all of them, except in hybrid models (see `layer_types`)."""
    return layer_kinds(text).count("attention")


def value_bytes(text: dict[str, Any]) -> int:
    """Bytes per cached value: 4 for a float32 checkpoint, else 2."""
    # Activations (and so the KV cache) run in the checkpoint's float type; quantized models in 16-bit.
    dtype = str(text.get("torch_dtype") or text.get("dtype") or "bfloat16")
    return 4 if dtype == "float32" and not text.get("quantization") else 2
