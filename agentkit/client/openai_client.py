"""`OpenAIClient`: the kit's `Client` on the openai SDK, for any OpenAI-compatible server.

    with open_endpoint("toy-dense") as endpoint:
        client = OpenAIClient(endpoint)
        turn = client.complete([{"role": "user", "content": "Weather in Paris?"}], tools=schemas)
        turn.reasoning, turn.content, turn.tool_calls, turn.usage, turn.timings

One call, three paths:

- streamed, server mode (the default): the server splits the output; the
  client times every chunk (TTFT, inter-token gaps, decode tok/s) and passes
  deltas to `on_delta` as they arrive;
- complete, server mode (`stream=False`): one response, total time only;
- raw mode (`parser="raw"`): a complete response with token ids, decoded into
  the exact generated text and split by `agentkit.parsing` (see `raw`).

When the model's files are on this machine (`LocalModel`), the client also
renders the exact prompt, counts its tokens, and refuses a prompt that does
not fit the context window before sending it (mlx_lm.server would run it
anyway, past the positions the model was trained on). The openai SDK retries
nothing here (`max_retries=0`): a failure surfaces at once as a kit error.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import jinja2
import openai

from agentkit.client.deadline import Deadline
from agentkit.client.local_model import LocalModel
from agentkit.client.protocol import OnDelta
from agentkit.client.raw import exact_text, output_opened_think, prompt_opened_think, token_ids_from_logprobs
from agentkit.client.request import chat_request, template_kwargs
from agentkit.client.server_answer import ServerAnswer
from agentkit.client.server_errors import (
    TRANSPORT_ERRORS,
    deadline_error,
    interrupted_error,
    timeout_error,
    translate,
)
from agentkit.errors import ModelFilesMissingError
from agentkit.parsing import StreamParser
from agentkit.trace.timing import stream_timings
from agentkit.trace.turn import ParserMode, Timings, Turn, Usage


DEFAULT_DEADLINE_S = 600.0
"""Seconds one request may take in all unless told otherwise (`--request-timeout`)."""


class OpenAIClient:
    """Talks to one model on one OpenAI-compatible server (mlx_lm.server, LM Studio, vLLM...)."""

    def __init__(
        self,
        endpoint: Any = None,
        *,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        deadline: float | None = None,
        connect_timeout: float = 10.0,
        template: str | None = None,
        check_context: bool = True,
    ) -> None:
        """Pass an `agentkit.serving.endpoint.Endpoint`, or `base_url` and `model`.

        An Endpoint brings the model's directory and chat template with it;
        with `base_url` and `model`, the client looks for the model's files itself.

        timeout: seconds the server may stay silent (between two chunks of a
            stream, or for a whole complete response) before `RequestTimeoutError`.
        deadline: seconds one request may take in all, keep-alive comments or
            not, before `RequestTimeoutError` (default: the Endpoint's
            `request_timeout`, which `--request-timeout` sets, else 600). It
            also caps `timeout`.
        connect_timeout: seconds to open the connection before `ServerUnreachableError`.
        template: the chat template the server was started with, when it is not
            the model directory's own (a kit name such as `hermes`, or a path);
            an Endpoint already says.
        check_context: count prompt tokens locally and raise `ContextTooLongError`
            before sending a prompt that does not fit.
        """
        self.base_url = (base_url or getattr(endpoint, "base_url", None) or "").rstrip("/")
        self.model = model or getattr(endpoint, "model_id", None) or ""
        if not self.base_url or not self.model:
            raise ValueError("OpenAIClient needs an Endpoint, or both base_url= and model=")
        self.api_key = api_key or getattr(endpoint, "api_key", None) or "not-needed"
        self.deadline = deadline or getattr(endpoint, "request_timeout", None) or DEFAULT_DEADLINE_S
        self.timeout = min(timeout, self.deadline)
        self.check_context = check_context
        template = template or getattr(endpoint, "template", None)
        directory = getattr(endpoint, "model_dir", None)
        self.local = (LocalModel.at(directory, template) if directory is not None
                      else LocalModel.find(self.model, template))
        self._sdk = openai.OpenAI(base_url=self.base_url, api_key=self.api_key, max_retries=0,
                                  timeout=openai.Timeout(self.timeout, connect=min(connect_timeout, self.timeout)))

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
        extra_body: dict[str, Any] | None = None,
    ) -> Turn:
        """Send the conversation, return the answer as a `Turn` (see `Client.complete`).

        Raw mode is never streamed: the token ids come only in a complete
        response, so `on_delta` gets all its events at the end.
        """
        prompt = self._checked_prompt(messages, tools, template_kwargs(thinking, preserve_thinking), max_tokens)
        raw = parser == "raw"
        request = chat_request(self.model, messages, tools, thinking=thinking, preserve_thinking=preserve_thinking,
                               max_tokens=max_tokens, temperature=temperature, stream=stream and not raw,
                               token_ids=raw, extra_body=extra_body)
        if raw:
            return self._complete_raw(request, tools, prompt, on_delta or _ignore)
        if stream:
            return self._complete_streamed(request, on_delta or _ignore)
        return self._complete_once(request, on_delta or _ignore)

    def render_prompt(self, messages: list[dict], tools: list[dict] | None = None, *,
                      thinking: bool | None = None, preserve_thinking: bool = True) -> str:
        """The exact prompt text the server builds for this request (needs the model's files)."""
        return self._require_local().render(messages, tools, **template_kwargs(thinking, preserve_thinking))

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` for this model, with its own tokenizer (needs the model's files)."""
        return self._require_local().count_tokens(text)

    # -- the three paths ------------------------------------------------------

    def _complete_streamed(self, request: dict, on_delta: OnDelta) -> Turn:
        answer = ServerAnswer(self._dialect())
        started, sent = time.time(), time.perf_counter()
        output_times: list[float] = []
        finish_reason, usage = None, None
        deadline = Deadline(self.deadline)
        try:
            with deadline:
                stream = self._send(request)
                deadline.attach(stream.response)
                for chunk in stream:
                    now = time.perf_counter()
                    if chunk.usage is not None:
                        usage = _usage(chunk.usage)
                    for choice in chunk.choices:
                        delta = choice.delta.model_dump(exclude_none=True) if choice.delta else {}
                        # Whitespace is output too: "\n\n" after </think> is a token the model spent time on.
                        if delta.get("content") or delta.get("reasoning") or delta.get("reasoning_content") \
                                or delta.get("tool_calls"):
                            output_times.append(now)
                        for event in answer.add(delta):
                            on_delta(event)
                        finish_reason = choice.finish_reason or finish_reason
        except openai.APITimeoutError:
            raise timeout_error(self.base_url, self.timeout) from None
        except (openai.APIConnectionError, *TRANSPORT_ERRORS) as error:
            partial = self._streamed_turn(answer, finish_reason, usage, started, sent, output_times)
            if deadline.expired:
                raise deadline_error(self.base_url, self.deadline, partial) from None
            raise interrupted_error(self.base_url, f"the connection broke ({type(error).__name__})", partial) from error
        except openai.OpenAIError as error:  # an error event inside the stream
            raise translate(error, base_url=self.base_url, model=self.model, timeout=self.timeout,
                            api_key=self.api_key) from error
        turn = self._streamed_turn(answer, finish_reason, usage, started, sent, output_times)
        if deadline.expired and finish_reason is None:
            raise deadline_error(self.base_url, self.deadline, turn)
        if finish_reason is None:
            raise interrupted_error(self.base_url, "the stream ended without a finish reason", turn)
        for event in answer.call_events():
            on_delta(event)
        return turn

    def _complete_once(self, request: dict, on_delta: OnDelta) -> Turn:
        started, sent = time.time(), time.perf_counter()
        response = self._send(request)
        end = time.perf_counter()
        choice = response.choices[0]
        answer = ServerAnswer(self._dialect())
        for event in answer.add(choice.message.model_dump(exclude_none=True)):
            on_delta(event)
        for event in answer.call_events():
            on_delta(event)
        calls, ids, errors = answer.tool_calls()
        errors += answer.dropped_calls(choice.finish_reason)
        return Turn(content=answer.content, reasoning=answer.reasoning, tool_calls=calls, call_ids=ids,
                    finish_reason=choice.finish_reason, usage=_usage(response.usage),
                    timings=Timings(request_start=started, total=end - sent), errors=errors)

    def _complete_raw(self, request: dict, tools: list[dict] | None, prompt: str | None,
                      on_delta: OnDelta) -> Turn:
        started, sent = time.time(), time.perf_counter()
        response = self._send(request)
        end = time.perf_counter()
        choice = response.choices[0]
        entries = [entry.model_dump() for entry in (choice.logprobs.content or [])] if choice.logprobs else []
        token_ids = token_ids_from_logprobs(entries)
        raw_text = exact_text(token_ids, entries, choice.finish_reason, self.local, self.base_url)
        # Parse as the server would have: inside <think> when the prompt opened it.
        opened = prompt_opened_think(prompt) if prompt is not None else output_opened_think(raw_text)
        parser = StreamParser(tools=tools, prompt_opened_think=opened)
        for event in parser.feed(raw_text) + parser.close():
            on_delta(event)
        parsed = parser.finish()
        finish_reason = choice.finish_reason
        if finish_reason != "length":
            finish_reason = "tool_calls" if parsed.tool_calls else "stop"
        # Ids made from the text: the same answer gets the same ids, so a
        # replayed history stays byte-identical.
        digest = hashlib.sha1(raw_text.encode()).hexdigest()[:8]
        return Turn(content=parsed.content, reasoning=parsed.reasoning, tool_calls=parsed.tool_calls,
                    call_ids=[f"call_{digest}_{i}" for i in range(len(parsed.tool_calls))],
                    finish_reason=finish_reason, usage=_usage(response.usage),
                    timings=Timings(request_start=started, total=end - sent), mode="raw",
                    raw_text=raw_text, token_ids=token_ids, errors=parsed.errors, warnings=parsed.warnings)

    # -- helpers --------------------------------------------------------------

    def _send(self, request: dict) -> Any:
        """The SDK's answer: a stream to iterate, or (not streamed) the whole response, within the deadline."""
        try:
            if request.get("stream"):
                return self._sdk.chat.completions.create(**request)
            deadline = Deadline(self.deadline)
            with deadline, self._sdk.chat.completions.with_streaming_response.create(**request) as response:
                deadline.attach(response.http_response)
                try:
                    parsed = response.parse()
                except (openai.APIConnectionError, *TRANSPORT_ERRORS):
                    if deadline.expired:
                        raise deadline_error(self.base_url, self.deadline, None) from None
                    raise
            # A body cut off by the deadline reads as a short body, not as an error.
            if deadline.expired:
                raise deadline_error(self.base_url, self.deadline, None)
            return parsed
        except openai.OpenAIError as error:
            raise translate(error, base_url=self.base_url, model=self.model, timeout=self.timeout,
                            api_key=self.api_key) from error

    def _checked_prompt(self, messages: list[dict], tools: list[dict] | None, kwargs: dict,
                        max_tokens: int) -> str | None:
        """The rendered prompt when the model's files are here; raises when it cannot fit."""
        if self.local is None:
            return None
        try:
            prompt = self.local.render(messages, tools, **kwargs)
        except jinja2.TemplateError:
            return None  # the local template disagrees with the request; let the server judge it
        if self.check_context:
            self.local.check_fits(prompt, max_tokens)
        return prompt

    def _require_local(self) -> LocalModel:
        if self.local is None:
            raise ModelFilesMissingError(
                f"The files of model {self.model!r} (tokenizer.json, chat template) are not on this machine.",
                fix="serve a model directory, a toy model, or a Hugging Face model already downloaded here",
            )
        return self.local

    def _dialect(self) -> str:
        return self.local.dialect if self.local is not None else "hermes"

    def _streamed_turn(self, answer: ServerAnswer, finish_reason: str | None, usage: Usage | None,
                       started: float, sent: float, output_times: list[float]) -> Turn:
        calls, ids, errors = answer.tool_calls()
        errors += answer.dropped_calls(finish_reason)
        timings = stream_timings(sent, output_times, time.perf_counter(),
                                 usage.completion_tokens if usage else None,
                                 usage.uncached_tokens if usage else None)
        return Turn(content=answer.content, reasoning=answer.reasoning, tool_calls=calls, call_ids=ids,
                    finish_reason=finish_reason, usage=usage, errors=errors,
                    timings=Timings(request_start=started, **timings))


def _usage(usage: Any) -> Usage | None:
    if usage is None:
        return None
    details = getattr(usage, "prompt_tokens_details", None)
    return Usage(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                 cached_tokens=getattr(details, "cached_tokens", None))


def _ignore(event: Any) -> None:
    pass
