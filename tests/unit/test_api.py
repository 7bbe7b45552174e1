"""The public API: what ``flaskforge/__init__.py`` exports, and that it is enough to use it.

``__init__.py`` keeps three lists by hand (``__all__``, the imports for type checkers, and the
table of lazy imports); they must agree. Every class a public function returns, and every
class those hold, must be importable from ``flaskforge`` itself, not only from a private module.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import pkgutil
import typing
from pathlib import Path

import flaskforge

INIT = Path(flaskforge.__file__)
#: Defined in ``__init__.py`` itself, so in neither of the other two lists.
DEFINED_HERE = {"__version__", "list_extensions", "list_targets"}


def _type_checking_imports() -> dict[str, str]:
    """Name -> module of the imports under ``if TYPE_CHECKING:``."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    return {
        alias.name: node.module or ""
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_three_lists_of_the_public_api_agree() -> None:
    imported = _type_checking_imports()
    lazy: dict[str, str] = flaskforge._LAZY  # type: ignore[attr-defined]
    assert len(set(flaskforge.__all__)) == len(flaskforge.__all__), "__all__ repeats a name"
    assert set(flaskforge.__all__) - DEFINED_HERE == set(imported), "__all__ vs TYPE_CHECKING"
    assert imported == lazy, "the TYPE_CHECKING imports and _LAZY name other modules"


def test_every_exported_name_resolves_to_what_its_module_defines() -> None:
    lazy: dict[str, str] = flaskforge._LAZY  # type: ignore[attr-defined]
    for name in flaskforge.__all__:
        value = getattr(flaskforge, name)
        if name in lazy:
            module = __import__(lazy[name], fromlist=[name])
            assert value is getattr(module, name), name


def _classes_in(annotation: object) -> set[type]:
    """The flaskforge classes an annotation names, through unions, tuples, lists and dicts."""
    found: set[type] = set()
    if isinstance(annotation, type) and annotation.__module__.startswith("flaskforge"):
        found.add(annotation)
    for argument in typing.get_args(annotation):
        found |= _classes_in(argument)
    return found


@functools.cache
def _every_class() -> dict[str, type]:
    """Every class defined in flaskforge's modules, by name."""
    classes: dict[str, type] = {}
    for module in pkgutil.iter_modules(flaskforge.__path__, "flaskforge."):
        if module.name == "flaskforge.__main__":  # runs the CLI when imported
            continue
        imported = importlib.import_module(module.name)
        for name, value in vars(imported).items():
            if isinstance(value, type) and value.__module__ == module.name:
                classes[name] = value
    return classes


def _hints(value: object) -> dict[str, object]:
    # Modules import some of the classes they annotate with only for type checkers.
    return typing.get_type_hints(value, localns=_every_class())


def _reachable_from_the_api() -> set[type]:
    """Every flaskforge class a public function returns, and the classes those hold."""
    todo: set[type] = set()
    for name in flaskforge.__all__:
        value = getattr(flaskforge, name)
        if inspect.isfunction(value):
            todo |= _classes_in(_hints(value).get("return"))
        elif isinstance(value, type):
            todo.add(value)
    seen: set[type] = set()
    while todo:
        cls = todo.pop()
        seen.add(cls)
        if dataclasses.is_dataclass(cls):
            for annotation in _hints(cls).values():
                todo |= _classes_in(annotation) - seen
        for member in vars(cls).values():
            if isinstance(member, property) and member.fget is not None:
                todo |= _classes_in(_hints(member.fget).get("return")) - seen
    return seen


def test_every_type_the_api_returns_is_importable_from_flaskforge() -> None:
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _reachable_from_the_api()
        if getattr(flaskforge, cls.__name__, None) is not cls
    )
    assert missing == [], "add these to flaskforge/__init__.py (all three lists)"


def test_the_api_reaches_the_types_it_is_known_to_return() -> None:
    # A guard on the walk itself: these are returned today, directly or inside a result.
    names = {cls.__name__ for cls in _reachable_from_the_api()}
    assert {"CreatedProject", "ProjectPlan", "FileChange", "Outcome"} <= names


#: The command line: the click commands and the questions they ask. Presentation over the API.
COMMAND_LINE = ("cli.py", "prompts.py")


def _private_imports(source: str) -> list[str]:
    """The private flaskforge modules (and private names) that ``source`` imports, anywhere."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "flaskforge" + ("." + node.module if node.module else "")
            if node.level == 0:
                module = node.module or ""
            modules = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            private = [p for p in parts[1:] if p.startswith("_") and not p.endswith("__")]
            if parts[0] == "flaskforge" and private:
                found.append(f"line {node.lineno}: {module}")
    return found


def test_private_imports_are_found() -> None:
    source = (
        "import flaskforge._record\n"
        "from flaskforge._lock import LOCK_COMMANDS\n"
        "def f():\n    from flaskforge import _prompts, load_catalogue\n"
        "from . import _naming\n"
        "from flaskforge import Answers, prompts\n"
    )
    assert _private_imports(source) == [
        "line 1: flaskforge._record",
        "line 2: flaskforge._lock",
        "line 2: flaskforge._lock.LOCK_COMMANDS",
        "line 5: flaskforge._naming",
        "line 4: flaskforge._prompts",
    ]


def test_the_command_line_uses_the_public_api_only() -> None:
    for name in COMMAND_LINE:
        source = (INIT.parent / name).read_text(encoding="utf-8")
        assert _private_imports(source) == [], f"{name} imports private flaskforge modules"


#: The modules that start processes, and what they start. Git is run from ``_git.py`` alone,
#: so its failures become flaskforge errors in one place (issue 15).
PROCESS_STARTERS = {
    "_git.py": "git",
    "_clean.py": "a flaskforge version in a temporary virtual environment (venv, pip)",
}


def _starts_processes(source: str) -> bool:
    process_modules = {"subprocess", "os", "multiprocessing", "pty"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(
            alias.name in process_modules - {"os"} for alias in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and node.module in process_modules - {"os"}:
            return True
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and (node.attr in ("system", "popen") or node.attr.startswith(("exec", "spawn")))
        ):
            return True
    return False


def test_git_is_run_from_one_module() -> None:
    starters = {
        path.name
        for path in sorted(INIT.parent.glob("*.py"))
        if _starts_processes(path.read_text(encoding="utf-8"))
    }
    assert starters == set(PROCESS_STARTERS)
    clean = (INIT.parent / "_clean.py").read_text(encoding="utf-8")
    assert '"git"' not in clean
    assert _starts_processes("import subprocess\n")
    assert _starts_processes("import os\nos.execvp('git', ['git'])\n")
    assert not _starts_processes("import os\nos.environ\n")
