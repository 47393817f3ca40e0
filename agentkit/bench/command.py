"""`agentkit bench speed|thinking|multiturn|concurrency`: each bench as a command.

Every bench runs on any server: `--model` (default toy-dense) starts
mlx_lm.server and stops it at the end, `--url` uses one that is running. Each
prints its table; `--json FILE` also writes the typed result, for comparing
runs later.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from rich.console import Console

from agentkit.cli_types import at_least, file_path
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args

BENCHES = ("speed", "thinking", "multiturn", "concurrency")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    benches = parser.add_subparsers(dest="bench", metavar="BENCH", required=True)
    speed = _add(benches, "speed", "TTFT and decode tok/s on a fixed prompt, cold (first request) and warm")
    speed.add_argument("--requests", type=at_least(2), default=4,
                       help="requests in a row, the first is cold (default: 4)")
    speed.add_argument("--max-tokens", type=at_least(1), default=128, help="tokens per request (default: 128)")
    speed.add_argument("--no-cache", action="store_true",
                       help="number each prompt, so the prompt cache cannot serve the warm requests")
    speed.add_argument("--natural", action="store_true",
                       help="let the model stop when it wants (default: exactly --max-tokens tokens)")
    thinking = _add(benches, "thinking", "thinking on vs off on a trivial and a hard prompt")
    thinking.add_argument("--repeats", type=at_least(1), default=1, help="runs per prompt and setting (default: 1)")
    thinking.add_argument("--max-tokens", type=at_least(1), default=1024, help="cap per request (default: 1024)")
    multiturn = _add(benches, "multiturn", "the 10-round pressure test: TTFT and cached tokens per round")
    multiturn.add_argument("--rounds", type=at_least(1), default=10, help="requests in the conversation (default: 10)")
    multiturn.add_argument("--history", type=_choices("kit", "naive", "no-preserve"), default=["kit"],
                           help="how the history is rebuilt each round, comma-separated for several runs: "
                                "kit, naive, no-preserve (default: kit)")
    multiturn.add_argument("--models", type=_names, default=None, metavar="A,B",
                           help="several models, one run each (replaces --model), e.g. a hybrid and a "
                                "full-attention model: toy-dense,toy-attn")
    multiturn.add_argument("--thinking", type=_choices("on", "off", "default"), default=["default"],
                           help="enable_thinking per run, comma-separated: on, off, default (the template's; "
                                "default: default)")
    multiturn.add_argument("--parser", choices=("server", "raw"), default="server",
                           help="server: streamed, TTFT measured; raw: the exact output, echoed as written "
                                "(default: server)")
    concurrency = _add(benches, "concurrency", "1/2/4/8 requests at once: aggregate tok/s and TTFT")
    concurrency.add_argument("--levels", type=at_least(1), nargs="+", default=[1, 2, 4, 8],
                             help="concurrency levels (default: 1 2 4 8)")
    concurrency.add_argument("--max-tokens", type=at_least(1), default=64, help="tokens per request (default: 64)")
    concurrency.add_argument("--repeats", type=at_least(1), default=1, help="batches per level (default: 1)")


def _add(benches, name: str, help: str) -> argparse.ArgumentParser:
    parser = benches.add_parser(name, help=help, description=help)
    add_endpoint_arguments(parser)
    parser.add_argument("--json", type=file_path, default=None, metavar="FILE", help="also write the result as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    from agentkit.client import OpenAIClient

    console = Console()
    if args.bench == "multiturn":
        return _run_multiturn(args, console)
    starting = f"starting mlx_lm.server for {args.model}..." if not args.url else f"connecting to {args.url}..."
    with console.status(starting) as status:
        started = time.perf_counter()
        with endpoint_from_args(args) as endpoint:
            # Only a server the kit started has a start time; a --url server may be warm already.
            server_start = None if args.url else time.perf_counter() - started
            status.update(f"running the {args.bench} bench on {endpoint.label}...")
            client = OpenAIClient(endpoint)
            result, table = _run_bench(args, client, server_start)
    console.print(table)
    if args.url and args.bench == "speed":
        console.print("note: with --url, 'cold' is the first request this bench sent; the server may have "
                      "served others before it.")
    if args.json:
        args.json.write_text(result.model_dump_json(indent=1))
        console.print(f"wrote {args.json}")
    return 0


def _run_multiturn(args: argparse.Namespace, console: Console) -> int:
    """One run per model x history x thinking, each on a fresh server, then a summary side by side."""
    import json

    from agentkit.bench.multiturn import multiturn_table, run_multiturn, summary_table
    from agentkit.client import OpenAIClient
    from agentkit.serving.endpoint import open_endpoint
    from agentkit.serving.hosts import hosts_from_args
    from agentkit.tools import example_tools

    thinking_values = {"on": True, "off": False, "default": None}
    results = []
    with tempfile.TemporaryDirectory(prefix="agentkit-bench-") as workspace:
        toolbox = example_tools(workspace)
        for model in args.models or [args.model]:
            for history in args.history:
                for thinking in args.thinking:
                    # A fresh server per run, so no run reads another's cache (with --url they share one).
                    with console.status(f"running multiturn on {model} ({history}, thinking {thinking})..."), \
                            open_endpoint(model, args.url, args.template, args.api_key, hosts=hosts_from_args(args),
                                          request_timeout=args.request_timeout) as endpoint:
                        client = OpenAIClient(endpoint)
                        result = run_multiturn(client, toolbox, rounds=args.rounds, history=history,
                                               thinking=thinking_values[thinking], parser=args.parser)
                    label = model if not args.url else client.model
                    console.print(multiturn_table(result, label))
                    results.append((label, result))
    if len(results) > 1:
        console.print(summary_table(results))
        if args.url:
            console.print("note: with --url the runs shared one server; round 1 of later runs may be cached.")
    if args.json:
        args.json.write_text(json.dumps([{"label": label, **result.model_dump()} for label, result in results],
                                        indent=1))
        console.print(f"wrote {args.json}")
    return 0


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one name, comma-separated")
    return names


def _choices(*allowed: str):
    def parse(text: str) -> list[str]:
        values = _names(text)
        wrong = [value for value in values if value not in allowed]
        if wrong:
            raise argparse.ArgumentTypeError(f"{', '.join(wrong)}: choose from {', '.join(allowed)}")
        return values
    return parse


def _run_bench(args: argparse.Namespace, client, server_start: float | None):
    label = args.model if not args.url else client.model
    if args.bench == "speed":
        from agentkit.bench.speed import run_speed, speed_table

        result = run_speed(client, requests=args.requests, max_tokens=args.max_tokens,
                           reuse_prompt=not args.no_cache, fixed_length=not args.natural,
                           server_start_s=server_start)
        return result, speed_table(result, label)
    if args.bench == "thinking":
        from agentkit.bench.thinking import run_thinking, thinking_table
        from agentkit.tools import example_tools

        # Only the schemas are needed, so the file tools' workspace can go at once.
        with tempfile.TemporaryDirectory(prefix="agentkit-bench-") as workspace:
            tools = example_tools(workspace).schemas()
        result = run_thinking(client, tools, repeats=args.repeats, max_tokens=args.max_tokens)
        return result, thinking_table(result, label)
    from agentkit.bench.concurrency import concurrency_table, run_concurrency

    result = run_concurrency(client, levels=tuple(args.levels), max_tokens=args.max_tokens, repeats=args.repeats)
    return result, concurrency_table(result, label)
