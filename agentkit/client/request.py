"""What the client sends: the body of one chat-completions request.

Every field here is a decision about cost or exactness:

- `chat_template_kwargs` is how a request reaches the chat template on
  mlx_lm.server (and vLLM). `enable_thinking` turns reasoning on or off;
  `preserve_thinking` makes Qwen3.6 templates keep the `<think>` blocks of
  earlier turns, so the prompt of turn N starts with the exact tokens of turn
  N-1 and the server's prompt cache can skip them.
- `seed` is never sent: mlx_lm.server serves seeded requests on a separate
  path without batching or prompt-cache checkpoints.
- `stream_options.include_usage` asks for the token counts (and the cached
  prompt tokens) at the end of a stream; without it a stream has no usage.
- `logprobs` (raw mode) makes mlx_lm.server return the id of every generated
  token, which the client decodes into the exact text (see `raw`).
- `max_tokens` is always set: mlx_lm.server's default is 512, and a cut answer
  ends inside `<think>` or inside a tool call.

Pure functions, tested without a server.
"""

from __future__ import annotations

from typing import Any


def template_kwargs(thinking: bool | None, preserve_thinking: bool) -> dict[str, bool]:
    """The `chat_template_kwargs` for a request: only what the caller decided."""
    kwargs: dict[str, bool] = {}
    # None leaves the template's default (thinking on for Qwen3 and Qwen3.6).
    if thinking is not None:
        kwargs["enable_thinking"] = thinking
    if preserve_thinking:
        kwargs["preserve_thinking"] = True
    return kwargs


def chat_request(
    model: str,
    messages: list[dict],
    tools: list[dict] | None = None,
    *,
    thinking: bool | None = None,
    preserve_thinking: bool = True,
    max_tokens: int = 1024,
    temperature: float = 0.0,
    stream: bool = True,
    token_ids: bool = False,
    extra_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for `openai.OpenAI().chat.completions.create`.

    `token_ids=True` asks for per-token logprobs (non-streaming only on
    mlx_lm.server), which carry the ids raw mode decodes.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if token_ids and stream:
        raise ValueError("token ids come only with a complete response: use stream=False")
    request: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "stream": stream,
    }
    # An empty tool list is not the same request as no tools on every server.
    if tools:
        request["tools"] = tools
    if stream:
        request["stream_options"] = {"include_usage": True}
    if token_ids:
        request["logprobs"] = True
    body = dict(extra_body or {})
    if "seed" in body:
        raise ValueError("agentkit never sends `seed`: it turns off mlx_lm.server's prompt cache checkpoints")
    kwargs = template_kwargs(thinking, preserve_thinking)
    if kwargs:
        body["chat_template_kwargs"] = {**kwargs, **body.get("chat_template_kwargs", {})}
    if body:
        request["extra_body"] = body
    return request
