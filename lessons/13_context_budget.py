"""Lesson 13: the context budget: count the prompt, trim tool results, summarise, remember.

    python lessons/13_context_budget.py                   # toy-dense, then toy-attn beside it
    python lessons/13_context_budget.py --url http://127.0.0.1:8080/v1   # one server you started

Four steps on the real server: count what each message costs with the model's
own template and tokenizer; trim a long tool result as it arrives; summarise
old turns and carry a memory into the next session; then what rewriting an
old message costs the prompt cache, on the hybrid toy and on the
full-attention one (the packaged pieces: agentkit/client/context.py and
agentkit/client/memory.py).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from agentkit.client import History, OpenAIClient
from agentkit.client.context import message_tokens, summarise_old_turns, trim_text, trim_tool_results
from agentkit.client.memory import Memory
from agentkit.serving.endpoint import add_endpoint_arguments, open_endpoint
from agentkit.tools import ToolBox, example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

QUESTIONS = ("What does report.txt say?", "What's the weather in Paris?")
NEXT_QUESTION = "What is 17 * 23?"
TRIM_CHARS = 300
CONTRAST_MODEL = "toy-attn"  # full attention: its cache can be trimmed back to any token


def write_report(workspace: Path) -> None:
    """A build log of about 1,400 characters: the kind of tool result that eats a budget."""
    rng = random.Random(0)
    lines = ["# Build log, nightly run"]
    lines += [f"step {i:02d}: compiled module_{rng.randint(100, 999)} in {rng.randint(10, 99)} ms, "
              f"{rng.choice(['ok', 'ok', 'ok', 'warning: slow'])}" for i in range(30)]
    lines.append("result: 28 passed, 2 slow, 0 failed")
    (workspace / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def play(client: OpenAIClient, toolbox: ToolBox, questions, trim_at: int | None = None) -> tuple[History, int]:
    """Ask each question, run its tool calls, until the model answers; `trim_at` cuts results on arrival.

    Returns the history and the server's `usage.prompt_tokens` of the last request.
    """
    history = History(tools=toolbox.schemas())
    for question in questions:
        history.add_user(question)
        for _ in range(3):  # a toy model may call forever: cap it
            turn = client.complete(history.messages, **history.request_options(), max_tokens=128)
            history.add_assistant(turn)
            if not turn.tool_calls:
                break
            for call, call_id in zip(turn.tool_calls, turn.call_ids):
                result = toolbox.run(call.name, call.arguments).content
                history.add_tool_result(call_id, result if trim_at is None else trim_text(result, trim_at))
    return history, turn.usage.prompt_tokens


def prompt_tokens(client: OpenAIClient, history: History, messages: list[dict] | None = None) -> int:
    return client.count_tokens(client.render_prompt(messages or history.messages, history.tools))


def step_1_count(console: Console, client: OpenAIClient, history: History, served: int) -> None:
    console.rule("1. Where the tokens go: each message, rendered by the model's template")
    # The last request's prompt: every message but the answer it produced.
    costs = message_tokens(client.local, history.messages[:-1], history.tools, preserve_thinking=True)
    table = Table(caption="tokens: what the message adds to the prompt; row 0 also holds the system prompt the "
                  "template writes around the tool schemas",
                  caption_justify="left")
    for column in ("#", "role", "tokens", "starts with"):
        table.add_column(column, justify="left" if column in ("role", "starts with") else "right")
    for cost in costs:
        message = history.messages[cost.index] if cost.index >= 0 else {}
        start = " ".join(str(message.get("content") or _calls(message)).split())[:30]
        table.add_row(str(cost.index), cost.role, str(cost.tokens), start.replace("[", "\\["))
    console.print(table)
    counted = sum(cost.tokens for cost in costs)
    tool = max((c for c in costs if c.role == "tool"), key=lambda c: c.tokens)
    system = costs[0].tokens
    console.print(f"counted here: {counted} tokens; the server's usage.prompt_tokens for the last "
                  f"request, the same messages: {served}. The first message with the tool schemas is {system}; "
                  f"one file read is {tool.tokens}.")
    fact("counted_tokens", counted)
    fact("server_tokens", served)
    fact("system_tokens", system)
    fact("file_tokens", tool.tokens)


def step_2_trim_on_arrival(console: Console, client: OpenAIClient, toolbox: ToolBox, whole: History) -> None:
    console.rule(f"2. Trim a tool result as it arrives (to {TRIM_CHARS} characters)")
    trimmed, _ = play(client, toolbox, QUESTIONS, trim_at=TRIM_CHARS)
    for name, history in (("whole result", whole), ("trimmed", trimmed)):
        answers = [m["content"] for m in history.messages if m["role"] == "assistant" and m["content"]]
        console.print(f"{name}: the prompt after the last answer is {prompt_tokens(client, history)} tokens; "
                      f"its answers: {' | '.join(answers)}".replace("[", "\\["))
    fact("whole_prompt_tokens", prompt_tokens(client, whole))
    fact("trimmed_prompt_tokens", prompt_tokens(client, trimmed))


def step_3_summary_and_memory(console: Console, client: OpenAIClient, toolbox: ToolBox, whole: History,
                              memory_file: Path) -> None:
    console.rule("3. Summarise old turns; carry a memory into the next session")
    asked = [*whole.messages, {"role": "user", "content": NEXT_QUESTION}]
    short = summarise_old_turns(asked, keep_last_questions=1)
    console.print(f"the next request with every turn: {prompt_tokens(client, whole, asked)} tokens; "
                  f"with the old turns summarised: {prompt_tokens(client, whole, short)}. The summary:")
    console.print(short[0]["content"].replace("[", "\\["), highlight=False, soft_wrap=False, width=80)
    fact("asked_tokens", prompt_tokens(client, whole, asked))
    fact("summarised_tokens", prompt_tokens(client, whole, short))
    # Session 1 ends: its summary goes into the memory file. Session 2 opens with it.
    memory = Memory.load(memory_file)
    memory.remember(short[0]["content"].split("\n", 1)[1])
    memory.save(memory_file)
    session = History(tools=toolbox.schemas())
    session.messages.append(Memory.load(memory_file).opening_message())
    session.add_user("What's the weather in Tokyo?")
    first = client.complete(session.messages, **session.request_options(), max_tokens=128)
    session.add_assistant(first)
    for call, call_id in zip(first.tool_calls, first.call_ids):
        session.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
    second = client.complete(session.messages, **session.request_options(), max_tokens=128)
    did = second.content or "called " + ", ".join(call.name for call in second.tool_calls)
    console.print(f"session 2 opens with the memory ({memory_file.name}): its first request is "
                  f"{first.usage.prompt_tokens} tokens, all prefilled once; the second prefilled "
                  f"{second.usage.uncached_tokens} of {second.usage.prompt_tokens} (the memory came from "
                  f"the cache). The toy: {did!r}")
    fact("memory_first_tokens", first.usage.prompt_tokens)
    fact("memory_second_prefilled", second.usage.uncached_tokens)


def step_4_what_the_cache_pays(console: Console, args: argparse.Namespace, toolbox: ToolBox,
                               whole: History) -> None:
    console.rule("4. Rewriting an old message: what the next request prefills")
    asked = [*whole.messages, {"role": "user", "content": NEXT_QUESTION}]
    requests = {"as it was": whole.messages[:-1],
                "append": asked,
                "trim old": trim_tool_results(asked, TRIM_CHARS),
                "summarise": summarise_old_turns(asked, keep_last_questions=1)}
    table = Table(caption="each model on a fresh server, the same four requests in order; prefill: "
                  "prompt tokens not taken from the cache", caption_justify="left")
    for column in ("model", "request", "prompt", "cached", "prefill"):
        table.add_column(column, justify="left" if column in ("model", "request") else "right")
    models = [args.model] if args.url else [args.model, CONTRAST_MODEL]
    for model in models:
        with open_endpoint(model, args.url, args.template, args.api_key) as endpoint:
            client = OpenAIClient(endpoint)
            for name, messages in requests.items():
                usage = client.complete(messages, tools=whole.tools, max_tokens=16).usage
                table.add_row(model, name, str(usage.prompt_tokens), str(usage.cached_tokens or 0),
                              str(usage.uncached_tokens))
                if name != "as it was":
                    key = f"{model.replace('-', '_')}_{name.replace(' ', '_')}"
                    fact(f"{key}_prefill", usage.uncached_tokens)
                    fact(f"{key}_cached", usage.cached_tokens or 0)
    console.print(table)


def _calls(message: dict) -> str:
    return ", ".join(call["function"]["name"] for call in message.get("tool_calls") or [])


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 13: the context budget")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson13-") as scratch:
        workspace = Path(scratch)
        write_report(workspace)
        toolbox = example_tools(workspace)
        console.print("starting the model server (or connecting to --url)...")
        with open_endpoint(args.model, args.url, args.template, args.api_key) as endpoint:
            client = OpenAIClient(endpoint)
            whole, served = play(client, toolbox, QUESTIONS)
            step_1_count(console, client, whole, served)
            step_2_trim_on_arrival(console, client, toolbox, whole)
            step_3_summary_and_memory(console, client, toolbox, whole, workspace / "memory.json")
        step_4_what_the_cache_pays(console, args, toolbox, whole)
    return 0


if __name__ == "__main__":
    sys.exit(main())
