"""What the client can know about the served model from its files on this machine.

The server keeps the prompt and the generated tokens to itself. With the
model's directory at hand the client can rebuild them: render the exact prompt
with the model's chat template (`agentkit.serving.chat_template`), count its tokens with
the model's own tokenizer, check it against the context window before sending,
and decode generated token ids back into the exact text (raw mode).

An `Endpoint` carries the model's directory when the kit found it;
`LocalModel.find(model_id)` asks `agentkit.serving.models.model_directory`
for the others: a directory (ManagedServer sends the absolute path as the
model id), a toy model name, or a Hugging Face id already in the local cache.
It returns None for anything else (a remote server's model); the client then
does without.
The tokenizer is the `tokenizers` library's, which reads `tokenizer.json`
directly and loads in milliseconds; transformers and mlx are not imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from agentkit.errors import ContextTooLongError
from agentkit.parsing.tags import FUNCTION_OPEN, THINK_OPEN
from agentkit.serving.chat_template import load_chat_template, render_chat, special_tokens
from agentkit.serving.models import model_directory


@dataclass
class LocalModel:
    """A model directory: its chat template, tokenizer, stop tokens and context size."""

    directory: Path
    template_spec: str | None = None
    """A kit template name or .jinja path that overrides the directory's template."""
    _tokenizer: Any = field(default=None, repr=False)

    @classmethod
    def find(cls, model_id: str, template: str | None = None) -> LocalModel | None:
        """The model behind `model_id` when its files are on this machine, else None."""
        return cls.at(model_directory(model_id, holding="tokenizer.json"), template)

    @classmethod
    def at(cls, directory: Path | None, template: str | None = None) -> LocalModel | None:
        """The model in `directory` (what an `Endpoint` found), or None when it has no tokenizer.json."""
        if directory is None or not (directory / "tokenizer.json").is_file():
            return None
        return cls(directory=directory, template_spec=template)

    @cached_property
    def template(self) -> str:
        """The chat template text the server renders prompts with."""
        return load_chat_template(self.template_spec or self.directory)

    @property
    def tokenizer(self):
        """The model's `tokenizers.Tokenizer`, loaded on first use."""
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
        return self._tokenizer

    @cached_property
    def dialect(self) -> Literal["hermes", "xml"]:
        """The tool-call format the template teaches (mlx_lm picks its parser the same way)."""
        return "xml" if FUNCTION_OPEN in self.template else "hermes"

    @cached_property
    def context_length(self) -> int | None:
        """The context window from config.json (`max_position_embeddings`), if it says."""
        config = _read_json(self.directory / "config.json")
        # Multimodal Qwen3.5/3.6 checkpoints keep the language model's sizes in text_config.
        for section in (config, config.get("text_config") or {}):
            value = section.get("max_position_embeddings")
            if isinstance(value, int):
                return value
        return None

    @cached_property
    def eos_ids(self) -> frozenset[int]:
        """Token ids that end generation: from config, generation_config and the tokenizer."""
        ids: set[int] = set()
        for name in ("config.json", "generation_config.json"):
            value = _read_json(self.directory / name).get("eos_token_id")
            ids.update(value if isinstance(value, list) else [value] if isinstance(value, int) else [])
        eos_token = special_tokens(self.directory).get("eos_token")
        if eos_token is not None and self.tokenizer.token_to_id(eos_token) is not None:
            ids.add(self.tokenizer.token_to_id(eos_token))
        return frozenset(ids)

    def render(self, messages: list[dict], tools: list[dict] | None = None, **template_kwargs: Any) -> str:
        """The exact prompt string the server builds for these messages."""
        kwargs = {**special_tokens(self.template_spec or self.directory), **template_kwargs}
        # mlx_lm passes enable_thinking=True itself when the vocabulary has
        # <think> and the request does not say; render what it renders.
        if "enable_thinking" not in kwargs and self.tokenizer.token_to_id(THINK_OPEN) is not None:
            kwargs["enable_thinking"] = True
        return render_chat(self.template, messages, tools, **kwargs)

    def count_tokens(self, text: str) -> int:
        """How many tokens `text` is for this model (no special tokens added)."""
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def check_fits(self, prompt: str, max_tokens: int) -> None:
        """Raise `ContextTooLongError` when the prompt plus `max_tokens` exceed the context window."""
        context = self.context_length
        if context is None:
            return
        prompt_tokens = self.count_tokens(prompt)
        if prompt_tokens + max_tokens > context:
            raise ContextTooLongError(
                f"The prompt is {prompt_tokens} tokens and max_tokens is {max_tokens}: "
                f"{prompt_tokens + max_tokens} tokens do not fit the model's context of {context}.",
                fix="shorten the conversation (drop or summarize old turns or long tool results), "
                "or lower max_tokens",
            )

    def decode(self, token_ids: list[int]) -> str:
        """The exact text of `token_ids`, special tokens written out."""
        return self.tokenizer.decode(token_ids, skip_special_tokens=False)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
