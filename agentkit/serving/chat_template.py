"""Chat templates: find a model's template and render it exactly as the server will.

A chat model never sees a list of messages: it sees one string, built by the
model's jinja chat template. `mlx_lm.server` builds it with Hugging Face
`transformers` (`tokenizer.apply_chat_template`). `render_chat` rebuilds the same
string locally, byte for byte, without loading a tokenizer, so the kit can show
the exact prompt, count its tokens, and drive a model in raw mode.

Templates come from three places (`load_chat_template`): the kit's own
(`qwen3.6`, `hermes`, written for the toy models), a model directory
(`chat_template.jinja` or `tokenizer_config.json`), or a `.jinja` file.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from agentkit.errors import TemplateNotFoundError
from agentkit.serving.models import model_directory

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates" / "chat"

TEMPLATE_NAMES: tuple[str, ...] = ("qwen3.6", "hermes")
"""The kit's templates: `qwen3.6` (XML tool calls, the default) and `hermes` (JSON tool calls)."""

# The named special tokens transformers passes to every template (as strings).
_SPECIAL_TOKEN_NAMES = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
# Qwen's, for the kit's own templates: no BOS, turns end with <|im_end|>.
_QWEN_SPECIAL_TOKENS = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}

# Where a model directory keeps its template (the first wins, as in transformers).
_TEMPLATE_FILES = ("chat_template.jinja", "tokenizer_config.json")

# Names a message's reasoning travels under. transformers copies the first one it
# finds into `reasoning_content` (what templates read) and `thinking` (gpt-oss).
_REASONING_FIELDS = ("reasoning_content", "thinking", "reasoning")


def template_path(name: str) -> Path:
    """The .jinja file of a kit template name (one of `TEMPLATE_NAMES`)."""
    if name not in TEMPLATE_NAMES:
        raise TemplateNotFoundError(
            f"{name!r} is not one of the kit's chat templates.",
            fix=f"use one of {', '.join(TEMPLATE_NAMES)}, or pass a model directory or a .jinja path",
        )
    return TEMPLATES_DIR / f"{name}.jinja"


def load_chat_template(name_or_path: str | Path) -> str:
    """The text of a chat template: a kit name, a model directory, a .jinja file, or a cached HF id."""
    spec = str(name_or_path)
    if spec in TEMPLATE_NAMES:
        return template_path(spec).read_text(encoding="utf-8")
    path = Path(spec).expanduser()
    if path.is_dir():
        return _template_from_model_dir(path)
    if path.is_file():
        if path.suffix == ".json":
            return _template_from_config(path)
        return path.read_text(encoding="utf-8")
    cached = model_directory(spec, holding=_TEMPLATE_FILES)
    if cached is not None:
        return _template_from_model_dir(cached)
    raise TemplateNotFoundError(
        f"No chat template at {spec!r}: not a kit template name, not a file or directory, "
        "and not a Hugging Face model in the local cache.",
        fix=f"pass one of {', '.join(TEMPLATE_NAMES)}, a model directory, or a .jinja file; "
        "for a Hugging Face id, download the model first (it is cached once mlx_lm.server has loaded it)",
    )


def _template_from_model_dir(directory: Path) -> str:
    # transformers 5 saves the template in its own file; older saves keep it
    # inside tokenizer_config.json. The separate file wins, as in transformers.
    if (directory / "chat_template.jinja").is_file():
        return (directory / "chat_template.jinja").read_text(encoding="utf-8")
    if (directory / "tokenizer_config.json").is_file():
        return _template_from_config(directory / "tokenizer_config.json")
    raise TemplateNotFoundError(
        f"The model directory {directory} has no chat template "
        "(neither chat_template.jinja nor tokenizer_config.json).",
        fix=f"pass a template explicitly: one of {', '.join(TEMPLATE_NAMES)} or a .jinja file",
    )


def _template_from_config(config_file: Path) -> str:
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise TemplateNotFoundError(
            f"{config_file} is not valid JSON ({error}).", fix="repair or re-download the file"
        ) from error
    template = config.get("chat_template") if isinstance(config, dict) else None
    # The list form holds several named templates; like transformers without
    # tools, use the one named "default".
    if isinstance(template, list):
        named = {item.get("name"): item.get("template") for item in template if isinstance(item, dict)}
        if "default" not in named:
            raise TemplateNotFoundError(
                f"{config_file} has several chat templates ({', '.join(map(str, named))}) and none named 'default'.",
                fix="save the one you want to a .jinja file and pass its path",
            )
        template = named["default"]
    if not isinstance(template, str) or not template:
        raise TemplateNotFoundError(
            f"{config_file} has no `chat_template`.",
            fix=f"pass a template explicitly: one of {', '.join(TEMPLATE_NAMES)} or a .jinja file",
        )
    return template


def special_tokens(name_or_path: str | Path) -> dict[str, str]:
    """The special tokens transformers passes to the template (`bos_token`, `eos_token`, ...).

    Pass them on to `render_chat(..., **special_tokens(model))` for templates
    that write them; the kit's own templates do not.
    """
    spec = str(name_or_path)
    if spec in TEMPLATE_NAMES:
        return dict(_QWEN_SPECIAL_TOKENS)
    path = Path(spec).expanduser()
    directory = path.parent if path.is_file() else model_directory(spec, holding=_TEMPLATE_FILES)
    config_file = directory / "tokenizer_config.json" if directory is not None else None
    if config_file is None or not config_file.is_file():
        return {}
    config = json.loads(config_file.read_text(encoding="utf-8"))
    tokens = {}
    for name in _SPECIAL_TOKEN_NAMES:
        token = config.get(name)
        # Saved either as a string or as an AddedToken dict {"content": ...}.
        token = token.get("content") if isinstance(token, dict) else token
        if isinstance(token, str):
            tokens[name] = token
    return tokens


def render_chat(
    template: str,
    messages: list[dict],
    tools: list[dict] | None = None,
    add_generation_prompt: bool = True,
    **template_kwargs: Any,
) -> str:
    """The prompt string `template` makes of `messages`, as transformers' apply_chat_template renders it.

    `template_kwargs` reach the template as variables: `enable_thinking`,
    `preserve_thinking`, and the tokenizer's special tokens (`bos_token`,
    `eos_token`, ...) that transformers passes for templates that use them.
    """
    if not messages:
        raise ValueError("render_chat needs at least one message.")
    # Each step below is one transformers makes before rendering, so that the
    # template sees what it sees under mlx_lm.server.
    # 1. Keys set to None are dropped: the OpenAI SDK sends content=None with tool calls.
    chat = [{key: value for key, value in _plain(message).items() if value is not None} for message in messages]
    # 2. Reasoning under any of its names is also given as reasoning_content.
    chat = [_alias_reasoning(message) for message in chat]
    for tool in tools or []:
        if not isinstance(tool, Mapping):
            raise TypeError(f"Tools must be JSON schemas (dicts), got {type(tool).__name__}: {tool!r}")
    return _compile(template).render(messages=chat, tools=_plain(tools), documents=None,
                                     add_generation_prompt=add_generation_prompt, **_plain(template_kwargs))


def _plain(value: Any) -> Any:
    # Templates get plain JSON-like data: pydantic models and dataclasses become dicts.
    if callable(getattr(value, "model_dump", None)):
        return _plain(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    return value


def _alias_reasoning(message: dict) -> dict:
    reasoning = next((message[key] for key in _REASONING_FIELDS if message.get(key) is not None), None)
    if reasoning is None:
        return message
    return {"thinking": reasoning, **message, "reasoning_content": reasoning}


class _GenerationTag(jinja2.ext.Extension):
    """`{% generation %}...{% endgeneration %}`: transformers marks the assistant's
    tokens with it for training masks; for rendering it just writes its body."""

    tags = {"generation"}

    def parse(self, parser: Any) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render_body"), [], [], body).set_lineno(lineno)

    def _render_body(self, caller: Any) -> str:
        return caller()


class _Namespace(jinja2.utils.Namespace):
    """jinja's `namespace()`, refusing underscore names as transformers does (no reach into internals)."""

    def __init__(*args: Any, **kwargs: Any) -> None:
        self, attrs = args[0], dict(*args[1:], **kwargs)
        for name in attrs:
            _refuse_underscore(name)
        jinja2.utils.Namespace.__init__(self, attrs)

    def __setitem__(self, name: str, value: Any) -> None:
        _refuse_underscore(name)
        jinja2.utils.Namespace.__setitem__(self, name, value)


def _refuse_underscore(name: Any) -> None:
    if isinstance(name, str) and name.startswith("_"):
        raise jinja2.exceptions.SecurityError(f"Chat templates cannot set underscore names on a namespace: {name!r}")


class _TemplateDict:
    """`dict(...)` and `dict.fromkeys(...)` for templates, without handing them the type itself."""

    def __call__(self, *args: Any, **kwargs: Any) -> dict:
        return dict(*args, **kwargs)

    def fromkeys(self, *args: Any, **kwargs: Any) -> dict:
        return dict.fromkeys(*args, **kwargs)


def _raise_exception(message: str) -> None:
    raise jinja2.exceptions.TemplateError(message)


def _tojson(x: Any, ensure_ascii=False, indent=None, separators=None, sort_keys=False) -> str:
    # Not jinja's own `tojson`, which escapes <, > and & for HTML: a prompt
    # must keep "<tools>" as it is.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


@lru_cache(maxsize=32)
def _compile(template: str) -> jinja2.Template:
    # The environment transformers builds: a sandbox (templates from the Hub are
    # untrusted code), trim_blocks/lstrip_blocks so block tags leave no
    # whitespace, break/continue, and the helpers templates call.
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[_GenerationTag, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    env.globals["namespace"] = _Namespace
    env.globals["dict"] = _TemplateDict()
    return env.from_string(template)
