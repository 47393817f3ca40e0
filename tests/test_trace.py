"""Traces: typed events round-trip through JSONL, one flushed line each; reading and rendering them."""

import io
import re

import pytest
from rich.console import Console

from agentkit.client.scripted import call_turn, text_turn
from agentkit.parsing import ContentDelta
from agentkit.trace import (
    CritiqueEvent, ErrorEvent, FinalAnswer, GuardEvent, ModelCall, PlanEvent, RunEnd, RunStart, StepResultEvent,
    ToolCallEvent, ToolResultEvent, Trace, TraceError, Tracer, TraceWriter, parse_event, read_trace,
)
from agentkit.trace.show import TraceView, model_call_line, show_trace

ALL_EVENTS = [
    RunStart(agent="react", task="Weather in Paris?", model="toy-dense", tools=["get_weather"],
             config={"thinking": False, "parser": "server"}),
    ModelCall(purpose="react", step=1, new_messages=[{"role": "user", "content": "Weather in Paris?"}],
              tools=["get_weather"], turn=call_turn(("get_weather", {"city": "Paris"}), prompt_tokens=120)),
    ToolCallEvent(step=1, call_id="call_1", name="get_weather", arguments={"city": "Paris"}),
    ToolResultEvent(step=1, call_id="call_1", name="get_weather", ok=True, content='{"temperature": 12}'),
    GuardEvent(guard="repeated_call", action="told_model", detail="get_weather x2", message="Do not call it again."),
    CritiqueEvent(round=1, verdict="revise", problems=["The draft says 13."]),
    PlanEvent(source="planner", steps=["Get the weather.", "Convert it."]),
    StepResultEvent(index=1, step="Get the weather.", result="12 °C"),
    ErrorEvent(kind="RequestTimeoutError", message="silent for 120 s", fix="raise the timeout"),
    FinalAnswer(answer="It is 12 °C in Paris."),
    RunEnd(status="ok", model_calls=1, tool_calls=1, wall_s=0.5),
]


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.type)
def test_every_event_round_trips_through_one_json_line(event):
    line = event.model_dump_json()
    assert "\n" not in line
    again = parse_event(line)
    assert type(again) is type(event) and again == event


def test_unknown_event_type_is_rejected():
    with pytest.raises(Exception):
        parse_event('{"type": "telepathy", "at": 0}')


def test_writer_appends_one_line_per_event_and_it_is_on_disk_before_close(tmp_path):
    path = tmp_path / "runs" / "t.jsonl"
    writer = TraceWriter(path)
    writer.write(ALL_EVENTS[0])
    # Read through a separate descriptor while the writer is still open: nothing is buffered.
    assert path.read_text().count("\n") == 1
    for event in ALL_EVENTS[1:]:
        writer.write(event)
    writer.close()
    lines = path.read_text().splitlines()
    assert len(lines) == len(ALL_EVENTS)
    assert [parse_event(line).type for line in lines] == [e.type for e in ALL_EVENTS]
    with pytest.raises(ValueError):
        writer.write(ALL_EVENTS[0])


def test_writer_appends_to_an_existing_trace(tmp_path):
    path = tmp_path / "t.jsonl"
    with TraceWriter(path) as writer:
        writer.write(ALL_EVENTS[0])
    with TraceWriter(path) as writer:
        writer.write(ALL_EVENTS[-1])
    assert [e.type for e in read_trace(path).events] == ["run_start", "run_end"]


def test_tracer_keeps_writes_and_forwards_in_order(tmp_path):
    seen = []
    with TraceWriter(tmp_path / "t.jsonl") as writer:
        tracer = Tracer(writer, on_event=seen.append)
        for event in ALL_EVENTS:
            tracer.emit(event)
    assert tracer.events == ALL_EVENTS == seen
    assert tracer.model_calls == 1 and tracer.tool_calls == 1
    assert read_trace(tmp_path / "t.jsonl").events == ALL_EVENTS


def test_reader_reports_a_cut_last_line_and_rejects_a_bad_middle_line(tmp_path):
    path = tmp_path / "t.jsonl"
    good = [e.model_dump_json() for e in ALL_EVENTS[:3]]
    path.write_text("\n".join(good) + "\n" + good[0][:25])
    trace = read_trace(path)
    assert len(trace.events) == 3 and trace.cut_line == good[0][:25] and trace.end is None
    path.write_text(good[0] + "\n{not json}\n" + good[1] + "\n")
    with pytest.raises(TraceError, match="Line 2"):
        read_trace(path)
    with pytest.raises(TraceError, match="No trace"):
        read_trace(tmp_path / "missing.jsonl")


def test_trace_accessors():
    trace = Trace(events=ALL_EVENTS)
    assert trace.start.task == "Weather in Paris?"
    assert trace.end.status == "ok"
    assert [c.step for c in trace.model_calls()] == [1]


def render(events, live=False) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    view = TraceView(console, live=live)
    for event in events:
        view.event(event)
    return console.file.getvalue()


def test_view_shows_calls_results_guards_and_the_answer():
    out = render(ALL_EVENTS)
    assert "react · toy-dense · thinking off, parser server" in out
    assert '→ get_weather(city="Paris")' in out
    assert '← {"temperature": 12}' in out
    assert "guard repeated_call (told_model)" in out and "Do not call it again." in out
    assert "round 1 verdict: revise" in out and "- The draft says 13." in out
    assert "1. Get the weather." in out and "step 1 done: 12 °C" in out
    assert "error RequestTimeoutError: silent for 120 s" in out and "fix: raise the timeout" in out
    assert "It is 12 °C in Paris." in out
    assert "1 model calls · 1 tool calls" in out
    # The run ends with its verdict, never a bare "ok".
    assert "finished · no problems found" in out and not re.search(r"(?<!\w)ok ·", out)
    # From a file the view prints the user message and the turn's text; live, the stream did.
    assert "user: Weather in Paris?" in out
    assert "user: Weather in Paris?" not in render(ALL_EVENTS, live=True)


def test_model_call_line_has_tokens_cache_and_timings():
    turn = text_turn("hi", prompt_tokens=812)
    turn.usage.cached_tokens = 790
    turn.timings.ttft, turn.timings.decode_tps, turn.timings.total = 0.045, 120.0, 0.42
    line = model_call_line(ModelCall(purpose="react", step=2, new_messages=[], tools=[], turn=turn), 2)
    assert line == "react #2 · prompt 812 tok (790 cached) · 1 tok out · TTFT 45 ms · 120 tok/s · 0.42 s"


def test_requests_are_numbered_by_purpose_across_the_run_not_by_conversation():
    # Reflection asks each critique in a fresh conversation: every critique is step 1 of its own.
    def request(purpose: str, step: int) -> ModelCall:
        return ModelCall(purpose=purpose, step=step, new_messages=[], tools=[], turn=text_turn("x"))

    out = render([ALL_EVENTS[0], request("react", 1), request("react", 2), request("critique", 1),
                  request("revise", 1), request("critique", 1)])
    numbered = re.findall(r"^(\w+ #\d+) ·", out, re.M)
    assert numbered == ["react #1", "react #2", "critique #1", "revise #1", "critique #2"]



def test_a_retried_critique_is_request_two_of_round_one():
    # The critic's first answer was not JSON and was asked again: two critique requests, one round.
    def request(purpose: str) -> ModelCall:
        return ModelCall(purpose=purpose, step=1, new_messages=[], tools=[], turn=text_turn("x"))

    out = render([ALL_EVENTS[0], request("critique"), request("critique"),
                  CritiqueEvent(round=1, verdict="pass", problems=[])])
    assert re.findall(r"^critique #\d+", out, re.M) == ["critique #1", "critique #2"]
    assert "round 1 verdict: pass" in out and "critique 1" not in out

def test_live_view_streams_reasoning_then_content_on_separate_lines():
    from agentkit.parsing import ContentDelta, ReasoningDelta

    console = Console(file=io.StringIO(), width=200, color_system=None)
    view = TraceView(console, live=True)
    for delta in [ReasoningDelta("I will "), ReasoningDelta("answer."), ContentDelta("Hello"), ContentDelta("!")]:
        view.delta(delta)
    view.event(FinalAnswer(answer="Hello!"))
    assert console.file.getvalue().startswith("I will answer.\nHello!\n")


def test_show_trace_warns_about_a_trace_without_run_end(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(e.model_dump_json() + "\n" for e in ALL_EVENTS[:4]))
    console = Console(file=io.StringIO(), width=200, color_system=None)
    trace = show_trace(path, console)
    out = console.file.getvalue()
    assert len(trace.events) == 4
    assert "no run_end" in out and "summary" in out


def test_live_view_folds_a_streamed_line_at_the_console_width():
    # Deltas are printed one by one, so rich cannot wrap them: the view folds them itself.
    from agentkit.parsing import ContentDelta

    console = Console(file=io.StringIO(), width=20, color_system=None)
    view = TraceView(console, live=True)
    for piece in ['{"steps": ["Get the ', 'weather in Paris.", ', '"Add the two."]}', "\nnext line"]:
        view.delta(ContentDelta(piece))
    view.event(FinalAnswer(answer="done"))
    lines = console.file.getvalue().splitlines()
    assert lines[:4] == ['{"steps": ["Get the ', 'weather in Paris.", ', '"Add the two."]}', "next line"]
    assert max(len(line) for line in lines) <= 20


# --- issue 13: hostile text, odd files ---------------------------------------

def _console():
    return Console(file=io.StringIO(), width=80, force_terminal=True, color_system=None)


@pytest.mark.parametrize("sequence", ["\x1b]52;c;cm0gLXJmIH4=\x07", "\x1b]0;pwned\x07", "\x1b[2J", "\x9b2J"])
def test_control_sequences_from_the_model_are_shown_not_obeyed(sequence):
    console = _console()
    view = TraceView(console, live=True)
    view.event(RunStart(agent="react", task=f"task {sequence}", model="toy-dense", tools=[], config={}))
    view.delta(ContentDelta(text=f"streamed {sequence}"))
    view.event(ToolResultEvent(step=1, call_id="c", name="read_file", ok=True, content=f"file {sequence}"))
    view.event(FinalAnswer(answer=f"answer {sequence}"))
    out = console.file.getvalue()
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x9b" not in out
    assert "\\x1b" in out or "\\x9b" in out  # shown, so a person sees something was there


def test_the_trace_keeps_the_raw_text(tmp_path):
    path = tmp_path / "t.jsonl"
    with TraceWriter(path) as writer:
        writer.write(FinalAnswer(answer="a\x1b[2Jb"))
    assert read_trace(path).events[0].answer == "a\x1b[2Jb"


def test_text_that_is_not_utf8_is_written_not_fatal(tmp_path):
    # A file name or a task that is not UTF-8 arrives as lone surrogates (surrogateescape).
    path = tmp_path / "t.jsonl"
    name = b"caf\xe9.txt".decode("utf-8", "surrogateescape")
    with TraceWriter(path) as writer:
        writer.write(RunStart(agent="react", task=f"read {name}", model="m", tools=[], config={}))
        writer.write(ToolResultEvent(step=1, call_id="c", name="list_files", ok=True, content=f'["{name}"]'))
    events = read_trace(path).events
    assert events[0].task == "read caf\\xe9.txt" and "caf\\xe9.txt" in events[1].content


def test_a_workspace_name_that_is_not_utf8_reaches_the_model_readably(tmp_path):
    from agentkit.tools import make_workspace_tools

    os_name = b"caf\xe9.txt"
    (tmp_path / os_name.decode("utf-8", "surrogateescape")).write_text("x")
    list_files = make_workspace_tools(tmp_path)[0]
    result = list_files.run({})
    assert result.ok and "caf\\xe9.txt" in result.content
    result.content.encode("utf-8")  # no lone surrogate left to break a request or a trace


def test_an_empty_trace_is_an_error_that_says_empty(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    with pytest.raises(TraceError, match="is empty"):
        read_trace(path)


def test_a_binary_trace_is_one_clear_error(tmp_path):
    path = tmp_path / "binary.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(TraceError, match="not a text file"):
        read_trace(path)


def test_a_message_without_role_is_shown_not_a_traceback(tmp_path):
    path = tmp_path / "t.jsonl"
    call = ModelCall(purpose="react", step=1, new_messages=[{"content": "no role"}, {"role": "user"}],
                     tools=[], turn=call_turn(("get_weather", {"city": "Paris"})))
    with TraceWriter(path) as writer:
        writer.write(call)
    show_trace(path, _console())


def test_show_clips_a_huge_answer_and_says_so(tmp_path):
    path = tmp_path / "t.jsonl"
    with TraceWriter(path) as writer:
        writer.write(FinalAnswer(answer="word " * 400_000))  # 2 MB: enough to see the cut, fast to test
    console = _console()
    show_trace(path, console)
    out = console.file.getvalue()
    assert "more characters not shown; the trace has them all" in out
    assert len(out) < 100_000


def test_two_runs_in_the_same_second_get_their_own_trace(tmp_path):
    from agentkit.trace.writer import claim_trace_path

    first = claim_trace_path(tmp_path, "20261202-091200-react")
    second = claim_trace_path(tmp_path, "20261202-091200-react")
    assert first != second and first.exists() and second.exists()
    assert second.name == "20261202-091200-react-2.jsonl"


def test_a_stream_cut_mid_answer_keeps_its_partial_text_in_the_trace(tmp_path):
    from agentkit.agents.runner import run_agent
    from agentkit.client.server_errors import interrupted_error
    from agentkit.errors import StreamInterruptedError
    from agentkit.tools import ToolBox

    class BreaksMidAnswer:  # the shape of OpenAIClient's failure: the error carries the Turn so far
        model = "broken"

        def complete(self, messages, tools=None, **options):
            raise interrupted_error("http://127.0.0.1:1/v1", "the connection broke",
                                    text_turn("The weather in Paris is 1"))

    path = tmp_path / "t.jsonl"
    with TraceWriter(path) as writer, pytest.raises(StreamInterruptedError):
        run_agent("react", BreaksMidAnswer(), ToolBox([]), "Weather in Paris?", tracer=Tracer(writer))
    calls = read_trace(path).model_calls()
    assert calls and calls[0].turn.content == "The weather in Paris is 1"
