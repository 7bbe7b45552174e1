"""Every error flaskforge raises on purpose.

The CLI turns any :class:`FlaskforgeError` into one red line on stderr and the error's
``exit_code``; anything else is a bug and is shown with its traceback. User errors (exit 2 for
bad input, 1 for a project in the wrong state) always end with what to do next. Each error also
inherits the builtin it resembles, so library callers can catch ``ValueError`` and friends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


class FlaskforgeError(Exception):
    """Base class of every error flaskforge raises on purpose."""

    exit_code: int = 1


class UsageError(FlaskforgeError):
    """Raised when the input itself is wrong: a bad name, an unknown choice, a missing flag."""

    exit_code = 2


class InvalidProjectName(UsageError, ValueError):
    """Raised when a project name cannot become a directory and an importable Python package."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"Invalid project name {name!r}: {reason}.")


class InvalidDescription(UsageError, ValueError):
    """Raised when a description holds a character that is not printable text on one line."""

    def __init__(self, character: str, position: int) -> None:
        self.character = character
        self.position = position
        super().__init__(
            f"Invalid description: character {position + 1} is U+{ord(character):04X}, which is"
            " not printable text on one line. Use letters, digits, punctuation and spaces only."
        )


class DestinationExists(UsageError, FileExistsError):
    """Raised when the destination of a new project exists and is not an empty directory."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"Destination {path!r} already exists and is not empty. "
            "Choose another name or --output-dir, or remove it first."
        )


class InvalidOutputDir(UsageError, NotADirectoryError):
    """Raised when the output directory is a file or cannot be written to."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"Output directory {path!r} {reason}. Pass another --output-dir.")


class UnknownChoice(UsageError, LookupError):
    """Raised when an extension or target name is not in the catalogue."""

    def __init__(self, kind: str, name: str, known: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        hint = _did_you_mean(name, known)
        plural = "extensions" if kind == "extension" else "targets"
        super().__init__(f"Unknown {kind} {name!r}.{hint} Run 'flaskforge {plural}' to list them.")


class ConflictingChoices(UsageError, ValueError):
    """Raised when the selection contains two extensions that cannot be used together."""

    def __init__(self, first: str, second: str) -> None:
        self.pair = (first, second)
        super().__init__(
            f"Extensions {first!r} and {second!r} cannot be used together. Choose one of them."
        )


class InvalidResource(UsageError, ValueError):
    """Raised when a resource name or one of its ``--field`` specifications cannot be used."""

    def __init__(self, what: str, text: str, reason: str) -> None:
        self.what = what
        self.text = text
        self.reason = reason
        super().__init__(f"Invalid {what} {text!r}: {reason}.")


class MissingAnswer(UsageError):
    """Raised when a question must be answered but there is no terminal to ask it on."""

    def __init__(self, question: str, flag: str) -> None:
        self.question = question
        self.flag = flag
        super().__init__(
            f"No terminal to ask for {question}: pass {flag}, or --defaults to take the defaults."
        )


class InvalidDeploymentSetting(UsageError, ValueError):
    """Raised when an image registry or a Kubernetes namespace is not a name of its kind."""

    def __init__(self, what: str, value: str, reason: str, example: str) -> None:
        self.what = what
        self.value = value
        self.reason = reason
        super().__init__(f"Invalid {what} {value!r}: {reason}. Give one such as {example!r}.")


class InvalidAnswersFile(UsageError, ValueError):
    """Raised when an answers file (``--answers-file``, ``--from``) cannot be read or is wrong."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Invalid answers file {path!r}: {reason}.")


class UnknownAnswerKey(UsageError, LookupError):
    """Raised when an answers file holds a key that is not a question flaskforge asks."""

    def __init__(self, path: str, key: str, valid: Sequence[str]) -> None:
        self.path = path
        self.key = key
        self.valid = tuple(valid)
        hint = _did_you_mean(key, valid)
        super().__init__(
            f"Unknown key {key!r} in answers file {path!r}.{hint} Valid keys: {', '.join(valid)}."
        )


class GitNotFound(UsageError, FileNotFoundError):
    """Raised when a git repository is wanted but no ``git`` executable is on PATH."""

    def __init__(self) -> None:
        super().__init__("git is not installed or not on PATH. Install git, or pass --no-git.")


class WriteFailed(FlaskforgeError, OSError):
    """Raised when the files cannot be written (disk full, permissions, git failing).

    Whatever was written so far has been removed again.
    """

    def __init__(self, what: str, reason: str) -> None:
        self.what = what
        self.reason = reason
        super().__init__(f"Could not write {what}: {reason}. Nothing was written.")


class NotAFlaskforgeProject(FlaskforgeError, FileNotFoundError):
    """Raised when a command that grows a project finds no ``.flaskforge.toml`` record."""

    def __init__(self, path: str, *, folder_exists: bool = True) -> None:
        self.path = path
        if not folder_exists:
            super().__init__(
                f"{path} does not exist or is not a folder. "
                "Pass the project folder with -C/--project DIR."
            )
            return
        super().__init__(
            f"{path} is not a flaskforge project (no .flaskforge.toml). "
            "Run it inside a project made by 'flaskforge new', or pass -C/--project DIR."
        )


class CorruptProjectRecord(FlaskforgeError, ValueError):
    """Raised when the project's ``.flaskforge.toml`` cannot be read or makes no sense."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"The project record {path} is broken: {reason}. "
            "Restore it from version control (git checkout -- .flaskforge.toml)."
        )


class DirtyWorkingTree(FlaskforgeError):
    """Raised when the project has uncommitted changes and ``allow_dirty`` was not given.

    ``files`` are the changed or untracked paths, relative to the project; the message names
    the first few and says how many more there are.
    """

    #: How many files the message names before it says "and N more".
    SHOWN = 5

    def __init__(self, path: str, files: Sequence[str] = ()) -> None:
        self.path = path
        self.files = tuple(files)
        named = ""
        if self.files:
            shown = ", ".join(self.files[: self.SHOWN])
            more = len(self.files) - self.SHOWN
            named = f" ({shown}{f' and {more} more' if more > 0 else ''})"
        super().__init__(
            f"{path} has uncommitted changes{named}. Commit or stash them first, so that you can "
            "see and undo what flaskforge changes, or pass --allow-dirty."
        )


class PackageFolderMissing(FlaskforgeError, FileNotFoundError):
    """Raised when the package folder the project record names is not in the project.

    A renamed package folder would otherwise get the extension's files under the old name.
    """

    def __init__(self, path: str, folder: str, package: str) -> None:
        self.path = path
        self.folder = folder
        super().__init__(
            f"{path} has no {folder}/ folder, which its record (.flaskforge.toml) names as the "
            f"package {package!r}. Rename the folder back, or restore it from version control; "
            "nothing was written."
        )


class ProjectFromNewerFlaskforge(FlaskforgeError, ValueError):
    """Raised when the project was last changed by a newer flaskforge than the one running."""

    def __init__(self, path: str, recorded: str, installed: str) -> None:
        self.path = path
        self.recorded = recorded
        self.installed = installed
        super().__init__(
            f"{path} was last changed by flaskforge {recorded}, newer than this flaskforge "
            f"({installed}). Upgrade it: pip install --upgrade flaskforge-generator."
        )


class ProjectBehind(FlaskforgeError):
    """Raised by ``flaskforge check`` when the project is at an older flaskforge version."""

    def __init__(self, project: str, recorded: str, installed: str) -> None:
        self.project = project
        self.recorded = recorded
        self.installed = installed
        super().__init__(
            f"{project} is at flaskforge {recorded}; flaskforge {installed} is installed. "
            "Run 'flaskforge update' to move it to the installed version."
        )


class UpdateFirst(FlaskforgeError):
    """Raised when adding or removing a component cannot be expressed on an older version's files.

    The project was made by an older flaskforge; updating it first makes the change possible.
    """

    def __init__(self, recorded: str, installed: str, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        super().__init__(
            f"The change overlaps what flaskforge changed between {recorded} (this project's "
            f"version) and {installed} in {', '.join(self.paths)}. Run 'flaskforge update' "
            "first, then run this command again; nothing was written."
        )


class RequiredByOthers(UsageError, ValueError):
    """Raised when removing components that other enabled components require."""

    def __init__(self, removed: Sequence[str], dependents: Mapping[str, Sequence[str]]) -> None:
        self.removed = tuple(removed)
        self.dependents = {name: tuple(needs) for name, needs in dependents.items()}
        reasons = "; ".join(
            f"{name} requires {', '.join(needs)}" for name, needs in sorted(self.dependents.items())
        )
        super().__init__(
            f"Cannot remove {', '.join(self.removed)}: {reasons}. Remove those too, or pass "
            "--cascade to remove them with it."
        )


class ProjectBusy(FlaskforgeError, BlockingIOError):
    """Raised when another flaskforge process is changing the project right now."""

    def __init__(self, path: str, pid: int) -> None:
        self.path = path
        self.pid = pid
        super().__init__(
            f"Another flaskforge (process {pid}) is changing {path}. Wait for it to finish; "
            "if no such process runs, remove the folder .flaskforge-journal and run again."
        )


class GitFailed(FlaskforgeError, RuntimeError):
    """Raised when a git command flaskforge runs fails.

    For instance, in a repository it cannot write to.
    """

    def __init__(self, command: str, reason: str) -> None:
        self.command = command
        self.reason = reason
        super().__init__(f"git {command} failed: {reason}.")


class MergeConflicts(FlaskforgeError):
    """Raised after a command applied its changes but some files need the user.

    ``paths`` have conflict markers; ``left`` are files the user edited that flaskforge no
    longer generates, left in place for the user to delete or keep.
    """

    def __init__(self, paths: Sequence[str], left: Sequence[str] = ()) -> None:
        self.paths = tuple(paths)
        self.left = tuple(left)
        parts = []
        if self.paths:
            parts.append(
                f"Conflicts in {', '.join(self.paths)}: you and flaskforge changed the same "
                "lines. Resolve the <<<<<<< markers"
            )
        if self.left:
            parts.append(
                f"{'You' if not self.paths else 'you'} edited {', '.join(self.left)}, which "
                "flaskforge no longer generates: delete or keep"
                f" {'it' if len(self.left) == 1 else 'them'}"
            )
        super().__init__("; ".join(parts) + ", then commit; everything else was applied.")


class Aborted(FlaskforgeError):
    """Raised when the user stops flaskforge (Ctrl-C, Ctrl-D at a prompt, SIGTERM or SIGHUP).

    Nothing was written: whatever was part-way is rolled back first.
    """

    exit_code = 130

    def __init__(self, signal_name: str | None = None) -> None:
        self.signal_name = signal_name
        how = f"Stopped by {signal_name}" if signal_name else "Aborted"
        super().__init__(f"{how}; nothing was written.")


class InternalError(FlaskforgeError):
    """Base of errors that are flaskforge's fault, not the user's: please report them."""


class CatalogueError(InternalError, ValueError):
    """Raised when the shipped catalogue of extensions and targets is inconsistent."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "The extension catalogue is broken: "
            + "; ".join(self.problems)
            + ". This is a bug in flaskforge; please report it."
        )


class RenderError(InternalError, RuntimeError):
    """Raised when a template fails to render (for instance, it uses an undefined variable)."""

    def __init__(self, template: str, reason: str) -> None:
        self.template = template
        self.reason = reason
        super().__init__(
            f"Template {template!r} failed to render: {reason}. "
            "This is a bug in flaskforge; please report it."
        )


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    # difflib is cheap to import and only needed on this error path.
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""
