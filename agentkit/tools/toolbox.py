"""`ToolBox`: the tools an agent may use, looked up by the name the model writes.

The model only ever gives us a name and some arguments. The toolbox turns that
into a call, and turns a name it does not know into an observation listing the
names it does know, so the model can correct itself on the next step.
"""

from typing import Any, Iterable, Iterator

from agentkit.tools.tool import Tool, ToolResult


class ToolBox:
    """Tools by name, in the order given (that order is the order the model sees)."""

    def __init__(self, tools: Iterable[Tool] = ()):
        self._tools: dict[str, Tool] = {}
        for item in tools:
            self.add(item)

    def add(self, item: Tool) -> None:
        """Add one tool; two tools with one name would make calls ambiguous."""
        if not isinstance(item, Tool):
            raise TypeError(f"{item!r} is not a Tool: decorate the function with @tool first.")
        if item.name in self._tools:
            raise ValueError(f"a tool named {item.name!r} is already in the toolbox.")
        self._tools[item.name] = item

    @property
    def names(self) -> list[str]:
        """Tool names in order."""
        return list(self._tools)

    def schemas(self) -> list[dict]:
        """The ``tools`` list for a chat completion request."""
        return [item.schema for item in self._tools.values()]

    def run(self, name: str, arguments: dict[str, Any] | None, timeout: float = 10.0) -> ToolResult:
        """Call a tool by name; an unknown name is an observation, not an exception."""
        item = self._tools.get(name)
        if item is None:
            available = ", ".join(self._tools) or "none"
            return ToolResult(
                name=name,
                arguments=arguments if isinstance(arguments, dict) else {},
                ok=False,
                content=f"Error: unknown tool '{name}'. Available tools: {available}.",
                error_kind="unknown_tool",
            )
        return item.run(arguments, timeout=timeout)

    def __getitem__(self, name: str) -> Tool:
        return self._tools[name]

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def __repr__(self) -> str:
        return f"ToolBox({self.names})"
