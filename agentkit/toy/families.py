"""Every scenario family the corpus draws from, with its weight and the tools it needs.

The ReAct families (`scenarios`) come first, then the Reflection and
Plan-and-Execute ones (`agent_scenarios`, which build their drafts from the
ReAct families), then long conversations (`sessions`, chained ReAct
requests). The registry is written out here, once, rather than filled in as
a side effect of importing any of those modules. Its order and weights are
part of the corpus: changing either changes what a seed draws.
"""

from __future__ import annotations

from agentkit.toy.agent_scenarios import plan_execute, reflection_critique
from agentkit.toy.scenarios import REACT_FAMILIES, Scenario
from agentkit.toy.sessions import SESSION_TOOLS, session

FAMILIES: dict[str, tuple[Scenario, float, tuple[str, ...]]] = {
    **REACT_FAMILIES,
    "reflection": (reflection_critique, 5, ()),
    "plan_execute": (plan_execute, 2.5, ()),
    "session": (session, 4, SESSION_TOOLS),
}
"""Family name -> (the function that plays it, its weight in the corpus, the tools it needs)."""


def describe_families() -> str:
    """One line per family, for the model card."""
    return "\n".join(f"- `{name}` (weight {w}): tools {', '.join(t) or 'none'}"
                     for name, (_, w, t) in FAMILIES.items())
