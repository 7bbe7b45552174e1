"""Apply a set of file changes to an existing project as one step, with a journal that survives.

Every new content is first written to a journal folder inside the project (same file system, so
renames are atomic), with a copy of every file it replaces or deletes, and a description of the
whole step (``journal.json``). Then the files are swapped in, the project record last, then the
baseline ref is moved. So:

- a failure, Ctrl-C, SIGTERM or SIGHUP part-way rolls every swapped file back in-process;
- a process killed outright (SIGKILL, a power cut of the machine's user session) leaves the
  journal behind, and the next flaskforge command in the project rolls it back, or forward when
  the step had already reached its commit point (the ``committed`` marker), before anything
  else (``recover``);
- the record is written last, so a half-applied project never claims to be done.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flaskforge._signals import deferred
from flaskforge.errors import ProjectBusy, WriteFailed

#: The journal folder, at the top of the project while a step is applied.
JOURNAL = ".flaskforge-journal"
_PLAN = "journal.json"
_COMMITTED = "committed"
_OWNER = "pid"


@dataclass(frozen=True)
class RefMove:
    """Move ``ref`` from ``old`` (None: it did not exist) to ``new`` when the step commits."""

    ref: str
    new: str
    old: str | None


@dataclass(frozen=True)
class Transaction:
    """What one step changes.

    Attributes:
        writes: relative path -> new content, or None to delete the file.
        modes: permission bits for files that must be executable (relative path -> mode).
        last: the path written last, after every other (the project record).
        ref: the baseline ref to move once every file is in place.
    """

    writes: Mapping[str, bytes | None]
    modes: Mapping[str, int] = field(default_factory=dict)
    last: str | None = None
    ref: RefMove | None = None


def apply(project: Path, step: Transaction) -> None:
    """Apply ``step`` to ``project``, all or nothing.

    Raises:
        WriteFailed: a write failed; the project is unchanged.
        ProjectBusy: another flaskforge is applying a step to the project.
        KeyboardInterrupt: interrupted; the project is unchanged.
    """
    if not step.writes and step.ref is None:
        return
    journal = project / JOURNAL
    try:
        journal.mkdir()
    except FileExistsError:
        raise ProjectBusy(str(project), _owner(journal) or 0) from None
    except OSError as error:
        raise WriteFailed(str(project), error.strerror or str(error)) from error
    entries: list[dict[str, Any]] = []
    created: list[str] = []
    try:
        (journal / _OWNER).write_text(str(os.getpid()))
        order = sorted(step.writes, key=lambda path: (path == step.last, path))
        for index, relative in enumerate(order):
            entries.append(_stage(project, journal, index, relative, step))
        written = [path for path in order if step.writes[path] is not None]
        created.extend(_new_folders(project, written))
        _write_plan(journal, entries, created, step.ref)
        for entry in entries:
            _swap(project, journal, entry)
        _write_durably(journal / _COMMITTED, b"")
        if step.ref is not None:
            _move_ref(project, step.ref.ref, step.ref.new, step.ref.old)
    except BaseException as error:
        with deferred():
            _roll_back(project, journal, entries, created, step.ref)
        if isinstance(error, OSError) and not isinstance(error, WriteFailed | ProjectBusy):
            raise WriteFailed(str(project), error.strerror or str(error)) from error
        raise
    # Done: dropping the plan first makes the leftover (if cut short now) mean "nothing to do".
    with deferred():
        (journal / _PLAN).unlink()
        shutil.rmtree(journal, ignore_errors=True)


def _new_folders(project: Path, written: list[str]) -> list[str]:
    """The folders writing ``written`` creates, parents first: a roll-back removes them."""
    created: list[str] = []
    for relative in written:
        for parent in reversed(Path(relative).parents[:-1]):
            folder = parent.as_posix()
            if folder not in created and not (project / folder).exists():
                created.append(folder)
    return created


def recover(project: Path) -> str | None:
    """Finish what an interrupted step left in ``project``: roll it back, or forward.

    Returns:
        ``"rolled back"`` or ``"rolled forward"``, or None when there was nothing to do.

    Raises:
        ProjectBusy: the journal belongs to a flaskforge that is still running.
    """
    journal = project / JOURNAL
    if not journal.is_dir():
        return None
    owner = _owner(journal)
    if owner is not None and owner != os.getpid() and _alive(owner):
        raise ProjectBusy(str(project), owner)
    plan_path = journal / _PLAN
    if not plan_path.is_file():
        # Cut short while staging (nothing was swapped yet) or while cleaning up after success.
        shutil.rmtree(journal, ignore_errors=True)
        return None
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    ref = RefMove(**plan["ref"]) if plan.get("ref") else None
    with deferred():
        if (journal / _COMMITTED).exists():
            for entry in plan["entries"]:
                _swap(project, journal, entry)
            if ref is not None:
                _move_ref(project, ref.ref, ref.new, None)
            outcome = "rolled forward"
        else:
            _roll_back(project, journal, plan["entries"], plan["created"], ref)
            outcome = "rolled back"
        plan_path.unlink(missing_ok=True)
        shutil.rmtree(journal, ignore_errors=True)
    return outcome


def _stage(
    project: Path, journal: Path, index: int, relative: str, step: Transaction
) -> dict[str, Any]:
    target = project / relative
    entry: dict[str, Any] = {"path": relative, "new": None, "old": None}
    if target.is_file():
        old = journal / f"old-{index}"
        shutil.copy2(target, old)
        entry["old"] = old.name
    content = step.writes[relative]
    if content is not None:
        new = journal / f"new-{index}"
        new.write_bytes(content)
        if relative in step.modes:
            new.chmod(step.modes[relative])
        elif target.is_file():
            shutil.copymode(target, new)
        entry["new"] = new.name
    return entry


def _write_plan(
    journal: Path, entries: list[dict[str, Any]], created: list[str], ref: RefMove | None
) -> None:
    plan = {
        "format": 1,
        "entries": entries,
        "created": created,
        "ref": None if ref is None else {"ref": ref.ref, "new": ref.new, "old": ref.old},
    }
    scratch = journal / f"{_PLAN}.tmp"
    _write_durably(scratch, json.dumps(plan, indent=1).encode("utf-8"))
    scratch.replace(journal / _PLAN)
    _sync_folder(journal)


def _swap(project: Path, journal: Path, entry: Mapping[str, Any]) -> None:
    """Put one entry's new content in place (idempotent: a second call does nothing)."""
    target = project / entry["path"]
    if entry["new"] is not None:
        new = journal / entry["new"]
        if new.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            new.replace(target)
        return
    if target.is_file():
        target.unlink()
        _prune(project, target.parent)


def _roll_back(
    project: Path,
    journal: Path,
    entries: list[dict[str, Any]],
    created: list[str],
    ref: RefMove | None,
) -> None:
    """Undo whatever of ``entries`` was swapped (idempotent: safe to run again if cut short)."""
    if ref is not None:
        # Only if it had moved: put it back where it was.
        _move_ref(project, ref.ref, ref.old, ref.new)
    # From here on, a run cut short is rolled back again, never forward.
    (journal / _COMMITTED).unlink(missing_ok=True)
    for entry in reversed(entries):
        target = project / entry["path"]
        old = journal / entry["old"] if entry["old"] is not None else None
        if old is not None and old.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            old.replace(target)
        elif entry["old"] is None:
            target.unlink(missing_ok=True)
    for folder in reversed(created):
        shutil.rmtree(project / folder, ignore_errors=True)
    (journal / _PLAN).unlink(missing_ok=True)
    shutil.rmtree(journal, ignore_errors=True)


def _move_ref(project: Path, ref: str, new: str | None, old: str | None) -> None:
    """Point ``ref`` at ``new`` (None: delete it), if it is at ``old`` (None: wherever it is)."""
    from flaskforge import _git

    repo = _git.find_repo(project)
    if repo is None:
        return
    if old is not None and _git.resolve(repo, ref) != old:
        return
    if new is None:
        _git.delete_ref(repo, ref)
    else:
        _git.update_ref(repo, ref, new)


def _prune(project: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents below ``project`` while they are empty."""
    while folder != project and project in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _owner(journal: Path) -> int | None:
    try:
        return int((journal / _OWNER).read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_durably(path: Path, content: bytes) -> None:
    with path.open("wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
