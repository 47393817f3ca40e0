"""`agentkit fit MODEL --memory GB --context N`: does it fit, and how fast can it decode at best?

Three numbers, each from the model's own files:

1. Weights: parameters x bits per weight / 8. MLX quantization stores a 16-bit
   scale and a 16-bit offset per group of 64 weights, so "4-bit" costs 4.5
   bits per weight (`GROUP_OVERHEAD_BITS`).
2. KV cache: every attention layer keeps a key and a value vector per KV head
   for every token of the context:
       bytes per token = attention layers x kv_heads x head_dim x 2 x bytes per value
   It grows linearly with the context. Hybrid models (Qwen3.5/3.6) use full
   attention in only one layer of four; the others (Gated DeltaNet) keep a
   fixed-size state instead, whatever the context (`agentkit.sizing.kv_cache`).
3. Decode ceiling: each generated token reads every weight it uses plus the
   whole KV cache once, so
       tokens/s <= memory bandwidth / bytes read per token.
   A dense model reads all its weights; a mixture-of-experts model reads only
   the experts its router picked (`ParameterCount.read_per_token`). Real
   servers reach part of this bound (notes: ~70% dense, 25-35% MoE on Macs).

macOS lets the GPU use about 2/3 of the RAM on Macs with up to 36 GB and
about 3/4 above (Metal's recommendedMaxWorkingSetSize; `sudo sysctl
iogpu.wired_limit_mb=N` raises it), so that is the budget a model must fit in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agentkit.errors import AgentkitError
from agentkit.serving.models import model_directory
from agentkit.sizing.chips import chip_bandwidth
from agentkit.sizing.kv_cache import LayerCache, layer_caches, value_bytes
from agentkit.sizing.parameters import ParameterCount, count_parameters, read_config, text_config

GROUP_OVERHEAD_BITS = 32 / 64
"""Bits per weight that MLX's per-group scale and offset add (two 16-bit values per 64 weights)."""
GIB = 2**30
"""Apple sells RAM in binary gigabytes: a "48 GB" Mac has 48 x 2^30 bytes."""
GB = 10**9
"""Sizes and bandwidths are printed in decimal GB, as bandwidth is quoted (GB/s)."""


class FitError(AgentkitError):
    """The model's config cannot be found or read."""


class FitReport(BaseModel):
    """What `agentkit fit` computed for one model, memory size, context and chip."""

    model: str
    """The model as given: toy name, directory, config file or Hugging Face id."""
    params: ParameterCount
    """Total and active parameters."""
    bits_per_weight: float
    """Bits each weight costs, quantization scales included."""
    weights_bytes: int
    """Memory of the weights."""
    layers: list[LayerCache]
    """What each layer keeps between tokens: a fixed state (Gated DeltaNet) or a growing KV cache."""
    context: int
    """Tokens of context the KV cache is sized for."""
    memory_gib: float | None = None
    """The machine's RAM in GiB; None when not given."""
    chip: str | None = None
    """The chip whose bandwidth is used, when one was named."""
    bandwidth_gbps: float | None = None
    """Memory bandwidth in GB/s; None when neither --chip nor --bandwidth was given."""

    @property
    def kv_bytes_per_token(self) -> int:
        """KV-cache bytes added by each token of context, all attention layers together."""
        return sum(layer.bytes_per_token for layer in self.layers)

    @property
    def fixed_state_bytes(self) -> int:
        """Memory of the recurrent (linear-attention) state, the same at any context."""
        return sum(layer.fixed_bytes for layer in self.layers)

    @property
    def kv_bytes(self) -> int:
        """The KV cache at `context` tokens."""
        return self.kv_bytes_per_token * self.context

    @property
    def total_bytes(self) -> int:
        """Weights + KV cache + fixed state: what must sit in memory."""
        return self.weights_bytes + self.kv_bytes + self.fixed_state_bytes

    @property
    def gpu_budget_bytes(self) -> int | None:
        """What macOS lets the GPU use by default on this much RAM."""
        if self.memory_gib is None:
            return None
        return int(self.memory_gib * GIB * (2 / 3 if self.memory_gib <= 36 else 3 / 4))

    @property
    def fits(self) -> bool | None:
        """True when everything fits in the GPU budget; None without --memory."""
        budget = self.gpu_budget_bytes
        return None if budget is None else self.total_bytes <= budget

    def bytes_per_token(self, context: int) -> float:
        """Bytes read to generate one token with `context` tokens already in the cache."""
        weights = self.params.read_per_token * self.bits_per_weight / 8
        return weights + self.kv_bytes_per_token * context + self.fixed_state_bytes

    def ceiling(self, context: int) -> float | None:
        """The decode bound in tokens/s at `context`; None without a bandwidth."""
        if self.bandwidth_gbps is None:
            return None
        return self.bandwidth_gbps * GB / self.bytes_per_token(context)


def load_model_config(model: str | Path) -> tuple[Path | None, dict[str, Any]]:
    """(directory with the weights or None, config) for a toy name, directory, config file or cached HF id."""
    directory = model_directory(model, holding="config.json")
    if directory is not None:
        return directory, read_config(directory)
    if Path(model).expanduser().is_file():
        return None, read_config(Path(model).expanduser())
    raise FitError(f"No config.json for {str(model)!r}.",
                   fix="pass a toy name, a model directory, a config.json file, or a Hugging Face id you "
                   "have downloaded (`huggingface-cli download ORG/NAME config.json` is enough)")


def fit(model: str | Path | dict[str, Any], *, context: int | None = None, bits: float | None = None,
        memory_gib: float | None = None, chip: str | None = None,
        bandwidth_gbps: float | None = None) -> FitReport:
    """Everything `agentkit fit` prints, for a model spec or a config dict."""
    directory, config = (None, model) if isinstance(model, dict) else load_model_config(model)
    try:
        params = count_parameters(directory, config)
    except (ValueError, KeyError, TypeError) as error:
        raise FitError(f"Cannot count the parameters of {_label(model)!r}: {error}",
                       fix="give a directory with .safetensors weights, or a config of an "
                       "architecture mlx_lm supports") from None
    if chip is not None:
        chip, bandwidth_gbps = chip_bandwidth(chip)
    text = text_config(config)
    if context is None:
        context = min(32768, text.get("max_position_embeddings") or 32768)
    return FitReport(model=_label(model), params=params, bits_per_weight=_bits_per_weight(params, text, bits),
                     weights_bytes=round(params.total * _bits_per_weight(params, text, bits) / 8),
                     layers=layer_caches(config),
                     context=context, memory_gib=memory_gib, chip=chip, bandwidth_gbps=bandwidth_gbps)


def decode_ceiling(model: Any, bandwidth_gbps: float, bits: float | None = None, context: int = 0) -> float:
    """Upper bound on decode tokens/s for a model (toy name, path, ModelRef or config dict) on a chip."""
    # A ModelRef (agentkit.serving.models) points at its directory, or names a Hugging Face id.
    spec = (model.path or model.spec) if hasattr(model, "spec") else model
    report = fit(spec, context=context, bits=bits, bandwidth_gbps=bandwidth_gbps)
    return report.ceiling(context)


def _bits_per_weight(params: ParameterCount, text: dict[str, Any], bits: float | None) -> float:
    if bits is not None:
        return bits + (GROUP_OVERHEAD_BITS if bits < 16 else 0)
    if params.stored_bytes is not None:
        return params.stored_bytes * 8 / params.total  # as stored, scales included
    quantization = text.get("quantization") or {}
    if "bits" in quantization:
        return quantization["bits"] + 32 / quantization.get("group_size", 64)
    return 8.0 * value_bytes(text)


def _label(model: Any) -> str:
    if isinstance(model, dict):
        return str(model.get("_name_or_path") or model.get("model_type") or "config")
    return str(model)
