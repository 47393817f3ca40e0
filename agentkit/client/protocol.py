"""The `Client` protocol: the one call every agent in the kit makes to a model.

An agent loop needs exactly this: send the conversation and the tools, get a
`Turn` back. Anything with a matching `complete` method is a client: the
OpenAI-compatible one in `openai_client`, a scripted fake in tests, a wrapper
that records traces. A Protocol rather than a base class, so none of them has
to inherit from anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from agentkit.parsing import Event
from agentkit.trace.turn import ParserMode, Turn

OnDelta = Callable[[Event], None]
"""Called with each `ReasoningDelta`, `ContentDelta`, `ToolCallReady` or `IssueEvent` as it arrives."""


@runtime_checkable
class Client(Protocol):
    """Sends messages (and tools) to a model and returns its answer as a `Turn`."""

    model: str
    """The model id sent with every request."""

    def complete(
        self,
        messages: list[dict],
        tools: list[dict] | None = None,
        *,
        thinking: bool | None = None,
        preserve_thinking: bool = True,
        parser: ParserMode = "server",
        stream: bool = True,
        on_delta: OnDelta | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.0,
    ) -> Turn:
        """One request, one answer.

        thinking: True/False sets `enable_thinking` in the chat template; None
            keeps the model's default.
        preserve_thinking: keep earlier turns' reasoning in the prompt, so the
            server's prompt cache covers the whole history.
        parser: `server` lets the server split the output; `raw` gets the exact
            generated text and splits it with `agentkit.parsing`.
        stream: stream the answer (server mode), calling `on_delta` as it
            arrives and measuring TTFT and inter-token latency.
        """
        ...
