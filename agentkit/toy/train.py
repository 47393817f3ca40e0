"""Train a toy model on the encoded corpus with PyTorch (GPU when present, else CPU).

Why PyTorch and not MLX: transformers ships the reference Qwen3.5/3.6 modules
(Gated DeltaNet with a plain-PyTorch chunked scan, gated attention, the MoE with
its shared expert) and Qwen3's, so the weights we train are by construction the
architecture that mlx_lm implements; and the same script runs on an NVIDIA GPU, a Mac (MPS) or a
plain CPU. The loop is a standard next-token loss, counted only on the tokens
the assistant wrote (the mask from `corpus.py`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from agentkit.toy.architecture import training_config


_WARM_STEPS, _TIMED_STEPS = 10, 50  # steps timed (after a warm-up) before a time budget fixes the schedule


@dataclass
class TrainConfig:
    """Optimisation settings; the defaults are what the committed models used."""

    steps: int = 6000
    batch_size: int = 32
    max_len: int = 2048
    lr: float = 3e-3
    warmup: int = 150
    weight_decay: float = 0.05
    seed: int = 0
    device: str = "auto"
    init_from: Path | None = None
    """An exported model directory to continue training from (a fresh optimiser, warm-up again)."""
    max_seconds: float | None = None
    """A time budget: after a few timed steps the schedule is shortened to fit it (and a hard stop keeps the weights)."""
    batch_tokens: int | None = None
    """The most padded tokens one forward pass holds: a batch of long samples is run in pieces and
    their gradients summed, so memory is capped and the step is the same as one pass over the batch."""


def load_dataset(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = np.load(path)
    return data["ids"], data["mask"], data["offsets"]


def pick_device(name: str):
    import torch

    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def build_model(text_cfg: dict):
    """transformers' reference causal LM for a (text) config: Qwen3_5ForCausalLM, Qwen3_5MoeForCausalLM, Qwen3ForCausalLM."""
    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = AutoConfig.for_model(**{k: v for k, v in text_cfg.items() if k not in ("architectures",)})
    return AutoModelForCausalLM.from_config(cfg)


def train(hf_cfg: dict, dataset: Path, cfg: TrainConfig,
          log: Callable[[str], None] = print) -> tuple[object, dict]:
    """Train from scratch; returns the model (on CPU, float32) and a summary dict."""
    import torch

    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    device = pick_device(cfg.device)
    ids, mask, offsets = load_dataset(dataset)
    n = len(offsets) - 1
    text_cfg = training_config(hf_cfg)
    model = build_model(text_cfg)
    if cfg.init_from:
        from agentkit.toy.export import load_published

        load_published(model, cfg.init_from)
        log(f"continuing from {cfg.init_from}")
    model = model.to(device)
    # Without a load-balancing loss a small router sends most tokens to a few experts.
    aux_coef = text_cfg.get("router_aux_loss_coef", 0.0) if "num_experts" in text_cfg else 0.0
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.95))
    use_bf16 = device.type == "cuda"
    log(f"training {hf_cfg['model_type']} on {device} ({n} samples, {cfg.steps} steps)")
    lengths = np.diff(offsets)
    start, losses, batches = time.time(), [], []
    steps = cfg.steps
    step = 0
    while step < steps:
        if step == _WARM_STEPS:
            timed_from = time.time()
        if cfg.max_seconds and step == _TIMED_STEPS:
            # Fit the whole cosine schedule into the budget, rather than cut it off at a high learning rate.
            # The first steps are left out of the timing: they pay for start-up, not for training.
            per_step = (time.time() - timed_from) / (_TIMED_STEPS - _WARM_STEPS)
            left = cfg.max_seconds - (time.time() - start)
            steps = min(steps, max(step + 1, step + int(left / per_step)))
            log(f"{per_step * 1000:.0f} ms/step: {steps} steps fit in {cfg.max_seconds:.0f}s")
        if cfg.max_seconds and time.time() - start > cfg.max_seconds * 1.1:
            log(f"time budget of {cfg.max_seconds:.0f}s reached at step {step}; stopping early")
            break
        lr = cfg.lr * min(1.0, (step + 1) / cfg.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for group in opt.param_groups:
            group["lr"] = lr
        if not batches:
            batches = _length_grouped_batches(rng, lengths, cfg.batch_size)
        opt.zero_grad(set_to_none=True)
        ce = _accumulate_gradients(model, [_batch(ids, mask, offsets, rows, cfg.max_len) for rows in
                                           _pieces(batches.pop(), lengths, cfg.max_len, cfg.batch_tokens)],
                                   device, aux_coef, use_bf16)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        # The logged loss is the language-model loss alone, so dense and MoE compare like for like
        # (the router's balancing term is about top_k x coefficient even when perfectly balanced).
        losses.append(ce)
        if step % 100 == 0 or step == steps - 1:
            log(f"step {step:5d}  loss {np.mean(losses[-100:]):.4f}  lr {lr:.2e}  {time.time() - start:6.1f}s")
        step += 1
    summary = {"device": str(device), "device_name": _device_name(device), "steps": len(losses),
               "batch_size": cfg.batch_size, "seconds": round(time.time() - start, 1),
               "final_loss": round(float(np.mean(losses[-100:])), 4), "samples": n,
               "continued_from": cfg.init_from.name if cfg.init_from else None}
    return model.float().cpu().eval(), summary


def _length_grouped_batches(rng, lengths: np.ndarray, batch_size: int, group: int = 16) -> list[np.ndarray]:
    """Random batches of similar-length samples, in random order.

    A batch is padded to its longest sample, and the DeltaNet layers' chunked
    scan costs time per chunk of 64 positions, so grouping by length cuts the
    padding without changing which samples are seen: draw group x batch rows
    at random, sort them by length, cut them into batches, shuffle the batches.
    """
    rows = rng.integers(0, len(lengths), batch_size * group)
    rows = rows[np.argsort(lengths[rows], kind="stable")]
    batches = [rows[i:i + batch_size] for i in range(0, len(rows), batch_size)]
    rng.shuffle(batches)
    return batches


def _pieces(rows: np.ndarray, lengths: np.ndarray, max_len: int, batch_tokens: int | None) -> list[np.ndarray]:
    """Split a batch into the fewest equal pieces whose padded size fits batch_tokens."""
    if not batch_tokens:
        return [rows]
    width = min(int(lengths[rows].max()), max_len)
    per_piece = max(1, batch_tokens // width)  # a row longer than the cap still goes whole, alone
    return [piece for piece in np.array_split(rows, math.ceil(len(rows) / per_piece)) if len(piece)]


def _accumulate_gradients(model, pieces: list, device, aux_coef: float, use_bf16: bool) -> float:
    """Forward and backward each piece, weighted so the gradients sum to one pass over the whole batch.

    The loss is the mean over the batch's target tokens, so each piece's summed loss is divided
    by the whole batch's target count: the language-model gradient is exactly the whole batch's.
    The router's balancing term is a product of means over the tokens, so it cannot be split
    exactly; each piece's term is weighted by its share of the rows, a close stand-in.
    Returns the language-model loss of the whole batch.
    """
    import torch

    targets = sum(int((y != -100).sum()) for _, y, _ in pieces)
    rows = sum(len(x) for x, _, _ in pieces)
    total = 0.0
    for x, y, attn in pieces:
        x, y, attn = (torch.from_numpy(a).to(device) for a in (x, y, attn))
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            out = model(input_ids=x, attention_mask=attn, **({"output_router_logits": True} if aux_coef else {}))
        logits = out.logits
        ce_sum = torch.nn.functional.cross_entropy(logits.float().view(-1, logits.shape[-1]), y.view(-1),
                                                   ignore_index=-100, reduction="sum")
        loss = ce_sum / max(targets, 1)
        if aux_coef and out.aux_loss is not None:
            loss = loss + aux_coef * out.aux_loss.float() * len(x) / rows
        loss.backward()
        total += ce_sum.item()
    return total / max(targets, 1)


def _batch(ids, mask, offsets, rows, max_len):
    """Right-padded inputs, shifted labels (-100 where no loss), attention mask."""
    seqs = [(ids[offsets[r]:offsets[r + 1]][:max_len].astype(np.int64), mask[offsets[r]:offsets[r + 1]][:max_len]) for r in rows]
    width = max(len(s) for s, _ in seqs)
    x = np.zeros((len(seqs), width), dtype=np.int64)
    y = np.full((len(seqs), width), -100, dtype=np.int64)
    attn = np.zeros((len(seqs), width), dtype=np.int64)
    for i, (s, m) in enumerate(seqs):
        x[i, :len(s)] = s
        attn[i, :len(s)] = 1
        # Position t predicts token t+1; loss only where token t+1 is assistant output.
        target = np.where(m[1:] == 1, s[1:], -100)
        y[i, :len(s) - 1] = target
    return x, y, attn


def _device_name(device) -> str:
    import platform

    import torch

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"{platform.processor() or platform.machine()} CPU" if device.type == "cpu" else device.type
