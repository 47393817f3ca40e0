"""`agentkit fit MODEL --memory GB --context N`: the numbers of `estimate`, as one table.

Each row says how its number was computed, so the table teaches the
arithmetic as it answers the question. Exit code 1 when the model does not fit.
"""

from __future__ import annotations

import argparse

from rich.table import Table

from agentkit.cli_types import at_least, positive_float
from agentkit.sizing.estimate import GB, FitReport
from agentkit.sizing.kv_cache import layer_pattern
from agentkit.sizing.split import SplitPlan

DESCRIPTION = ("Weights (parameters x bits / 8), KV cache at a context, whether it fits the Mac's "
               "memory, and the decode ceiling (bandwidth / bytes read per token). Exit 1 when it does not fit.")


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
    _add_layer_rows(table, report)
    table.add_row(f"KV cache at {report.context} tokens", _gb(report.kv_bytes), "grows linearly with context")
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


def split_table(plan: SplitPlan, report: FitReport) -> Table:
    """One row per rank, then what crosses between the ranks per token and the decode bound."""
    how = ("by layers (--pipeline): every rank keeps the embeddings and the head" if plan.parallel == "pipeline"
           else "every layer cut in N (--tensor)")
    table = Table(title=f"split across {plan.machines} machines, {how}", title_justify="left")
    for name in ("rank", "layers", "weights", "KV cache", "state", "total"):
        table.add_column(name, justify="left" if name in ("rank", "layers") else "right")
    budget = report.gpu_budget_bytes
    for rank in plan.ranks:
        total = _gb(rank.total_bytes)
        if budget is not None:
            total += " [green]fits[/]" if rank.total_bytes <= budget else " [red]does not fit[/]"
        table.add_row(str(rank.rank), rank.layers, _gb(rank.weights_bytes), _gb(rank.kv_bytes),
                      _gb(rank.state_bytes), total)
    what = ("one hidden-state vector per boundary, then the last one gathered to every rank"
            if plan.parallel == "pipeline" else "two all-reduces of a hidden-state vector per layer")
    table.caption = (f"between ranks per token: {plan.transfer_bytes_per_token / 1024:.1f} KiB in "
                     f"{plan.transfers_per_token} messages ({what}); ")
    if plan.ceiling_tps is not None:
        table.caption += (f"decode ceiling {plan.ceiling_tps:.1f} tok/s at {report.context} tokens "
                          + ("(the ranks take turns: no faster than one machine)" if plan.parallel == "pipeline"
                             else "(all ranks read at once, before the all-reduces' latency)"))
    table.caption_justify = "left"
    return table


def _add_layer_rows(table: Table, report: FitReport) -> None:
    """The cache layer by layer: which layers keep a fixed state, which a KV cache that grows."""
    layers = report.layers
    attention = [layer for layer in layers if layer.kind == "attention"]
    deltanet = [layer for layer in layers if layer.kind == "Gated DeltaNet"]
    table.add_row("layers", layer_pattern(layers), "D: Gated DeltaNet, A: attention")
    if attention:
        table.add_row("KV per attention layer", f"{attention[0].bytes_per_token:,} B/token",
                      "kv_heads x head_dim x 2 x bytes")
    if deltanet:
        table.add_row("state per DeltaNet layer", _kib(deltanet[0].fixed_bytes), "fixed; cannot be rolled back")
    table.add_row("KV cache per token", _kib(report.kv_bytes_per_token),
                  f"{len(attention)} attention layers; grows per token" if attention else "")
    if deltanet:
        table.add_row("Gated DeltaNet state", _gb(report.fixed_state_bytes),
                      f"{len(deltanet)} layers, same at any context")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL",
                        help="toy-dense, toy-moe, a model directory, a config.json, or a downloaded HF id")
    parser.add_argument("--memory", type=positive_float, default=None, metavar="GB", help="the Mac's RAM, e.g. 48")
    parser.add_argument("--context", type=at_least(1), default=None, metavar="N",
                        help="context to size the KV cache for (default: 32768 or the model's maximum)")
    parser.add_argument("--bits", type=positive_float, default=None, metavar="B",
                        help="bits per weight to plan for, e.g. 4, 6, 8, 16 (default: as stored)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--chip", default=None, help="Apple chip, e.g. 'M4', 'M4 Pro', 'M4 Max'")
    where.add_argument("--bandwidth", type=positive_float, default=None, metavar="GBps",
                       help="memory bandwidth in GB/s, for any other machine")
    parser.add_argument("--machines", type=int, default=None, metavar="N",
                        help="split across N machines like this one (default: the fewest that hold it, "
                        "when it does not fit one)")
    split = parser.add_mutually_exclusive_group()
    split.add_argument("--pipeline", dest="parallel", action="store_const", const="pipeline", default="pipeline",
                       help="split by layers (default)")
    split.add_argument("--tensor", dest="parallel", action="store_const", const="tensor",
                       help="split every layer's matrices")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from agentkit.sizing.estimate import fit, load_model_config
    from agentkit.sizing.split import layers_and_hidden, machines_needed, plan_split

    console = Console()
    report = fit(args.model, context=args.context, bits=args.bits, memory_gib=args.memory, chip=args.chip,
                 bandwidth_gbps=args.bandwidth)
    console.print(fit_table(report))
    if args.machines is None and report.fits is not False:
        return 0 if report.fits is not False else 1
    _, config = load_model_config(args.model)
    layers, hidden = layers_and_hidden(config)
    machines = args.machines or machines_needed(report, layers, hidden, args.parallel)
    if machines is None:
        console.print(f"Even split across {min(layers, 64)} machines, one rank would not fit in "
                      f"{args.memory:g} GB.", highlight=False)
        return 1
    plan = plan_split(report, layers, hidden, machines, args.parallel)
    if args.machines is None:
        console.print(f"It needs {machines} machines of {args.memory:g} GB: "
                      f"`agentkit serve {_servable(args.model)} --hosts HOST1,HOST2{',...' if machines > 2 else ''}`",
                      highlight=False, soft_wrap=True)
    console.print(split_table(plan, report))
    budget = report.gpu_budget_bytes
    fits = budget is None or all(rank.total_bytes <= budget for rank in plan.ranks)
    return 0 if (fits if args.machines else report.fits is not False) else 1


def _gb(n: float | None) -> str:
    if n is None:
        return "-"
    return f"{n / GB:.2f} GB" if n >= GB else f"{n / 1e6:.2f} MB"


def _kib(n: int) -> str:
    return f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


def _count(n: int) -> str:
    return f"{n / 1e9:.2f} B" if n >= 1e9 else f"{n / 1e6:.2f} M"


def _servable(model: str) -> str:
    # A bare config.json can be sized but not served: name the model instead.
    return "MODEL" if model.endswith(".json") else model
