"""`AgentConfig`: every setting of the three agents, passed in and recorded in the trace.

One object rather than keyword arguments spread over three functions: the
command line builds it, the trace stores it whole in `run_start`, and a
lesson can show every knob in one place. Nothing is read from globals.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from agentkit.trace.turn import ParserMode


class AgentConfig(BaseModel):
    """Settings for ReAct, Reflection and Plan-and-Execute (each uses the ones that concern it)."""

    thinking: bool = False
    """Ask for reasoning (`enable_thinking`) on every request; the same value for all of a run's calls."""
    parser: ParserMode = "server"
    """Who splits the output: mlx_lm.server (`server`) or the kit's own parser (`raw`)."""
    max_tokens: int = Field(default=1024, ge=1)
    """Tokens the model may generate per request."""
    temperature: float = Field(default=0.0, ge=0.0)
    """Sampling temperature; 0 makes runs repeatable."""
    tool_timeout: float = Field(default=10.0, gt=0)
    """Seconds a tool may run before its call is reported as timed out."""

    max_steps: int = Field(default=8, ge=1)
    """ReAct: model requests per run before the run stops (`MaxStepsError`)."""
    max_repeats: int = Field(default=2, ge=1)
    """ReAct: runs of one call with the same arguments before the model is told to stop; one more stops the run."""
    max_format_retries: int = Field(default=2, ge=0)
    """ReAct: malformed or unknown tool calls answered with the fix; one more stops the run."""
    context_budget: int | None = Field(default=32_000, ge=1)
    """Prompt tokens one request may use (from the server's usage); None turns the guard off."""

    max_rounds: int = Field(default=2, ge=1)
    """Reflection: critique rounds; each `revise` verdict costs one rewrite."""
    replan: bool = True
    """Plan-and-Execute: ask the planner to revise the remaining steps after each step."""
    max_plan_steps: int = Field(default=6, ge=1)
    """Plan-and-Execute: steps run before the run stops, replanned ones included."""
