"""``add_extensions``: grow an existing project with more extensions or targets, keeping every
line the user wrote.

The current templates are rendered twice, with the project's recorded selection and with the
larger one. Their difference is what the new components bring; it is merged into the project
file by file (see ``_merge``), planned entirely in memory and then applied in one step.
"""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from flaskforge import __version__
from flaskforge._catalogue import Catalogue, Kind, load_catalogue
from flaskforge._merge import FileMerge, Outcome, merge_file
from flaskforge._naming import parse_project_name
from flaskforge._project import render_project
from flaskforge._record import RECORD_FILE, ProjectRecord, read_record
from flaskforge._render import RenderedFile
from flaskforge._selection import NONE, Selection, resolve, split_choices
from flaskforge.errors import (
    CorruptProjectRecord,
    DirtyWorkingTree,
    InvalidProjectName,
    NotAFlaskforgeProject,
    UnknownChoice,
)


@dataclass(frozen=True)
class FileChange:
    """One file of the plan: its path, what happens to it, and the text before and after."""

    path: str
    outcome: Outcome
    before: bytes | None
    after: bytes | None

    def diff(self) -> str:
        """A unified diff of the change, for --dry-run."""
        old = (self.before or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        new = (self.after or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        origin = f"a/{self.path}" if self.before is not None else "/dev/null"
        return "".join(difflib.unified_diff(old, new, origin, f"b/{self.path}"))


@dataclass(frozen=True)
class GrowResult:
    """What ``add_extensions`` did (or, for a dry run, would do).

    Attributes:
        project: the project folder.
        added: the components added, as asked for and implied, sorted.
        implied: those added because another one requires them.
        changes: every file that changes, sorted by path.
        next_steps: what the user should do now, from the added components' manifests.
        written: False for a dry run or when there was nothing to do.
    """

    project: Path
    added: tuple[str, ...]
    implied: tuple[str, ...]
    changes: tuple[FileChange, ...]
    next_steps: tuple[str, ...]
    written: bool

    @property
    def conflicts(self) -> tuple[str, ...]:
        """Files written with conflict markers, for the user to resolve."""
        return tuple(c.path for c in self.changes if c.outcome is Outcome.CONFLICT)


def add_extensions(
    names: Iterable[str],
    *,
    project: Path | str = ".",
    dry_run: bool = False,
    allow_dirty: bool = False,
    catalogue: Catalogue | None = None,
) -> GrowResult:
    """Add extensions and/or deployment targets to the project in ``project``.

    Args:
        names: extension or target names (or aliases); requirements are added.
        project: the project folder (the one holding ``.flaskforge.toml``).
        dry_run: plan and report, write nothing.
        allow_dirty: proceed even if the project's git tree has uncommitted changes.
        catalogue: the catalogue to use (the shipped one by default).

    Returns:
        What changed, file by file. ``conflicts`` lists files left with conflict markers.

    Raises:
        NotAFlaskforgeProject, CorruptProjectRecord, DirtyWorkingTree: exit status 1.
        UnknownChoice, ConflictingChoices: bad names; nothing was written.
        WriteFailed: the disk failed; the project is as it was.
    """
    catalogue = catalogue or load_catalogue()
    root = Path(project)
    record = _read(root, catalogue)
    wanted = split_choices(names)
    extensions, targets = _split_kinds(catalogue, [n for n in wanted if n != NONE])
    old = Selection(record.extensions, record.targets)
    new = resolve(
        catalogue,
        extensions=[*old.extensions, *extensions] or [NONE],
        targets=[*old.targets, *targets] or [NONE],
    )
    added = tuple(sorted(set(new.extensions + new.targets) - set(old.extensions + old.targets)))
    if not added:
        return GrowResult(root, (), (), (), (), written=False)
    if not allow_dirty and not dry_run:
        _require_clean(root)
    asked = set(extensions) | set(targets)
    target_record = replace(
        record, extensions=new.extensions, targets=new.targets, flaskforge_version=__version__
    )
    # Both renders use the current templates and version: their difference is the new
    # components only, never a template upgrade.
    before = render_project(catalogue, replace(record, flaskforge_version=__version__))
    # The record is the one file whose old text is the project's own (it names the version that
    # generated it), so that it is replaced, not merged.
    before[RECORD_FILE] = RenderedFile((root / RECORD_FILE).read_bytes())
    after = render_project(catalogue, target_record)
    changes = []
    for path in sorted(set(before) | set(after)):
        yours = _current(root / path)
        old_file, new_file = before.get(path), after.get(path)
        result: FileMerge = merge_file(
            yours,
            old_file.content if old_file else None,
            new_file.content if new_file else None,
        )
        if result.outcome is not Outcome.UNCHANGED:
            changes.append(FileChange(path, result.outcome, yours, result.content))
    next_steps = tuple(
        step
        for component in new.components(catalogue)
        if component.name in added
        for step in component.next_steps
    )
    result_value = GrowResult(
        project=root,
        added=added,
        implied=tuple(sorted(set(added) - asked)),
        changes=tuple(changes),
        next_steps=next_steps,
        written=not dry_run,
    )
    if not dry_run:
        from flaskforge._apply import apply_writes

        writes = {c.path: c.after for c in changes if c.after is not None}
        modes = {
            path: 0o755
            for path, file in after.items()
            if file.executable and path in writes and not (root / path).exists()
        }
        apply_writes(root, writes, modes)
    return result_value


def _read(root: Path, catalogue: Catalogue) -> ProjectRecord:
    path = root / RECORD_FILE
    if not root.is_dir():
        raise NotAFlaskforgeProject(str(root), folder_exists=False)
    if not path.is_file():
        raise NotAFlaskforgeProject(str(root))
    try:
        record = read_record(root)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CorruptProjectRecord(str(path), str(error)) from None
    try:
        name = parse_project_name(record.project_name)
    except InvalidProjectName as error:
        raise CorruptProjectRecord(str(path), error.reason) from None
    if name.package != record.package_name:
        raise CorruptProjectRecord(
            str(path), f"package_name {record.package_name!r} does not match the project name"
        )
    recorded: tuple[tuple[Kind, tuple[str, ...]], ...] = (
        ("extension", record.extensions),
        ("target", record.targets),
    )
    for kind, names in recorded:
        known = {c.name for c in catalogue.of_kind(kind)}
        for unknown in sorted(set(names) - known):
            raise CorruptProjectRecord(
                str(path), f"it names the {kind} {unknown!r}, which this flaskforge does not know"
            )
    return record


def _split_kinds(catalogue: Catalogue, names: list[str]) -> tuple[list[str], list[str]]:
    """Sort names into extensions and targets; a name may be either (they never overlap)."""
    lookup: dict[str, tuple[Kind, str]] = {}
    kinds: tuple[Kind, ...] = ("extension", "target")
    for kind in kinds:
        for component in catalogue.of_kind(kind):
            for alias in (component.name, *component.aliases):
                lookup[alias] = (kind, component.name)
    extensions: list[str] = []
    targets: list[str] = []
    for name in names:
        if name not in lookup:
            raise UnknownChoice("extension", name, sorted(lookup))
        kind, canonical = lookup[name]
        (extensions if kind == "extension" else targets).append(canonical)
    return extensions, targets


def _require_clean(root: Path) -> None:
    try:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return  # no git at all: nothing to compare with
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=normal", "--", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    if status.stdout.strip():
        raise DirtyWorkingTree(str(root))


def _current(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None
