"""Safe, atomic output (SPEC 11): a folder appears whole or not at all, and only where the planner may write.

Every folder the planner writes holds a `run.json` (its marker). `output_folder`
claims a folder before any work is done: it refuses a file, a folder holding
the run's inputs (the scenario's data folder or one above it), the current
folder or one above it, and, unless forced, a folder that is neither empty nor
marked. It locks the folder against a second run, clears what an earlier
killed run left beside it, and then `write` swaps the new folder in: on Linux
in one atomic exchange (renameat2), elsewhere by two renames that the next run
repairs if it was killed between them (docs/design.md, "Safe outputs").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from models.errors import PlannerError

MARKER = "run.json"
"""The file every folder the planner writes holds; a folder with it may be replaced."""

KEPT = ("inventree_sent.jsonl",)
"""Records a planner keeps in a result folder (planner.io.exporters.post's log of what was posted to
InvenTree): a folder holding one is replaced only when forced."""

_RENAME_EXCHANGE = 2
_STAGING = ".new-"
_OLD = ".old-"

reached: Callable[[str], None] = lambda point: None  # noqa: E731
"""Called at the moments of a write ("staged", "swapped", "moved-aside"); tests kill the process there."""


class OutputRefused(PlannerError):
    """The planner will not write where it was asked to (wrong input: exit 2)."""

    exit_code = 2


class OutputBusy(PlannerError):
    """Another planner run is writing the same folder now (exit 1)."""


class Claim:
    """A folder claimed for writing: `write` puts the files in place, whole."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, files: Mapping[str, str | bytes]) -> None:
        """Write `files` (name -> text, or bytes as they are) as the folder, replacing what is there in
        one step."""
        staging = Path(tempfile.mkdtemp(prefix=f".{self.path.name}{_STAGING}", dir=self.path.parent))
        try:
            staging.chmod(0o777 & ~_umask())
            for name, content in files.items():
                with open(staging / name, "wb") as fh:
                    fh.write(content if isinstance(content, bytes) else content.encode("utf-8"))
                    fh.flush()
                    os.fsync(fh.fileno())
            reached("staged")
            _swap_in(staging, self.path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_dir(self.path.parent)


@contextmanager
def output_folder(out_dir: Path, protect: Iterable[Path] = (), force: bool = False) -> Iterator[Claim]:
    """Claim `out_dir` for writing a result, holding a lock until the block ends.

    `protect`: the run's input files; no folder that holds one may be replaced.
    Raises OutputRefused (with the reason) or OutputBusy.
    """
    path = Path(out_dir).absolute().resolve()
    refuse_folder(path, protect, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        _tidy(path)
        _refuse_unsafe(path, [], force)  # the tidy may have put an earlier result back
        yield Claim(path)


def refuse_folder(out_dir: Path, protect: Iterable[Path] = (), force: bool = False) -> None:
    """Raise OutputRefused now if `out_dir` may not be written (before a long job; the claim checks again)."""
    _refuse_unsafe(Path(out_dir).absolute().resolve(), [Path(p).absolute().resolve() for p in protect], force)


def write_atomically(
    out_dir: Path, files: Mapping[str, str | bytes], protect: Iterable[Path] = (), force: bool = False
) -> None:
    """Claim `out_dir` and write `files` into it, whole (see `output_folder`)."""
    with output_folder(out_dir, protect, force) as claim:
        claim.write(files)


def refuse_file(
    path: Path, ours: Callable[[Path], bool], protect: Iterable[Path] = (), force: bool = False
) -> None:
    """Raise OutputRefused unless the file `path` may be written: never a folder or an input, and an
    existing file only when `ours(path)` says the planner wrote it, or when forced."""
    path = Path(path).absolute().resolve()
    if path.is_dir():
        raise OutputRefused(f"{path} is a folder; name a file")
    if path in {Path(p).absolute().resolve() for p in protect}:
        raise OutputRefused(f"{path} is one of this run's inputs; name another file")
    if path.exists() and not force and not ours(path):
        raise OutputRefused(
            f"{path} exists and was not written by the planner; name another file or pass --force"
        )


def write_file_atomically(target: Path, text: str) -> None:
    """Write one text file whole, in one rename (a link at `target` is replaced, never followed)."""
    handle, staging = tempfile.mkstemp(prefix=f".{target.name}{_STAGING}", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(staging, 0o666 & ~_umask())
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def marker(command: str, **fields: object) -> str:
    """The `run.json` text of a folder that a command other than a solve writes."""
    from importlib import metadata

    record = {"written_by": command, "planner_version": metadata.version("allocation-planner")} | fields
    return json.dumps(record, indent=2, default=str) + "\n"


def is_planner_folder(path: Path) -> bool:
    """True when `path` holds a `run.json` the planner wrote."""
    try:
        record = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "planner_version" in record


def safe_name(name: str, fallback: str) -> str:
    """`name` as one safe file name: letters, digits, `_`, `.` and `-` only, no leading or trailing dot
    (so no `..`, no separator, no control character), at most 200 bytes; `fallback` when nothing is left."""
    cleaned = re.sub(r"[^\w.-]+", "_", name).strip("._")
    return cleaned.encode("utf-8")[:200].decode("utf-8", errors="ignore").rstrip("._") or fallback


def _refuse_unsafe(path: Path, inputs: list[Path], force: bool) -> None:
    if path.exists() and not path.is_dir():
        raise OutputRefused(f"{path} is a file; the planner writes only folders there and replaces no file")
    here = Path.cwd().resolve()
    if path == here or path in here.parents:
        raise OutputRefused(f"{path} is the current folder or one above it; name a folder of its own")
    for source in inputs:
        if path == source or path in source.parents:
            raise OutputRefused(f"{path} holds this run's input {source}; name another folder")
    if path.is_dir() and any(path.iterdir()) and not is_planner_folder(path) and not force:
        raise OutputRefused(
            f"{path} is not empty and was not written by the planner (it has no {MARKER}); "
            "name a new or empty folder, or pass --force to replace it"
        )
    kept = [name for name in KEPT if (path / name).exists()]
    if kept and not force:
        raise OutputRefused(
            f"{path} holds {kept[0]}, the record of what was posted from its plan; "
            "name another folder, or pass --force to replace it with the record"
        )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path`, through a lock file beside it that is removed afterwards."""
    lock = path.parent / f".{path.name}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusy(
                f"another planner run is writing {path} now; try again when it has finished"
            ) from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the lock file was removed by the run that held it: take a fresh one
    try:
        yield
    finally:
        os.unlink(lock)
        os.close(fd)


def _tidy(path: Path) -> None:
    """Put back a result an interrupted swap left aside, and remove what killed runs left beside `path`."""
    prefix = f".{path.name}"
    leftovers = sorted(
        p for p in path.parent.iterdir() if p.name.startswith((prefix + _STAGING, prefix + _OLD))
    )
    for left in leftovers:
        previous = left / "previous"
        if left.name.startswith(prefix + _OLD) and previous.is_dir() and not path.exists():
            os.rename(previous, path)
        shutil.rmtree(left, ignore_errors=True)


def _swap_in(staging: Path, path: Path) -> None:
    """Make `staging` the folder `path`; the old folder (if any) is removed after."""
    if not path.exists():
        os.rename(staging, path)
        return
    try:
        _exchange(staging, path)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise
        aside = Path(tempfile.mkdtemp(prefix=f".{path.name}{_OLD}", dir=path.parent))
        os.rename(path, aside / "previous")
        reached("moved-aside")  # killed here, the next run puts `previous` back (see _tidy)
        os.rename(staging, path)
        shutil.rmtree(aside)
        return
    reached("swapped")
    shutil.rmtree(staging)  # it holds the old result now


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step (Linux renameat2 with RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_cwd = -100
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
