"""The catalogue: the base service, every extension and every deployment target, read from data.

Each component is one folder under ``templates/``: a ``manifest.toml`` that says what it is and
what it brings, beside a ``files/`` tree with the template files it adds. Nothing else in
flaskforge knows about a particular extension, so an extension is added by adding a folder.

Three modules, one job each: ``_components.py`` is the model (and so the list of manifest
keys), ``_manifest.py`` reads one component's manifest, and this module loads the whole
catalogue and checks what no single manifest can (references, cycles, clashes).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flaskforge._components import (
    PROCESS_KINDS,
    SETTING_TYPES,
    Catalogue,
    Component,
    Kind,
    Process,
    Setting,
)
from flaskforge._manifest import read_component
from flaskforge.errors import CatalogueError

# The model, importable from here as before.
__all__ = [
    "PROCESS_KINDS",
    "SETTING_TYPES",
    "Catalogue",
    "Component",
    "Kind",
    "Process",
    "Setting",
    "check_catalogue",
    "load_catalogue",
    "templates_root",
]

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
    problems: list[str] = []
    setting_owner: dict[str, str] = {}
    file_owner: dict[str, str] = {}
    pins: dict[str, tuple[str, str]] = {}
    service_names = {s.name for s in catalogue.services}
    everything = (catalogue.base, *catalogue.services, *catalogue.extensions, *catalogue.targets)
    for component in everything:
        label = f"{component.kind} {component.name!r}"
        for service in component.services:
            if service not in service_names:
                problems.append(f"{label}: unknown service {service!r}")
        for requirement in (*component.dependencies, *component.dev_dependencies):
            # Two components pinning one distribution to different versions would make pip
            # fail. Extras may differ ("psycopg[binary]==3.3.9" and "psycopg==3.3.9" agree).
            distribution, version = _pinned(requirement)
            if distribution in pins and _pinned(pins[distribution][0])[1] != version:
                other, owner = pins[distribution]
                problems.append(f"{label} pins {requirement} but {owner} pins {other}")
            pins.setdefault(distribution, (requirement, label))
        for setting in component.settings:
            if setting.name in setting_owner:
                problems.append(
                    f"setting {setting.name} declared by both {setting_owner[setting.name]}"
                    f" and {label}"
                )
            setting_owner[setting.name] = label
        for path in _template_paths(component.files):
            if path in file_owner:
                problems.append(f"file {path} comes from both {file_owner[path]} and {label}")
            file_owner[path] = label
    for kind in ("extension", "target"):
        by_name = {c.name: c for c in catalogue.of_kind(kind)}
        aliases: dict[str, str] = {}
        for component in by_name.values():
            for alias in component.aliases:
                if alias in by_name or alias in aliases:
                    problems.append(f"{kind} alias {alias!r} is already taken")
                aliases[alias] = component.name
            for ref in (*component.requires, *component.conflicts):
                if ref not in by_name:
                    problems.append(f"{kind} {component.name!r} refers to unknown {kind} {ref!r}")
            for other in component.conflicts:
                if other in by_name and component.name not in by_name[other].conflicts:
                    problems.append(
                        f"{kind} {component.name!r} conflicts with {other!r} but not the reverse"
                    )
        problems.extend(_cycles(kind, {n: c.requires for n, c in by_name.items()}))
    chosen = {c.name for c in (*catalogue.extensions, *catalogue.targets)}
    for component in everything:
        for step in component.setup:
            for unknown in sorted(set(step.unless) - chosen):
                problems.append(
                    f"{component.kind} {component.name!r}: setup step {step.run!r} is"
                    f" unless {unknown!r}, which is no extension or target"
                )
    # add-extension accepts both kinds of name, so one name must never mean two things.
    extension_names = {a for c in catalogue.extensions for a in (c.name, *c.aliases)}
    for component in catalogue.targets:
        for name in sorted({component.name, *component.aliases} & extension_names):
            problems.append(f"{name!r} names both an extension and a target")
    return problems


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
