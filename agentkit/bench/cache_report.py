"""Measure what the server's prompt cache saves over a tool-using conversation.

`run_conversation` plays a scripted conversation through a real client: each
user question, then tool calls and their results until the model answers,
one request per model turn. For every request it records the prompt tokens,
the tokens the server took from its cache, the rest it had to prefill
(`uncached`), the tokens of the messages that are new since the previous
request, and the TTFT.

The target for a cache-friendly history: from the second request on, the
server prefills at most the new messages (+ a few tokens of slack for the
turn's header), on at least 95% of the requests. A history that drops the
reasoning misses it: every request prefills everything from the first
earlier answer on, so uncached tokens grow with the conversation.

`reused` names the cache entry the server's count points to. mlx_lm.server
stores one entry at the end of each generation (the prompt and every
generated token, the stop token included) and one a token short of each
prompt (it holds the last prompt token back for the first decode step):

- `reply`: the whole previous request and its reply came from the cache:
  the echoed reply re-tokenized to exactly what the model generated;
- `prompt`: the previous prompt only; the reply was prefilled again. On a
  hybrid model (Gated DeltaNet layers, whose cache cannot be trimmed) that is
  what any difference in the echoed reply costs;
- `part`: some other prefix, e.g. part of the reply: a full-attention model
  trims its stored cache back to the first differing token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel
from rich.table import Table

from agentkit.client.history import History
from agentkit.client.openai_client import OpenAIClient
from agentkit.tools import ToolBox
from agentkit.trace.timing import percentile
from agentkit.trace.turn import ParserMode, Timings

SLACK_TOKENS = 8
TARGET_SHARE = 0.95

QUESTIONS: tuple[str, ...] = (
    "What's the weather in Paris?",
    "And in Tokyo?",
    "What is the temperature in Berlin plus the temperature in Madrid?",
    "How hot is Oslo in kelvin?",
    "What is 17 * 23?",
    "Convert 5 km to miles.",
)
"""Questions the toy models answer with tools (single, follow-up, parallel and
chained calls: scenario families they were trained on), about 10 model turns."""


Reused = Literal["-", "reply", "prompt", "part", "none"]


def reused_entry(cached: int, previous: RequestCost | None) -> Reused:
    """Which cache entry of the previous request `cached` tokens point to (see the module docstring)."""
    if previous is None:
        return "-"
    # completion_tokens counts the stop token, which the server's entry holds too.
    if cached >= previous.prompt_tokens + previous.completion_tokens:
        return "reply"
    # The entry one token short of the previous prompt (or, rarely, all of it).
    if previous.prompt_tokens - 1 <= cached <= previous.prompt_tokens:
        return "prompt"
    return "part" if cached > 0 else "none"


class RequestCost(BaseModel):
    """What one request of a conversation cost the server."""

    turn: int
    """1 for the first request of the conversation."""
    new_tokens: int
    """Tokens of the messages added since the previous request, generation prompt included."""
    prompt_tokens: int
    """The whole prompt, as the server counted it."""
    cached_tokens: int
    """Prompt tokens the server took from its prompt cache."""
    completion_tokens: int
    """Tokens the model generated in this turn."""
    tool_calls: int
    """Tool calls the model made in this turn."""
    lost_calls: int = 0
    """Calls the model wrote that were lost: the server dropped them, or the kit's parser could not read them."""
    reused: Reused = "-"
    """Which stored entry the cached tokens match: `reply`, `prompt`, `part`, `none` (`-` for the first)."""
    echoable: bool | None = None
    """Raw mode: whether the previous reply, echoed, re-tokenized to the ids the model generated.

    False means no history could have made the server reuse that reply: the model
    wrote its text in tokens the tokenizer does not make of it. None: not known
    (server mode has no ids, and the first request has no previous reply)."""
    timings: Timings
    """TTFT, inter-token gaps and rates of this request."""

    @property
    def uncached_tokens(self) -> int:
        """Prompt tokens the server had to prefill."""
        return self.prompt_tokens - self.cached_tokens

    @property
    def within_target(self) -> bool:
        """True when the server prefilled no more than the new messages plus slack."""
        return self.uncached_tokens <= self.new_tokens + SLACK_TOKENS


def run_conversation(client: OpenAIClient, toolbox: ToolBox, *, echo_reasoning: bool = True,
                     preserve_thinking: bool = True, thinking: bool | None = None, parser: ParserMode = "server",
                     questions: Sequence[str] = QUESTIONS, max_requests: int = 10,
                     max_tokens: int = 256) -> list[RequestCost]:
    """Play `questions` with tools until `max_requests` model turns; one `RequestCost` each.

    The defaults are the kit's history; `echo_reasoning=False` is the naive
    one, `preserve_thinking=False` the Qwen3.6 template's default behaviour.
    `thinking` is sent as `enable_thinking` (None: the template's default).
    `parser="raw"` reads the exact output (no streaming, so no TTFT): the
    history can then echo a call the template would write differently as
    the model wrote it, where the server drops or rewrites it.
    """
    if client.local is None:
        raise ValueError("run_conversation counts new tokens with the model's tokenizer: serve a local model")
    history = History(tools=toolbox.schemas(), thinking=thinking, echo_reasoning=echo_reasoning,
                      preserve_thinking=preserve_thinking, dialect=client.local.dialect)
    costs: list[RequestCost] = []
    stored: list[int] | None = None  # raw mode: the ids of the server's end-of-generation entry
    for question in questions:
        history.add_user(question)
        # Model turns until it answers without a call (a toy model may call forever: cap it).
        for _ in range(4):
            if len(costs) == max_requests:
                return costs
            new_tokens = _new_tokens(client, history)
            prompt_ids = _prompt_ids(client, history) if parser == "raw" else None
            turn = client.complete(history.messages, **history.request_options(), max_tokens=max_tokens,
                                   parser=parser)
            cached = turn.usage.cached_tokens or 0
            costs.append(RequestCost(
                turn=len(costs) + 1, new_tokens=new_tokens, prompt_tokens=turn.usage.prompt_tokens,
                cached_tokens=cached, completion_tokens=turn.usage.completion_tokens,
                tool_calls=len(turn.tool_calls), lost_calls=len(turn.errors),
                reused=reused_entry(cached, costs[-1] if costs else None), timings=turn.timings,
                echoable=None if stored is None else prompt_ids[:len(stored)] == stored))
            # The server keys that entry on the prompt plus every generated id, the stop token included.
            stored = prompt_ids + list(turn.token_ids) if prompt_ids is not None and turn.token_ids else None
            history.add_assistant(turn)
            if not turn.tool_calls:
                break
            for call, call_id in zip(turn.tool_calls, turn.call_ids):
                history.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
    return costs


def target_met(costs: Sequence[RequestCost]) -> tuple[bool, int, int]:
    """(met, requests within target, requests checked), checking from the second request on."""
    checked = [cost for cost in costs if cost.turn >= 2]
    within = sum(cost.within_target for cost in checked)
    return bool(checked) and within >= TARGET_SHARE * len(checked), within, len(checked)


def latency_summary(costs: Sequence[RequestCost]) -> dict[str, float | None]:
    """Medians over a conversation: TTFT (cold first request, warm later ones), ITL, decode/prefill tok/s."""
    later = costs[1:]
    gaps = [gap for cost in costs for gap in cost.timings.gaps]
    return {
        "ttft_first": costs[0].timings.ttft if costs else None,
        "ttft_later": percentile([c.timings.ttft for c in later if c.timings.ttft is not None], 50),
        "itl_median": percentile(gaps, 50),
        "itl_p95": percentile(gaps, 95),
        "decode_tps": percentile([c.timings.decode_tps for c in costs if c.timings.decode_tps], 50),
        "prefill_tps_first": costs[0].timings.prefill_tps if costs else None,
    }


def cost_table(title: str, costs: Sequence[RequestCost]) -> Table:
    """One row per request: new, prompt, cached and prefilled tokens, the entry reused, TTFT, target check.

    Fits 80 columns: the caption explains the short headers.
    """
    table = Table(title=title, title_justify="left", caption_justify="left")
    for header in ("turn", "calls", "new", "prompt", "cached", "prefill", "reused", "TTFT", "target"):
        table.add_column(header, justify="left" if header == "reused" else "right")
    for cost in costs:
        check = "-" if cost.turn == 1 else ("[green]ok[/]" if cost.within_target else "[red]miss[/]")
        ttft = f"{cost.timings.ttft * 1000:.0f}" if cost.timings.ttft is not None else "-"
        calls = str(cost.tool_calls) + (f"[red]+{cost.lost_calls}![/]" if cost.lost_calls else "")
        table.add_row(str(cost.turn), calls, str(cost.new_tokens), str(cost.prompt_tokens),
                      str(cost.cached_tokens), str(cost.uncached_tokens), cost.reused, ttft, check)
    table.caption = target_caption(costs)
    return table


def target_caption(costs: Sequence[RequestCost]) -> str:
    """What the columns mean and whether the target was met, in a few lines."""
    met, within, checked = target_met(costs)
    lines = [f"from turn 2: {within}/{checked} prefilled at most new + {SLACK_TOKENS} tokens "
             f"({'target met' if met else 'target missed'}); prefilled in all: "
             f"{sum(c.uncached_tokens for c in costs)} tokens",
             "new: tokens of the messages added since the last request; prefill: prompt - cached; "
             "reused: the previous request's entry that served it (reply, prompt, part); TTFT in ms"]
    lost = [str(c.turn) for c in costs if c.lost_calls]
    if lost:
        lines.append(f"+N!: calls lost in turn {', '.join(lost)}: in server mode the server dropped what it "
                     "could not parse, so the echo cannot match; in raw mode the text is echoed as written")
    unechoable = unechoable_caption(costs)
    if unechoable:
        lines.append(unechoable)
    return "\n".join(lines)


def _prompt_ids(client: OpenAIClient, history: History) -> list[int]:
    """The token ids of the next request's prompt, as the server will tokenize it."""
    prompt = client.render_prompt(history.messages, history.tools, thinking=history.thinking,
                                  preserve_thinking=history.preserve_thinking)
    return client.local.tokenizer.encode(prompt, add_special_tokens=False).ids


def unechoable_caption(costs: Sequence[RequestCost]) -> str | None:
    """A line naming the rounds whose previous reply no history could echo, or None."""
    rounds = [str(c.turn) for c in costs if c.echoable is False]
    if not rounds:
        return None
    return (f"round {', '.join(rounds)}: the previous reply was written in tokens the tokenizer does not make "
            "of its text, so no echo could match them and the server prefilled it again")


def _new_tokens(client: OpenAIClient, history: History) -> int:
    """Tokens of the prompt after the last assistant message: what no cache could hold yet."""
    # Rendered with preserve_thinking on for every variant: "new" is the same
    # amount of text whatever the history does with older reasoning.
    full = client.render_prompt(history.messages, history.tools, thinking=history.thinking)
    last_answer = max((i for i, m in enumerate(history.messages) if m["role"] == "assistant"), default=None)
    if last_answer is None:
        return client.count_tokens(full)
    kwargs = {"preserve_thinking": True, **({} if history.thinking is None else {"enable_thinking": history.thinking})}
    before = client.local.render(history.messages[: last_answer + 1], history.tools,
                                 add_generation_prompt=False, **kwargs)
    return client.count_tokens(full) - client.count_tokens(before)
