"""`agentkit chat`: a small interactive chat on the client, with a live stats line.

    agentkit chat                         # starts mlx_lm.server on toy-dense
    agentkit chat --thinking off --tools  # no reasoning; the example tools on
    printf 'Hello\\nWhat is 2 + 2?\\n' | agentkit chat    # unattended: one message per line

Each answer streams in (reasoning dimmed, then the answer) under a line that
updates as tokens arrive: TTFT, tokens so far, decode tok/s, and at the end
how much of the prompt the server took from its cache. The conversation is a
`History`, so every turn reuses the previous one from the cache.

Commands: /think and /nothink turn reasoning on and off (`enable_thinking`),
/prompt shows the exact prompt of the last request, /reset starts over,
/quit ends. When stdin is not a terminal, lines are read until end of input.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from agentkit.cli_types import at_least
from agentkit.client.history import History
from agentkit.client.openai_client import OpenAIClient
from agentkit.parsing import ContentDelta, Event, ReasoningDelta, ToolCallReady
from agentkit.parsing.safe_text import terminal_safe
from agentkit.trace.turn import Turn

MAX_TOOL_STEPS = 4
HELP = "/think  /nothink  /prompt  /reset  /quit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agentkit.serving.endpoint import add_endpoint_arguments

    add_endpoint_arguments(parser)
    parser.add_argument("--thinking", choices=("on", "off"), default=None,
                        help="reasoning on or off (default: the model's default, on for Qwen)")
    parser.add_argument("--tools", action="store_true", help="give the model the kit's example tools")
    parser.add_argument("--max-tokens", type=at_least(1), default=512, help="per answer (default: 512)")


def run(args: argparse.Namespace) -> int:
    """Start (or reach) the server and chat until /quit or end of input."""
    from agentkit.serving.endpoint import endpoint_from_args
    from agentkit.tools import example_tools

    console = Console()
    thinking = {"on": True, "off": False, None: None}[args.thinking]
    console.print("starting the model server (or connecting to --url)...", style="dim")
    # The file tools work in a scratch folder, removed when the chat ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-chat-") as workspace, endpoint_from_args(args) as endpoint:
        toolbox = example_tools(workspace) if args.tools else None
        client = OpenAIClient(endpoint)
        console.print(f"chatting with {endpoint.label} at {endpoint.base_url}  ({HELP})",
                      style="dim", highlight=False)
        chat_loop(client, console, user_lines(console), thinking, toolbox, args.max_tokens)
    return 0


def user_lines(console: Console) -> Iterator[str]:
    """What the user types; from a pipe, each line in turn (echoed, so transcripts read well)."""
    if not sys.stdin.isatty():
        for line in sys.stdin:
            if line.strip():
                console.print(Text(f"you> {line.strip()}", style="bold green"))
                yield line.strip()
        return
    while True:
        try:
            line = console.input("[bold green]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            return
        if line:
            yield line


def chat_loop(client: OpenAIClient, console: Console, lines: Iterator[str], thinking: bool | None,
              toolbox=None, max_tokens: int = 512) -> None:
    """One user message after another; commands change the conversation instead."""
    history = History(tools=toolbox.schemas() if toolbox else None, thinking=thinking)
    for line in lines:
        if line in ("/quit", "/exit"):
            return
        if line in ("/think", "/nothink"):
            # Only the generation prompt changes, so the cached history still counts.
            history.thinking = line == "/think"
            console.print(f"thinking {'on' if history.thinking else 'off'}", style="dim")
        elif line == "/reset":
            history = History(tools=history.tools, thinking=history.thinking)
            console.print("new conversation", style="dim")
        elif line == "/prompt":
            console.print(Text(client.render_prompt(history.messages or [{"role": "user", "content": ""}],
                                                    history.tools, thinking=history.thinking)), soft_wrap=True)
        elif line.startswith("/"):
            console.print(f"commands: {HELP}", style="dim")
        else:
            history.add_user(line)
            answer(client, console, history, toolbox, max_tokens)


def answer(client: OpenAIClient, console: Console, history: History, toolbox, max_tokens: int) -> None:
    """Model turns until it answers in words (tool calls run in between)."""
    for _ in range(MAX_TOOL_STEPS):
        view = AnswerView()
        with Live(view.render(), console=console, refresh_per_second=12) as live:
            def show(event: Event) -> None:
                view.add(event)
                live.update(view.render())

            turn = client.complete(history.messages, **history.request_options(), on_delta=show,
                                   max_tokens=max_tokens)
            live.update(view.render(turn))
        # A terminal ends the live area with a newline; a pipe does not.
        if not console.is_terminal:
            console.print()
        history.add_assistant(turn)
        if not turn.tool_calls or toolbox is None:
            return
        for call, call_id in zip(turn.tool_calls, turn.call_ids):
            result = toolbox.run(call.name, call.arguments)
            console.print(Text(terminal_safe(f"  {call.name} -> {result.content}"), style="yellow"))
            history.add_tool_result(call_id, result.content)


class AnswerView:
    """One answer as it streams: reasoning, text, calls, and the stats line under them."""

    def __init__(self) -> None:
        self.reasoning, self.content, self.calls = "", "", []
        self.sent = time.perf_counter()
        self.arrivals: list[float] = []

    def add(self, event: Event) -> None:
        self.arrivals.append(time.perf_counter())
        if isinstance(event, ReasoningDelta):
            self.reasoning += event.text
        elif isinstance(event, ContentDelta):
            self.content += event.text
        elif isinstance(event, ToolCallReady):
            self.calls.append(f"{event.call.name}({event.call.arguments})")

    def render(self, turn: Turn | None = None) -> Group:
        # Model text is data: its escape sequences are shown, not obeyed (agentkit.parsing.safe_text).
        parts = [Text(terminal_safe(self.reasoning), style="dim italic")] if self.reasoning else []
        parts += [Text(terminal_safe(self.content))] if self.content else []
        parts += [Text(terminal_safe(f"  call {call}"), style="yellow") for call in self.calls]
        parts.append(Text(stats_line(turn) if turn else self._live_stats(), style="cyan"))
        return Group(*parts)

    def _live_stats(self) -> str:
        if not self.arrivals:
            return f"  waiting {time.perf_counter() - self.sent:.1f} s (prefill)"
        span = self.arrivals[-1] - self.arrivals[0]
        rate = f" | {(len(self.arrivals) - 1) / span:.0f} tok/s" if span > 0 else ""
        return f"  TTFT {(self.arrivals[0] - self.sent) * 1000:.0f} ms | {len(self.arrivals)} chunks{rate}"


def stats_line(turn: Turn) -> str:
    """The numbers of a finished answer, on one line."""
    t, usage = turn.timings, turn.usage
    parts = [f"TTFT {t.ttft * 1000:.0f} ms" if t.ttft is not None else f"total {t.total:.2f} s"]
    if t.itl_median is not None:
        parts.append(f"ITL {t.itl_median * 1000:.1f} ms")
    if t.decode_tps:
        parts.append(f"{t.decode_tps:.0f} tok/s")
    if usage is not None:
        parts.append(f"{usage.completion_tokens} tokens")
        parts.append(f"prompt {usage.prompt_tokens} ({usage.cached_tokens or 0} cached)")
    if turn.finish_reason == "length":
        parts.append("cut by --max-tokens")
    return "  " + " | ".join(parts)
