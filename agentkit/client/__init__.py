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

Read the modules in this order: `types` (what a call returns), `timing` (TTFT,
inter-token latency, tok/s from timestamps), `request` (what is sent, and why
`seed` never is), `protocol` (the `Client` every agent takes), `server_answer`
(server mode), `raw` (raw mode: the exact generated text, and how it is
obtained), `local_model` (prompt rendering and token counting with the model's
own files), `server_errors` (failures that say what to do), `openai_client`
(the implementation), `history` (keeping the server's prompt cache hot),
`cache_report` (measuring it), `chat_app` (the `agentkit chat` command).
"""

from agentkit.client.history import History, assistant_message, naive_assistant_message, soft_switch, tool_message
from agentkit.client.local_model import LocalModel
from agentkit.client.openai_client import OpenAIClient
from agentkit.client.protocol import Client, OnDelta
from agentkit.client.types import ParserMode, Timings, Turn, Usage

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
