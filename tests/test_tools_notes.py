"""search_notes: scoring, snippets, the shipped corpus and custom directories."""

import json

import pytest

from agentkit.tools import DEFAULT_NOTES_DIR, make_search_notes
from agentkit.tools.notes import SNIPPET_CHARS, keywords, load_notes, search

search_notes = make_search_notes()


def hits(query, tool=search_notes):
    result = tool.run({"query": query})
    assert result.ok, result.content
    return json.loads(result.content)


def test_corpus_has_a_dozen_titled_notes():
    notes = load_notes(DEFAULT_NOTES_DIR)
    assert len(notes) >= 12
    for note in notes:
        assert note.title != note.id, f"{note.id}.md needs a '# Title' first line"
        assert note.body.count(".") >= 3, f"{note.id}.md needs a few sentences"


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("volcano eruption", "volcanoes"),
        ("How many hearts does an octopus have?", "octopuses"),
        ("honey bees waggle dance", "honeybees"),
        ("espresso caffeine", "coffee"),
        ("who created Python", "python-language"),
        ("highest tides", "tides"),
        ("EIFFEL TOWER height", "eiffel-tower"),
    ],
)
def test_best_hit(query, best):
    assert hits(query)[0]["id"] == best


def test_hit_shape_and_top_three():
    found = hits("moon")
    assert len(found) == 3
    assert found[0] == {
        "id": "moon",
        "title": "The Moon",
        "snippet": "The Moon orbits the Earth at an average distance of about 384,400 km.",
    }
    # The title match ranks first; the others mention the Moon in their body only.
    assert [hit["id"] for hit in found[1:]] == ["great-wall", "tides"]


def test_snippet_is_the_sentence_sharing_most_words():
    found = hits("year without a summer")
    assert found[0]["id"] == "volcanoes"
    assert "year without a summer" in found[0]["snippet"]


def test_no_match_is_a_clear_observation():
    result = search_notes.run({"query": "quantum chromodynamics"})
    assert (result.ok, result.content) == (True, 'No notes match "quantum chromodynamics".')
    # Only stopwords: nothing to match on.
    assert search_notes.run({"query": "what is the"}).content == 'No notes match "what is the".'


def test_empty_query_is_an_error():
    result = search_notes.run({"query": "  "})
    assert (result.error_kind, result.content) == ("tool_error", "Error: query is empty; pass a few keywords.")


def test_keywords_fold_case_plurals_and_stopwords():
    assert keywords("The Notes of Octopuses") == {"note", "octopus"}
    assert keywords("octopus VOLCANOES volcano glass bees bee") == {"octopus", "volcano", "glass", "bee"}
    assert keywords("What is it") == set()


def test_scoring_title_counts_double_and_ties_sort_by_id(tmp_path):
    (tmp_path / "b.md").write_text("# Apples\n\nSome fruit facts.\n")
    (tmp_path / "a.md").write_text("# Fruit\n\nApples grow on trees.\n")
    (tmp_path / "c.md").write_text("# Pears\n\nApples and pears.\n")
    notes = load_notes(tmp_path)
    # b: "apples" in title (2); a and c: in body only (1), tie broken by id.
    assert [hit["id"] for hit in search("apples", notes)] == ["b", "a", "c"]
    # "fruit apples": a = 2 + 1, b = 1 + 2, tie -> a before b; c = 1.
    assert [hit["id"] for hit in search("fruit apples", notes)] == ["a", "b", "c"]


def test_custom_directory_and_long_snippets(tmp_path):
    long_sentence = "Glaciers " + "move slowly and " * 30 + "carve valleys."
    (tmp_path / "glaciers.md").write_text(f"# Glaciers\n\n{long_sentence}\n")
    (tmp_path / "untitled.md").write_text("Deserts are dry.\n")
    tool = make_search_notes(tmp_path)
    found = hits("glaciers", tool)
    assert found[0]["id"] == "glaciers"
    assert len(found[0]["snippet"]) <= SNIPPET_CHARS and found[0]["snippet"].endswith("...")
    # A note without a '# Title' line is titled by its file name.
    assert hits("deserts", tool)[0] == {"id": "untitled", "title": "untitled", "snippet": "Deserts are dry."}


def test_new_notes_are_found_without_rebuilding(tmp_path):
    tool = make_search_notes(tmp_path)
    assert tool.run({"query": "kiwi"}).content.startswith("No notes match")
    (tmp_path / "kiwi.md").write_text("# Kiwi\n\nA flightless bird.\n")
    assert hits("kiwi", tool)[0]["id"] == "kiwi"


def test_missing_directory_fails_at_construction(tmp_path):
    with pytest.raises(FileNotFoundError, match="notes_dir="):
        make_search_notes(tmp_path / "nope")
