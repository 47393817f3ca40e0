"""Fit a conversation into a context budget: count it, trim long tool results, summarise old turns.

An agent's prompt only grows: every turn adds the model's answer and its tool
results, and the whole history is sent again. Three moves keep it in budget,
each a pure function from messages to messages, so it can be tested on lists:

- `message_tokens` counts what each message adds to the prompt, rendered by
  the model's own chat template and tokenizer (the numbers the server bills;
  a `LocalModel` renders exactly what mlx_lm.server tokenizes);
- `trim_tool_results` cuts tool results longer than a limit, keeping their
  start and end and saying how much was cut, so the model knows it saw part;
- `summarise_old_turns` replaces every exchange before the last few user
  questions with one message that keeps what they found: each question, the
  tool results and the answer, cut short (an extractive summary: no model
  call, so it cannot invent anything; a capable model could write a better one).

What each does to the prompt cache: the server reuses the longest stored
prefix of the new prompt. Any move that rewrites an earlier message changes
the prompt from that message on, so the next request prefills everything
after it again. A full-attention model trims its cached state back to the
change; a hybrid (Gated DeltaNet layers, whose state cannot be rolled back)
can only restart from an entry stored at a segment boundary before it. So
trim and summarise rarely, in one step that frees a lot, and never rewrite a
message on every turn. Trimming a tool result as it arrives, before it is
ever sent, costs the cache nothing.
"""

from __future__ import annotations

from typing import Any

import jinja2
from pydantic import BaseModel

from agentkit.client.local_model import LocalModel

CUT_MARK = "[... {n} characters cut ...]"
"""Written where `trim_tool_results` removed text; the model reads it too."""
SUMMARY_HEADER = "Summary of the earlier conversation (questions, what the tools returned, the answers):"


class MessageCost(BaseModel):
    """The tokens one message adds to the rendered prompt."""

    index: int
    """Position in the message list (of the last message counted); -1 for the generation prompt."""
    role: str
    """system, user, assistant, tool; `generation` for the generation prompt; `system+user` for a
    system message counted with the first user message (the template renders no prefix without one)."""
    tokens: int
    """Tokens it adds: the prompt with it minus the prompt without it (tool schemas count with the first)."""


def message_tokens(local: LocalModel, messages: list[dict], tools: list[dict] | None = None,
                   **template_kwargs: Any) -> list[MessageCost]:
    """What each message adds to the prompt, counted with the model's template and tokenizer.

    Rendered prefix by prefix, because a message's tokens depend on the
    template (role headers, the tool schemas in the system prompt, thinking
    kept or dropped): counting the content alone undercounts. The costs sum
    to the tokens of the whole prompt, the number the server reports as
    `usage.prompt_tokens`.
    """
    costs, before, pending = [], 0, []
    for index, message in enumerate(messages):
        pending.append(message["role"])
        try:
            # Rendered without a generation prompt: the prefix as it sits inside the longer prompt.
            now = local.count_tokens(local.render(messages[: index + 1], tools, add_generation_prompt=False,
                                                  **template_kwargs))
        except jinja2.TemplateError:
            # Qwen templates refuse a prefix with no user message yet (a system message alone):
            # its tokens are counted with the messages up to the first prefix that renders.
            continue
        costs.append(MessageCost(index=index, role="+".join(pending), tokens=now - before))
        before, pending = now, []
    full = local.count_tokens(local.render(messages, tools, **template_kwargs))
    costs.append(MessageCost(index=-1, role="generation", tokens=full - before))
    return costs


def trim_text(text: str, max_chars: int) -> str:
    """`text` cut to about `max_chars`: its start and end kept, the middle replaced by `CUT_MARK`."""
    if len(text) <= max_chars:
        return text
    # Start and end both matter: a file's header says what it is, a log's tail says how it ended.
    head = max_chars * 2 // 3
    tail = max_chars - head
    cut = len(text) - head - tail
    return f"{text[:head]}\n{CUT_MARK.format(n=cut)}\n{text[len(text) - tail:]}"


def trim_tool_results(messages: list[dict], max_chars: int, keep_last: int = 0) -> list[dict]:
    """A copy of `messages` with every tool result longer than `max_chars` trimmed.

    `keep_last`: leave the last N tool results whole (the ones the model is
    working on now). The input list is not changed.
    """
    tool_positions = [i for i, m in enumerate(messages) if m["role"] == "tool"]
    untouched = set(tool_positions[len(tool_positions) - keep_last:]) if keep_last else set()
    return [{**m, "content": trim_text(m["content"], max_chars)}
            if m["role"] == "tool" and i not in untouched and isinstance(m.get("content"), str) else m
            for i, m in enumerate(messages)]


def summarise_old_turns(messages: list[dict], keep_last_questions: int, max_chars: int = 120) -> list[dict]:
    """A copy of `messages` with every exchange before the last `keep_last_questions` user messages
    replaced by one user message summarising them.

    The system message stays first. Each dropped exchange becomes lines like
    `asked: ...`, `tool get_weather: ...`, `answered: ...`, each cut to
    `max_chars`. Nothing to summarise (too few questions): the messages unchanged.
    """
    users = [i for i, m in enumerate(messages) if m["role"] == "user"]
    if len(users) <= keep_last_questions:
        return list(messages)
    start = 1 if messages and messages[0]["role"] == "system" else 0
    # Keep from the first of the last N questions on; keep_last_questions=0 summarises everything.
    keep_from = users[len(users) - keep_last_questions] if keep_last_questions else len(messages)
    summary = summary_text(messages[start:keep_from], max_chars)
    return [*messages[:start], {"role": "user", "content": summary}, *messages[keep_from:]]


def summary_text(messages: list[dict], max_chars: int = 120) -> str:
    """The extractive summary of `messages`: one line per question, tool result and answer."""
    names = _call_names(messages)
    lines = [SUMMARY_HEADER]
    for message in messages:
        content = " ".join(str(message.get("content") or "").split())
        if message["role"] == "user":
            lines.append(f"- asked: {trim_text(content, max_chars)}")
        elif message["role"] == "tool":
            name = names.get(message.get("tool_call_id", ""), "a tool")
            lines.append(f"- {name} returned: {trim_text(content, max_chars)}")
        elif message["role"] == "assistant" and content:
            lines.append(f"- answered: {trim_text(content, max_chars)}")
    return "\n".join(lines)


def _call_names(messages: list[dict]) -> dict[str, str]:
    """Tool-call id -> tool name, from the assistant messages' `tool_calls`."""
    return {call["id"]: call["function"]["name"]
            for m in messages if m["role"] == "assistant" for call in m.get("tool_calls") or []}
