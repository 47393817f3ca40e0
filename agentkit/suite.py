"""Task suites: the tasks a comparison runs, as JSON files validated by pydantic.

A suite lives in `fixtures/suites/NAME.json`. Each task says what to ask,
which of the kit's example tools the model may use, which files the
workspace holds before the task starts, and how to check the outcome: the
expected tool calls per model turn and strings the final answer must contain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from agentkit.errors import AgentkitError

SUITES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "suites"


class ExpectedCall(BaseModel):
    """A tool call a correct agent makes."""

    name: str = Field(description="Tool name.")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Arguments it passes.")


class Task(BaseModel):
    """One task of a suite."""

    id: str = Field(description="Short unique name, used in reports.")
    prompt: str = Field(description="The user message.")
    tools: list[str] = Field(description="Names of the example tools offered to the model.")
    thinking: bool = Field(default=False, description="Whether to ask for reasoning (enable_thinking).")
    files: dict[str, str] = Field(default_factory=dict, description="Workspace files before the task (path -> text).")
    expect_calls: list[list[ExpectedCall]] = Field(default_factory=list, description="Expected calls per model turn.")
    expect_answer: list[str] = Field(default_factory=list, description="Strings the final answer must contain.")


class Suite(BaseModel):
    """A named list of tasks."""

    name: str = Field(description="Suite name.")
    description: str = Field(default="", description="What the suite covers.")
    tasks: list[Task] = Field(description="The tasks, run in order.")


class SuiteError(AgentkitError):
    """A suite file is missing or malformed."""


def load_suite(name_or_path: str) -> Suite:
    """Load a suite by name (fixtures/suites/NAME.json) or from a JSON file path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SUITES_DIR / f"{name_or_path}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SUITES_DIR.glob("*.json"))) or "none"
        raise SuiteError(f"No suite at {path}.", fix=f"use one of: {known}, or pass a path to a suite JSON file")
    try:
        return Suite.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise SuiteError(f"Suite {path} is not valid: {exc}",
                         fix="compare it with fixtures/suites/default.json") from exc
