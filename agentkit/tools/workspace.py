"""Workspace file tools: `list_files`, `read_file`, `write_file`, jailed to one directory.

A model that can write files can also write ``../../.bashrc``. Every path the
model sends goes through `resolve_inside`, which refuses absolute paths and
``..``, then resolves symlinks and checks that the real path is still inside the
workspace. The tools then work on that resolved path, never on the raw text.

The check alone cannot stop another process that swaps a checked folder for a
symlink between the check and the use, so reads and writes then go through
`confined` (one folder at a time, never following a symlink), and write_file
runs in a process that a timeout kills (`@tool(killable=True)`).
"""

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

from agentkit.tools.confined import NotRegularFile, read_inside, write_inside
from agentkit.tools.tool import Tool, ToolError, tool

MAX_READ_BYTES = 64_000  # about 16k tokens: more would swamp a small context window
MAX_WRITE_BYTES = 256_000
MAX_LISTED = 100  # entries shown by list_files before "... N more"


def resolve_inside(root: Path, path: str) -> Path:
    """The real path of ``path`` under ``root``, or a ToolError saying why not.

    ``root`` must already be resolved (symlink-free), as `make_workspace_tools` does.
    """
    text = path.strip()
    # Both flavours: a model may well write "C:\\Users" or "/etc/passwd".
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or text.startswith("~"):
        raise ToolError(
            f"'{path}' is an absolute path; use a path relative to the workspace, e.g. 'notes.txt'."
        )
    if ".." in PurePosixPath(text.replace("\\", "/")).parts:
        raise ToolError(f"'{path}' goes up with '..'; only paths inside the workspace are allowed.")
    try:
        real = (root / text).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte in the name
        raise ToolError(f"'{path}' is not a usable path (a symlink loop or an invalid character).") from None
    # The lexical checks above cannot see symlinks; the resolved path can.
    if not real.is_relative_to(root):
        raise ToolError(f"'{path}' leads outside the workspace (through a symlink); it is not allowed.")
    return real


@contextmanager
def _os_errors(verb: str, path: str) -> Iterator[None]:
    """Turn an OSError (a name too long, a folder swapped for a symlink) into a ToolError.

    Only ``strerror`` is quoted: the exception's own text holds the absolute
    host path, which the model has no business seeing.
    """
    try:
        yield
    except NotRegularFile:
        raise ToolError(f"'{path}' is not a regular file (a pipe, device or socket); "
                        f"{verb} works only on regular files.") from None
    except OSError as error:
        raise ToolError(f"cannot {verb} '{path}': {error.strerror or type(error).__name__}.") from None


def _shown(root: Path, real: Path) -> str:
    """A resolved path as the model should write it: relative, with forward slashes."""
    return real.relative_to(root).as_posix() if real != root else "."


def _relative(root: Path, real: Path) -> PurePosixPath:
    """The checked path relative to the root, the form `confined` walks one name at a time."""
    return PurePosixPath(real.relative_to(root).as_posix())


def _entries(directory: Path) -> list[str]:
    """Sorted names in a directory, sub-directories marked with a trailing '/'."""
    return sorted(p.name + "/" if p.is_dir() else p.name for p in directory.iterdir())


def _not_found(root: Path, path: str) -> ToolError:
    """A 'not found' error naming the closest existing paths, so the model can retry."""
    wanted = PurePosixPath(path.strip().replace("\\", "/"))
    # Walk up to the nearest directory that exists (inside the workspace) and list it.
    folder = wanted.parent
    while folder != PurePosixPath(".") and not (root / folder).is_dir():
        folder = folder.parent
    real = (root / folder).resolve()
    siblings = _entries(real) if real.is_relative_to(root) else []
    prefix = "" if folder == PurePosixPath(".") else f"{folder.as_posix()}/"
    if folder == wanted.parent:
        close = difflib.get_close_matches(wanted.name, siblings, n=3, cutoff=0.5)
        if close:
            return ToolError(f"'{path}' not found. Did you mean: {', '.join(prefix + c for c in close)}?")
    listing = ", ".join(prefix + name for name in siblings[:20]) if siblings else "nothing"
    where = "The workspace" if folder == PurePosixPath(".") else f"'{folder.as_posix()}'"
    return ToolError(f"'{path}' not found. {where} contains: {listing}.")


def make_workspace_tools(root: Path | str) -> list[Tool]:
    """Build list_files, read_file and write_file bound to the directory ``root``."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"workspace {root} is not a directory: create it first (mkdir).")

    @tool
    def list_files(directory: str = ".") -> list[str] | str:
        """List the files and folders in a workspace directory (folders end with '/').

        Args:
            directory: Directory relative to the workspace root.
        """
        real = resolve_inside(root, directory or ".")
        with _os_errors("list", directory):
            if not real.exists():
                raise _not_found(root, directory)
            if not real.is_dir():
                raise ToolError(f"'{directory}' is a file, not a directory; use read_file to read it.")
            names = _entries(real)
        if not names:
            return f"The directory '{_shown(root, real)}' is empty."
        if len(names) > MAX_LISTED:
            names = names[:MAX_LISTED] + [f"... {len(names) - MAX_LISTED} more"]
        return names

    @tool
    def read_file(path: str) -> str:
        """Read a text file from the workspace.

        Args:
            path: File path relative to the workspace root, e.g. "notes/todo.txt".
        """
        real = resolve_inside(root, path)
        with _os_errors("read", path):
            if not real.exists():
                raise _not_found(root, path)
            if real.is_dir():
                raise ToolError(f"'{path}' is a directory; use list_files to see what it contains.")
            size = real.stat().st_size
            if size > MAX_READ_BYTES:
                raise ToolError(f"'{path}' is {size} bytes; read_file reads at most {MAX_READ_BYTES} bytes.")
            data = read_inside(str(root), _relative(root, real), MAX_READ_BYTES)
        if len(data) > MAX_READ_BYTES:  # it grew after the size check
            raise ToolError(f"'{path}' is over {MAX_READ_BYTES} bytes; read_file reads at most {MAX_READ_BYTES} bytes.")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ToolError(f"'{path}' is not a UTF-8 text file.") from None

    # killable: a write that hangs (a full network disk) is stopped, not left to land later.
    @tool(killable=True)
    def write_file(path: str, content: str) -> str:
        """Write text to a file in the workspace, creating or replacing it.

        Args:
            path: File path relative to the workspace root, e.g. "notes/todo.txt".
            content: The full text to write.
        """
        real = resolve_inside(root, path)
        with _os_errors("write", path):
            is_dir = real == root or real.is_dir()
        if is_dir:
            example = f"{_shown(root, real)}/new.txt"
            raise ToolError(f"'{path}' is a directory; give a file path such as '{example}'.")
        data = content.encode("utf-8")
        if len(data) > MAX_WRITE_BYTES:
            raise ToolError(
                f"content is {len(data)} bytes; write_file writes at most {MAX_WRITE_BYTES} bytes."
            )
        with _os_errors("write", path):  # e.g. a folder swapped for a symlink since the check
            blocking = next((p for p in real.parents if p.is_relative_to(root) and p.is_file()), None)
            if blocking is not None:
                raise ToolError(f"'{_shown(root, blocking)}' is a file, so '{path}' cannot be created inside it.")
            write_inside(str(root), _relative(root, real), data)
        return f"Wrote {len(data)} bytes to {_shown(root, real)}."

    return [list_files, read_file, write_file]
