"""Which model to serve: a toy name, a local directory, or a Hugging Face id.

`resolve_model("toy-dense")` turns what a person typed into a `ModelRef`, the
one thing `ManagedServer` needs to start `mlx_lm.server`. Local directories are
checked for the files mlx_lm needs before any process starts, so a missing
tokenizer is reported in one line instead of a stack trace from a subprocess.
Hugging Face ids are passed through untouched: mlx_lm finds them in its cache
or downloads them, and nothing the toy models need may get in the way of that.

`model_directory` is the one answer to "where are this model's files on this
machine"; the server, the client (`LocalModel`), the chat templates and
`agentkit fit` all ask it, and an `Endpoint` carries what it found.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from agentkit.errors import IncompleteModelError, ModelNotFoundError

TOY_MODELS = ("toy-dense", "toy-moe", "toy-attn")

# `org/name` with the characters the Hub allows; one slash, nothing path-like.
_HF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")

_RETRAIN = "run `agentkit toy train` to rebuild the toy models"


class ModelRef(BaseModel):
    """A model that `mlx_lm.server --model` can load."""

    spec: str
    """What the person asked for, e.g. `toy-dense` or `unsloth/Qwen3.6-27B-UD-MLX-6bit`."""
    kind: Literal["toy", "local", "hf"]
    """Where it comes from: a kit toy model, a local directory, or the Hugging Face Hub."""
    path: Path | None = None
    """Absolute model directory for `toy` and `local`; None for a Hub id."""

    @property
    def server_arg(self) -> str:
        """The value for `--model`; also the id mlx_lm.server expects in requests."""
        # The server lists a local model under its resolved absolute path and
        # reloads the weights if a request names it differently, so always
        # hand it the absolute path.
        return str(self.path) if self.path is not None else self.spec


def models_dir() -> Path:
    """The folder holding the toy models: `$AGENTKIT_MODELS_DIR` or the repo's fixtures/models."""
    override = os.environ.get("AGENTKIT_MODELS_DIR")
    if override:
        return Path(override).expanduser().resolve()
    # agentkit/serving/models.py -> repository root -> fixtures/models (works from
    # a clone or an editable install; a wheel install needs the env var).
    return Path(__file__).resolve().parents[2] / "fixtures" / "models"


def model_directory(spec: str | Path, holding: str | tuple[str, ...] = "config.json") -> Path | None:
    """Where model `spec`'s files are on this machine, or None when they are not here.

    `spec` is a toy name, a model directory, or a Hugging Face id; an id is
    looked up in the local Hugging Face cache only, never on the network.
    `holding` names the file(s) the caller needs (any one of them will do): a
    directory without them is not the answer, and in the cache each file is
    found on its own (a download may have fetched only config.json).
    """
    wanted = (holding,) if isinstance(holding, str) else holding
    text = str(spec)
    if text in TOY_MODELS:
        candidates = [models_dir() / text]
    elif Path(text).expanduser().is_dir():
        candidates = [Path(text).expanduser()]
    elif _HF_ID.match(text) and not Path(text).expanduser().exists():
        candidates = _cached_snapshots(text, wanted)
    else:
        candidates = []
    return next((directory for directory in candidates
                 if any((directory / name).is_file() for name in wanted)), None)


def _cached_snapshots(repo_id: str, files: tuple[str, ...]) -> list[Path]:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return []
    found = (try_to_load_from_cache(repo_id, name) for name in files)
    return [Path(path).parent for path in found if isinstance(path, str)]


def missing_model_files(directory: Path, *, need_chat_template: bool = True) -> list[str]:
    """What `directory` lacks to be served by mlx_lm; empty when it is complete."""
    missing = []
    if not (directory / "config.json").is_file():
        missing.append("config.json")
    if not any(directory.glob("*.safetensors")):
        missing.append("weights (*.safetensors)")
    tokenizer_files = ("tokenizer.json", "tokenizer.model", "vocab.json")
    if not any((directory / name).is_file() for name in tokenizer_files):
        missing.append("a tokenizer (tokenizer.json)")
    if need_chat_template and not _has_chat_template(directory):
        missing.append(
            "a chat template (`chat_template` in tokenizer_config.json, or chat_template.jinja)"
        )
    return missing


def _has_chat_template(directory: Path) -> bool:
    if (directory / "chat_template.jinja").is_file():
        return True
    config = directory / "tokenizer_config.json"
    if not config.is_file():
        return False
    try:
        return bool(json.loads(config.read_text()).get("chat_template"))
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return False


def resolve_model(spec: str, *, need_chat_template: bool = True) -> ModelRef:
    """Turn a toy name, a directory or a Hugging Face id into a `ModelRef`.

    `need_chat_template=False` when the caller supplies its own template
    (`--template`), so a directory without one is still servable.
    """
    if spec in TOY_MODELS:
        directory = models_dir() / spec
        if not directory.is_dir():
            raise ModelNotFoundError(
                f"Toy model {spec!r} is not at {directory}.",
                fix=f"{_RETRAIN}, or set AGENTKIT_MODELS_DIR to the folder that holds "
                "toy-dense/, toy-moe/ and toy-attn/.",
            )
        _require_complete(directory, spec, _RETRAIN, need_chat_template)
        return ModelRef(spec=spec, kind="toy", path=directory)

    candidate = Path(spec).expanduser()
    if candidate.is_dir():
        _require_complete(
            candidate,
            spec,
            "add the missing files, or point at a directory made by mlx_lm.convert "
            "or downloaded from Hugging Face",
            need_chat_template,
        )
        return ModelRef(spec=spec, kind="local", path=candidate.resolve())
    if candidate.exists():
        raise ModelNotFoundError(
            f"{spec!r} is a file, not a model directory.",
            fix="pass the directory that holds config.json and the weights",
        )
    if _HF_ID.match(spec):
        return ModelRef(spec=spec, kind="hf")
    raise ModelNotFoundError(
        f"No model {spec!r}: it is not a toy model, an existing directory, "
        "or a Hugging Face id (org/name).",
        fix=f"use one of {', '.join(TOY_MODELS)}, a model directory, "
        "or an id such as unsloth/Qwen3.6-27B-UD-MLX-6bit",
    )


def _require_complete(directory: Path, spec: str, fix: str, need_chat_template: bool) -> None:
    missing = missing_model_files(directory, need_chat_template=need_chat_template)
    if missing and missing[-1].startswith("a chat template"):
        fix += "; or bring your own template with `--template qwen3.6` (ManagedServer(template=...))"
    if missing:
        raise IncompleteModelError(
            f"Model {spec!r} at {directory} is missing: {'; '.join(missing)}.", fix=fix
        )
