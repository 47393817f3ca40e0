"""What the context costs in memory: the KV cache, and the fixed state of linear-attention layers.

Every attention layer keeps, for every token of the context, one key and one
value vector per KV head (grouped-query attention shares them between query
heads, which is why `num_key_value_heads` is small):

    KV bytes per token = attention layers x kv_heads x head_dim x 2 (K and V) x bytes per value

It grows linearly with the context, and decoding reads all of it for every
new token. Hybrid models (Qwen3.5/3.6) use full attention in only one layer of
four; the other layers (Gated DeltaNet) carry a fixed-size recurrent state
instead, the same size at 10 tokens or 200,000.
"""

from __future__ import annotations

from typing import Any

from agentkit.sizing.parameters import text_config


def kv_bytes_per_token(config: dict[str, Any]) -> int:
    """KV-cache bytes per token: attention layers x kv_heads x head_dim x 2 (K and V) x bytes per value."""
    text = text_config(config)
    head_dim = text.get("head_dim") or text["hidden_size"] // text["num_attention_heads"]
    return attention_layers(text) * text["num_key_value_heads"] * head_dim * 2 * value_bytes(text)


def fixed_state_bytes(config: dict[str, Any]) -> int:
    """Bytes of the linear-attention layers' state (0 for a plain transformer)."""
    text = text_config(config)
    linear_layers = text["num_hidden_layers"] - attention_layers(text)
    if not linear_layers:
        return 0
    v_heads, k_dim, v_dim = (text["linear_num_value_heads"], text["linear_key_head_dim"],
                             text["linear_value_head_dim"])
    # mlx_lm keeps the recurrent state in float32; the short convolution keeps
    # its last kernel-1 inputs in the activation dtype.
    recurrent = v_heads * v_dim * k_dim * 4
    conv_dim = 2 * text["linear_num_key_heads"] * k_dim + v_heads * v_dim
    conv = (text.get("linear_conv_kernel_dim", 4) - 1) * conv_dim * value_bytes(text)
    return linear_layers * (recurrent + conv)


def attention_layers(text: dict[str, Any]) -> int:
    """Layers with full attention: all of them, except in hybrid models (see `layer_types`)."""
    layer_types = text.get("layer_types")
    if layer_types:
        return sum(kind == "full_attention" for kind in layer_types)
    interval = text.get("full_attention_interval")
    layers = text["num_hidden_layers"]
    return layers // interval if interval and "linear_num_value_heads" in text else layers


def value_bytes(text: dict[str, Any]) -> int:
    """Bytes per cached value: 4 for a float32 checkpoint, else 2."""
    # Activations (and so the KV cache) run in the checkpoint's float type; quantized models in 16-bit.
    dtype = str(text.get("torch_dtype") or text.get("dtype") or "bfloat16")
    return 4 if dtype == "float32" and not text.get("quantization") else 2
