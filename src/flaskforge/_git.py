"""Every git operation flaskforge needs, through the ``git`` command. No other module runs git.

Three kinds of use:

- a new project: ``init_and_commit``;
- reading the state of a project's repository (``find_repo``, ``changed_paths``,
  ``listed_paths``) and merging one file (``merge_file``, which needs no repository);
- the baseline, a commit outside every branch (see ``_baseline``): ``write_commit`` stores a tree
  of files as a commit object without touching the index or the working tree, ``read_commit``
  reads one back, ``update_ref``/``resolve`` move and find refs, ``fetch_ref`` fetches one.

Failures come back as :class:`~flaskforge.errors.GitFailed` (or ``GitNotFound``), never as a
bare ``CalledProcessError``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from flaskforge.errors import GitFailed, GitNotFound

# Used only when the user has no identity configured, so the initial commit never fails.
_FALLBACK_IDENTITY = ("-c", "user.name=flaskforge", "-c", "user.email=flaskforge@localhost")
# Baseline commits are flaskforge's bookkeeping, not anyone's work: a fixed author and date make
# the same files give the same commit, like every other output of flaskforge.
_BOOKKEEPING_ENV = {
    "GIT_AUTHOR_NAME": "flaskforge",
    "GIT_AUTHOR_EMAIL": "flaskforge@localhost",
    "GIT_AUTHOR_DATE": "1970-01-01T00:00:00+0000",
    "GIT_COMMITTER_NAME": "flaskforge",
    "GIT_COMMITTER_EMAIL": "flaskforge@localhost",
    "GIT_COMMITTER_DATE": "1970-01-01T00:00:00+0000",
}
# A fetch must never stop to ask for a password in the middle of a command.
_NO_PROMPTS = {"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}
#: File modes git stores: a plain file and an executable one.
PLAIN, EXECUTABLE = "100644", "100755"


def require_git() -> str:
    """The path of the ``git`` executable; GitNotFound when there is none."""
    git = shutil.which("git")
    if git is None:
        raise GitNotFound()
    return git


def init_and_commit(directory: Path, message: str) -> None:
    """Make ``directory`` a repository on branch ``main`` with everything in one commit.

    Raises:
        GitFailed: git failed; the reason it gives is in the message.
    """
    git = require_git()
    _run([git, "init", "--quiet", "--initial-branch=main"], directory)
    has_identity = _run([git, "config", "--get", "user.email"], directory, check=False)[0] == 0
    identity = () if has_identity else _FALLBACK_IDENTITY
    _run([git, "add", "--all"], directory)
    # Signing would prompt for a passphrase in the middle of a scripted run.
    _run(
        [git, *identity, "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message],
        directory,
    )


@dataclass(frozen=True)
class Repo:
    """The git repository a project folder is in.

    Attributes:
        project: the project folder.
        top: the repository's top-level folder.
        prefix: the project's path inside the repository, POSIX, ``""`` at the top.
    """

    project: Path
    top: Path
    prefix: str


def find_repo(project: Path) -> Repo | None:
    """The repository ``project`` is in; None without git or outside a repository."""
    git = shutil.which("git")
    if git is None:
        return None
    code, out, _ = _run(
        [git, "rev-parse", "--is-inside-work-tree", "--show-toplevel", "--show-prefix"],
        project,
        check=False,
    )
    lines = out.decode("utf-8", errors="surrogateescape").splitlines()
    if code != 0 or not lines or lines[0] != "true":
        return None
    prefix = lines[2].rstrip("/") if len(lines) > 2 else ""
    return Repo(project=project, top=Path(lines[1]), prefix=prefix)


def changed_paths(repo: Repo) -> list[str]:
    """Paths below the project that differ from HEAD or are untracked (not ignored), sorted.

    Paths are relative to the project folder.
    """
    out = _git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    entries = out.decode("utf-8", errors="surrogateescape").split("\0")
    paths: set[str] = set()
    skip = False
    for entry in entries:
        if skip:  # the source path of a rename or copy
            skip = False
            continue
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        skip = "R" in status or "C" in status
        paths.add(_relative(repo, path))
    return sorted(paths)


def listed_paths(repo: Repo) -> list[str]:
    """Tracked files and untracked ones that are not ignored, below the project, sorted."""
    out = _git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name")
    names = out.decode("utf-8", errors="surrogateescape").split("\0")
    return sorted({_relative(repo, name) for name in names if name})


def _relative(repo: Repo, path: str) -> str:
    if repo.prefix and path.startswith(repo.prefix + "/"):
        return path[len(repo.prefix) + 1 :]
    return path


def merge_file(
    yours: bytes, before: bytes, after: bytes, labels: Sequence[str]
) -> tuple[bytes, bool]:
    """Merge ``before -> after`` into ``yours`` the way ``git merge`` does, in memory.

    Args:
        yours: the file as the user has it.
        before: the common ancestor.
        after: flaskforge's new version.
        labels: the names on the conflict markers, for yours, before and after.

    Returns:
        The merged bytes and whether the merge was clean (no conflict markers).

    Raises:
        GitFailed: git could not merge (for instance, it took the file for binary).
    """
    git = require_git()
    with tempfile.TemporaryDirectory(prefix="flaskforge-merge-") as scratch:
        paths = []
        for name, content in zip(("yours", "before", "after"), (yours, before, after), strict=True):
            path = Path(scratch) / name
            path.write_bytes(content)
            paths.append(str(path))
        label_args = [arg for label in labels for arg in ("-L", label)]
        code, out, err = _run(
            [git, "merge-file", "-p", *label_args, *paths], Path(scratch), check=False
        )
    # 0: clean; 1..127: that many conflicts; anything else: git could not merge at all.
    if code < 0 or code > 127:
        raise GitFailed("merge-file", _reason(err))
    return out, code == 0


def write_commit(
    repo: Repo,
    files: Mapping[str, tuple[bytes, bool]],
    *,
    message: str,
    parent: str | None = None,
) -> str:
    """Store ``files`` as a commit in the repository's object database; returns its id.

    Nothing else changes: no branch, no index, no working tree. The files are stored as given
    (no line-ending or other filters), relative to the commit's root.

    Args:
        repo: the repository.
        files: relative POSIX path -> (content, executable).
        message: the commit message.
        parent: the commit it follows, if any.
    """
    with tempfile.TemporaryDirectory(prefix="flaskforge-baseline-") as scratch:
        scratch_dir = Path(scratch)
        blobs = scratch_dir / "blobs"
        blobs.mkdir()
        names = sorted(files)
        for index, name in enumerate(names):
            (blobs / str(index)).write_bytes(files[name][0])
        listing = "".join(f"{blobs / str(i)}\n" for i in range(len(names)))
        shas = _git(
            repo, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin=listing.encode()
        ).split()
        index_info = b"".join(
            f"{EXECUTABLE if files[name][1] else PLAIN} {sha.decode()}\t".encode()
            + name.encode("utf-8", errors="surrogateescape")
            + b"\0"
            for name, sha in zip(names, shas, strict=True)
        )
        env = {"GIT_INDEX_FILE": str(scratch_dir / "index")}
        _git(repo, "update-index", "-z", "--add", "--index-info", stdin=index_info, env=env)
        tree = _git(repo, "write-tree", env=env).decode().strip()
    parents = ["-p", parent] if parent else []
    return (
        _git(repo, "commit-tree", tree, *parents, "-m", message, env=_BOOKKEEPING_ENV)
        .decode()
        .strip()
    )


def tree_ids(repo: Repo, revision: str) -> dict[str, tuple[str, str]]:
    """Every file of ``revision``: relative path -> (mode, object id), without reading them."""
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", revision)
    ids: dict[str, tuple[str, str]] = {}
    for line in listing.split(b"\0"):
        if line:
            meta, name = line.split(b"\t", 1)
            mode, kind, sha = meta.decode().split()
            if kind == "blob":
                ids[name.decode("utf-8", errors="surrogateescape")] = (mode, sha)
    return ids


def blob_id(content: bytes, *, length: int = 40) -> str:
    """The id git gives a file of ``content`` (SHA-1, or SHA-256 for a 64-digit ``length``)."""
    digest = hashlib.sha256 if length == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(content) + content).hexdigest()


def commit_tree(repo: Repo, revision: str, *, message: str, parent: str | None = None) -> str:
    """A commit of ``revision``'s tree (nothing else changes); returns its id."""
    parents = ["-p", parent] if parent else []
    out = _git(
        repo, "commit-tree", f"{revision}^{{tree}}", *parents, "-m", message, env=_BOOKKEEPING_ENV
    )
    return out.decode().strip()


def read_commit(repo: Repo, commit: str) -> dict[str, tuple[bytes, bool]]:
    """Every file of ``commit``: relative path -> (content, executable)."""
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit)
    entries: list[tuple[str, str, bytes]] = []
    for line in listing.split(b"\0"):
        if not line:
            continue
        meta, raw_name = line.split(b"\t", 1)
        raw_mode, kind, sha = meta.split()
        if kind == b"blob":
            path = raw_name.decode("utf-8", errors="surrogateescape")
            entries.append((path, raw_mode.decode(), sha))
    if not entries:
        return {}
    batch = _git(repo, "cat-file", "--batch", stdin=b"".join(sha + b"\n" for _, _, sha in entries))
    files: dict[str, tuple[bytes, bool]] = {}
    offset = 0
    for name, mode, _ in entries:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        start = header_end + 1
        files[name] = (batch[start : start + size], mode == EXECUTABLE)
        offset = start + size + 1
    return files


def read_blob(repo: Repo, spec: str) -> bytes | None:
    """The content of ``spec`` (such as ``<commit>:<path>``); None when it does not exist."""
    code, out, _ = _run([require_git(), "cat-file", "blob", spec], repo.project, check=False)
    return out if code == 0 else None


def resolve(repo: Repo, ref: str) -> str | None:
    """The commit ``ref`` names; None when it does not exist."""
    code, out, _ = _run(
        [require_git(), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        repo.project,
        check=False,
    )
    return out.decode().strip() if code == 0 else None


def history(repo: Repo, commit: str, limit: int) -> list[str]:
    """``commit`` and up to ``limit - 1`` of its ancestors, newest first."""
    out = _git(repo, "rev-list", f"--max-count={limit}", commit)
    return out.decode().split()


def update_ref(repo: Repo, ref: str, new: str, old: str | None = None) -> None:
    """Point ``ref`` at ``new``; when ``old`` is given, only if it still points there."""
    _git(repo, "update-ref", "-m", "flaskforge", ref, new, *([old] if old else []))


def delete_ref(repo: Repo, ref: str) -> None:
    """Delete ``ref`` (nothing happens when it does not exist)."""
    _git(repo, "update-ref", "-d", ref)


def fetch_ref(repo: Repo, ref: str, timeout: float = 60) -> str | None:
    """Fetch ``ref`` from the repository's remote (``origin``, or its only one).

    Returns:
        The fetched commit, which is not stored under any ref (it is in ``FETCH_HEAD``);
        None when there is no remote, the remote lacks the ref, or the fetch failed.
    """
    remotes = _git(repo, "remote").decode().split()
    remote = "origin" if "origin" in remotes else (remotes[0] if len(remotes) == 1 else None)
    if remote is None:
        return None
    logging.getLogger("flaskforge").info("Fetching the baseline from %s...", remote)
    try:
        code, _, _ = _run(
            [require_git(), "fetch", "--quiet", "--no-tags", remote, ref],
            repo.project,
            check=False,
            env=_NO_PROMPTS,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    return resolve(repo, "FETCH_HEAD") if code == 0 else None


def _git(
    repo: Repo, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    return _run([require_git(), *args], repo.project, stdin=stdin, env=env)[1]


def _run(
    command: list[str],
    cwd: Path,
    *,
    check: bool = True,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> tuple[int, bytes, bytes]:
    full_env = {**os.environ, **env} if env else None
    done = subprocess.run(
        command,
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=full_env,
        check=False,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise GitFailed(command[1], _reason(done.stderr))
    return done.returncode, done.stdout, done.stderr


def _reason(stderr: bytes) -> str:
    """The reason git gives for failing: its first ``fatal:`` or ``error:`` line, else its last.

    git ends some failures with paragraphs of advice (a stale lock file, say), whose last line
    alone ("remove the file manually to continue") would not say what failed.
    """
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    first = next((line for line in lines if line.startswith(("fatal: ", "error: "))), None)
    reason = first or (lines[-1] if lines else "git failed")
    return reason.rstrip(".")
