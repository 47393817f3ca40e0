"""Workspace file tools: normal use, clear errors, and every way out of the sandbox."""

import json
import os

import pytest

from agentkit.tools import ToolBox, make_workspace_tools
from agentkit.tools.workspace import MAX_LISTED, MAX_READ_BYTES, MAX_WRITE_BYTES


@pytest.fixture
def layout(tmp_path):
    """A workspace next to a 'secret' directory that must stay unreachable."""
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "notes.txt").write_text("buy milk\n")
    (root / "docs").mkdir()
    (root / "docs" / "plan.md").write_text("# Plan\n")
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "key.txt").write_text("TOP SECRET")
    return root, outside


@pytest.fixture
def box(layout):
    return ToolBox(make_workspace_tools(layout[0]))


def run(box, name, **arguments):
    return box.run(name, arguments)


# --- normal use ------------------------------------------------------------

def test_list_read_write(box, layout):
    root, _ = layout
    assert json.loads(run(box, "list_files").content) == ["docs/", "notes.txt"]
    assert json.loads(run(box, "list_files", directory="docs").content) == ["plan.md"]
    assert run(box, "read_file", path="notes.txt").content == "buy milk\n"
    result = run(box, "write_file", path="out/summary.txt", content="Straße ✓")
    assert result.content == "Wrote 11 bytes to out/summary.txt."  # ß is 2 bytes, ✓ is 3
    assert (root / "out" / "summary.txt").read_text(encoding="utf-8") == "Straße ✓"
    assert run(box, "read_file", path="./out//summary.txt").content == "Straße ✓"


def test_write_replaces_existing_content(box, layout):
    run(box, "write_file", path="notes.txt", content="new")
    assert (layout[0] / "notes.txt").read_text() == "new"


def test_empty_directory_and_long_listing(box, layout):
    (layout[0] / "empty").mkdir()
    assert run(box, "list_files", directory="empty").content == "The directory 'empty' is empty."
    many = layout[0] / "many"
    many.mkdir()
    for i in range(MAX_LISTED + 5):
        (many / f"f{i:03d}.txt").write_text("")
    listed = json.loads(run(box, "list_files", directory="many").content)
    assert len(listed) == MAX_LISTED + 1 and listed[-1] == "... 5 more"


def test_symlink_inside_the_workspace_is_fine(box, layout):
    root, _ = layout
    (root / "latest.md").symlink_to(root / "docs" / "plan.md")
    assert run(box, "read_file", path="latest.md").content == "# Plan\n"


# --- clear errors ----------------------------------------------------------

def test_not_found_suggests_close_names(box):
    assert run(box, "read_file", path="note.txt").content == "Error: 'note.txt' not found. Did you mean: notes.txt?"
    assert run(box, "read_file", path="docs/plans.md").content == (
        "Error: 'docs/plans.md' not found. Did you mean: docs/plan.md?"
    )
    assert run(box, "read_file", path="nothing/here.txt").content == (
        "Error: 'nothing/here.txt' not found. The workspace contains: docs/, notes.txt."
    )
    assert run(box, "list_files", directory="doc").error_kind == "tool_error"


def test_wrong_kind_of_path(box):
    assert "is a directory; use list_files" in run(box, "read_file", path="docs").content
    assert "is a file, not a directory; use read_file" in run(box, "list_files", directory="notes.txt").content
    assert "is a directory" in run(box, "write_file", path="docs", content="x").content
    assert "is a directory" in run(box, "write_file", path=".", content="x").content


def test_write_below_a_file_is_explained(box):
    result = run(box, "write_file", path="notes.txt/inner/x.txt", content="x")
    assert result.content == "Error: 'notes.txt' is a file, so 'notes.txt/inner/x.txt' cannot be created inside it."


def test_size_limits(box, layout):
    (layout[0] / "big.txt").write_text("x" * (MAX_READ_BYTES + 1))
    big = run(box, "read_file", path="big.txt")
    assert big.error_kind == "tool_error" and f"at most {MAX_READ_BYTES} bytes" in big.content
    huge = run(box, "write_file", path="huge.txt", content="x" * (MAX_WRITE_BYTES + 1))
    assert f"at most {MAX_WRITE_BYTES} bytes" in huge.content
    assert not (layout[0] / "huge.txt").exists()


def test_binary_file(box, layout):
    (layout[0] / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert run(box, "read_file", path="image.png").content == "Error: 'image.png' is not a UTF-8 text file."


def test_workspace_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="mkdir"):
        make_workspace_tools(tmp_path / "missing")


# --- escapes ---------------------------------------------------------------

def _refused(result, fragment):
    assert (result.ok, result.error_kind) == (False, "tool_error"), result.content
    assert fragment in result.content, result.content
    assert "TOP SECRET" not in result.content


@pytest.mark.parametrize("path", ["/etc/passwd", "/", "C:\\Windows\\win.ini", "~/.bashrc", "\\\\server\\share\\x"])
@pytest.mark.parametrize("tool_name", ["read_file", "write_file", "list_files"])
def test_absolute_paths_are_refused(box, tool_name, path):
    arguments = {"directory": path} if tool_name == "list_files" else {"path": path}
    if tool_name == "write_file":
        arguments["content"] = "x"
    result = box.run(tool_name, arguments)
    _refused(result, "absolute path")


@pytest.mark.parametrize("path", ["..", "../secret/key.txt", "docs/../../secret/key.txt", "docs\\..\\..\\x"])
def test_dot_dot_is_refused(box, path):
    _refused(run(box, "read_file", path=path), "'..'")
    _refused(run(box, "list_files", directory=path), "'..'")
    _refused(run(box, "write_file", path=path + "/new.txt", content="x"), "'..'")


def test_symlinked_file_pointing_out(box, layout):
    root, outside = layout
    (root / "key.txt").symlink_to(outside / "key.txt")
    _refused(run(box, "read_file", path="key.txt"), "outside the workspace")
    _refused(run(box, "write_file", path="key.txt", content="overwritten"), "outside the workspace")
    assert (outside / "key.txt").read_text() == "TOP SECRET"


def test_symlinked_directory_pointing_out(box, layout):
    root, outside = layout
    (root / "vault").symlink_to(outside, target_is_directory=True)
    _refused(run(box, "list_files", directory="vault"), "outside the workspace")
    _refused(run(box, "read_file", path="vault/key.txt"), "outside the workspace")
    _refused(run(box, "write_file", path="vault/planted.txt", content="x"), "outside the workspace")
    _refused(run(box, "write_file", path="vault/sub/planted.txt", content="x"), "outside the workspace")
    assert sorted(os.listdir(outside)) == ["key.txt"]


def test_dangling_symlink_pointing_out_cannot_be_written(box, layout):
    root, outside = layout
    (root / "trap.txt").symlink_to(outside / "created.txt")
    _refused(run(box, "write_file", path="trap.txt", content="x"), "outside the workspace")
    assert not (outside / "created.txt").exists()


def test_workspace_given_through_a_symlink_still_works(layout, tmp_path):
    root, _ = layout
    alias = tmp_path / "alias"
    alias.symlink_to(root, target_is_directory=True)
    box = ToolBox(make_workspace_tools(alias))
    assert run(box, "read_file", path="notes.txt").content == "buy milk\n"


def test_symlink_loop_is_an_error_not_a_crash(box, layout):
    root, _ = layout
    (root / "loop").symlink_to(root / "loop")
    result = run(box, "read_file", path="loop")
    assert result.error_kind == "tool_error" and "not a usable path" in result.content


def test_nul_byte_in_a_path_is_an_error_not_a_crash(box):
    result = run(box, "write_file", path="a\x00b.txt", content="x")
    assert result.error_kind == "tool_error" and "not a usable path" in result.content


# --- the sweep of issue 13: races, pipes, long names -------------------------

def test_a_fifo_does_not_block_read_file(box, layout):
    # Opening a FIFO for reading waits for a writer; the tool must refuse it at once.
    os.mkfifo(layout[0] / "pipe")
    result = run(box, "read_file", path="pipe")
    assert not result.ok and "not a regular file" in result.content
    assert result.elapsed_s < 5


def test_a_fifo_is_not_written_through(box, layout):
    os.mkfifo(layout[0] / "pipe")
    result = run(box, "write_file", path="pipe", content="x")
    # No reader: the non-blocking open fails at once (ENXIO) instead of waiting for one.
    assert not result.ok and result.content.startswith("Error: cannot write 'pipe'")
    assert result.elapsed_s < 5


@pytest.mark.parametrize("tool_name,key", [("read_file", "path"), ("write_file", "path"),
                                           ("list_files", "directory")])
def test_a_too_long_name_hides_the_host_path(box, layout, tool_name, key):
    arguments = {key: "a" * 300} | ({"content": "x"} if tool_name == "write_file" else {})
    result = box.run(tool_name, arguments)
    assert not result.ok
    assert str(layout[0].parent) not in result.content
    assert "name too long" in result.content.lower()


def test_a_folder_swapped_for_a_symlink_after_the_check_cannot_be_escaped(layout, monkeypatch):
    # Deterministic version of the race: swap the folder right after resolve_inside has checked it.
    from agentkit.tools import workspace

    root, outside = layout
    checked = workspace.resolve_inside

    def check_then_swap(root_path, path):
        real = checked(root_path, path)
        (root / "docs" / "plan.md").unlink()
        (root / "docs").rmdir()
        (root / "docs").symlink_to(outside)
        return real

    monkeypatch.setattr(workspace, "resolve_inside", check_then_swap)
    box = ToolBox(make_workspace_tools(root))
    written = run(box, "write_file", path="docs/key.txt", content="pwned")
    assert not written.ok and "cannot write 'docs/key.txt'" in written.content
    assert (outside / "key.txt").read_text() == "TOP SECRET"
    read = run(box, "read_file", path="docs/key.txt")
    assert not read.ok and "TOP SECRET" not in read.content


def test_a_racing_swapper_never_gets_a_write_outside(layout):
    # The race as an attacker runs it: another thread flips docs/ between a folder and a symlink.
    import threading

    root, outside = layout
    box = ToolBox(make_workspace_tools(root))
    stop = threading.Event()

    def swapper():
        while not stop.is_set():
            link = root / "docs"
            try:
                if link.is_symlink():
                    link.unlink()
                    link.mkdir()
                else:
                    for child in link.iterdir():
                        child.unlink()
                    link.rmdir()
                    link.symlink_to(outside)
            except OSError:
                pass

    thread = threading.Thread(target=swapper, daemon=True)
    thread.start()
    try:
        for attempt in range(150):
            run(box, "write_file", path=f"docs/escaped{attempt}.txt", content="pwned")
    finally:
        stop.set()
        thread.join()
    assert sorted(p.name for p in outside.iterdir()) == ["key.txt"]


def test_a_write_that_times_out_is_stopped(tmp_path):
    # A killable tool's timeout kills its process: the side effect after the wait never happens.
    import time

    from agentkit.tools import tool

    marker = tmp_path / "late.txt"

    @tool(killable=True)
    def slow_write(text: str) -> str:
        """Write text after a pause.

        Args:
            text: What to write.
        """
        time.sleep(1.5)
        marker.write_text(text)
        return "done"

    result = slow_write.run({"text": "late"}, timeout=0.3)
    assert not result.ok and result.error_kind == "timeout"
    assert result.content == "Error: slow_write timed out after 0.3s."
    time.sleep(2)
    assert not marker.exists()
    assert slow_write.run({"text": "on time"}, timeout=5).content == "done"
    assert marker.read_text() == "on time"
