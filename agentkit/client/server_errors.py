"""Turn what the openai SDK raises into kit errors that say what to do.

The SDK's exceptions name the HTTP layer ("Connection error.", "Error code:
404"). A learner needs to know which of five things happened: nothing listens
at the URL, the server does not have the model, the server went silent past
the timeout, the prompt does not fit the context window, or a stream broke
off. Each becomes its own `agentkit.errors.ClientError` subclass with a fix.

mlx_lm.server specifics: a model it cannot load answers 404 with the loader's
error (it tries to download unknown names from Hugging Face); a wrong path
also answers 404, with "Not Found". The two are told apart by asking the
server which models it lists.
"""

from __future__ import annotations

import json
import urllib.request

import openai

from agentkit.errors import (
    ClientError,
    ContextTooLongError,
    ModelNotServedError,
    RequestTimeoutError,
    ServerResponseError,
    ServerUnreachableError,
    StreamInterruptedError,
)

# Phrases servers use for an over-long prompt (vLLM, llama.cpp, OpenAI, LM Studio).
_CONTEXT_PHRASES = ("context length", "context_length", "context window", "maximum context", "too many tokens")


def translate(error: openai.OpenAIError, *, base_url: str, model: str, timeout: float,
              api_key: str = "not-needed") -> ClientError:
    """The kit error for an exception the openai SDK raised on a request."""
    if isinstance(error, openai.APITimeoutError):
        return timeout_error(base_url, timeout)
    if isinstance(error, openai.APIConnectionError):
        return ServerUnreachableError(
            f"Nothing answers at {base_url} ({_cause(error)}).",
            fix="start a server (`agentkit serve toy-dense` prints its URL) and pass that URL, "
            "or leave --url out to let the kit start one",
        )
    if isinstance(error, openai.APIStatusError):
        return _status_error(error, base_url=base_url, model=model, api_key=api_key)
    return ServerResponseError(f"The request to {base_url} failed: {error}",
                               fix="read the message above; the server's log says more")


def timeout_error(base_url: str, timeout: float) -> RequestTimeoutError:
    return RequestTimeoutError(
        f"The server at {base_url} sent nothing for {timeout:g} s.",
        fix="give it longer with --request-timeout SECONDS (in Python: OpenAIClient(timeout=..., "
        "deadline=...)): a big model's first prefill of a long prompt can take minutes; "
        "or lower --max-tokens, or check that the server is not stuck",
    )


def deadline_error(base_url: str, deadline: float, partial: object | None) -> RequestTimeoutError:
    """A request that went on past its whole-request deadline, however alive the connection looked."""
    received = len(getattr(partial, "content", "") or "") + len(getattr(partial, "reasoning", None) or "")
    error = RequestTimeoutError(
        f"The server at {base_url} had not finished its answer after {deadline:g} s "
        f"({received} characters arrived; keep-alive comments do not count as progress).",
        fix="give it longer with --request-timeout SECONDS (in Python: OpenAIClient(deadline=...)), "
        "lower --max-tokens, or check that the server is not stuck (its log says what it is doing)",
    )
    error.partial = partial
    return error


def interrupted_error(base_url: str, what: str, partial: object) -> StreamInterruptedError:
    """The error for a stream that broke off; `partial` is the Turn received so far."""
    received = len(getattr(partial, "content", "")) + len(getattr(partial, "reasoning", None) or "")
    return StreamInterruptedError(
        f"The answer from {base_url} stopped halfway: {what}, after {received} characters.",
        fix="check that the server is still running (its log says why it stopped) and send the "
        "request again; the error's `partial` holds what arrived",
        partial=partial,
    )


def _status_error(error: openai.APIStatusError, *, base_url: str, model: str, api_key: str) -> ClientError:
    detail = _detail(error)
    if error.status_code == 404:
        served = served_models(base_url, api_key)
        if served is not None and model not in served:
            listed = ", ".join(served[:8]) or "none"
            return ModelNotServedError(
                f"The server at {base_url} cannot serve the model {model!r} ({detail}). It lists: {listed}.",
                fix="send one of the listed model ids (`--model ID` with `--url`), "
                "or start a server for the model you want",
            )
        return ServerResponseError(
            f"The server at {base_url} answered 404 Not Found ({detail}).",
            fix="the base URL usually ends with /v1, e.g. http://127.0.0.1:8080/v1",
        )
    if error.status_code in (400, 413, 422) and any(p in detail.lower() for p in _CONTEXT_PHRASES):
        return ContextTooLongError(
            f"The server refused the prompt as too long for the model's context: {detail}",
            fix="shorten the conversation (drop or summarize old turns), or lower max_tokens",
        )
    if error.status_code in (401, 403):
        return ServerResponseError(f"The server at {base_url} refused the API key ({detail}).",
                                   fix="pass the key the server expects (`--api-key`)")
    return ServerResponseError(
        f"The server at {base_url} answered {error.status_code}: {detail}",
        fix="check the request (model id, messages, tools); the server's log says more",
    )


def served_models(base_url: str, api_key: str = "not-needed") -> list[str] | None:
    """The model ids `GET /models` lists; None when the server does not say."""
    request = urllib.request.Request(base_url.rstrip("/") + "/models",
                                     headers={"Authorization": f"Bearer {api_key}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            data = json.loads(response.read() or b"{}").get("data")
        return [item["id"] for item in data] if isinstance(data, list) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _detail(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        body = body.get("message") or body.get("error") or body
    text = str(body) if body else error.message
    # mlx_lm's loader errors span lines; the first says what went wrong.
    return text.strip().splitlines()[0] if text and text.strip() else f"HTTP {error.status_code}"


def _cause(error: Exception) -> str:
    cause = error.__cause__ or error.__context__
    return f"{type(cause).__name__}: {cause}" if cause else str(error)


def _transport_errors() -> tuple[type[BaseException], ...]:
    # Older openai releases let the HTTP library's errors escape from a stream
    # being read; the library is httpx (openai 1.x/2.x) or httpx2 (3.x).
    errors = []
    for name in ("httpx", "httpx2"):
        try:
            errors.append(__import__(name).TransportError)
        except (ImportError, AttributeError):
            pass
    return tuple(errors)


TRANSPORT_ERRORS = _transport_errors()
"""Connection errors a stream can raise on its way, besides openai's own."""
