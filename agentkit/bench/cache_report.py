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
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from rich.table import Table

from agentkit.client.history import History
from agentkit.client.openai_client import OpenAIClient
from agentkit.tools import ToolBox
from agentkit.trace.timing import percentile
from agentkit.trace.turn import Timings

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
                     preserve_thinking: bool = True, questions: Sequence[str] = QUESTIONS,
                     max_requests: int = 10, max_tokens: int = 256) -> list[RequestCost]:
    """Play `questions` with tools until `max_requests` model turns; one `RequestCost` each.

    The defaults are the kit's history; `echo_reasoning=False` is the naive
    one, `preserve_thinking=False` the Qwen3.6 template's default behaviour.
    """
    if client.local is None:
        raise ValueError("run_conversation counts new tokens with the model's tokenizer: serve a local model")
    history = History(tools=toolbox.schemas(), echo_reasoning=echo_reasoning,
                      preserve_thinking=preserve_thinking)
    costs: list[RequestCost] = []
    for question in questions:
        history.add_user(question)
        # Model turns until it answers without a call (a toy model may call forever: cap it).
        for _ in range(4):
            if len(costs) == max_requests:
                return costs
            new_tokens = _new_tokens(client, history)
            turn = client.complete(history.messages, **history.request_options(), max_tokens=max_tokens)
            costs.append(RequestCost(
                turn=len(costs) + 1, new_tokens=new_tokens, prompt_tokens=turn.usage.prompt_tokens,
                cached_tokens=turn.usage.cached_tokens or 0, completion_tokens=turn.usage.completion_tokens,
                tool_calls=len(turn.tool_calls), timings=turn.timings))
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
    """One row per request: new, prompt, cached and uncached tokens, TTFT, and the target check."""
    table = Table(title=title, title_justify="left")
    # new: tokens of the messages added since the last request; target: uncached <= new + 8.
    for header in ("turn", "calls", "new", "prompt", "cached", "uncached", "TTFT ms", "target"):
        table.add_column(header, justify="right")
    for cost in costs:
        check = "-" if cost.turn == 1 else ("[green]ok[/]" if cost.within_target else "[red]miss[/]")
        ttft = f"{cost.timings.ttft * 1000:.0f}" if cost.timings.ttft is not None else "-"
        table.add_row(str(cost.turn), str(cost.tool_calls), str(cost.new_tokens), str(cost.prompt_tokens),
                      str(cost.cached_tokens), str(cost.uncached_tokens), ttft, check)
    met, within, checked = target_met(costs)
    table.caption = (f"from turn 2: {within}/{checked} within new + {SLACK_TOKENS} tokens "
                     f"({'target met' if met else 'target missed'}); "
                     f"prefilled in all: {sum(c.uncached_tokens for c in costs)} tokens")
    return table


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
