"""Lesson 19: why MoE decodes faster: active parameters and memory bandwidth.

    python lessons/19_moe_bandwidth.py                 # toy-dense and toy-moe, one server each
    python lessons/19_moe_bandwidth.py --chip "M4 Pro" --bits 6

Four steps: where the parameters of the toy pair are, and how many one token
uses; the same arithmetic on the real Qwen3.6-27B and 35B-A3B configs, with
the decode ceiling on two Macs next to the speeds people reported; this
machine's memory bandwidth, measured; and the toy pair's decode speed against
that ceiling.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from agentkit.bench.speed import run_speed
from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import open_endpoint
from agentkit.serving.hosts import add_hosts_arguments, hosts_from_args
from agentkit.serving.models import resolve_model
from agentkit.sizing.estimate import GB, fit
from agentkit.sizing.parameters import safetensors_header

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

TOYS = ("toy-dense", "toy-moe")
CONFIGS = Path(__file__).resolve().parent.parent / "fixtures" / "configs"
REAL = {"Qwen3.6-27B": CONFIGS / "qwen3.6-27b", "Qwen3.6-35B-A3B": CONFIGS / "qwen3.6-35b-a3b"}
# Reported decode speeds, 4-bit-class quantizations, from "Local AI Infrastructure Notes (10/15) — Mac Mini M4
# Local LLM Benchmark: MoE vs Dense" (the references in lessons/README.md).
REPORTED = {("Qwen3.6-27B", "M4"): "4.5 (Ollama, Qwen3.5 27B)",
            ("Qwen3.6-35B-A3B", "M4"): "17.2 (Ollama), ~35 (MLX)"}


def part_of(name: str) -> str:
    """Which part of the network a weight belongs to, from its name."""
    if "embed_tokens" in name:
        return "embeddings (tied output head)"
    if ".experts." in name or ".switch_mlp." in name:
        return "routed experts"
    if ".shared_expert" in name:
        return "shared expert (and its gate)"
    if ".mlp.gate." in name:
        return "router"
    if ".mlp." in name:
        return "feed-forward"
    if "linear_attn" in name:
        return "Gated DeltaNet"
    if "self_attn" in name and not name.endswith("norm.weight"):
        return "attention"
    return "norms"


def step_1_where_the_parameters_are(console: Console) -> None:
    console.rule("1. Where the parameters are, and how many one token uses")
    parts: dict[str, dict[str, int]] = {}
    for toy in TOYS:
        for file in sorted(resolve_model(toy).path.glob("*.safetensors")):
            for name, tensor in safetensors_header(file).items():
                if name != "__metadata__":
                    count = int(np.prod(tensor["shape"]))
                    parts.setdefault(part_of(name), dict.fromkeys(TOYS, 0))[toy] += count
    moe = fit("toy-moe").params
    table = Table(title="parameters by part (read from the safetensors headers)", title_justify="left")
    for column in ("part", "toy-dense", "toy-moe", "toy-moe per token"):
        table.add_column(column, justify="right" if column != "part" else "left")
    share = moe.experts_per_token / moe.num_experts
    for part, counts in parts.items():
        used = round(counts["toy-moe"] * share) if part == "routed experts" else counts["toy-moe"]
        table.add_row(part, f"{counts['toy-dense']:,}", f"{counts['toy-moe']:,}", f"{used:,}")
        slug = part.split(" (")[0].replace(" ", "_").replace("-", "_").lower()
        fact(f"part_{slug}_dense", f"{counts['toy-dense']:,}")
        fact(f"part_{slug}_moe", f"{counts['toy-moe']:,}")
        fact(f"part_{slug}_moe_active", f"{used:,}")
    dense = fit("toy-dense").params
    table.add_row("total", f"{dense.total:,}", f"{moe.total:,}", f"{moe.active:,}", style="bold")
    console.print(table)
    fact("toy_dense_params", f"{dense.total:,}")
    fact("toy_moe_params", f"{moe.total:,}")
    fact("toy_moe_active", f"{moe.active:,}")
    fact("toy_size_x", f"{moe.total / dense.total:.2f}")
    fact("toy_active_x", f"{moe.active / dense.active:.2f}")
    console.print(f"toy-moe has {moe.total / dense.total:.2f}x the parameters of toy-dense, but its router picks "
                  f"{moe.experts_per_token} of {moe.num_experts} experts per token: "
                  f"{moe.active / dense.active:.2f}x the parameters per token.")


def step_2_the_real_pair(console: Console, bits: float, chips: tuple[str, ...]) -> None:
    console.rule(f"2. The same arithmetic on Qwen3.6 (configs only, {bits:g}-bit weights)")
    # One column per model, one row per quantity: eleven quantities side by side do not fit 80 columns.
    table = Table(title=f"fit at {bits:g} bits (+0.5 bit of MLX group scales), 32K context", title_justify="left")
    table.add_column("")
    for name in REAL:
        table.add_column(name, justify="right")
    reports = {name: [fit(config, bits=bits, context=32768, memory_gib=32, chip=chip) for chip in chips]
               for name, config in REAL.items()}
    first = {name: by_chip[0] for name, by_chip in reports.items()}
    rows = [("parameters", "params_b", lambda r: f"{r.params.total / 1e9:.2f}", " B"),
            ("active per token", "active_b", lambda r: f"{r.params.active / 1e9:.2f}", " B"),
            ("weights", "weights_gb", lambda r: f"{r.weights_bytes / GB:.2f}", " GB"),
            ("read per token", "read_gb", lambda r: f"{r.bytes_per_token(0) / GB:.2f}", " GB"),
            ("KV cache at 32K", "kv_gb", lambda r: f"{r.kv_bytes / GB:.2f}", " GB"),
            ("longest context, 32 GB", "longest", lambda r: f"{longest_context(r):,}", "")]
    for label, key, value, unit in rows:
        table.add_row(label, *(value(first[name]) + unit for name in REAL))
    table.add_row("fits a 32 GB Mac", *("yes" if first[name].fits else "no" for name in REAL))
    for index, chip in enumerate(chips):
        table.add_row(f"ceiling {chip}", *(f"{reports[name][index].ceiling(0):.1f} tok/s" for name in REAL))
    table.add_row("reported on M4, tok/s", *(REPORTED.get((name, "M4"), "-") for name in REAL))
    console.print(table)
    for name in REAL:
        for _, key, value, _ in rows:
            fact(f"{key}_{_key(name)}", value(first[name]))
        for index, chip in enumerate(chips):
            fact(f"ceiling_{_key(chip)}_{_key(name)}", f"{reports[name][index].ceiling(0):.1f}")
    dense, moe = (fit(config, bits=bits) for config in REAL.values())
    fact("read_x", f"{dense.bytes_per_token(0) / moe.bytes_per_token(0):.1f}")
    console.print(f"Per token the MoE reads {dense.bytes_per_token(0) / moe.bytes_per_token(0):.1f}x fewer bytes "
                  "than the dense model, so its ceiling is that much higher. Reported speeds reach ~55-70% of "
                  "the dense ceiling and ~25-50% of the MoE's: routing, many small expert matmuls and the "
                  "fixed work per token cost time that bandwidth alone does not explain.")


def _key(name: str) -> str:
    """A fact name from a model or chip name: Qwen3.6-35B-A3B -> 35b_a3b, M4 Max -> m4_max."""
    return name.removeprefix("Qwen3.6-").lower().replace("-", "_").replace(" ", "_")


def longest_context(report) -> int:
    """Tokens of KV cache that fit in the GPU budget next to the weights and the fixed state."""
    room = report.gpu_budget_bytes - report.weights_bytes - report.fixed_state_bytes
    return max(0, room // report.kv_bytes_per_token)


def step_3_this_machines_bandwidth(console: Console) -> float:
    console.rule("3. This machine's memory bandwidth, measured")
    data = np.ones(64 * 2**20, dtype=np.float32)  # 256 MiB, far larger than any CPU cache
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        data.copy()
        best = min(best, time.perf_counter() - start)
    # A copy reads every byte once and writes it once.
    bandwidth = 2 * data.nbytes / best / GB
    console.print(f"copying {data.nbytes / 2**20:.0f} MiB takes {best * 1000:.0f} ms: about {bandwidth:.1f} GB/s "
                  "(one core; Apple's figures are for the whole chip)")
    fact("bandwidth_gbps", f"{bandwidth:.1f}", timing=True)
    return bandwidth


def step_4_the_toy_pair_against_the_ceiling(console: Console, args: argparse.Namespace, bandwidth: float) -> None:
    console.rule("4. The toy pair: measured decode speed vs the ceiling")
    table = Table(title=f"decode, 96 tokens per request, median of 3 warm requests; ceiling at {bandwidth:.1f} GB/s",
                  title_justify="left")
    for column in ("model", "read per token", "ceiling tok/s", "measured tok/s", "of the ceiling"):
        table.add_column(column, justify="left" if column == "model" else "right")
    reads = {}
    for toy in TOYS:
        report = fit(toy, bandwidth_gbps=bandwidth)
        with open_endpoint(toy, args.url, args.template, args.api_key, hosts=hosts_from_args(args)) as endpoint:
            result = run_speed(OpenAIClient(endpoint), requests=4, max_tokens=96)
        measured = result.warm_decode_tps
        table.add_row(toy, f"{report.bytes_per_token(0) / 1e6:.1f} MB", f"{report.ceiling(0):.0f}",
                      f"{measured:.0f}", f"{measured / report.ceiling(0):.0%}")
        reads[toy] = (1000 / report.ceiling(0), 1000 / measured)
        fact(f"{_key(toy)}_read_mb", f"{report.bytes_per_token(0) / 1e6:.1f}")
        fact(f"{_key(toy)}_tps", f"{measured:.0f}", timing=True)
    console.print(table)
    (dense_read, dense_token), (moe_read, moe_token) = reads.values()
    fact("toy_predicted_x", f"{dense_read / moe_read:.2f}")
    fact("toy_measured_x", f"{dense_token / moe_token:.2f}", timing=True)
    console.print(f"Reading the weights is {dense_read:.1f} of {dense_token:.1f} ms per token for toy-dense "
                  f"({dense_read / dense_token:.0%}) and {moe_read:.1f} of {moe_token:.1f} ms for toy-moe "
                  f"({moe_read / moe_token:.0%}). toy-moe decodes {dense_token / moe_token:.2f}x as fast as "
                  f"toy-dense, where bytes alone predict {dense_read / moe_read:.2f}x. The rest of each token is a "
                  "fixed cost per layer (dispatching many small operations, the server's Python, and for the MoE "
                  "sorting tokens to their experts) that does not shrink with the weights. Bandwidth is the "
                  "bound when the weights are large: at gigabytes per token (step 2) it is most of the story, "
                  "at megabytes it is only part of it.")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 19: why MoE decodes faster")
    parser.add_argument("--url", default=None, help="a running server for step 4 (serves one model only)")
    parser.add_argument("--template", default=None, help="chat template to serve with")
    parser.add_argument("--api-key", default="not-needed", help="API key for --url servers that need one")
    add_hosts_arguments(parser)
    parser.add_argument("--bits", type=float, default=4, help="bits per weight for step 2 (default: 4)")
    parser.add_argument("--chip", action="append", default=None,
                        help="Apple chip(s) for step 2 (default: M4 and M4 Max); repeat for more")
    args = parser.parse_args()
    console = Console()
    step_1_where_the_parameters_are(console)
    step_2_the_real_pair(console, args.bits, tuple(args.chip or ("M4", "M4 Max")))
    bandwidth = step_3_this_machines_bandwidth(console)
    step_4_the_toy_pair_against_the_ceiling(console, args, bandwidth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
