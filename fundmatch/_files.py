"""Reading and writing files without surprises: bounded reads, confined folders, atomic outputs.

* A read is capped in size and refuses anything that is not a regular file: ``/dev/zero`` or a FIFO in a rule
  folder would otherwise eat memory or hang the process.
* A rule folder is confined to itself: a file it names must resolve inside it (no ``..``, no absolute path,
  no symlink out), so a shared folder cannot make fundmatch read another user's files.
* Every output file is written to a temporary name beside the target and renamed on success, so a failed,
  killed or interrupted run leaves the previous file whole. A temporary file names the process that wrote
  it; the next writer into the folder removes the ones whose process is gone.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

#: The largest file a rule folder (or a profile or idea file) may hold; the shipped files are under 200 KB.
MAX_DATA_FILE = 8 * 1024 * 1024

# sqlite adds -journal (or -wal, -shm) to a database being written.
_TMP = re.compile(
    r"^\.(?P<name>.+)\.(?P<pid>\d+)-(?P<host>[0-9a-f]{8})\.[A-Za-z0-9_]+\.fundmatch-tmp(?:-journal|-wal|-shm)?$"
)
# A PID means something only on its own machine: a folder shared over the network may hold another host's
# temporary files, which are never removed from here.
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


class FileProblem(Exception):
    """A file cannot be read as asked; the message says why, the caller adds which error class to raise."""


def _regular(path: Path) -> os.stat_result:
    try:
        info = path.stat()
    except OSError as exc:
        raise FileProblem(exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem("is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem("not a regular file (a device, FIFO or socket is refused)")
    return info


def confined(folder: Path, name: str) -> Path:
    """``folder / name`` when it stays inside ``folder`` once resolved; else `FileProblem`."""
    if not name or "\x00" in name or Path(name).is_absolute() or any(p == ".." for p in re.split(r"[/\\]", name)):
        raise FileProblem(f"'{name[:80]}' must be a file name inside the folder (no '..', no absolute path)")
    path = folder / name
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop on older Pythons; a NUL byte
        raise FileProblem(f"cannot resolve '{name[:80]}' ({exc})") from None
    if not inside:
        raise FileProblem(f"'{name[:80]}' leads outside the folder (a symlink out is refused)")
    return path


def read_bytes(path: Path, limit: int = MAX_DATA_FILE) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else raises `FileProblem`."""
    _regular(path)
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open() still does not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise FileProblem("not a regular file")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileProblem(exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise FileProblem(f"larger than the limit of {limit // (1024 * 1024)} MB")
    return data


def decode_utf8(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped); a bad byte raises `FileProblem` naming its line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FileProblem(f"line {line}, column {column}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or no way to tell: leave its file alone
    return True


def _remove_temporaries(folder: Path, ours: Callable[[int], bool]) -> list[Path]:
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP.match(entry.name)
        if m and m.group("host") == _HOST and ours(int(m.group("pid"))):
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def clean_stale(folder: Path) -> list[Path]:
    """Remove the temporary files of fundmatch writers in ``folder`` whose process has ended."""
    return _remove_temporaries(folder, lambda pid: not _alive(pid))


# The folders this process made temporaries in: an interrupt can land after a temporary is created and
# before the code that would remove it has started (inside mkstemp, between two statements).
_OWN_FOLDERS: set[Path] = set()


#: The outputs this process has renamed into place, in order: an interrupt after one of them must not say that
#: no output file was changed.
REPLACED: list[Path] = []


def remove_own_temporaries() -> list[Path]:
    """Remove every temporary this process made that is still there; called when a command is interrupted."""
    me = os.getpid()
    return [p for folder in sorted(_OWN_FOLDERS) for p in _remove_temporaries(folder, lambda pid: pid == me)]


@functools.cache
def _umask() -> int:
    # Reading the umask means setting it: done once, at the first output file.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def final_mode(target: Path) -> int:
    """The mode an output replacing ``target`` gets: the one ``target`` has, or a new file's (what the umask
    leaves of 0o666), not mkstemp's private 0o600, so that a report for colleagues on a shared drive stays
    readable by them; `FileProblem` where ``target`` is not a regular file."""
    try:
        info = target.stat()
    except OSError:
        return 0o666 & ~_umask()
    if not stat.S_ISREG(info.st_mode):
        # Renaming over /dev/full or a FIFO would replace the device node itself.
        raise FileProblem("exists and is not a regular file")
    return stat.S_IMODE(info.st_mode)


def temporary_beside(target: Path, mode: int | None = None) -> Path:
    """A new, empty temporary file beside ``target`` whose name says it is fundmatch's and whose process wrote it.

    Its mode is ``mode`` (by default `final_mode`) with the owner's write bit: a read-only target is still
    replaced (its writer must fill the temporary first; `atomic_path` sets the final mode before the rename).
    """
    mode = (final_mode(target) if mode is None else mode) | stat.S_IWUSR
    clean_stale(target.parent)
    _OWN_FOLDERS.add(target.parent)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}-{_HOST}.", suffix=".fundmatch-tmp", dir=target.parent
    )
    os.close(fd)
    with contextlib.suppress(OSError):  # a file system without modes (FAT, some network drives)
        os.chmod(name, mode)
    return Path(name)


@contextlib.contextmanager
def temporary_folder(target: Path) -> Iterator[Path]:
    """A new folder beside ``target`` named like `temporary_beside`'s files, removed with its content after."""
    clean_stale(target.parent)
    _OWN_FOLDERS.add(target.parent)
    path = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}-{_HOST}.", suffix=".fundmatch-tmp", dir=target.parent)
    )
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path to fill; renamed over ``target`` when the block ends normally, removed otherwise.

    A symlink is written through: the file it points to is replaced, and the link stays a link.
    """
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    mode = final_mode(target)
    tmp = temporary_beside(target, mode)
    try:
        yield tmp
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        os.replace(tmp, target)
        REPLACED.append(target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_text(target: Path, *, newline: str | None = None, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text file open for writing; it replaces ``target`` only once everything is written and flushed."""
    with atomic_path(target) as tmp, tmp.open("w", encoding=encoding, newline=newline) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def check_output(target: Path) -> FileProblem | None:
    """Why ``target`` cannot be written (a missing folder, a directory, no permission), or None."""
    if target.is_dir():
        return FileProblem("is a directory")
    if target.exists() and not target.is_file():
        return FileProblem("exists and is not a regular file")
    parent = target.parent
    if not parent.is_dir():
        return FileProblem(f"the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        return FileProblem(f"the folder {parent} is not writable")
    return None


def write_atomic(target: Path, write: Callable[[IO[str]], Any], *, newline: str | None = None) -> None:
    """Write ``target`` through `atomic_text` with ``write(handle)``."""
    with atomic_text(target, newline=newline) as handle:
        write(handle)


def open_table(path: Path, limit: int = MAX_DATA_FILE) -> io.StringIO:
    """A bounded, UTF-8 (BOM or not) data table of a rule folder, ready for `csv`; problems raise `FileProblem`."""
    return io.StringIO(decode_utf8(read_bytes(path, limit)), newline="")
