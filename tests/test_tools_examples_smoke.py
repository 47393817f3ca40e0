"""Smoke test: the seven example tools exist, in order, and answer a basic call."""

from agentkit.tools import example_tools


def test_example_tools_answer(tmp_path):
    box = example_tools(tmp_path)
    assert box.names == ["get_weather", "calculator", "convert_units", "search_notes",
                         "list_files", "read_file", "write_file"]
    assert box.run("calculator", {"expression": "(12 + 3) * 4"}).content == "60"
    assert box.run("write_file", {"path": "a.txt", "content": "hi"}).ok
    assert box.run("read_file", {"path": "a.txt"}).content == "hi"
    assert box.run("search_notes", {"query": "volcano"}).ok
