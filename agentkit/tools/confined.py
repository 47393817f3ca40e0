"""Open a file under a folder so that no symlink, old or new, can lead out of it.

`workspace.resolve_inside` checks a path before the tool uses it. Between that
check and the use, another process (or a tool still running from an earlier
call) could swap a checked folder for a symlink to `/home`: the classic
time-of-check to time-of-use race. The cure is to never hand the operating
system a whole path. We hold the root folder open, and walk one name at a
time with ``dir_fd`` (the `openat` system call) and ``O_NOFOLLOW``: each step
opens a real child of a folder we already hold, and a symlink in the way
makes that step fail instead of being followed.

``O_NONBLOCK`` is there for one more trap: opening a FIFO (a named pipe) for
reading waits for a writer, forever. Opened non-blocking, it returns at once,
and `fstat` tells us it is not a regular file, so we refuse it.
"""

from __future__ import annotations

import os
import stat
from pathlib import PurePosixPath

# O_NOFOLLOW and O_DIRECTORY are POSIX; the kit targets macOS and Linux.
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class NotRegularFile(OSError):
    """The path names a FIFO, a device or a socket: reading or writing it could block or reach hardware."""


def open_inside(root: str, relative: PurePosixPath, flags: int, *, make_dirs: bool = False) -> int:
    """A file descriptor for ``root/relative``, opened without following any symlink.

    ``relative`` must be symlink-free and inside ``root`` (what `resolve_inside`
    returns, made relative). With ``make_dirs``, missing folders on the way are
    created (as `mkdir -p` would). Raises OSError (ELOOP, ENOTDIR, ...) when a
    component is not what the check saw, and `NotRegularFile` for anything
    but a regular file. The caller closes the descriptor.
    """
    *folders, name = relative.parts
    current = os.open(root, _DIR_FLAGS)
    try:
        for folder in folders:
            if make_dirs:
                try:
                    os.mkdir(folder, 0o755, dir_fd=current)
                except FileExistsError:
                    pass  # it exists: the O_NOFOLLOW open below checks it is a real folder
            child = os.open(folder, _DIR_FLAGS, dir_fd=current)
            os.close(current)
            current = child
        fd = os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0), 0o644,
                     dir_fd=current)
    finally:
        os.close(current)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotRegularFile(f"{name} is not a regular file")
    # Back to blocking I/O: a regular file never blocks, and a partial write is simpler to avoid.
    os.set_blocking(fd, True)
    return fd


def read_inside(root: str, relative: PurePosixPath, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes of a regular file under ``root`` (one more tells the caller it is too big)."""
    fd = open_inside(root, relative, os.O_RDONLY)
    with os.fdopen(fd, "rb") as file:
        return file.read(limit + 1)


def write_inside(root: str, relative: PurePosixPath, data: bytes) -> None:
    """Create or replace a regular file under ``root``, creating its folders."""
    # No O_TRUNC at open: the file is emptied only once fstat showed a regular file.
    fd = open_inside(root, relative, os.O_WRONLY | os.O_CREAT, make_dirs=True)
    with os.fdopen(fd, "wb") as file:
        file.truncate(0)
        file.write(data)
