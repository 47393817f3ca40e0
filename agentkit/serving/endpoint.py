"""Where the model lives: a server the kit starts, or one that is already running.

Every lesson, example and command takes the same two flags:

    --model toy-dense                    (default) start mlx_lm.server on a toy model
    --model unsloth/Qwen3.6-27B-UD-MLX-6bit   start it on a real model (Mac, weights cached)
    --url http://127.0.0.1:8080/v1       use a server you started yourself (any
                                         OpenAI-compatible one: mlx_lm, LM Studio, Ollama...)

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


@contextlib.contextmanager
def open_endpoint(model: str = DEFAULT_MODEL, url: str | None = None, template: str | None = None,
                  api_key: str = "not-needed", ready_timeout: float = 120.0) -> Iterator[Endpoint]:
    """Yield an Endpoint; start (and later stop) mlx_lm.server unless `url` is given."""
    if url:
        model_id = model if model != DEFAULT_MODEL else _first_model_id(url, api_key) or model
        yield Endpoint(base_url=url.rstrip("/"), model_id=model_id, api_key=api_key, label=model_id,
                       model_dir=model_directory(model_id, holding="tokenizer.json"), template=template)
        return
    from agentkit.serving.server import ManagedServer

    with ManagedServer(model, template=template, ready_timeout=ready_timeout) as server:
        yield Endpoint(base_url=server.base_url, model_id=server.model_id, label=model,
                       log_path=str(server.log_path), model_dir=server.model_dir, template=template)


def endpoint_from_args(args: argparse.Namespace) -> contextlib.AbstractContextManager[Endpoint]:
    return open_endpoint(args.model, args.url, args.template, args.api_key)


def _first_model_id(url: str, api_key: str) -> str | None:
    # With --url and no --model, send the first model the server lists.
    try:
        req = urllib.request.Request(url.rstrip("/") + "/models", headers={"Authorization": f"Bearer {api_key}"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            data = json.loads(resp.read() or b"{}").get("data") or []
        return data[0]["id"] if data else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None  # not an OpenAI-style list (e.g. a body of `[]`): fall back to --model
