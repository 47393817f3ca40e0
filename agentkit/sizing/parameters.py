"""How many parameters a model has, and how many of them one token uses.

Two ways to count, same answer:

- from the weights: a `.safetensors` file starts with a JSON header that lists
  every tensor's name, dtype and shape, so the count needs only the first few
  kilobytes of each file, never the gigabytes after them;
- from `config.json` alone (no weights downloaded): build the model with
  mlx_lm's own class for that architecture. MLX arrays are lazy, so building
  even a 35B model allocates nothing; we read the shapes and throw it away.

Then the mixture-of-experts arithmetic. A MoE layer holds `num_experts`
feed-forward experts and its router picks `num_experts_per_tok` of them for
each token, so per token only that fraction of the routed experts' weights is
used; everything else (attention, router, shared expert, norms, embeddings,
output head) runs for every token:

    active = total - routed_experts * (1 - experts_per_tok / num_experts)

Names tell the parts apart: routed experts live under `.experts.` (Hugging
Face) or `.switch_mlp.` (MLX); a shared expert is `.shared_expert.` and counts
as always active. Vision towers and multi-token-prediction heads are left out:
mlx_lm drops them when it loads a model for text generation.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

_ROUTED_EXPERT = re.compile(r"\.(experts|switch_mlp)\.")
_LAYER = re.compile(r"(?:^|\.)layers\.(\d+)\.")
_NOT_LOADED = re.compile(r"(^|\.)(visual|vision_tower|vision_model|mtp)\.")
_DTYPE_BYTES = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2,
                "I16": 2, "U16": 2, "I8": 1, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}


class ParameterCount(BaseModel):
    """A model's parameters, split the way decode speed cares about."""

    total: int
    """Every parameter of the text model."""
    routed_experts: int
    """Parameters inside routed MoE experts (0 for a dense model)."""
    num_experts: int = 0
    """Routed experts per MoE layer (0 for a dense model)."""
    experts_per_token: int = 0
    """Experts the router picks for each token."""
    input_embedding: int
    """Parameters of the token embedding table."""
    tied_embeddings: bool
    """True when the output head reuses the embedding table."""
    stored_bytes: int | None = None
    """Bytes of the weights as stored on disk; None when counted from config.json."""
    source: Literal["safetensors", "config"]
    """Where the count came from: the weight files' headers, or config.json."""
    per_layer: list[int] = []
    """Parameters of each decoder layer, by index (`...layers.N....`): a hybrid's attention
    and Gated DeltaNet layers differ, and a split by layers needs to know by how much."""

    @property
    def active(self) -> int:
        """Parameters one token runs through: all but the experts the router did not pick."""
        if not self.num_experts:
            return self.total
        unused_share = 1 - self.experts_per_token / self.num_experts
        return round(self.total - self.routed_experts * unused_share)

    @property
    def read_per_token(self) -> int:
        """Parameters read from memory per generated token.

        The active ones, less the embedding table when it is separate from the
        output head: looking a token up reads one row of it, not the table.
        """
        return self.active - (0 if self.tied_embeddings else self.input_embedding)


def read_config(path: Path) -> dict[str, Any]:
    """config.json of a model directory (or the file itself)."""
    file = path / "config.json" if path.is_dir() else path
    return json.loads(file.read_text(encoding="utf-8"))


def text_config(config: dict[str, Any]) -> dict[str, Any]:
    """The language model's section: multimodal Qwen3.5/3.6 configs nest it under `text_config`."""
    return {**config, **config.get("text_config", {})}


def count_parameters(directory: Path | None, config: dict[str, Any]) -> ParameterCount:
    """Count from the weights in `directory` when there are any, else from `config`."""
    files = sorted(directory.glob("*.safetensors")) if directory is not None else []
    if files:
        sizes, stored = _sizes_from_safetensors(files, config)
        source: Literal["safetensors", "config"] = "safetensors"
    else:
        sizes, stored, source = _sizes_from_config(config), None, "config"
    text = text_config(config)
    num_experts = int(text.get("num_experts") or text.get("num_local_experts") or 0)
    tied = bool(text.get("tie_word_embeddings", config.get("tie_word_embeddings", False)))
    return ParameterCount(
        total=sum(sizes.values()),
        routed_experts=sum(n for name, n in sizes.items() if _ROUTED_EXPERT.search(name)),
        num_experts=num_experts,
        experts_per_token=int(text.get("num_experts_per_tok") or 0) if num_experts else 0,
        input_embedding=sum(n for name, n in sizes.items() if "embed_tokens" in name),
        tied_embeddings=tied, stored_bytes=stored, source=source, per_layer=_per_layer(sizes),
    )


def _per_layer(sizes: dict[str, int]) -> list[int]:
    """Parameters by decoder layer index; [] when the names carry no layer numbers."""
    counts: dict[int, int] = {}
    for name, size in sizes.items():
        found = _LAYER.search(name)
        if found:
            counts[int(found[1])] = counts.get(int(found[1]), 0) + size
    return [counts.get(i, 0) for i in range(max(counts) + 1)] if counts else []


def safetensors_header(file: Path) -> dict[str, Any]:
    """The JSON header of one .safetensors file: {name: {dtype, shape, data_offsets}}."""
    with file.open("rb") as handle:
        # Format: 8 bytes little-endian header length, then the header as JSON.
        (length,) = struct.unpack("<Q", handle.read(8))
        return json.loads(handle.read(length))


def _sizes_from_safetensors(files: list[Path], config: dict[str, Any]) -> tuple[dict[str, int], int]:
    """{tensor name: parameters} over all files, and the bytes they take as stored."""
    tensors: dict[str, dict] = {}
    for file in files:
        header = safetensors_header(file)
        header.pop("__metadata__", None)
        tensors.update(header)
    tensors = {name: t for name, t in tensors.items() if not _NOT_LOADED.search(name)}
    stored = sum(_numel(t["shape"]) * _DTYPE_BYTES.get(t["dtype"], 4) for t in tensors.values())
    quantization = config.get("quantization") or {}
    sizes = {}
    for name, tensor in tensors.items():
        prefix = name.rsplit(".", 1)[0]
        quantized = f"{prefix}.scales" in tensors
        if quantized and name.endswith((".scales", ".biases")):
            continue  # per-group scale and offset of a quantized layer: storage, not parameters
        count = _numel(tensor["shape"])
        if quantized and name.endswith(".weight"):
            # MLX packs 32 / bits quantized values into each uint32.
            bits = (quantization.get(prefix) or {}).get("bits", quantization.get("bits", 4))
            count = count * 32 // bits
        sizes[name] = count
    return sizes, stored


def _sizes_from_config(config: dict[str, Any]) -> dict[str, int]:
    """{parameter name: size} of mlx_lm's model for this config, built lazily (nothing allocated)."""
    from mlx.utils import tree_flatten
    from mlx_lm.utils import _get_classes

    # Quantization changes how weights are stored, not how many there are: build the plain model.
    plain = {key: value for key, value in config.items() if key not in ("quantization", "quantization_config")}
    # The same model_type -> class lookup mlx_lm's loader uses (a private helper, so pinned to its behaviour).
    model_class, args_class = _get_classes(plain)
    model = model_class(args_class.from_dict(plain))
    return {name: array.size for name, array in tree_flatten(model.parameters())
            if not _NOT_LOADED.search(name)}


def _numel(shape: list[int]) -> int:
    count = 1
    for dim in shape:
        count *= dim
    return count
