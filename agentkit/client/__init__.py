"""The client: how every agent in the kit talks to a model.

    from agentkit.client import OpenAIClient, History
    from agentkit.serving.endpoint import open_endpoint

    with open_endpoint("toy-dense") as endpoint:
        client = OpenAIClient(endpoint)
        history = History(tools=schemas)
        history.add_user("What's the weather in Paris?")
        turn = client.complete(history.messages, **history.request_options(),
                               on_delta=print)           # streamed by default
        turn.reasoning, turn.content, turn.tool_calls
        turn.usage.cached_tokens, turn.timings.ttft, turn.timings.decode_tps
        history.add_assistant(turn)                        # cache-friendly echo

What a call returns, a `Turn`, is a record the trace keeps as it is: it is
defined one layer down, in `agentkit.trace.turn` (with the latency arithmetic
in `agentkit.trace.timing`), and re-exported here.

Read the modules in this order: `request` (what is sent, and why `seed` never
is), `protocol` (the `Client` every agent takes), `server_answer` (server
mode), `raw` (raw mode: the exact generated text, and how it is obtained),
`local_model` (prompt rendering and token counting with the model's own
files), `server_errors` (failures that say what to do), `openai_client` (the
implementation), `history` (keeping the server's prompt cache hot),
`context` (counting a prompt, trimming tool results, summarising old turns),
`memory` (notes carried into the next session), `scripted` (the fake that
replays recorded turns). Measuring the cache is a
bench (`agentkit.bench.cache_report`); the chat is a command (`agentkit.chat`).
"""

from agentkit.client.history import History, assistant_message, naive_assistant_message, soft_switch, tool_message
from agentkit.client.local_model import LocalModel
from agentkit.client.openai_client import OpenAIClient
from agentkit.client.protocol import Client, OnDelta
from agentkit.trace.turn import ParserMode, Timings, Turn, Usage

__all__ = [
    "Client",
    "History",
    "LocalModel",
    "OnDelta",
    "OpenAIClient",
    "ParserMode",
    "Timings",
    "Turn",
    "Usage",
    "assistant_message",
    "naive_assistant_message",
    "soft_switch",
    "tool_message",
]
