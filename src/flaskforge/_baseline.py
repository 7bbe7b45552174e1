"""The baseline: the clean render of the project's answers and flaskforge version, kept in git.

Every lifecycle command merges from a common ancestor: what ``flaskforge new`` generated for the
project's current answers and version, before its owner changed anything. ``new`` stores it as a
commit under ``refs/flaskforge/baseline``, outside every branch, so it is in no branch, log,
status or checkout; every lifecycle command moves it in the same step as the files.

A ref outside the branches is neither pushed nor cloned by default, and older projects never had
one, so ``load`` finds the baseline wherever it can, best first:

1. the ref (or, if the record was reset to an earlier state, the matching earlier baseline in
   the ref's history);
2. the same ref on the repository's remote (``git push origin 'refs/flaskforge/*'`` shares it);
3. rendered by this flaskforge, when the project is at this version;
4. rendered by the project's version, installed into a temporary environment from the package
   index or a local folder of wheels;
5. otherwise approximated: the recorded answers rendered with this flaskforge's templates, and
   the result says so (``note``).

A project in a subfolder of its repository has a ref of its own, named after the folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from flaskforge import _git
from flaskforge._clean import VersionUnavailable, render_installed, render_with_version
from flaskforge._record import RECORD_FILE, ProjectRecord, parse_record
from flaskforge._versions import installed

if TYPE_CHECKING:
    from flaskforge._catalogue import Catalogue
    from flaskforge._render import RenderedFile

#: Progress of the slow steps (a fetch, an install), for the CLI to show; the library never prints.
_log = logging.getLogger("flaskforge")
#: The ref of a project at the top of its repository.
REF = "refs/flaskforge/baseline"
#: How far back the ref's history is searched for the baseline matching the record.
HISTORY_DEPTH = 50


@dataclass(frozen=True)
class Baseline:
    """The clean render a project started from, and where it came from.

    Attributes:
        files: relative path -> file.
        source: ``"git"`` (the ref), ``"git history"`` (an earlier baseline under the ref),
            ``"remote"`` (fetched), ``"rendered"`` (by this flaskforge, the project's version),
            ``"installed"`` (by the project's version in a temporary environment) or
            ``"approximated"`` (recorded answers, this flaskforge's templates).
        commit: the commit holding it, when it is in the repository.
        note: one line for the user about where it came from ("" when there is nothing to say).
    """

    files: dict[str, RenderedFile]
    source: str
    commit: str | None = None
    note: str = ""

    @property
    def exact(self) -> bool:
        """Whether it is the project's true clean render (not an approximation)."""
        return self.source != "approximated"


def ref_name(repo: _git.Repo) -> str:
    """The baseline ref of the project in ``repo``: one per project folder of the repository."""
    if not repo.prefix:
        return REF
    # Every character but letters, digits, - and _ is escaped: a ref name is one component.
    return "refs/flaskforge/baselines/" + quote(repo.prefix, safe="").replace(".", "%2E").replace(
        "~", "%7E"
    )


def presence(repo: _git.Repo | None, record: ProjectRecord) -> str:
    """``"present"``, ``"stale"`` (the ref holds another state), ``"missing"`` or ``"no git"``."""
    if repo is None:
        return "no git"
    if _git.resolve(repo, ref_name(repo)) is None:
        return "missing"
    return "present" if stored(repo, record, depth=1) is not None else "stale"


def stored(
    repo: _git.Repo, record: ProjectRecord, *, start: str | None = None, depth: int = HISTORY_DEPTH
) -> str | None:
    """The commit under the baseline ref (or ``start``) whose record is ``record``, if any."""
    head = start or _git.resolve(repo, ref_name(repo))
    if head is None:
        return None
    for commit in _git.history(repo, head, depth):
        text = _git.read_blob(repo, f"{commit}:{RECORD_FILE}")
        if text is not None and _same_record(text, record):
            return commit
    return None


def load(
    root: Path,
    repo: _git.Repo | None,
    record: ProjectRecord,
    catalogue: Catalogue,
    *,
    find_links: Path | None = None,
    fetch: bool = True,
) -> Baseline:
    """The project's baseline, from the best place that has it (see the module's docstring)."""
    if repo is not None:
        head = _git.resolve(repo, ref_name(repo))
        commit = stored(repo, record, start=head) if head else None
        if commit is not None:
            return Baseline(_read(repo, commit), "git" if commit == head else "git history", commit)
        fetched = _git.fetch_ref(repo, ref_name(repo)) if fetch else None
        commit = stored(repo, record, start=fetched) if fetched else None
        if commit is not None:
            return Baseline(
                _read(repo, commit), "remote", commit, "The baseline was fetched from the remote."
            )
    version = record.flaskforge_version
    where = "" if repo is not None else "No git repository: "
    if version == installed():
        note = (
            "No git repository: the baseline was rendered from the recorded answers with this "
            f"flaskforge ({version}), the project's version."
            if repo is None
            else f"The baseline was restored: rendered with this flaskforge ({version})."
        )
        return Baseline(render_installed(catalogue, record), "rendered", note=note)
    _log.info(
        "Rendering the baseline with flaskforge %s, installed into a temporary environment...",
        version,
    )
    try:
        files = render_with_version(record, find_links=find_links)
    except VersionUnavailable as error:
        return Baseline(
            render_installed(catalogue, record),
            "approximated",
            note=(
                f"{where}flaskforge {version}, the project's version, is not available ({error}): "
                f"the baseline was approximated with this flaskforge's templates ({installed()}), "
                f"so what changed between the two versions counts as your edits."
            ),
        )
    return Baseline(
        files,
        "installed",
        note=(
            f"{where or 'The '}{'the ' if where else ''}baseline was rendered with flaskforge "
            f"{version}, installed into a temporary environment."
        ),
    )


def store(
    repo: _git.Repo,
    files: dict[str, RenderedFile],
    record: ProjectRecord,
    parent: str | None,
    *,
    same_as: str | None = None,
) -> str:
    """Write ``files`` as a baseline commit (no ref moves); returns the commit.

    Args:
        repo: the project's repository.
        files: the clean render.
        record: the answers and version it renders.
        parent: the baseline it follows, if any.
        same_as: a revision that may hold exactly ``files`` (``new``'s first commit): its tree
            is reused when it does, which spares writing every file again.
    """
    selection = ", ".join((*record.extensions, *record.targets)) or "no extensions or targets"
    message = (
        f"flaskforge baseline: {record.project_name} at flaskforge {record.flaskforge_version}\n\n"
        f"The clean render of the project's answers ({selection}). Kept by flaskforge as the "
        "common ancestor of its merges; not a branch.\n"
    )
    if same_as is not None:
        stored = _git.tree_ids(repo, same_as)
        length = len(next(iter(stored.values()))[1]) if stored else 40
        wanted = {
            path: (
                _git.EXECUTABLE if file.executable else _git.PLAIN,
                _git.blob_id(file.content, length=length),
            )
            for path, file in files.items()
        }
        if stored == wanted:
            return _git.commit_tree(repo, same_as, message=message, parent=parent)
    return _git.write_commit(
        repo,
        {path: (file.content, file.executable) for path, file in files.items()},
        message=message,
        parent=parent,
    )


def _read(repo: _git.Repo, commit: str) -> dict[str, RenderedFile]:
    from flaskforge._render import RenderedFile

    return {
        path: RenderedFile(content, executable)
        for path, (content, executable) in sorted(_git.read_commit(repo, commit).items())
    }


def _same_record(text: bytes, record: ProjectRecord) -> bool:
    try:
        return parse_record(text.decode("utf-8")) == record
    except (UnicodeDecodeError, ValueError):
        return False
