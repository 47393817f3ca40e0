"""Where the model lives: a server the kit starts, or one that is already running.

Every lesson, example and command takes the same two flags:

    --model toy-dense                    (default) start mlx_lm.server on a toy model
    --model unsloth/Qwen3.6-27B-UD-MLX-6bit   start it on a real model (Mac, weights cached)
    --url http://127.0.0.1:8080/v1       use a server you started yourself (any
                                         OpenAI-compatible one: mlx_lm, LM Studio, Ollama...)
    --hosts 127.0.0.1,127.0.0.1          serve the model split across ranks (`agentkit.serving.hosts`)
    --request-timeout 600                seconds one request may take in all

`open_endpoint` turns them into an `Endpoint` (base URL + model id, and what
the kit resolved: the model's directory on this machine and the chat template
the server renders with) and stops the server again at the end when the kit
started it. The client reads the directory and template from the endpoint, so
nobody looks them up again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from agentkit.cli_types import base_url
from agentkit.errors import ModelNotServedError
from agentkit.serving.hosts import Hosts, add_hosts_arguments, hosts_from_args
from agentkit.serving.models import model_directory

DEFAULT_MODEL = "toy-dense"


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible server and the model name to send to it."""

    base_url: str
    model_id: str
    api_key: str = "not-needed"
    label: str = ""
    log_path: str | None = None
    model_dir: Path | None = None
    """The model's files on this machine (tokenizer, template, config); None for a remote model."""
    template: str | None = None
    """The chat template the server renders with (a kit name or a .jinja path); None: the model's own."""
    request_timeout: float | None = None
    """Seconds one request may take in all (`--request-timeout`); None: the client's default."""
    server: object | None = None
    """The `ManagedServer` behind it when the kit started one (ask it `died()`); None for --url."""

    def openai(self, timeout: float = 120.0):
        """An `openai.OpenAI` client for this endpoint (no retries: errors should surface)."""
        from openai import OpenAI

        return OpenAI(base_url=self.base_url, api_key=self.api_key, timeout=timeout, max_retries=0)


def add_endpoint_arguments(parser: argparse.ArgumentParser, default_model: str = DEFAULT_MODEL) -> None:
    parser.add_argument("--model", default=default_model,
                        help="toy name, model directory or Hugging Face id to serve (default: %(default)s)")
    parser.add_argument("--url", type=base_url, default=None,
                        help="base URL of a server that is already running (then --model is the model id to send)")
    parser.add_argument("--template", default=None, help="chat template to serve with: qwen3.6 or hermes")
    parser.add_argument("--api-key", default="not-needed", help="API key for --url servers that need one")
    add_request_timeout_argument(parser)
    add_hosts_arguments(parser)


def add_request_timeout_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--request-timeout", type=_positive_seconds, default=None, metavar="SECONDS",
                        help="seconds one model request may take in all, however the server keeps the "
                        "connection alive (default: 600)")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text}")
    return value


@contextlib.contextmanager
def open_endpoint(model: str = DEFAULT_MODEL, url: str | None = None, template: str | None = None,
                  api_key: str = "not-needed", ready_timeout: float = 120.0, *, hosts: Hosts | None = None,
                  request_timeout: float | None = None, model_given: bool | None = None) -> Iterator[Endpoint]:
    """Yield an Endpoint; start (and later stop) mlx_lm.server unless `url` is given.

    With `url`, the model id sent is the one the server serves: `model` when
    the person named it (`model_given`, by default: it is not the default
    toy), checked against the server's list, else the model the server reports.
    """
    if url:
        named = model_given if model_given is not None else model != DEFAULT_MODEL
        model_id = served_model_id(url, api_key, model if named else None, fallback=model)
        yield Endpoint(base_url=url.rstrip("/"), model_id=model_id, api_key=api_key, label=model_id,
                       model_dir=model_directory(model_id, holding="tokenizer.json"), template=template,
                       request_timeout=request_timeout)
        return
    from agentkit.serving.server import ManagedServer

    with ManagedServer(model, template=template, ready_timeout=ready_timeout, hosts=hosts) as server:
        yield Endpoint(base_url=server.base_url, model_id=server.model_id, label=model,
                       log_path=str(server.log_path), model_dir=server.model_dir, template=template,
                       request_timeout=request_timeout, server=server)


def endpoint_from_args(args: argparse.Namespace) -> contextlib.AbstractContextManager[Endpoint]:
    return open_endpoint(args.model, args.url, args.template, args.api_key, hosts=hosts_from_args(args),
                         request_timeout=getattr(args, "request_timeout", None))


def served_model_id(url: str, api_key: str, wanted: str | None, fallback: str = DEFAULT_MODEL) -> str:
    """The model id to send to the server at `url`: `wanted` if it serves it, else the one it reports.

    Fails at once, before any run, when the server cannot serve `wanted`:
    mlx_lm.server would otherwise try to download a model by that name.
    """
    listed = _listed_models(url, api_key)
    if listed is None:
        # Unreachable, or a server that does not say: the first request tells which, with its fix.
        return wanted or fallback
    if wanted is not None and wanted in listed:
        return wanted
    if wanted is None and listed:
        # mlx_lm.server lists the model it was started with last, by its absolute
        # path (the HF cache's models come first); other servers list theirs first.
        paths = [model for model in listed if model.startswith("/")]
        return paths[-1] if paths else listed[0]
    shown = ", ".join(listed[:8]) or "none"
    raise ModelNotServedError(
        f"The server at {url} does not serve {wanted!r}; it lists: {shown}." if wanted
        else f"The server at {url} lists no model.",
        fix="pass one of the listed ids as the model (--model ID, or --dense/--moe in compare), "
        "or leave the URL out to let the kit start a server for the model")


def _listed_models(url: str, api_key: str) -> list[str] | None:
    try:
        req = urllib.request.Request(url.rstrip("/") + "/models", headers={"Authorization": f"Bearer {api_key}"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            data = json.loads(resp.read() or b"{}").get("data")
        return [item["id"] for item in data] if isinstance(data, list) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
