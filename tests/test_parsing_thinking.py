"""Thinking rules: where reasoning starts and ends, calls inside it, trimming."""

from agentkit.parsing import StreamParser, render_tool_call_hermes

CALL = render_tool_call_hermes("get_weather", {"city": "Seoul"})
from parsing_checks import codes, parse


def test_prompt_opened_think_starts_in_reasoning():
    turn = parse("Plan it.\n</think>\n\nThe answer.", prompt_opened_think=True)
    assert turn.reasoning == "Plan it."
    assert turn.content == "The answer."
    assert turn.warnings == []


def test_think_block_in_output_is_split_off():
    turn = parse("<think>\nPlan it.\n</think>\n\nThe answer.")
    assert (turn.reasoning, turn.content) == ("Plan it.", "The answer.")


def test_no_think_block_means_no_reasoning():
    turn = parse("Just an answer.")
    assert turn.reasoning is None
    assert turn.content == "Just an answer."


def test_empty_think_block_gives_empty_reasoning_not_none():
    turn = parse("<think>\n\n</think>\n\nHi")
    assert turn.reasoning == ""
    assert turn.content == "Hi"


def test_redundant_think_tag_when_prompt_already_opened_it():
    turn = parse("<think>\nPlan.\n</think>\nOK", prompt_opened_think=True)
    assert turn.reasoning == "Plan."
    assert turn.content == "OK"


def test_think_tag_mentioned_later_in_reasoning_is_text():
    turn = parse("I should not write <think> twice.</think>OK", prompt_opened_think=True)
    assert turn.reasoning == "I should not write <think> twice."


def test_stray_close_think_is_dropped_with_a_warning():
    turn = parse("Plan.\n</think>\n\nAnswer")
    assert turn.content == "Plan.\n\n\nAnswer"
    assert codes(turn.warnings) == ["stray_close_tag"]
    assert turn.warnings[0].position == 6


def test_call_inside_closed_think_stays_reasoning_and_warns():
    text = f"Maybe:\n{CALL}\nNo, I know it.\n</think>\n\nIt is sunny."
    turn = parse(text, prompt_opened_think=True)
    assert turn.tool_calls == []
    assert turn.reasoning == f"Maybe:\n{CALL}\nNo, I know it."
    assert turn.content == "It is sunny."
    assert codes(turn.warnings) == ["call_in_reasoning"]
    assert turn.warnings[0].position == text.index("<tool_call>")
    assert "get_weather" in turn.warnings[0].message


def test_each_planned_call_gets_its_own_warning():
    text = f"<think>{CALL}\n{CALL}</think>done"
    turn = parse(text)
    assert codes(turn.warnings) == ["call_in_reasoning", "call_in_reasoning"]
    assert turn.content == "done"


def test_call_in_unclosed_think_ends_reasoning_and_counts():
    text = f"I need the weather.\n\n{CALL}"
    turn = parse(text, prompt_opened_think=True)
    assert turn.reasoning == "I need the weather."
    assert [c.name for c in turn.tool_calls] == ["get_weather"]
    assert turn.tool_calls[0].raw == CALL
    assert codes(turn.warnings) == ["missing_close_tag"]
    assert "</think>" in turn.warnings[0].message


def test_text_after_call_in_unclosed_think_is_content():
    turn = parse(f"Plan.\n{CALL}\nDone.", prompt_opened_think=True)
    assert turn.reasoning == "Plan."
    assert turn.content == "Done."
    assert len(turn.tool_calls) == 1


def test_stream_holds_back_a_call_in_reasoning_until_it_knows():
    parser = StreamParser(prompt_opened_think=True)
    events = parser.feed(f"Plan.\n{CALL}\nmore")
    assert [type(e).__name__ for e in events] == ["ReasoningDelta"]
    closing = parser.feed("</think>Answer")
    assert [type(e).__name__ for e in closing] == ["IssueEvent", "ReasoningDelta", "ContentDelta"]


def test_output_cut_inside_think_is_all_reasoning_with_warning():
    turn = parse("Still thinking about", prompt_opened_think=True)
    assert turn.reasoning == "Still thinking about"
    assert turn.content == ""
    assert codes(turn.warnings) == ["missing_close_tag"]


def test_content_is_trimmed_around_markup_but_inner_whitespace_kept():
    turn = parse(f"<think>\n\n  a\n\n b  \n</think>\n\n Line one.\n\n Line two. \n\n{CALL}\n")
    assert turn.reasoning == "a\n\n b"
    assert turn.content == "Line one.\n\n Line two."


def test_deltas_add_up_to_the_trimmed_text():
    text = "<think>\n r1 \n</think>\n\n c1 \n" + CALL + "\n c2 \n"
    parser = StreamParser()
    events = [e for chunk in text for e in parser.feed(chunk)] + parser.close()
    turn = parser.finish()
    content = "".join(e.text for e in events if type(e).__name__ == "ContentDelta")
    reasoning = "".join(e.text for e in events if type(e).__name__ == "ReasoningDelta")
    assert (content, reasoning) == (turn.content, turn.reasoning) == ("c1 \n\n c2", "r1")
