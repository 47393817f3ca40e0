"""Write a trained toy model as the checkpoint Qwen would publish, so mlx_lm loads it as it loads Qwen3.6.

transformers' `save_pretrained` would write what its training classes hold:
a bare `qwen3_5_text` config and tensors named `model.layers.*`, which
mlx_lm refuses. A published Qwen3.6 checkpoint instead nests the language
model: `model.language_model.layers.*`, with the config's `text_config`. We
write that shape, and every tensor as transformers laid it out (the DeltaNet
conv1d as [channels, 1, kernel], RMSNorm weights stored as offsets from 1, the
MoE's experts fused as `experts.gate_up_proj` [experts, 2 x ffn, hidden] and
`experts.down_proj`), so mlx_lm's own `sanitize` converts the toy exactly as
it converts the real model.

Weights are float32: on the CPU backend mlx's MoE kernel (GatherMM) only
supports float32, and the other models stay float32 so they compare like for
like. Shards stay under 15 MB so each file travels and diffs comfortably, and
`model.safetensors.index.json` is always written: distributed loading
(`sharded_load`) opens it even for a single shard.
"""

from __future__ import annotations

import json
from pathlib import Path

SHARD_BYTES = 15 * 1024 * 1024


def published_state_dict(state: dict, hybrid: bool) -> dict:
    """Tensor names as Qwen publishes them; the output head dropped when tied to the embeddings."""
    out = {}
    for key, tensor in state.items():
        if key == "lm_head.weight":
            continue  # tied: mlx_lm reuses the embedding table
        if hybrid and key.startswith("model."):
            key = "model.language_model." + key[len("model."):]
        out[key] = tensor
    return {k: v.detach().float().contiguous() for k, v in out.items()}


def load_published(model, directory: Path) -> None:
    """Load an exported toy checkpoint back into transformers' model, to continue training it."""
    from safetensors.torch import load_file

    state = {}
    for file in sorted(directory.glob("model*.safetensors")):
        for key, tensor in load_file(str(file)).items():
            state[key.replace("model.language_model.", "model.", 1)] = tensor
    missing, unexpected = model.load_state_dict(state, strict=False)
    # The output head is tied to the embeddings, so it is the one tensor the files leave out.
    if unexpected or set(missing) - {"lm_head.weight"}:
        raise ValueError(f"{directory} does not fit this architecture: missing {missing}, unexpected {unexpected}")


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
