"""Fitting a history into a budget (agentkit/client/context.py) and the memory file (memory.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentkit.client.context import (CUT_MARK, SUMMARY_HEADER, message_tokens, summarise_old_turns, trim_text,
                                     trim_tool_results)
from agentkit.client.local_model import LocalModel
from agentkit.client.memory import MEMORY_HEADER, Memory, MemoryFileError
from agentkit.tools import example_tools

TOY_DENSE = Path(__file__).resolve().parent.parent / "fixtures" / "models" / "toy-dense"
LONG = "".join(f"line {i:03d}\n" for i in range(200))


def conversation() -> list[dict]:
    call = {"id": "c1", "type": "function", "function": {"name": "read_file", "arguments": '{"path": "log.txt"}'}}
    return [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "What does log.txt say?"},
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": LONG},
        {"role": "assistant", "content": "It lists 200 lines."},
        {"role": "user", "content": "What's the weather in Paris?"},
    ]


def test_trim_text_keeps_start_and_end_and_says_how_much_was_cut():
    cut = trim_text(LONG, 90)
    assert cut.startswith("line 000") and cut.endswith("line 199\n")
    assert CUT_MARK.format(n=len(LONG) - 90) in cut
    assert trim_text("short", 90) == "short"


def test_trim_tool_results_leaves_other_messages_and_the_input_alone():
    messages = conversation()
    trimmed = trim_tool_results(messages, 100)
    assert messages[3]["content"] == LONG  # the input is not changed
    assert len(trimmed[3]["content"]) < 150 and trimmed[3]["tool_call_id"] == "c1"
    assert [m for i, m in enumerate(trimmed) if i != 3] == [m for i, m in enumerate(messages) if i != 3]
    assert trim_tool_results(messages, 100, keep_last=1)[3]["content"] == LONG


def test_summarise_keeps_the_system_message_and_the_last_questions():
    messages = conversation()
    short = summarise_old_turns(messages, keep_last_questions=1)
    assert short[0] == messages[0] and short[-1] == messages[-1] and len(short) == 3
    summary = short[1]["content"]
    assert short[1]["role"] == "user" and summary.startswith(SUMMARY_HEADER)
    assert "- asked: What does log.txt say?" in summary
    assert "- read_file returned: line 000" in summary and "characters cut" in summary
    assert "- answered: It lists 200 lines." in summary
    assert summarise_old_turns(messages, keep_last_questions=2) == messages


@pytest.mark.skipif(not (TOY_DENSE / "tokenizer.json").is_file(), reason="toy-dense is not in fixtures/models")
def test_message_costs_add_up_to_the_rendered_prompt():
    local = LocalModel.at(TOY_DENSE)
    tools = example_tools(".").schemas()
    messages = conversation()
    costs = message_tokens(local, messages, tools, preserve_thinking=True)
    whole = local.count_tokens(local.render(messages, tools, preserve_thinking=True))
    assert sum(c.tokens for c in costs) == whole
    # The template renders no prefix without a user message: the system message counts with the first.
    assert [c.role for c in costs] == ["system+user", "assistant", "tool", "assistant", "user", "generation"]
    # The tool schemas are rendered into the system prompt: counting its content alone undercounts.
    assert costs[0].tokens > local.count_tokens("You are helpful. What does log.txt say?") + 100
    assert costs[2].tokens > costs[1].tokens * 10  # the long tool result dominates


def test_memory_round_trip_and_bound(tmp_path: Path):
    path = tmp_path / "memory.json"
    memory = Memory.load(path)
    assert memory.opening_message() is None
    memory.max_notes = 2
    for note in ("first", "second", "third"):
        memory.remember(note)
    memory.save(path)
    again = Memory.load(path)
    assert again.notes == ["second", "third"]
    assert again.opening_message() == {"role": "user", "content": f"{MEMORY_HEADER}\n- second\n- third"}


def test_a_file_that_is_not_a_memory_says_what_to_do(tmp_path: Path):
    path = tmp_path / "memory.json"
    path.write_text(json.dumps({"notes": "not a list"}))
    with pytest.raises(MemoryFileError, match="delete it"):
        Memory.load(path)
