"""Write a trained toy model as a Hugging Face checkpoint that mlx_lm loads directly.

Two details make this more than `save_pretrained`:
- transformers 5 keeps MoE experts fused (`experts.gate_up_proj` of shape
  [E, 2I, H]); Qwen's published checkpoints, and mlx_lm's loader, use one
  tensor per expert (`experts.{e}.gate_proj.weight`). We write the published
  layout, so the toy MoE looks like the real one on disk.
- Weights are float32: on the CPU backend mlx's MoE kernel (GatherMM) only
  supports float32, and the dense model stays float32 too so the two compare
  like for like.
Shards stay under 15 MB so each file travels and diffs comfortably.
"""

from __future__ import annotations

import json
from pathlib import Path

SHARD_BYTES = 15 * 1024 * 1024


def published_state_dict(state: dict) -> dict:
    """Rename/split tensors into the per-expert layout of Qwen's checkpoints."""
    out = {}
    for key, tensor in state.items():
        if key == "lm_head.weight":
            continue  # tied to the embeddings
        if key.endswith("mlp.experts.gate_up_proj"):
            prefix = key[: -len("gate_up_proj")]
            inter = tensor.shape[1] // 2
            for e in range(tensor.shape[0]):
                out[f"{prefix}{e}.gate_proj.weight"] = tensor[e, :inter]
                out[f"{prefix}{e}.up_proj.weight"] = tensor[e, inter:]
        elif key.endswith("mlp.experts.down_proj"):
            prefix = key[: -len("down_proj")]
            for e in range(tensor.shape[0]):
                out[f"{prefix}{e}.down_proj.weight"] = tensor[e]
        else:
            out[key] = tensor
    return {k: v.detach().float().contiguous() for k, v in out.items()}


def save_weights(state: dict, out_dir: Path) -> list[Path]:
    """Save float32 tensors as model-0000X-of-0000N.safetensors plus the index file."""
    from safetensors.torch import save_file

    shards: list[dict] = [{}]
    size = 0
    for key in sorted(state):
        nbytes = state[key].numel() * 4
        if shards[-1] and size + nbytes > SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][key] = state[key]
        size += nbytes
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("model*.safetensors"):
        old.unlink()
    paths, weight_map = [], {}
    for i, shard in enumerate(shards, 1):
        name = f"model-{i:05d}-of-{len(shards):05d}.safetensors"
        save_file(shard, str(out_dir / name), metadata={"format": "pt"})
        paths.append(out_dir / name)
        weight_map.update({k: name for k in shard})
    total = sum(v.numel() * 4 for v in state.values())
    (out_dir / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2) + "\n")
    return paths


def save_config(hf_cfg: dict, out_dir: Path) -> None:
    (out_dir / "config.json").write_text(json.dumps(hf_cfg, indent=2) + "\n")
    (out_dir / "generation_config.json").write_text(json.dumps(
        {"eos_token_id": hf_cfg["eos_token_id"], "pad_token_id": hf_cfg["pad_token_id"]}, indent=2) + "\n")
