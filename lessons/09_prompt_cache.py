"""Lesson 09: the prompt cache on a hybrid model: what mlx_lm.server can reuse, round by round.

    python lessons/09_prompt_cache.py                  # toy-dense (hybrid) and toy-attn; a fresh server per run
    python lessons/09_prompt_cache.py --thinking off

Four steps: the two kinds of layer cache and why a hybrid's cannot be
trimmed; what the server holds after one request and where each history's
echo stops matching it; the same 10-round tool-using conversation played
with three histories on the hybrid and two on the full-attention toy, round
by round (the tables of `agentkit bench multiturn`); and the bill, side by
side.
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from agentkit.bench.multiturn import HISTORIES, MultiturnResult, multiturn_table, run_multiturn
from agentkit.client import History, OpenAIClient
from agentkit.serving.endpoint import open_endpoint
from agentkit.serving.models import resolve_model
from agentkit.sizing.estimate import fit
from agentkit.sizing.kv_cache import layer_pattern
from agentkit.tools import ToolBox, example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

HYBRID, FULL_ATTENTION = "toy-dense", "toy-attn"
RUNS = ((HYBRID, "kit"), (HYBRID, "naive"), (HYBRID, "no-preserve"), (FULL_ATTENTION, "kit"),
        (FULL_ATTENTION, "naive"))
"""(model, history) of each 10-round conversation; each gets a fresh server, so none reads another's cache."""
SHOWN = {(HYBRID, "kit"), (HYBRID, "naive"), (FULL_ATTENTION, "kit"), (FULL_ATTENTION, "naive")}
"""The runs printed round by round; the others appear in the summary only."""
QUESTION = "What's the weather in Paris?"
ECHOES = ("kit", "naive", "edited call")
"""How step 2 sends the reply back: as generated; without its reasoning; with its call's argument changed."""


def step_1_two_kinds_of_layer_cache(console: Console) -> None:
    console.rule("1. What each layer keeps, and whether it can be rolled back")
    # mlx_lm itself builds the caches the server uses: load each toy in-process and ask.
    from mlx_lm import load
    from mlx_lm.models.cache import can_trim_prompt_cache, make_prompt_cache

    table = Table(title="the prompt cache of each toy, as mlx_lm builds it", title_justify="left")
    for column in ("model", "layers", "cache classes", "per layer", "trimmable"):
        table.add_column(column)
    for toy in (HYBRID, FULL_ATTENTION):
        model, _ = load(str(resolve_model(toy).path))
        cache = make_prompt_cache(model)
        names = [type(layer).__name__ for layer in cache]
        classes = ", ".join(f"{names.count(name)} {name}" for name in dict.fromkeys(names))
        report = fit(toy)
        sizes = [f"{layer.fixed_bytes / 1024:.1f} KiB fixed" if layer.kind == "Gated DeltaNet"
                 else f"{layer.bytes_per_token} B/token" for layer in report.layers]
        trimmable = can_trim_prompt_cache(cache)
        table.add_row(toy, layer_pattern(report.layers), classes, "\n".join(dict.fromkeys(sizes)),
                      "yes" if trimmable else "no")
        fact(f"{toy.replace('-', '_')}_trimmable", int(trimmable))
    console.print(table)
    console.print("D = Gated DeltaNet (a recurrent state: one matrix per head, updated by every token), "
                  "A = full attention (a key and a value per token). A KVCache is cut back to any earlier "
                  "token by dropping its tail; a recurrent state has mixed every token in and cannot be. "
                  "One untrimmable layer is enough: the server treats the whole model's cache as untrimmable.")


def step_2_one_reply_three_echoes(console: Console, toolbox: ToolBox, thinking: bool) -> None:
    console.rule("2. One reply, echoed three ways, on both toys")
    table = Table(title="the request after one reply", title_justify="left")
    for column in ("model", "echo", "differs at", "prompt", "cached", "prefill"):
        table.add_column(column, justify="left" if column in ("model", "echo") else "right")
    for toy in (HYBRID, FULL_ATTENTION):
        # A fresh server per toy: its cache holds only what this step sends.
        with open_endpoint(toy) as endpoint:
            client = OpenAIClient(endpoint)
            history = History(tools=toolbox.schemas(), thinking=thinking)
            history.add_user(QUESTION)
            # Raw mode gives the exact generated text: prompt + text (+ <|im_end|>) is the entry the server stores.
            turn = client.complete(history.messages, **history.request_options(), parser="raw", max_tokens=128)
            if not turn.tool_calls:
                raise SystemExit(f"{toy} answered {QUESTION!r} without a tool call, so there is no call to "
                                 f"edit in step 2: {turn.raw_text!r}. Retrain or pick another toy.")
            stored = client.render_prompt(history.messages, history.tools, thinking=thinking) + turn.raw_text
            for echo in ECHOES:
                following = _echoed(turn, echo, toolbox, thinking)
                prompt = client.render_prompt(following.messages, following.tools, thinking=thinking)
                differs = _first_different_token(client, stored, prompt)
                # One token is enough: what matters is what the server took from its cache to prefill.
                cost = client.complete(following.messages, **following.request_options(), max_tokens=1).usage
                table.add_row(toy, echo, "-" if differs is None else str(differs), str(cost.prompt_tokens),
                              str(cost.cached_tokens), str(cost.prompt_tokens - (cost.cached_tokens or 0)))
                key = f"{toy.split('-')[1]}_{echo.replace(' ', '_')}"
                fact(f"{key}_cached", cost.cached_tokens)
                fact(f"{key}_prefill", cost.prompt_tokens - (cost.cached_tokens or 0))
                fact(f"{key}_differs", -1 if differs is None else differs)
            if toy == HYBRID:
                _show_divergence(console, client, stored, _echoed(turn, "naive", toolbox, thinking), thinking)
            fact(f"{toy.split('-')[1]}_stored", client.count_tokens(stored) + 1)
    table.caption_justify = "left"
    table.caption = ("differs at: the first token of the new prompt that is not in the entry the server stored "
                     "(prompt + reply + <|im_end|>); prefill = prompt - cached")
    console.print(table)


def _echoed(turn, echo: str, toolbox: ToolBox, thinking: bool) -> History:
    """The conversation after `turn`, its reply echoed the `echo` way, with the tool results."""
    history = History(tools=toolbox.schemas(), thinking=thinking, **HISTORIES["naive" if echo == "naive" else "kit"])
    history.add_user(QUESTION)
    history.add_assistant(turn)
    if echo == "edited call":
        # What an agent does when it repairs a call before running it and stores the repaired one.
        call = history.messages[-1]["tool_calls"][0]["function"]
        call["arguments"] = call["arguments"].replace(turn.tool_calls[0].arguments["city"], "paris")
    for call, call_id in zip(turn.tool_calls, turn.call_ids):
        history.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
    return history


def _first_different_token(client: OpenAIClient, stored: str, prompt: str) -> int | None:
    """Index of the first token of `prompt` that differs from `stored`'s; None when all of `stored` matches."""
    tokenizer = client.local.tokenizer
    a, b = (tokenizer.encode(text, add_special_tokens=False).ids for text in (stored, prompt))
    same = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return None if same == len(a) else same


def _show_divergence(console: Console, client: OpenAIClient, stored: str, echoed: History,
                     thinking: bool) -> None:
    following = client.render_prompt(echoed.messages, echoed.tools, thinking=thinking)
    same = _common_prefix(stored, following)
    console.print(Panel(
        f"[dim]...{_show(stored[max(0, same - 60):same])}[/][red]{_show(following[same:same + 60])}[/]...",
        title="naive echo vs what the server stored (red = not in the cache)", title_align="left"))


def step_3_ten_rounds(console: Console, toolbox: ToolBox, thinking: bool) -> dict[tuple[str, str], MultiturnResult]:
    console.rule(f"3. Ten tool-using rounds, thinking {'on' if thinking else 'off'}")
    results = {}
    for model, history in RUNS:
        # A fresh server per run, so no run reads another's cache.
        with open_endpoint(model) as endpoint:
            result = run_multiturn(OpenAIClient(endpoint), toolbox, rounds=10, history=history, thinking=thinking)
        results[(model, history)] = result
        if (model, history) in SHOWN:
            console.print(multiturn_table(result, label=model))
    return results


def step_4_the_bill(console: Console, results: dict[tuple[str, str], MultiturnResult]) -> None:
    console.rule("4. The bill: hybrid vs full attention, kit history vs the mistakes")
    table = Table(title="rounds 2-10", title_justify="left", caption_justify="left")
    for column in ("model", "history", "target", "prefill", "again", "reply", "TTFT"):
        table.add_column(column, justify="left" if column in ("model", "history") else "right", no_wrap=True)
    for (model, history), result in results.items():
        later = result.rounds[1:]
        met, within, checked = result.target
        # Tokens prefilled beyond the new messages: earlier replies the cache could not supply.
        again = sum(max(0, r.uncached_tokens - r.new_tokens - 1) for r in later)
        ttft = [r.timings.ttft for r in later if r.timings.ttft is not None]
        mean_ttft = f"{1000 * sum(ttft) / len(ttft):.0f}" if ttft else "-"
        table.add_row(model, history, f"{'[green]' if met else '[red]'}{within}/{checked}[/]",
                      str(sum(r.uncached_tokens for r in later)), str(again),
                      str(sum(r.reused == "reply" for r in later)), mean_ttft)
        key = f"{model.split('-')[1]}_{history.replace('-', '_')}"
        fact(f"{key}_within", within)
        fact(f"{key}_checked", checked)
        fact(f"{key}_prefilled", sum(r.uncached_tokens for r in later))
        fact(f"{key}_again", again)
        fact(f"{key}_reply", sum(r.reused == "reply" for r in later))
        if ttft:
            fact(f"{key}_ttft_ms", mean_ttft, timing=True)
    table.caption = ("target: rounds prefilling at most new + 8 tokens; prefill: tokens prefilled; "
                     "again: prefilled beyond the new messages (+1 the server always recomputes); "
                     "reply: rounds that reused the previous request and its whole reply; "
                     "TTFT: mean, ms")
    console.print(table)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _show(text: str) -> str:
    # Newlines visible, and no rich markup inside the model's text.
    return text.replace("[", "\\[").replace("\n", "\\n")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 09: the prompt cache on a hybrid model")
    parser.add_argument("--thinking", choices=["on", "off"], default="on",
                        help="enable_thinking for every request (default: on, where reasoning must be echoed)")
    args = parser.parse_args()
    thinking = args.thinking == "on"
    console = Console()
    step_1_two_kinds_of_layer_cache(console)
    # The file tools work in a scratch folder, removed when the lesson ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson09-") as workspace:
        toolbox = example_tools(workspace)
        step_2_one_reply_three_echoes(console, toolbox, thinking)
        results = step_3_ten_rounds(console, toolbox, thinking)
    step_4_the_bill(console, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
