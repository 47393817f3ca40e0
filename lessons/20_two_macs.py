"""Lesson 20: one model across two Macs: the hostfile, what travels per token, memory per machine, the cost.

    python lessons/20_two_macs.py                        # toy-dense as one process, then as two local ranks
    python lessons/20_two_macs.py --memory 24 --bits 8   # step 3 for two 24 GB Macs

Four steps: the hostfile `mlx.launch` reads; what crosses between the ranks
for every token of Qwen3.6-27B, split by layers or by tensors (from its
config); what each machine holds (`agentkit fit`); and the latency cost of a
split, measured here: the same toy model served as one process and as two
local ranks (`--hosts 127.0.0.1,127.0.0.1`), the same requests to both.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from agentkit.bench.speed import run_speed
from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import open_endpoint
from agentkit.serving.hosts import Hosts
from agentkit.sizing.estimate import GB, fit
from agentkit.sizing.split import layers_and_hidden, machines_needed, plan_split

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

CONFIGS = Path(__file__).resolve().parent.parent / "fixtures" / "configs"
QWEN_27B = CONFIGS / "qwen3.6-27b" / "config.json"
# Two Macs joined by a Thunderbolt cable, as `mlx.distributed_config` writes it:
# `ssh` is how mlx.launch reaches each Mac, `ips` what the ring backend connects over.
HOSTFILE = [{"ssh": "mac-studio.local", "ips": ["192.168.2.1"]},
            {"ssh": "macbook.local", "ips": ["192.168.2.2"]}]


def step_1_the_hostfile(console: Console) -> None:
    console.rule("1. The hostfile: who the ranks are")
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson20-") as folder:
        path = Path(folder) / "hosts.json"
        path.write_text("[\n" + ",\n".join(f"  {json.dumps(host)}" for host in HOSTFILE) + "\n]\n")
        hosts = Hosts(hostfile=path)
        console.print(path.read_text(), highlight=False, end="")
        console.print(f"mlx.launch starts one rank per entry: {hosts.ranks} ranks; rank 0 "
                      f"({HOSTFILE[0]['ssh']}) answers HTTP.", highlight=False)
        command = hosts.launch_command(["python", "-m", "mlx_lm", "server", "--model", "MODEL", "--pipeline"],
                                       starting_port=32323)
        launch = command[command.index("--hostfile"):command.index("--")]
        console.print("agentkit serve MODEL --hostfile hosts.json runs:\n  mlx.launch "
                      + " ".join(launch).replace(str(path), "hosts.json") + " \\\n    -- "
                      + " ".join(command[command.index("--") + 1:]), highlight=False)
        fact("hostfile_ranks", hosts.ranks)


def step_2_what_travels(console: Console) -> None:
    console.rule("2. What crosses between the ranks for every token (Qwen3.6-27B)")
    config = json.loads(QWEN_27B.read_text())
    layers, hidden = layers_and_hidden(config)
    report = fit(config, bits=8)
    pipeline = plan_split(report, layers, hidden, 2, "pipeline")
    tensor = plan_split(report, layers, hidden, 2, "tensor")
    table = Table(title=f"{layers} layers, hidden size {hidden}, bf16 activations (2 bytes)", title_justify="left")
    for column in ("split", "messages per token", "bytes per token", "what"):
        table.add_column(column, justify="left" if column in ("split", "what") else "right")
    table.add_row("pipeline (--pipeline)", str(pipeline.transfers_per_token),
                  f"{pipeline.transfer_bytes_per_token:,}", "one hidden state over the boundary, one gathered back")
    table.add_row("tensor (--tensor)", str(tensor.transfers_per_token),
                  f"{tensor.transfer_bytes_per_token:,}", "two all-reduces per layer")
    console.print(table)
    fact("q27_layers", layers)
    fact("q27_hidden", hidden)
    fact("pipeline_messages", pipeline.transfers_per_token)
    fact("pipeline_bytes", f"{pipeline.transfer_bytes_per_token:,}")
    fact("tensor_messages", tensor.transfers_per_token)
    fact("tensor_bytes", f"{tensor.transfer_bytes_per_token:,}")
    console.print(f"Bytes are not the problem: {pipeline.transfer_bytes_per_token / 1024:.0f} KiB is nothing to a "
                  "Thunderbolt link. Messages are: each one waits for the link's round trip, and tensor "
                  f"parallelism waits {tensor.transfers_per_token} times per token.", highlight=False)


def step_3_memory_per_machine(console: Console, memory: float, bits: float) -> None:
    console.rule(f"3. What each {memory:g} GB Mac holds (agentkit fit, {bits:g}-bit weights)")
    config = json.loads(QWEN_27B.read_text())
    layers, hidden = layers_and_hidden(config)
    report = fit(config, bits=bits, memory_gib=memory)
    machines = machines_needed(report, layers, hidden, "pipeline")
    plan = plan_split(report, layers, hidden, machines, "pipeline")
    console.print(f"One Mac: {report.total_bytes / GB:.1f} GB against a GPU budget of "
                  f"{report.gpu_budget_bytes / GB:.1f} GB: {'fits' if report.fits else 'does not fit'}. "
                  f"It needs {machines} machines.", highlight=False)
    for rank in plan.ranks:
        console.print(f"  rank {rank.rank}: layers {rank.layers}, {rank.total_bytes / GB:.1f} GB "
                      f"(weights {rank.weights_bytes / GB:.1f}, KV {rank.kv_bytes / GB:.2f})", highlight=False)
    fact("one_mac_gb", f"{report.total_bytes / GB:.1f}")
    fact("budget_gb", f"{report.gpu_budget_bytes / GB:.1f}")
    fact("machines", machines)
    fact("rank_gb", f"{max(r.total_bytes for r in plan.ranks) / GB:.1f}")


def step_4_the_cost_measured(console: Console, model: str, hosts: Hosts) -> None:
    console.rule(f"4. The cost of a split, measured: {model} as one process vs {hosts.ranks} local ranks")
    table = Table(title="3 warm requests of 64 tokens each (medians)", title_justify="left")
    for column in ("served as", "TTFT ms", "decode tok/s", "ms per token"):
        table.add_column(column, justify="left" if column == "served as" else "right")
    measured = {}
    for name, where in (("one", None), ("split", hosts)):
        with open_endpoint(model, hosts=where) as endpoint:
            result = run_speed(OpenAIClient(endpoint), requests=4, max_tokens=64)
        measured[name] = (result.warm_ttft * 1000, result.warm_decode_tps)
        table.add_row("one process" if where is None else hosts.describe(),
                      f"{measured[name][0]:.0f}", f"{measured[name][1]:.0f}", f"{1000 / measured[name][1]:.1f}")
    console.print(table)
    (one_ttft, one_tps), (split_ttft, split_tps) = measured["one"], measured["split"]
    extra_ms = 1000 / split_tps - 1000 / one_tps
    fact("one_tps", f"{one_tps:.0f}", timing=True)
    fact("split_tps", f"{split_tps:.0f}", timing=True)
    fact("one_ttft_ms", f"{one_ttft:.0f}", timing=True)
    fact("split_ttft_ms", f"{split_ttft:.0f}", timing=True)
    console.print(f"The split costs {extra_ms:.1f} ms per token here ({1000 / one_tps:.1f} -> "
                  f"{1000 / split_tps:.1f} ms), with both ranks on one machine: no cable, only the handoff "
                  "between processes and the ranks taking turns. Between two Macs each handoff also pays the "
                  "link's round trip.", highlight=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 20: one model across two Macs")
    parser.add_argument("--model", default="toy-dense", help="the model for step 4 (default: toy-dense)")
    parser.add_argument("--hosts", default="127.0.0.1,127.0.0.1",
                        help="the ranks for step 4 (default: two local ranks)")
    parser.add_argument("--memory", type=float, default=24, help="GB per Mac for step 3 (default: 24)")
    parser.add_argument("--bits", type=float, default=8, help="bits per weight for step 3 (default: 8)")
    args = parser.parse_args()
    console = Console()
    step_1_the_hostfile(console)
    step_2_what_travels(console)
    step_3_memory_per_machine(console, args.memory, args.bits)
    step_4_the_cost_measured(console, args.model, Hosts(hosts=tuple(args.hosts.split(","))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
