"""The prompt cache over a 10-turn tool-using conversation: the kit's history vs a naive one.

    python benchmarks/bench_prompt_cache.py                      # toy-dense, ~20 s on 2 CPU cores
    python benchmarks/bench_prompt_cache.py --models toy-dense toy-attn   # hybrid vs full attention
    python benchmarks/bench_prompt_cache.py --variants kit naive no-preserve --thinking on off
    python benchmarks/bench_prompt_cache.py --parser raw --json cache.json

Each variant plays the same questions (`agentkit.bench.cache_report.QUESTIONS`)
through a real mlx_lm.server, one request per model turn, with streaming on,
and records per request: prompt tokens, cached tokens (the server's
`usage.prompt_tokens_details.cached_tokens`), uncached tokens, the tokens of
the messages that are new since the previous request, and TTFT.

- `kit`: `History` as the client builds it: reasoning echoed as
  `reasoning_content`, tools and `enable_thinking` fixed, `preserve_thinking`.
- `naive`: the same, but the reasoning is dropped from the echoed turns.
- `no-preserve`: reasoning echoed, `preserve_thinking` off (the template's
  default): each new user message loses the `<think>` blocks of the answers
  before it.

`reused` says which entry the server took (see `agentkit.bench.cache_report`):
`reply` when the previous request and its reply came from the cache, `prompt`
when the reply was prefilled again. Run a hybrid (Qwen3.5/3.6 layout, whose
cache cannot be trimmed) next to a full-attention model with `--models` to see
what an inexact echo costs on each; `--parser raw` echoes what the model wrote
where the server would drop or rewrite it.

Target: from turn 2, uncached prompt tokens <= new message tokens + 8 on at
least 95% of turns. The script exits 1 when a `kit` run misses it.

Each variant gets a fresh server (`--model`), so no variant reads another's
cache. With `--url` they share your server: run it fresh, and read turn 1 of
later variants with that in mind. Also printed: the latency of the `kit` run
(TTFT cold and warm, inter-token latency, decode and prefill tok/s).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile

from rich.console import Console

from agentkit.bench.cache_report import cost_table, latency_summary, run_conversation, target_met
from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, open_endpoint
from agentkit.tools import example_tools

THINKING = {"on": True, "off": False, "default": None}

VARIANTS = {
    "kit": {"echo_reasoning": True, "preserve_thinking": True},
    "naive": {"echo_reasoning": False, "preserve_thinking": True},
    "no-preserve": {"echo_reasoning": True, "preserve_thinking": False},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_endpoint_arguments(parser)
    parser.add_argument("--models", nargs="+", default=None, metavar="MODEL",
                        help="several models, one set of runs each (replaces --model)")
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=["kit", "naive"])
    parser.add_argument("--thinking", nargs="+", choices=list(THINKING), default=["default"],
                        help="enable_thinking per run: on, off, default (the template's)")
    parser.add_argument("--parser", choices=("server", "raw"), default="server",
                        help="server: streamed, TTFT measured; raw: exact output, echoed as written")
    parser.add_argument("--turns", type=int, default=10, help="model turns per conversation (default: 10)")
    parser.add_argument("--json", default=None, help="also write the rows to this JSON file")
    args = parser.parse_args()

    console = Console()
    results: dict[tuple[str, str, str], list] = {}
    # The file tools work in a scratch folder, removed when the runs are done.
    with tempfile.TemporaryDirectory(prefix="agentkit-bench-") as workspace:
        toolbox = example_tools(workspace)
        for model in args.models or [args.model]:
            for name in args.variants:
                for thinking in args.thinking:
                    # A fresh server per run, so no run reads another's cache.
                    with open_endpoint(model, args.url, args.template, args.api_key) as endpoint:
                        client = OpenAIClient(endpoint)
                        costs = run_conversation(client, toolbox, max_requests=args.turns, parser=args.parser,
                                                 thinking=THINKING[thinking], **VARIANTS[name])
                    results[(model, name, thinking)] = costs
                    console.print(cost_table(f"{name} history on {endpoint.label}, thinking {thinking}", costs))
                    console.print()

    for (model, name, thinking), costs in results.items():
        if name == "kit" and args.parser == "server":
            summary = latency_summary(costs)
            console.print(f"latency ({model}, kit run, thinking {thinking}): " + ", ".join(
                f"{key} {_fmt(key, value)}" for key, value in summary.items()), soft_wrap=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump([{"model": model, "history": name, "thinking": thinking, "parser": args.parser,
                        "turns": [c.model_dump() for c in costs]}
                       for (model, name, thinking), costs in results.items()], out, indent=1)
    kit_runs = [costs for (_, name, _), costs in results.items() if name == "kit"]
    return 0 if all(target_met(costs)[0] for costs in kit_runs) else 1


def _fmt(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f} tok/s" if key.endswith("tps") or "tps_" in key else f"{value * 1000:.1f} ms"


if __name__ == "__main__":
    sys.exit(main())
