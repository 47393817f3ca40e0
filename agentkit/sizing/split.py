"""When one Mac is not enough: how many machines, what each rank holds, what travels between them.

mlx_lm splits a model across the ranks of `mlx.launch` in one of two ways
(`mlx_lm.utils.sharded_load`):

- pipeline (by layers; models with `PipelineMixin`, e.g. qwen3_5): each rank
  holds a run of consecutive layers with their KV cache and state, and every
  rank keeps the embeddings, the final norm and the output head. A token
  passes through the ranks in turn: one hidden-state vector crosses each
  boundary, and the last one is gathered back to all ranks so they agree on
  the next token. The ranks take turns, so decoding is no faster than one
  machine with the same bandwidth: a pipeline buys memory, not speed.
- tensor (every layer's matrices cut in N; models with a `shard` method):
  each rank holds 1/N of every layer (and of the KV heads) and all ranks read
  at once, so the bandwidth ceiling is N times higher; but every layer ends
  in an all-reduce (after attention and after the MLP), two synchronizations
  per layer per token over the link between the machines.

A pipeline rank's numbers are summed layer by layer: in a hybrid (three
Gated DeltaNet layers to one full-attention layer) only the attention layers
grow a KV cache and only the others keep a fixed state, so a rank whose run of
layers holds one attention layer more than its neighbour's holds more of the
cache; and the two kinds of layer differ in weights too (3% in Qwen3.6-27B).
Weights are shared out by parameter count, which is exact for weights stored
at one precision.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from agentkit.sizing.estimate import FitReport

Parallel = Literal["pipeline", "tensor"]
ACTIVATION_BYTES = 2
"""Bytes per value of a hidden state sent between ranks (bfloat16, what mlx_lm computes in)."""
MAX_MACHINES = 64


class RankShare(BaseModel):
    """What one rank holds."""

    rank: int
    """mlx.launch rank; rank 0 answers HTTP (in a pipeline it runs the last layers)."""
    layers: str
    """Its layers, e.g. '24-47 (24)', or 'all, 1/2 of each' for tensor."""
    weights_bytes: int
    """Its weights, the copies every rank keeps included."""
    kv_bytes: int
    """Its KV cache at the report's context."""
    state_bytes: int
    """Its linear-attention state."""

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.state_bytes


class SplitPlan(BaseModel):
    """A model split over `machines` ranks."""

    machines: int
    parallel: Parallel
    ranks: list[RankShare]
    transfer_bytes_per_token: int
    """Bytes that cross between ranks for each generated token (per link for a pipeline, per rank for tensor)."""
    transfers_per_token: int
    """Messages (pipeline sends, or all-reduces) per generated token: each costs the link's latency."""
    ceiling_tps: float | None
    """Decode bound from bandwidth alone, with the split; None without a bandwidth."""


def shared_params(report: FitReport) -> int:
    """Parameters every pipeline rank keeps: the embedding table, the output head when
    separate, and the final norm (all that is outside the decoder layers)."""
    p = report.params
    if layer_params(report):
        return p.total - sum(p.per_layer)
    return p.input_embedding * (1 if p.tied_embeddings else 2)


def layer_params(report: FitReport) -> list[int]:
    """Parameters of each decoder layer, when the count could tell the layers apart; else []."""
    per_layer = report.params.per_layer
    return per_layer if len(per_layer) == len(report.layers) and all(per_layer) else []


def plan_split(report: FitReport, num_layers: int, hidden_size: int, machines: int,
               parallel: Parallel = "pipeline") -> SplitPlan:
    """What each of `machines` ranks holds, and what crosses between them per token."""
    ranks = []
    if parallel == "pipeline":
        # Bytes per parameter as the report counts them (quantization scales included).
        per_param = report.weights_bytes / report.params.total
        shared = shared_params(report)
        # Without per-layer counts (or caches), every layer is taken to weigh the same.
        params = layer_params(report) or [(report.params.total - shared) / num_layers] * num_layers
        caches = report.layers if len(report.layers) == num_layers else None
        # mlx_lm's even split: the low ranks get the extra layers, rank 0 runs the last ones.
        base, extra = divmod(num_layers, machines)
        counts = [base + (1 if r < extra else 0) for r in range(machines)]
        for rank, count in enumerate(counts):
            start = sum(counts[rank + 1:])
            held = range(start, start + count)
            if caches is not None:
                kv = sum(caches[i].bytes_per_token for i in held) * report.context
                state = sum(caches[i].fixed_bytes for i in held)
            else:
                kv, state = report.kv_bytes * count / num_layers, report.fixed_state_bytes * count / num_layers
            ranks.append(RankShare(rank=rank, layers=f"{start}-{start + count - 1} ({count})",
                                   weights_bytes=round((shared + sum(params[i] for i in held)) * per_param),
                                   kv_bytes=round(kv), state_bytes=round(state)))
        # One vector per boundary, then the last hidden state gathered back to every rank.
        transfers = (machines - 1) + 1
        transfer = hidden_size * ACTIVATION_BYTES
        ceiling = report.ceiling(report.context)  # the ranks take turns: one machine's bound
    else:
        for rank in range(machines):
            ranks.append(RankShare(rank=rank, layers=f"all {num_layers}, 1/{machines} of each",
                                   weights_bytes=round(report.weights_bytes / machines),
                                   kv_bytes=round(report.kv_bytes / machines),
                                   state_bytes=round(report.fixed_state_bytes / machines)))
        # Two all-reduces per layer; a ring all-reduce moves 2(N-1)/N of the vector per rank.
        transfers = 2 * num_layers
        transfer = round(transfers * hidden_size * ACTIVATION_BYTES * 2 * (machines - 1) / machines)
        single = report.ceiling(report.context)
        ceiling = single * machines if single is not None else None
    return SplitPlan(machines=machines, parallel=parallel, ranks=ranks, transfer_bytes_per_token=transfer,
                     transfers_per_token=transfers, ceiling_tps=ceiling)


def machines_needed(report: FitReport, num_layers: int, hidden_size: int,
                    parallel: Parallel = "pipeline") -> int | None:
    """The fewest machines of `report.memory_gib` each that hold the model; None without --memory or if none do."""
    budget = report.gpu_budget_bytes
    if budget is None:
        return None
    for machines in range(1, min(num_layers, MAX_MACHINES) + 1):
        plan = plan_split(report, num_layers, hidden_size, machines, parallel)
        if max(rank.total_bytes for rank in plan.ranks) <= budget:
            return machines
    return None


def layers_and_hidden(config: dict) -> tuple[int, int]:
    """(num_hidden_layers, hidden_size) of the text model."""
    text = {**config, **config.get("text_config", {})}
    return int(text["num_hidden_layers"]), int(text["hidden_size"])
