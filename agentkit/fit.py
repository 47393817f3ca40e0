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
   fixed-size state instead, whatever the context (`agentkit.bench.kv_cache`).
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

import argparse
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from agentkit.bench.chips import chip_bandwidth
from agentkit.bench.kv_cache import fixed_state_bytes, kv_bytes_per_token, value_bytes
from agentkit.bench.parameters import ParameterCount, count_parameters, read_config, text_config
from agentkit.errors import AgentkitError

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
    kv_bytes_per_token: int
    """KV-cache bytes added by each token of context."""
    fixed_state_bytes: int
    """Memory of the recurrent (linear-attention) state, the same at any context."""
    context: int
    """Tokens of context the KV cache is sized for."""
    memory_gib: float | None = None
    """The machine's RAM in GiB; None when not given."""
    chip: str | None = None
    """The chip whose bandwidth is used, when one was named."""
    bandwidth_gbps: float | None = None
    """Memory bandwidth in GB/s; None when neither --chip nor --bandwidth was given."""

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
    from agentkit.models import TOY_MODELS, models_dir

    path = models_dir() / str(model) if str(model) in TOY_MODELS else Path(model).expanduser()
    if path.is_dir() and (path / "config.json").is_file():
        return path, read_config(path)
    if path.is_file():
        return None, read_config(path)
    if str(model).count("/") == 1 and not path.exists():
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(str(model), "config.json")
        if isinstance(found, str):
            return Path(found).parent, read_config(Path(found))
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
                     kv_bytes_per_token=kv_bytes_per_token(config), fixed_state_bytes=fixed_state_bytes(config),
                     context=context, memory_gib=memory_gib, chip=chip, bandwidth_gbps=bandwidth_gbps)


def decode_ceiling(model: Any, bandwidth_gbps: float, bits: float | None = None, context: int = 0) -> float:
    """Upper bound on decode tokens/s for a model (toy name, path, ModelRef or config dict) on a chip."""
    # A ModelRef (agentkit.models) points at its directory, or names a Hugging Face id.
    spec = (model.path or model.spec) if hasattr(model, "spec") else model
    report = fit(spec, context=context, bits=bits, bandwidth_gbps=bandwidth_gbps)
    return report.ceiling(context)


def fit_table(report: FitReport) -> Table:
    """The report as a rich table: one row per quantity, with how it was computed."""
    p = report.params
    table = Table(title=f"fit: {report.model}", title_justify="left", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_column("how", style="dim")
    table.add_row("parameters", _count(p.total), f"from {p.source}")
    if p.num_experts:
        table.add_row("active per token", _count(p.active),
                      f"routed experts x {p.experts_per_token}/{p.num_experts} + the rest")
    table.add_row("weights", _gb(report.weights_bytes), f"parameters x {report.bits_per_weight:.3g} bits / 8")
    table.add_row("KV cache per token", f"{report.kv_bytes_per_token / 1024:.1f} KiB",
                  "attention layers x kv_heads x head_dim x 2 x bytes")
    table.add_row(f"KV cache at {report.context} tokens", _gb(report.kv_bytes), "grows linearly with context")
    if report.fixed_state_bytes:
        table.add_row("linear-attention state", _gb(report.fixed_state_bytes), "fixed, any context")
    table.add_row("total in memory", _gb(report.total_bytes), "")
    if report.fits is not None:
        verdict = "[green]fits[/]" if report.fits else "[red]does not fit[/]"
        table.add_row(f"{report.memory_gib:g} GB Mac: GPU budget", _gb(report.gpu_budget_bytes),
                      f"{verdict}; macOS default: 3/4 of RAM (2/3 up to 36 GB)")
    if report.bandwidth_gbps is not None:
        where = f"{report.chip}, " if report.chip else ""
        for context in (0, report.context):
            table.add_row(f"decode ceiling at {context} tokens", f"{report.ceiling(context):.1f} tok/s",
                          f"{where}{report.bandwidth_gbps:g} GB/s / {_gb(report.bytes_per_token(context))} per token")
    return table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL",
                        help="toy-dense, toy-moe, a model directory, a config.json, or a downloaded HF id")
    parser.add_argument("--memory", type=float, default=None, metavar="GB", help="the Mac's RAM, e.g. 48")
    parser.add_argument("--context", type=int, default=None, metavar="N",
                        help="context to size the KV cache for (default: 32768 or the model's maximum)")
    parser.add_argument("--bits", type=float, default=None, metavar="B",
                        help="bits per weight to plan for, e.g. 4, 6, 8, 16 (default: as stored)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--chip", default=None, help="Apple chip, e.g. 'M4', 'M4 Pro', 'M4 Max'")
    where.add_argument("--bandwidth", type=float, default=None, metavar="GBps",
                       help="memory bandwidth in GB/s, for any other machine")


def run(args: argparse.Namespace) -> int:
    report = fit(args.model, context=args.context, bits=args.bits, memory_gib=args.memory, chip=args.chip,
                 bandwidth_gbps=args.bandwidth)
    Console().print(fit_table(report))
    return 0 if report.fits is not False else 1


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


def _gb(n: float | None) -> str:
    if n is None:
        return "-"
    return f"{n / GB:.2f} GB" if n >= GB else f"{n / 1e6:.2f} MB"


def _count(n: int) -> str:
    return f"{n / 1e9:.2f} B" if n >= 1e9 else f"{n / 1e6:.2f} M"
