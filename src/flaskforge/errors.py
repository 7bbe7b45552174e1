"""Every error flaskforge raises on purpose.

The CLI turns any :class:`FlaskforgeError` into one red line on stderr and the error's
``exit_code``; anything else is a bug and is shown with its traceback. User errors (exit 2 for
bad input, 1 for a project in the wrong state) always end with what to do next. Each error also
inherits the builtin it resembles, so library callers can catch ``ValueError`` and friends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


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


class MissingAnswer(UsageError):
    """Raised when a question must be answered but there is no terminal to ask it on."""

    def __init__(self, question: str, flag: str) -> None:
        self.question = question
        self.flag = flag
        super().__init__(
            f"No terminal to ask for {question}: pass {flag}, or --defaults to take the defaults."
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
    """Raised when the project has uncommitted changes and ``allow_dirty`` was not given."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"{path} has uncommitted changes. Commit or stash them first, so that you can see "
            "and undo what flaskforge changes, or pass --allow-dirty."
        )


class MergeConflicts(FlaskforgeError):
    """Raised after add-extension applied its changes but some files have conflict markers."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        super().__init__(
            f"Conflicts in {', '.join(self.paths)}: you and flaskforge changed the same lines. "
            "Resolve the <<<<<<< markers, then commit; everything else was applied."
        )


class Aborted(FlaskforgeError):
    """Raised when the user stops flaskforge at a prompt (Ctrl-C or Ctrl-D). Nothing was written."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("Aborted; nothing was written.")


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
