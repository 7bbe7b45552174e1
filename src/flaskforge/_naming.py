"""Turn the NAME a user typed into a directory name and an importable package name.

Pure functions: no disk, no output. Everything here runs before anything is written.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from flaskforge.errors import InvalidProjectName

_ALLOWED = re.compile(r"[A-Za-z0-9_-]+")
_MAX_LENGTH = 64

# Packages every generated service imports at runtime or in its tests. A project package with
# one of these names would shadow the real library on sys.path and break the service in
# confusing ways, so the name is refused up front. Names from extension dependencies are added
# by the caller from the catalogue.
_ALWAYS_IMPORTED = frozenset(
    {
        "app",
        "click",
        "dotenv",
        "flask",
        "gunicorn",
        "itsdangerous",
        "jinja2",
        "markupsafe",
        "pytest",
        "ruff",
        "test",
        "tests",
        "werkzeug",
    }
)


@dataclass(frozen=True)
class ProjectName:
    """A validated project name.

    Attributes:
        project: the directory and distribution name, as the user typed it (``my-service``).
        package: the Python import name (``my_service``).
    """

    project: str
    package: str


def parse_project_name(name: str, *, reserved: Iterable[str] = ()) -> ProjectName:
    """Validate ``name`` and derive the package name from it.

    Args:
        name: what the user typed as NAME.
        reserved: further import names the package must not shadow (extension dependencies).

    Returns:
        The directory name and the Python package name.

    Raises:
        InvalidProjectName: with the reason and what to type instead.
    """
    if not name.strip():
        raise InvalidProjectName(name, "the name is empty; give a name such as 'my-service'")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise InvalidProjectName(
            name, "a name is not a path; give a plain name and choose the parent with --output-dir"
        )
    if not _ALLOWED.fullmatch(name):
        raise InvalidProjectName(
            name, "use only letters, digits, '-' and '_', for example 'my-service'"
        )
    if not name[0].isalpha():
        raise InvalidProjectName(
            name, "it must start with a letter, for example 'svc-" + name + "'"
        )
    if not name[-1].isalnum():
        raise InvalidProjectName(name, "it must end with a letter or a digit")
    if len(name) > _MAX_LENGTH:
        raise InvalidProjectName(name, f"it is longer than {_MAX_LENGTH} characters")
    package = name.lower().replace("-", "_")
    if keyword.iskeyword(package) or keyword.issoftkeyword(package):
        raise InvalidProjectName(name, f"{package!r} is a Python keyword; try '{name}-service'")
    shadowed = _ALWAYS_IMPORTED | set(sys.stdlib_module_names) | {_import_name(r) for r in reserved}
    if package in shadowed:
        raise InvalidProjectName(
            name,
            f"a package named {package!r} would shadow a module the service imports; "
            f"try '{name}-service'",
        )
    return ProjectName(project=name, package=package)


def _import_name(requirement_name: str) -> str:
    """Approximate the import name of a distribution (``Flask-Caching`` -> ``flask_caching``)."""
    return re.sub(r"[-.]", "_", requirement_name.lower())
