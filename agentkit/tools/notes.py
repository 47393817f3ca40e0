"""`search_notes`: keyword search over a folder of small markdown notes.

The scoring is deliberately simple enough to explain in one sentence, so a
learner can predict what the agent will find: every distinct query word found
in a note's title scores 2, found only in its body scores 1; ties go to the
note id in alphabetical order. No embeddings, no index, no network.

A note is a markdown file: the first line ``# Title``, then a few sentences.
Its id is the file name without ``.md``.
"""

import json
import re
from pathlib import Path

from pydantic import BaseModel

from agentkit.tools.tool import Tool, ToolError, tool

# The kit's own corpus, found relative to the source tree (not the working directory).
DEFAULT_NOTES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "notes"
TOP_K = 3
SNIPPET_CHARS = 160
# Words that match almost every note and would drown the real keywords.
_STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how i in is it its me my of on or "
    "the this that to was what when where which who why with you your about "
    "has have had many much there tell know".split()
)


class Note(BaseModel):
    """One markdown note of the corpus."""

    id: str
    """File name without the .md suffix."""
    title: str
    """The first line, without the leading '#'; the id when there is no title line."""
    body: str
    """Everything after the title line, folded onto one line."""


def load_notes(notes_dir: Path) -> list[Note]:
    """Read every ``*.md`` file of a directory, sorted by id."""
    notes = []
    for path in sorted(notes_dir.glob("*.md")):
        lines = path.read_text(encoding="utf-8").strip().splitlines()
        has_title = bool(lines) and lines[0].startswith("#")
        title = lines[0].lstrip("#").strip() if has_title else path.stem
        body = " ".join(line.strip() for line in lines[1 if has_title else 0:] if line.strip())
        notes.append(Note(id=path.stem, title=title, body=body))
    return notes


def keywords(text: str) -> set[str]:
    """Lower-case words minus stopwords, each reduced to its singular form."""
    return {singular(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOPWORDS}


def singular(word: str) -> str:
    """A rough English plural rule, so "volcanoes" finds "volcano" and "notes" finds "note"."""
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes", "oes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def score(query_words: set[str], note: Note) -> int:
    """2 points per query word in the title, 1 per query word found only in the body."""
    title, body = keywords(note.title), keywords(note.body)
    return sum(2 if word in title else 1 if word in body else 0 for word in query_words)


def snippet(query_words: set[str], body: str) -> str:
    """The body sentence sharing the most words with the query, cut to SNIPPET_CHARS."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", body) if s] or [""]
    best = max(sentences, key=lambda s: len(query_words & keywords(s)))  # max keeps the first on ties
    if len(best) <= SNIPPET_CHARS:
        return best
    return best[: SNIPPET_CHARS - 3].rsplit(" ", 1)[0] + "..."


def search(query: str, notes: list[Note], top_k: int = TOP_K) -> list[dict]:
    """The best ``top_k`` notes with a positive score, as id/title/snippet dicts."""
    query_words = keywords(query)
    scored = [(score(query_words, note), note) for note in notes]
    hits = sorted((pair for pair in scored if pair[0] > 0), key=lambda pair: (-pair[0], pair[1].id))
    return [{"id": n.id, "title": n.title, "snippet": snippet(query_words, n.body)} for _, n in hits[:top_k]]


def make_search_notes(notes_dir: Path | str = DEFAULT_NOTES_DIR) -> Tool:
    """Build the `search_notes` tool bound to one notes directory."""
    notes_dir = Path(notes_dir)
    if not notes_dir.is_dir():
        raise FileNotFoundError(
            f"notes directory {notes_dir} not found: pass notes_dir= pointing at a folder "
            "of .md notes (the kit's own are in fixtures/notes/ of the repository)."
        )

    @tool
    def search_notes(query: str) -> str:
        """Search the notes by keywords and return the best matching notes with a snippet.

        Args:
            query: Keywords to look for, e.g. "sourdough starter".
        """
        if not query.strip():
            raise ToolError("query is empty; pass a few keywords.")
        # Read on every call: the corpus is tiny, and notes edited by a learner
        # (or written by the agent) show up without restarting anything.
        hits = search(query, load_notes(notes_dir))
        if not hits:
            return f"No notes match {json.dumps(query, ensure_ascii=False)}."
        return json.dumps(hits, ensure_ascii=False)

    return search_notes
