"""The long-conversation family: several requests, one after another, in one chat.

Every other family starts a fresh conversation, so a toy trained on them alone
has never seen a question that follows three earlier ones, nor a prompt past
its longest training sample (about 1,000 tokens). The multiturn bench and the
chat app are exactly that: a retrained toy answered "It is 11°C and rainy in
Tokyo." for Berlin at round 6, copying the city of an earlier answer, and wrote
a stray `</think>` with thinking off at round 9. A session chains two to six
requests of the weather, arithmetic and unit families (the tools those need
stay offered all along), so each answer must come from the latest request and
its own tool results, however much came before.
"""

from __future__ import annotations

from agentkit.toy.scenarios import REACT_FAMILIES

SESSION_FAMILIES = ("weather_single", "weather_parallel", "calculator", "convert", "weather_then_convert",
                    "weather_then_calculate", "recover_tool_error", "no_tool", "follow_up")
"""Families a session draws its requests from: none seeds files, so one world serves them all."""

SESSION_TOOLS = tuple(dict.fromkeys(tool for name in SESSION_FAMILIES for tool in REACT_FAMILIES[name][2]))
"""Every tool those families need, offered from the first request on."""


def session(s, pools, world, rng):
    """Two to six requests in one conversation; the transcript's gold steps are the last request's."""
    weights = [REACT_FAMILIES[name][1] for name in SESSION_FAMILIES]
    transcript = None
    for _ in range(rng.randint(2, 6)):
        name = rng.choices(SESSION_FAMILIES, weights)[0]
        transcript = REACT_FAMILIES[name][0](s, pools, world, rng)
    return transcript
