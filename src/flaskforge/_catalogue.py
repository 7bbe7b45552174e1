"""The catalogue: the base service, every extension and every deployment target, read from data.

Each component is one folder under ``templates/``: a ``manifest.toml`` that says what it is and
what it brings, beside a ``files/`` tree with the template files it adds. Nothing else in
flaskforge knows about a particular extension, so an extension is added by adding a folder.

Three modules, one job each: ``_components.py`` is the model (and so the list of manifest
keys), ``_manifest.py`` reads one component's manifest, and this module loads the whole
catalogue and checks what no single manifest can (references, cycles, clashes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

from flaskforge._components import (
    HOOK_POINTS,
    PROCESS_KINDS,
    SETTING_TYPES,
    Catalogue,
    Component,
    Hooks,
    Kind,
    Process,
    Setting,
)
from flaskforge._manifest import read_component
from flaskforge.errors import CatalogueError

# The model, importable from here as before.
__all__ = [
    "HOOK_POINTS",
    "PROCESS_KINDS",
    "SETTING_TYPES",
    "Catalogue",
    "Component",
    "Hooks",
    "Kind",
    "Process",
    "Setting",
    "check_catalogue",
    "load_catalogue",
    "templates_root",
]

# A template path may hold expressions (``{{ package_name }}``) but never statements: a file
# that exists only beside another component goes in ``files-with-<other>/`` instead.
_PATH_STATEMENT = re.compile(r"\{%|%\}")

# Services are backing services (PostgreSQL, Redis) that extensions ask for by name: each
# declares, once, the settings that reach it, which every extension needing it then shares.
_KIND_FOLDERS: dict[str, Kind] = {
    "services": "service",
    "extensions": "extension",
    "targets": "target",
}


def templates_root() -> Path:
    """Where the shipped templates are: inside the installed package, or in the checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    if installed.is_dir():
        return installed
    # Editable install or running from a checkout: src/flaskforge/ -> top-level templates/.
    return here.parent.parent / "templates"


@cache
def load_catalogue(root: Path | None = None) -> Catalogue:
    """Read and check every manifest under ``root`` (the shipped templates by default).

    Raises:
        CatalogueError: listing every inconsistency found, not just the first.
    """
    root = root or templates_root()
    problems: list[str] = []
    base = read_component(root / "base", "base", problems)
    groups: dict[Kind, list[Component]] = {"service": [], "extension": [], "target": []}
    for folder, kind in _KIND_FOLDERS.items():
        parent = root / folder
        if not parent.is_dir():
            continue
        for child in sorted(parent.iterdir()):
            if child.is_dir() and not child.name.startswith((".", "_")):
                component = read_component(child, kind, problems)
                if component is not None:
                    groups[kind].append(component)
    if base is None:
        raise CatalogueError(problems or [f"no base component in {root}"])
    catalogue = Catalogue(
        base=base,
        extensions=tuple(groups["extension"]),
        targets=tuple(groups["target"]),
        root=root,
        services=tuple(groups["service"]),
    )
    problems.extend(check_catalogue(catalogue))
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _pinned(requirement: str) -> tuple[str, str]:
    """A requirement's normalised distribution name (extras dropped) and the version it pins."""
    name, _, rest = requirement.partition("==")
    distribution = name.split("[", 1)[0].strip().lower().replace("_", "-").replace(".", "-")
    return distribution, rest.strip()


def check_catalogue(catalogue: Catalogue) -> list[str]:
    """Every inconsistency between components: references, cycles, conflicts, clashes."""
    everything = (catalogue.base, *catalogue.services, *catalogue.extensions, *catalogue.targets)
    return [
        *_unknown_services(catalogue, everything),
        *_clashing_pins(everything),
        *_clashing(everything, "setting", lambda c: [s.name for s in c.settings]),
        *_clashing(everything, "file", _all_template_paths),
        *_path_problems(everything),
        *_choices("extension", catalogue.extensions),
        *_choices("target", catalogue.targets),
        *_unknown_setup_exceptions(catalogue, everything),
        *_names_of_both_kinds(catalogue),
    ]


def _all_template_paths(component: Component) -> list[str]:
    """The paths of every file a component may bring: ``files/`` and each ``files-with-*/``."""
    folders = (component.files, *(folder for _other, folder in component.files_with))
    return [path for folder in folders for path in _template_paths(folder)]


def _path_problems(components: tuple[Component, ...]) -> Iterator[str]:
    """``files-with-<other>/`` naming no other component, and statements in template paths."""
    names = {c.name for c in components}
    for component in components:
        for other, _folder in component.files_with:
            if other == component.name or other not in names:
                yield f"{_label(component)}: files-with-{other}/ names no other component"
        for path in _all_template_paths(component):
            if _PATH_STATEMENT.search(path):
                yield (
                    f"{_label(component)}: {path}: a path may not hold {{% %}}; put a file that"
                    " needs another component in files-with-<other>/"
                )


def _label(component: Component) -> str:
    return f"{component.kind} {component.name!r}"


def _unknown_services(catalogue: Catalogue, components: Iterable[Component]) -> Iterator[str]:
    known = {s.name for s in catalogue.services}
    for component in components:
        for service in component.services:
            if service not in known:
                yield f"{_label(component)}: unknown service {service!r}"


def _clashing_pins(components: Iterable[Component]) -> Iterator[str]:
    # Two components pinning one distribution to different versions would make pip fail.
    # Extras may differ ("psycopg[binary]==3.3.9" and "psycopg==3.3.9" agree).
    pins: dict[str, tuple[str, str]] = {}
    for component in components:
        for requirement in (*component.dependencies, *component.dev_dependencies):
            distribution, version = _pinned(requirement)
            if distribution in pins and _pinned(pins[distribution][0])[1] != version:
                other, owner = pins[distribution]
                yield f"{_label(component)} pins {requirement} but {owner} pins {other}"
            pins.setdefault(distribution, (requirement, _label(component)))


def _clashing(
    components: Iterable[Component], what: str, names: Callable[[Component], list[str]]
) -> Iterator[str]:
    """Settings or files that two components both declare: each belongs to exactly one."""
    owner: dict[str, str] = {}
    for component in components:
        for name in names(component):
            if name in owner:
                both = "declared by both" if what == "setting" else "comes from both"
                yield f"{what} {name} {both} {owner[name]} and {_label(component)}"
            owner[name] = _label(component)


def _choices(kind: Kind, components: Iterable[Component]) -> Iterator[str]:
    """Aliases taken twice, unknown or one-sided references, and requirement cycles."""
    by_name = {c.name: c for c in components}
    aliases: set[str] = set()
    for component in by_name.values():
        for alias in component.aliases:
            if alias in by_name or alias in aliases:
                yield f"{kind} alias {alias!r} is already taken"
            aliases.add(alias)
        for ref in (*component.requires, *component.conflicts):
            if ref not in by_name:
                yield f"{kind} {component.name!r} refers to unknown {kind} {ref!r}"
        for other in component.conflicts:
            if other in by_name and component.name not in by_name[other].conflicts:
                yield f"{kind} {component.name!r} conflicts with {other!r} but not the reverse"
    yield from _cycles(kind, {n: c.requires for n, c in by_name.items()})


def _unknown_setup_exceptions(
    catalogue: Catalogue, components: Iterable[Component]
) -> Iterator[str]:
    chosen = {c.name for c in (*catalogue.extensions, *catalogue.targets)}
    for component in components:
        for step in component.setup:
            for unknown in sorted(set(step.unless) - chosen):
                yield (
                    f"{_label(component)}: setup step {step.run!r} is"
                    f" unless {unknown!r}, which is no extension or target"
                )


def _names_of_both_kinds(catalogue: Catalogue) -> Iterator[str]:
    # add-extension accepts both kinds of name, so one name must never mean two things.
    extension_names = {a for c in catalogue.extensions for a in (c.name, *c.aliases)}
    for component in catalogue.targets:
        for name in sorted({component.name, *component.aliases} & extension_names):
            yield f"{name!r} names both an extension and a target"


def _cycles(kind: str, requires: dict[str, tuple[str, ...]]) -> list[str]:
    problems: list[str] = []
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            cycle = " -> ".join((*path[path.index(name) :], name))
            problems.append(f"{kind} requirements form a cycle: {cycle}")
            return
        if name in done:
            return
        for dependency in requires.get(name, ()):
            visit(dependency, (*path, name))
        done.add(name)

    for name in sorted(requires):
        visit(name, ())
    return problems


def _template_paths(files: Path) -> list[str]:
    if not files.is_dir():
        return []
    return sorted(
        p.relative_to(files).as_posix().removesuffix(".jinja")
        for p in files.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
