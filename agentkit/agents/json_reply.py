"""Structured replies: JSON the loop can act on without matching strings.

The critic and the planner answer with a JSON object, validated by a pydantic
model, so the loop decides on `critique.verdict == "pass"` and iterates over
`plan.steps`. Models wrap JSON in code fences or add a sentence around it;
`parse_json_reply` takes the first JSON object in the text and ignores the
rest. When there is none, or it has the wrong shape, `InvalidReply` carries a
message for the model, and `ask_json` asks once more with it.
"""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from agentkit.agents.model_call import AgentModel
from agentkit.client import History
from agentkit.prompts import render_prompt
from agentkit.trace.events import ErrorEvent, GuardEvent, Purpose

Reply = TypeVar("Reply", bound=BaseModel)


class InvalidReply(Exception):
    """The reply holds no JSON object of the expected shape; `message` says why, for the model."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_json_reply(text: str, shape: type[Reply]) -> Reply:
    """The first JSON object in `text`, validated as `shape` (fences and surrounding prose ignored)."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
            continue
        except ValueError:  # a JSON number of more than 4300 digits, which Python refuses
            raise InvalidReply("Your JSON object holds a number with too many digits to decode. "
                               "Reply with one JSON object of the expected fields.") from None
        except RecursionError:
            raise InvalidReply("Your JSON object is nested too deeply to decode. "
                               "Reply with one JSON object of the expected fields.") from None
        try:
            return shape.model_validate(value)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'the object'}: {e['msg']}"
                                 for e in error.errors())
            raise InvalidReply(f"Your JSON object does not have the expected fields ({problems}).") from None
    raise InvalidReply("Your reply does not contain a JSON object.")


def ask_json(model: AgentModel, history: History, shape: type[Reply], purpose: Purpose) -> Reply | None:
    """Ask for a JSON reply; on a bad one, ask once more with the problem; None if that fails too.

    A second failure is recorded as an `error` event: the caller decides whether
    the run can go on without this reply (Reflection keeps its draft) or not.
    """
    for attempt in (1, 2):
        turn = model.ask(history, purpose)
        try:
            return parse_json_reply(turn.content, shape)
        except InvalidReply as invalid:
            if attempt == 2:
                model.tracer.emit(ErrorEvent(kind="InvalidReply", message=f"{purpose}: {invalid.message}",
                                             fix="a model too small for structured replies: try thinking on "
                                             "or a larger model"))
                return None
            retry = render_prompt("guard_invalid_json", problem=invalid.message)
            model.tracer.emit(GuardEvent(guard="invalid_json", action="told_model", detail=invalid.message,
                                         message=retry))
            history.add_assistant(turn)
            history.add_user(retry)
    return None
