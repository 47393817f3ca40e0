"""One measured request: the numbers every bench records, and how to fix the output length.

Every bench sends streamed requests through `OpenAIClient`, which times each
chunk (see `agentkit.trace.timing`), and keeps each request's numbers as a
`RequestStats` (`agentkit.trace.turn`, the one flat record of a request).

Speed numbers only compare when every request generates the same number of
tokens: a model that stops after 12 tokens gives a decode rate measured over
eleven gaps, mostly noise. So the speed and concurrency benches ban the
model's end-of-turn tokens with `logit_bias` (what llama.cpp's llama-bench and
vLLM's benchmarks call "ignore EOS"): each request writes exactly
`max_tokens` tokens. What it writes after its answer is nonsense, and that is
fine: the time per token is the same.

The same request also bans the tokens that open or close a tool call or a
think block. mlx_lm.server holds a tool call back until its block is complete
and sends it as one chunk, so an output that starts with `<tool_call>` (the
toy models' favourite first token) would stream nothing until the end and its
TTFT would read as its total time. Without those tokens every generated token
arrives in its own chunk.
"""

from __future__ import annotations

from typing import Any

from agentkit.client import OpenAIClient
from agentkit.parsing.tags import CALL_CLOSE, CALL_OPEN, THINK_CLOSE, THINK_OPEN

BANNED = -1000.0
"""Added to a banned token's logit: it is never sampled, at any temperature the kit uses."""
MARKUP_TOKENS = (CALL_OPEN, CALL_CLOSE, THINK_OPEN, THINK_CLOSE)
"""Tokens after which the server buffers or re-routes output instead of streaming it as content."""


def fixed_length_body(client: OpenAIClient) -> dict[str, Any] | None:
    """`extra_body` that bans the end-of-turn and markup tokens; None when the model's files are not here.

    The stop tokens' ids come from the model's own files (config.json,
    generation_config.json, the tokenizer). Against a server whose model is
    not on this machine the model stops when it wants; benches say so.
    """
    if client.local is None or not client.local.eos_ids:
        return None
    markup = {client.local.tokenizer.token_to_id(text) for text in MARKUP_TOKENS}
    banned = sorted(client.local.eos_ids | (markup - {None}))
    return {"logit_bias": {str(token): BANNED for token in banned}}
