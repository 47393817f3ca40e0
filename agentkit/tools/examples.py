"""The kit's seven example tools in one toolbox, as the lessons and toy models use them."""

from pathlib import Path

from agentkit.tools.calculator import calculator
from agentkit.tools.notes import DEFAULT_NOTES_DIR, make_search_notes
from agentkit.tools.toolbox import ToolBox
from agentkit.tools.units import convert_units
from agentkit.tools.weather import get_weather
from agentkit.tools.workspace import make_workspace_tools

# The names, in the order of example_tools (and of the toy models' training data);
# a suite is checked against them before anything runs.
EXAMPLE_TOOL_NAMES = ("get_weather", "calculator", "convert_units", "search_notes",
                      "list_files", "read_file", "write_file")


def example_tools(workspace: Path | str, notes_dir: Path | str | None = None) -> ToolBox:
    """get_weather, calculator, convert_units, search_notes, list_files, read_file, write_file.

    The order is fixed: it is the order of the ``<tools>`` list the toy models
    were trained on. File tools are jailed to ``workspace``; search_notes reads
    ``notes_dir`` (the kit's fixtures/notes/ when None).
    """
    search_notes = make_search_notes(DEFAULT_NOTES_DIR if notes_dir is None else notes_dir)
    return ToolBox([get_weather, calculator, convert_units, search_notes, *make_workspace_tools(workspace)])
