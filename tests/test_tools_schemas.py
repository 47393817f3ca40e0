"""Golden schemas of the seven example tools.

The toy models are trained on these exact bytes (the ``<tools>`` list of the
system prompt), so any change here is a change to the training data: update
the golden text only together with a retrain.
"""

import json

from agentkit.tools import example_tools

# Compared as json.dumps text, so key order counts too.
GOLDEN = json.loads(r'''
[
  {
    "type": "function",
    "function": {
      "name": "get_weather",
      "description": "Get the current weather for a city.",
      "parameters": {
        "type": "object",
        "properties": {
          "city": {
            "type": "string",
            "description": "Name of the city, e.g. \"Oslo\"."
          },
          "unit": {
            "type": "string",
            "enum": [
              "celsius",
              "fahrenheit"
            ],
            "description": "Temperature unit.",
            "default": "celsius"
          }
        },
        "required": [
          "city"
        ]
      }
    }
  },
  {
    "type": "function",
    "function": {
      "name": "calculator",
      "description": "Evaluate an arithmetic expression and return the result.",
      "parameters": {
        "type": "object",
        "properties": {
          "expression": {
            "type": "string",
            "description": "Arithmetic using numbers, + - * / // % ** and parentheses, e.g. \"(12 + 3) * 4\"."
          }
        },
        "required": [
          "expression"
        ]
      }
    }
  },
  {
    "type": "function",
    "function": {
      "name": "convert_units",
      "description": "Convert a value between units of length, mass, temperature or volume.",
      "parameters": {
        "type": "object",
        "properties": {
          "value": {
            "type": "number",
            "description": "The number to convert."
          },
          "from_unit": {
            "type": "string",
            "description": "Unit of the value, e.g. \"km\", \"lb\", \"celsius\", \"l\"."
          },
          "to_unit": {
            "type": "string",
            "description": "Unit to convert to, of the same kind as from_unit."
          }
        },
        "required": [
          "value",
          "from_unit",
          "to_unit"
        ]
      }
    }
  },
  {
    "type": "function",
    "function": {
      "name": "search_notes",
      "description": "Search the notes by keywords and return the best matching notes with a snippet.",
      "parameters": {
        "type": "object",
        "properties": {
          "query": {
            "type": "string",
            "description": "Keywords to look for, e.g. \"sourdough starter\"."
          }
        },
        "required": [
          "query"
        ]
      }
    }
  },
  {
    "type": "function",
    "function": {
      "name": "list_files",
      "description": "List the files and folders in a workspace directory (folders end with '/').",
      "parameters": {
        "type": "object",
        "properties": {
          "directory": {
            "type": "string",
            "description": "Directory relative to the workspace root.",
            "default": "."
          }
        },
        "required": []
      }
    }
  },
  {
    "type": "function",
    "function": {
      "name": "read_file",
      "description": "Read a text file from the workspace.",
      "parameters": {
        "type": "object",
        "properties": {
          "path": {
            "type": "string",
            "description": "File path relative to the workspace root, e.g. \"notes/todo.txt\"."
          }
        },
        "required": [
          "path"
        ]
      }
    }
  },
  {
    "type": "function",
    "function": {
      "name": "write_file",
      "description": "Write text to a file in the workspace, creating or replacing it.",
      "parameters": {
        "type": "object",
        "properties": {
          "path": {
            "type": "string",
            "description": "File path relative to the workspace root, e.g. \"notes/todo.txt\"."
          },
          "content": {
            "type": "string",
            "description": "The full text to write."
          }
        },
        "required": [
          "path",
          "content"
        ]
      }
    }
  }
]
''')


def test_example_tools_order_and_schemas_are_byte_identical(tmp_path):
    box = example_tools(tmp_path)
    assert box.names == ["get_weather", "calculator", "convert_units", "search_notes",
                         "list_files", "read_file", "write_file"]
    for schema, golden in zip(box.schemas(), GOLDEN, strict=True):
        assert json.dumps(schema, ensure_ascii=False) == json.dumps(golden, ensure_ascii=False)


def test_example_tools_uses_the_given_notes_dir(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "kiwi.md").write_text("# Kiwi\n\nThe kiwi is a flightless bird.\n")
    box = example_tools(tmp_path, notes_dir=notes)
    assert '"id": "kiwi"' in box.run("search_notes", {"query": "kiwi"}).content
    assert box.run("search_notes", {"query": "volcano"}).content == 'No notes match "volcano".'
