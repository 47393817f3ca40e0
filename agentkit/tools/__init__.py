"""Tools: typed Python functions that a model can call.

Read in this order: `tool` (the decorator and what a call returns), `toolbox`
(tools by name), then the example tools: `weather`, `calculator`, `units`,
`notes`, `workspace`, and `examples` which puts all seven in one toolbox.
"""

from agentkit.tools.calculator import calculator
from agentkit.tools.examples import example_tools
from agentkit.tools.notes import DEFAULT_NOTES_DIR, make_search_notes
from agentkit.tools.tool import Tool, ToolError, ToolResult, encode_result, tool
from agentkit.tools.toolbox import ToolBox
from agentkit.tools.units import convert_units
from agentkit.tools.weather import get_weather
from agentkit.tools.workspace import make_workspace_tools

__all__ = [
    "DEFAULT_NOTES_DIR",
    "Tool",
    "ToolBox",
    "ToolError",
    "ToolResult",
    "calculator",
    "convert_units",
    "encode_result",
    "example_tools",
    "get_weather",
    "make_search_notes",
    "make_workspace_tools",
    "tool",
]
