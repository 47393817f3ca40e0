"""Build the next request's messages so the server's prompt cache covers the past.

mlx_lm.server keeps the tokens of recent requests (prompt and generated
answer) and reuses the longest stored prefix of a new prompt. Turn N can skip
turn N-1 entirely, paying only for the new messages, but only if the chat
template renders the history back into exactly the tokens the model saw and
wrote. Four things break that, and `History` avoids each:

1. Dropping the reasoning. The model wrote `<think>...</think>` before its
   answer; a history without it renders different tokens from that turn on,
   and everything after it is prefilled again. `assistant_message` echoes it as
   `reasoning_content` next to `content` and `tool_calls`.
2. Qwen3.6 templates drop `<think>` from turns before the last user message
   unless `preserve_thinking` is true, so every new user message would cut the
   cache at the first earlier answer. Send `preserve_thinking=True` (the
   client's default).
3. Changing the tools or `enable_thinking` between turns changes the system
   prompt or the generation prompt. `History` holds both and hands the same
   values to every request.
4. Changing a message after it was sent, e.g. adding a soft switch only to the
   request. Soft switches (`/think`, `/no_think`) are written into the stored
   user message, so the next request repeats them.
5. Echoing a repaired answer. When the model wrote a call the template would
   write differently (a JSON call under an XML template, say), the parsed
   call renders other tokens than the ones generated. In raw mode the client
   has the exact text, and `verbatim_assistant_message` echoes that instead.

Why exactness matters more on hybrid models (Qwen3.5/3.6: Gated DeltaNet
layers, whose recurrent state cannot be rolled back): a full-attention model
can trim a stored cache back to the first differing token, so a mismatch late
in a reply costs little. A hybrid can only reuse a stored entry that is an
exact prefix of the new prompt. mlx_lm.server stores one at the end of each
generation, keyed by the prompt plus every generated token, the final
`<|im_end|>` included; if the echoed reply re-renders to those tokens the next
request prefills only the new messages, otherwise it falls back to the entry
one token short of the previous prompt and prefills the whole reply again.
A hybrid's entries are not merged into the longest one as a full-attention
model's are, so each request leaves two to four of them: with several
conversations on one server, raise `mlx_lm.server --prompt-cache-size`
(default 10) or the newest entries of one conversation evict another's.

`naive_assistant_message` is the common mistake (reasoning dropped), kept for
the benchmark that measures what it costs.
"""

from __future__ import annotations

import json
from typing import Any

from agentkit.parsing.tags import THINK_CLOSE
from agentkit.parsing import ToolCall
from agentkit.parsing.render import render_tool_call_hermes, render_tool_call_xml
from agentkit.parsing.types import Dialect
from agentkit.trace.turn import Turn

SOFT_SWITCHES = {True: "/think", False: "/no_think"}
"""Qwen3's in-message switches: a user (or system) message ending with one turns
thinking on or off from that turn on. Qwen3.6 ignores them; use `enable_thinking`."""


def soft_switch(text: str, thinking: bool | None) -> str:
    """`text` with Qwen3's `/think` or `/no_think` switch appended (unchanged for None)."""
    if thinking is None:
        return text
    return f"{text} {SOFT_SWITCHES[thinking]}"


def assistant_message(turn: Turn) -> dict[str, Any]:
    """The cache-friendly echo of a turn: reasoning, content and calls as the model wrote them."""
    message = _assistant_base(turn)
    if turn.reasoning is not None:
        message["reasoning_content"] = turn.reasoning
    return message


def verbatim_assistant_message(turn: Turn) -> dict[str, Any]:
    """A raw-mode turn echoed as the model wrote it, so the template re-renders the generated text.

    The reasoning goes in `reasoning_content` and everything after `</think>`,
    tool-call markup included, in `content`: the Qwen templates write
    `<think>\n` + reasoning + `\n</think>\n\n` + content, which is the
    generated text whenever the model wrote those separators. The calls are
    not repeated as `tool_calls` (the template would write them twice); the
    tool results that follow still render as the template renders them.
    """
    if turn.raw_text is None:
        raise ValueError("verbatim_assistant_message needs a raw-mode turn (parser='raw'): it echoes raw_text")
    if turn.reasoning is None:
        # No reasoning: the prompt closed the think block (thinking off), so a
        # `</think>` the model wrote anyway is text. An empty `reasoning_content`
        # keeps the template from splitting the content at it.
        reasoning, content = "", turn.raw_text
    elif THINK_CLOSE in turn.raw_text:
        reasoning, content = turn.raw_text.split(THINK_CLOSE, 1)
    else:
        # Cut by max_tokens inside the reasoning: all of it is reasoning.
        reasoning, content = turn.raw_text, ""
    return {"role": "assistant", "content": content, "reasoning_content": reasoning}


def needs_verbatim_echo(turn: Turn, dialect: Dialect | None = None) -> bool:
    """True for a raw-mode turn whose parsed calls would not render back to the text generated.

    That is a call in another dialect than the template's (`dialect`, when
    known), a call not written the way the template writes it, or a call the
    parser lost. A turn from server mode has no raw text and is echoed parsed.
    """
    if turn.raw_text is None:
        return False
    if turn.errors:
        return True
    return any((dialect is not None and call.dialect != dialect) or call.raw != _as_template_writes(call)
               for call in turn.tool_calls)


def _as_template_writes(call: ToolCall) -> str:
    if call.dialect == "xml":
        return render_tool_call_xml(call.name, call.arguments)
    return render_tool_call_hermes(call.name, call.arguments)


def served_dialect(client: object) -> Dialect | None:
    """The tool-call format of the template `client` is served with, when it knows it.

    A client of a local model reads it from the model's template (`client.local`);
    a scripted client carries the one its turns were served with (`client.dialect`).
    An agent passes it to its `History`, so that in raw mode a call written in
    the other format is echoed as written (`needs_verbatim_echo`).
    """
    local = getattr(client, "local", None)
    return local.dialect if local is not None else getattr(client, "dialect", None)


def naive_assistant_message(turn: Turn) -> dict[str, Any]:
    """What many agents send back: content and calls only, the reasoning dropped."""
    return _assistant_base(turn)


def tool_message(call_id: str, content: str) -> dict[str, Any]:
    """A tool result for the call with id `call_id`."""
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def _assistant_base(turn: Turn) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.content}
    if turn.tool_calls:
        message["tool_calls"] = [
            # Arguments as JSON text, as the OpenAI API carries them; the
            # templates render JSON text and a dict to the same bytes.
            {"id": call_id, "type": "function",
             "function": {"name": call.name, "arguments": json.dumps(call.arguments, ensure_ascii=False)}}
            for call, call_id in zip(turn.tool_calls, turn.call_ids)
        ]
    return message


class History:
    """One conversation's messages, tools and thinking setting, kept stable across turns.

        history = History(system="You are helpful.", tools=toolbox.schemas())
        history.add_user("Weather in Paris?")
        turn = client.complete(history.messages, **history.request_options())
        history.add_assistant(turn)
        for call, call_id in zip(turn.tool_calls, turn.call_ids):
            history.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
    """

    def __init__(self, system: str | None = None, tools: list[dict] | None = None,
                 thinking: bool | None = None, *, echo_reasoning: bool = True,
                 preserve_thinking: bool = True, dialect: Dialect | None = None) -> None:
        """`echo_reasoning=False` and `preserve_thinking=False` exist to measure their cost.

        `dialect`: the tool-call format of the served template (`client.local.dialect`),
        so a raw-mode call written in the other one is echoed verbatim.
        """
        self.messages: list[dict[str, Any]] = []
        self.tools = tools
        self.thinking = thinking
        self.echo_reasoning = echo_reasoning
        self.preserve_thinking = preserve_thinking
        self.dialect = dialect
        if system is not None:
            self.messages.append({"role": "system", "content": system})

    def add_user(self, text: str, soft_thinking: bool | None = None) -> None:
        """Append a user message; `soft_thinking` appends Qwen3's soft switch to it, for good."""
        self.messages.append({"role": "user", "content": soft_switch(text, soft_thinking)})

    def add_assistant(self, turn: Turn) -> None:
        """Append the model's turn, reasoning included unless `echo_reasoning=False`.

        A raw-mode turn whose calls the template would not write back byte for
        byte (another dialect, a call the parser repaired or lost) is echoed
        verbatim; see `needs_verbatim_echo`.
        """
        if not self.echo_reasoning:
            self.messages.append(naive_assistant_message(turn))
        elif needs_verbatim_echo(turn, self.dialect):
            self.messages.append(verbatim_assistant_message(turn))
        else:
            self.messages.append(assistant_message(turn))

    def add_tool_result(self, call_id: str, content: str) -> None:
        """Append one tool result; results go in the order of the turn's calls."""
        self.messages.append(tool_message(call_id, content))

    def request_options(self) -> dict[str, Any]:
        """The keyword arguments that must not change between turns: tools and thinking."""
        return {"tools": self.tools, "thinking": self.thinking, "preserve_thinking": self.preserve_thinking}
