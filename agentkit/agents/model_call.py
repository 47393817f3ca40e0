"""`AgentModel`: one request to the model, as every agent pattern makes it.

Each pattern asks the model in the same way: send a conversation (a
`History`, so the server's prompt cache covers what was sent before) with the
run's settings, then record what happened. Keeping that here leaves the loops
to say only what they ask and what they do with the answer. Per request it:

- sends `thinking`, `parser`, `max_tokens` and `temperature` from the config;
- passes the streamed pieces to the tracer's `on_delta` (the live display);
- records a `model_call` event with only the messages added since this
  conversation's previous request, and how long the agent itself worked
  between requests (tools and bookkeeping);
- stops the run when the prompt is larger than the context budget.
"""

from __future__ import annotations

import time

from agentkit.agents.config import AgentConfig
from agentkit.agents.guards import over_budget, stop
from agentkit.client import Client, History, Turn
from agentkit.errors import StreamInterruptedError
from agentkit.trace.events import ModelCall, Purpose
from agentkit.trace.tracer import Tracer


class AgentModel:
    """Sends conversations to one client with one run's settings, and records each request."""

    def __init__(self, client: Client, config: AgentConfig, tracer: Tracer) -> None:
        self.client = client
        self.config = config
        self.tracer = tracer
        # id(history) -> (history, requests made, messages already recorded). The
        # history itself is kept so that its id cannot be reused while we count.
        self._seen: dict[int, tuple[History, int, int]] = {}

    def ask(self, history: History, purpose: Purpose) -> Turn:
        """One request with `history`; returns the model's `Turn`."""
        started = time.perf_counter()
        # The clock lives in the tracer: one run, many loops (a plan's steps), one timeline.
        last_end = self.tracer.last_request_end
        agent_s = started - last_end if last_end is not None else 0.0
        try:
            turn = self.client.complete(
                history.messages, **history.request_options(), parser=self.config.parser,
                max_tokens=self.config.max_tokens, temperature=self.config.temperature, on_delta=self.tracer.on_delta)
        except StreamInterruptedError as broken:
            # The text that arrived before the stream broke is evidence: record it, then let the run end.
            if isinstance(broken.partial, Turn):
                self._record(history, purpose, broken.partial, agent_s)
            raise
        self._record(history, purpose, turn, agent_s)
        error = over_budget(turn, self.config.context_budget)
        if error is not None:
            raise stop(self.tracer, error)
        return turn

    def _record(self, history: History, purpose: Purpose, turn: Turn, agent_s: float) -> None:
        """Emit the `model_call` event: only the messages new since this conversation's last request."""
        self.tracer.last_request_end = time.perf_counter()
        _, requests, recorded = self._seen.get(id(history), (history, 0, 0))
        self._seen[id(history)] = (history, requests + 1, len(history.messages))
        tools = [schema["function"]["name"] for schema in history.tools or []]
        self.tracer.emit(ModelCall(purpose=purpose, step=requests + 1, new_messages=history.messages[recorded:],
                                   tools=tools, turn=turn, agent_s=agent_s))
