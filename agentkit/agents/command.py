"""`agentkit run react|reflection|plan "TASK"`: one traced run, shown live.

    agentkit run react "What's the weather in Paris?"                  # toy-dense, started for you
    agentkit run plan "Add the temperatures of Oslo and Rome." --thinking on --parser raw
    agentkit run reflection "What is 17 * 23?" --url http://127.0.0.1:8080/v1 --tools calculator

The agent gets the kit's example tools (`--tools` picks some), with the file
tools jailed to `--workspace`. The trace goes to `--trace` (default
`runs/<time>-<pattern>.jsonl`); `agentkit trace show FILE` prints it again.
The last line is the run's verdict (`agentkit.trace.verdict`), and so is the
exit code: 0 when it found no problem, 1 when it did (a guard that stopped the
run included), 2 when the run could not start or failed with an error.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from agentkit.agents.config import AgentConfig
from agentkit.agents.guards import AgentLimitError
from agentkit.agents.runner import PATTERNS, run_agent
from agentkit.cli_types import at_least, existing_folder, file_path, folder
from agentkit.errors import AgentkitError, ClientError, ServerStartError
from agentkit.parsing.safe_text import mend_surrogates
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.serving.signals import stop_on_signals
from agentkit.tools import ToolBox, example_tools


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pattern", choices=list(PATTERNS), help="the agent loop to run")
    parser.add_argument("task", help="the task, in quotes")
    add_endpoint_arguments(parser)
    parser.add_argument("--thinking", choices=["on", "off"], default="off", help="ask for reasoning (default: off)")
    parser.add_argument("--parser", choices=["server", "raw"], default="server",
                        help="who reads the tool calls: mlx_lm.server or the kit's parser (default: server)")
    parser.add_argument("--trace", type=file_path, default=None, help="trace file (default: runs/<time>-<pattern>.jsonl)")
    parser.add_argument("--tools", default=None, help="comma-separated tool names (default: all seven)")
    parser.add_argument("--workspace", type=folder, default=Path("runs/workspace"),
                        help="folder the file tools may use (default: %(default)s)")
    parser.add_argument("--notes", type=existing_folder, default=None, help="notes folder for search_notes (default: the kit's)")
    defaults = AgentConfig()
    parser.add_argument("--max-steps", type=at_least(1), default=defaults.max_steps, help="ReAct requests per run")
    parser.add_argument("--max-tokens", type=at_least(1), default=defaults.max_tokens, help="tokens per request")
    parser.add_argument("--context-budget", type=at_least(1), default=defaults.context_budget,
                        help="prompt tokens one request may use")
    parser.add_argument("--max-rounds", type=at_least(1), default=defaults.max_rounds, help="Reflection: critique rounds")
    parser.add_argument("--no-replan", action="store_true", help="Plan-and-Execute: keep the first plan")


def config_from_args(args: argparse.Namespace) -> AgentConfig:
    return AgentConfig(thinking=args.thinking == "on", parser=args.parser, max_steps=args.max_steps,
                       max_tokens=args.max_tokens, context_budget=args.context_budget, max_rounds=args.max_rounds,
                       replan=not args.no_replan)


def select_tools(toolbox: ToolBox, names: str | None) -> ToolBox:
    """The tools named in `names` (comma-separated), in the toolbox's order; all when None."""
    if names is None:
        return toolbox
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in toolbox]
    if unknown:
        raise AgentkitError(f"No tool named {', '.join(map(repr, unknown))}.",
                            fix=f"pick from: {', '.join(toolbox.names)}")
    return ToolBox(item for item in toolbox if item.name in wanted)


def default_trace_path(pattern: str) -> Path:
    """A new file `runs/<time>-<pattern>.jsonl`, its own even when another run started in the same second."""
    from agentkit.trace.writer import claim_trace_path

    return claim_trace_path("runs", f"{time.strftime('%Y%m%d-%H%M%S')}-{pattern}")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from agentkit.client import OpenAIClient
    from agentkit.trace import Tracer, TraceWriter
    from agentkit.trace.show import TraceView

    config = config_from_args(args)
    # A task typed in another encoding reaches Python with lone surrogates: show those bytes as \xNN.
    args.task = mend_surrogates(args.task)
    toolbox = select_tools(example_tools(_folder(args.workspace), args.notes), args.tools)
    trace_path = _trace_file(args.trace, args.pattern)
    console = Console()
    # `kill` (SIGTERM) ends the run like Ctrl-C: the trace gets its run_end (also with --url, no server of ours).
    stop_on_signals()
    view = TraceView(console, live=True)
    if args.url is None:
        console.print(f"starting mlx_lm.server for {args.model}...", highlight=False, markup=False)
    with endpoint_from_args(args) as endpoint, TraceWriter(trace_path) as writer:
        client = OpenAIClient(endpoint)
        tracer = Tracer(writer, on_event=view.event, on_delta=view.delta)
        try:
            run_agent(args.pattern, client, toolbox, args.task, config, tracer,
                      model_name=endpoint.label or args.model)
        except AgentLimitError:
            pass  # a guard stopped the run: the view printed why, and the verdict counts it as a problem
        except ClientError as error:
            raise _explained(error, endpoint.server) from error
        finally:
            console.print(f"trace: {trace_path}", highlight=False, soft_wrap=True, markup=False)
    return 0 if view.verdict().ok else 1


def _folder(path: Path) -> Path:
    """The workspace folder, created; a path that cannot be one is an error before any server starts."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AgentkitError(f"Cannot create the workspace {path}: {error.strerror}.",
                            fix="pass --workspace a folder you can write to") from None
    return path


def _trace_file(path: Path | None, pattern: str) -> Path:
    """The trace file, created now: a path that cannot be written fails before the server starts, not after."""
    try:
        if path is None:
            return default_trace_path(pattern)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as error:
        raise AgentkitError(f"Cannot write the trace {path or 'runs/'}: {error.strerror}.",
                            fix="pass --trace a file in a folder you can write to") from None
    return path


def _explained(error: ClientError, server) -> AgentkitError:
    """A request that failed because the server the kit started died says so, not "pass a --url"."""
    died = None
    if server is not None:
        deadline = time.monotonic() + 3.0  # a server that just died takes a moment to be seen as dead
        while not (died := server.died()) and time.monotonic() < deadline:
            time.sleep(0.1)
    if not died:
        return error
    return ServerStartError(f"The model server died during the run: {died}.",
                            fix="read its log for why (often: out of memory); the trace holds the run up "
                            "to there; run again")
