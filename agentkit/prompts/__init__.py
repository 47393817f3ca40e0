"""Every prompt the kit's agents send, in one place.

Each prompt is a jinja2 template in this folder, rendered with StrictUndefined
so a missing variable fails loudly instead of sending the model a hole. The
toy models are trained on exactly these texts (see `agentkit/toy/agent_scenarios.py`):
change one and the toy models see something new, so a test pins their hashes.

| template | sent as | used by |
|---|---|---|
| react_system | system message | ReAct, and Plan-and-Execute's step executor |
| guard_repeated_call | user message | ReAct guard: the same call again and again |
| guard_call_in_reasoning | user message | ReAct guard: a call written only inside <think> |
| guard_parse_error | user message | ReAct guard: malformed or unknown tool call |
| guard_invalid_json | user message | Reflection and Plan-and-Execute: a reply that is not the JSON asked for (one retry) |
| reflection_critique_system, reflection_critique | system, user | Reflection: structured critique (JSON) |
| reflection_revise | user message | Reflection: rewrite the draft |
| plan_system, plan_request | system, user | Plan-and-Execute: the planner (JSON) |
| plan_execute_step | user message | Plan-and-Execute: one step, run with ReAct |
| plan_replan | user message | Plan-and-Execute: the remaining steps (JSON) |
| plan_synthesize | user message | Plan-and-Execute: the final answer |
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

PROMPTS_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # keep_trailing_newline=False: prompts end where their text ends.
    return Environment(loader=FileSystemLoader(str(PROMPTS_DIR)), undefined=StrictUndefined,
                       autoescape=False, keep_trailing_newline=False)


def render_prompt(name: str, /, **variables: object) -> str:
    """Render prompt `name` (a file `name.jinja` here) with `variables`; missing ones raise.

    `name` is positional-only, so a template may have a variable called `name` too.
    """
    return _environment().get_template(f"{name}.jinja").render(**variables).strip()


def prompt_names() -> list[str]:
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.jinja"))


def prompts_sha256() -> str:
    """One digest over every prompt file, recorded with the toy models' training data."""
    digest = hashlib.sha256()
    for name in prompt_names():
        digest.update(name.encode() + b"\0" + (PROMPTS_DIR / f"{name}.jinja").read_bytes())
    return digest.hexdigest()
