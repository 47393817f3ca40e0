"""`@tool`: turn a typed Python function into something a model can call.

A tool is three things: a schema that tells the model what it may send, a check
that what it sent fits the schema, and a call that never takes the agent down.
Everything that can go wrong on the tool side (bad arguments, an exception, a
hang) comes back as a `ToolResult` with ``ok=False`` and a short message written
for the model, so the agent loop can show it as an observation and carry on.

    @tool
    def add(a: int, b: int) -> int:
        '''Add two integers.

        Args:
            a: The first number.
            b: The second number.
        '''
        return a + b

    add.run({"a": 2, "b": "x"}).content
    # Error: invalid arguments for add: parameter 'b' expects integer, got "x".
    # Call it as add(a: integer, b: integer).
"""

import json
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from pydantic import BaseModel, ValidationError

from agentkit.parsing.safe_text import mend_surrogates
from agentkit.tools.arguments import build_arguments_model, describe_errors, parameters_schema, signature_hint
from agentkit.tools.docstrings import parse_docstring

ErrorKind = Literal["invalid_arguments", "tool_error", "timeout", "unknown_tool"]


class ToolError(Exception):
    """Raise inside a tool for an expected failure; the message goes to the model as is.

    Use it for mistakes the model can fix ("no file 'notse.txt'; did you mean
    notes.txt?"). Any other exception is reported too, with its type name.
    """


class ToolResult(BaseModel):
    """The outcome of one tool call, as the agent records it and the model sees it."""

    name: str
    """Name of the tool that was called (as the model wrote it)."""
    arguments: dict[str, Any]
    """Arguments as the model sent them, before validation."""
    ok: bool
    """True when the tool ran and returned a value."""
    content: str
    """The observation text shown to the model."""
    error_kind: ErrorKind | None = None
    """Why it failed: invalid_arguments, tool_error, timeout or unknown_tool; None when ok."""
    elapsed_s: float = 0.0
    """Wall time of validation plus the call, in seconds."""


@dataclass(frozen=True)
class Tool:
    """A Python function plus the schema and validation that make it callable by a model."""

    name: str
    description: str
    parameters: dict
    fn: Callable[..., Any]
    arguments_model: type[BaseModel] = field(repr=False)
    killable: bool = False
    """Run each call in a child process that a timeout kills (for tools with side effects)."""

    @property
    def schema(self) -> dict:
        """The OpenAI-style entry for the request's ``tools`` list."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the plain function (no validation, no timeout), e.g. in a lesson."""
        return self.fn(*args, **kwargs)

    def run(self, arguments: dict[str, Any] | None, timeout: float = 10.0) -> ToolResult:
        """Validate the arguments, call the function with a timeout, report the outcome.

        Never raises for tool-side problems: they come back as ``ok=False``.
        """
        start = time.perf_counter()
        arguments = {} if arguments is None else arguments

        def result(ok: bool, content: str, kind: ErrorKind | None = None) -> ToolResult:
            shown = arguments if isinstance(arguments, dict) else {}
            # A file name that is not UTF-8 must not break the request or the trace: show its bytes as \xNN.
            return ToolResult(name=self.name, arguments=shown, ok=ok, content=mend_surrogates(content),
                              error_kind=kind, elapsed_s=time.perf_counter() - start)

        if not isinstance(arguments, dict):
            return result(False, f"Error: arguments for {self.name} must be a JSON object. {self._hint()}",
                          "invalid_arguments")
        try:
            validated = self.arguments_model.model_validate(arguments)
        except ValidationError as error:
            problems = "; ".join(describe_errors(error, self.parameters))
            return result(False, f"Error: invalid arguments for {self.name}: {problems}. {self._hint()}",
                          "invalid_arguments")

        # Pass the validated values, not the raw ones: "21" sent for a float
        # parameter arrives as 21.0, which is what the type hint promised.
        kwargs = {name: getattr(validated, name) for name in self.parameters["properties"]}
        try:
            if self.killable:
                value = _call_in_process(self.fn, kwargs, timeout)
            else:
                value = _call_with_timeout(self.fn, kwargs, timeout, thread_name=f"tool-{self.name}")
        except _TimedOut:
            return result(False, f"Error: {self.name} timed out after {timeout:g}s.", "timeout")
        except ToolError as error:
            return result(False, f"Error: {error}", "tool_error")
        except (Exception, SystemExit) as error:  # a tool calling sys.exit must not end the agent
            detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return result(False, f"Error: {self.name} raised {detail}", "tool_error")
        try:
            return result(True, encode_result(value))
        except (TypeError, ValueError) as error:  # e.g. a structure that refers to itself
            message = f"Error: {self.name} returned a value that is not JSON: {error}"
            return result(False, message, "tool_error")

    def _hint(self) -> str:
        """Appended to argument errors: the call shape, so the model can retry right away."""
        return f"Call it as {signature_hint(self.name, self.parameters)}."


def tool(fn: Callable | None = None, *, name: str | None = None, description: str | None = None,
         killable: bool = False):
    """Decorator: ``@tool`` or ``@tool(name=..., description=..., killable=...)`` turns ``fn`` into a `Tool`.

    ``killable=True`` is for tools with side effects (writing a file, sending a
    message): each call runs in a child process, and a timeout kills it, so a
    call the model was told timed out cannot finish later behind its back.
    """

    def wrap(fn: Callable) -> Tool:
        summary, arg_docs = parse_docstring(fn.__doc__)
        text = description or summary
        if not text:
            raise TypeError(
                f"tool {fn.__name__!r} has no docstring: its first line is the description "
                "the model reads to decide when to call it. Add one."
            )
        model = build_arguments_model(fn, arg_docs)
        return Tool(name=name or fn.__name__, description=text, parameters=parameters_schema(model),
                    fn=fn, arguments_model=model, killable=killable)

    return wrap(fn) if fn is not None else wrap


def encode_result(value: Any) -> str:
    """What the model sees: strings as is, anything else as one line of JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    # ensure_ascii=False keeps "São Paulo" readable (and cheaper in tokens);
    # keys stay in the order the tool returned them so outputs are stable.
    return json.dumps(value, ensure_ascii=False, default=str)


class _TimedOut(Exception):
    """Our own signal: a TimeoutError raised by the tool itself is a tool error, not ours."""


def _call_with_timeout(fn: Callable, kwargs: dict, timeout: float, thread_name: str) -> Any:
    """Run ``fn(**kwargs)`` in a worker thread and stop waiting after ``timeout`` seconds.

    Python cannot kill a thread, so a hung tool keeps running in the background;
    the thread is a daemon so it cannot keep the process alive at exit. That is
    harmless for a tool that only computes or reads; a tool with side effects
    is declared ``killable`` and goes through `_call_in_process` instead.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn(**kwargs)
        except BaseException as error:  # re-raised in the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=target, name=thread_name, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _TimedOut
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _call_in_process(fn: Callable, kwargs: dict, timeout: float) -> Any:
    """Run ``fn(**kwargs)`` in a forked child process and kill it after ``timeout`` seconds.

    A process, unlike a thread, can be killed: once the model is told "timed
    out", the call has really stopped. "fork" copies this process as it is, so
    the tool may be a closure (the workspace tools are); the value or the
    exception comes back pickled through a pipe.
    """
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def target() -> None:
        try:
            outcome: tuple[str, Any] = ("value", fn(**kwargs))
        except BaseException as error:  # re-raised in the parent below
            outcome = ("error", error)
        try:
            sending.send(outcome)
        except Exception as error:  # a value or an exception that cannot be pickled
            sending.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))

    child = context.Process(target=target, name="tool-call", daemon=True)
    child.start()
    sending.close()  # ours is closed, so recv() sees EOF if the child dies without a word
    try:
        if not receiving.poll(timeout):
            raise _TimedOut
        kind, payload = receiving.recv()
    except EOFError:
        raise RuntimeError("the tool's process ended without a result") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiving.close()
    if kind == "error":
        raise payload
    return payload
