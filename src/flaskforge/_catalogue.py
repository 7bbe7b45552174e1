"""The catalogue: the base service, every extension and every deployment target, read from data.

Each component is one folder under ``templates/``: a ``manifest.toml`` that says what it is and
what it brings, beside a ``files/`` tree with the template files it adds. Nothing else in
flaskforge knows about a particular extension, so an extension is added by adding a folder.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from flaskforge.errors import CatalogueError

Kind = Literal["base", "service", "extension", "target"]

#: How a generated service may parse a setting's text ("list" is comma-separated).
SETTING_TYPES = ("str", "int", "float", "bool", "list")

# Services are backing services (PostgreSQL, Redis) that extensions ask for by name: each
# declares, once, the settings that reach it, which every extension needing it then shares.
_KIND_FOLDERS: dict[str, Kind] = {
    "services": "service",
    "extensions": "extension",
    "targets": "target",
}
_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_COMPONENT_NAME = re.compile(r"[a-z][a-z0-9-]*")
_PINNED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[a-z0-9,_-]+\])?==[0-9][0-9A-Za-z.+-]*")
# Debian's rule for package names; the name lands in a Dockerfile's shell line, so nothing else.
_SYSTEM_PACKAGE = re.compile(r"[a-z0-9][a-z0-9+.-]+")


@dataclass(frozen=True)
class Setting:
    """One environment variable the generated service reads.

    Attributes:
        name: the variable, in upper snake case.
        default: the value used when the variable is unset ("" for secrets: they have none).
        help: one line for ``.env.example`` and the generated README.
        secret: whether it goes in a Kubernetes Secret instead of a ConfigMap.
        example: the value ``.env.example`` suggests for local development (the default if
            not given).
        type: how the service parses it: one of ``SETTING_TYPES``.
        required_unless: for a secret, another setting of the same component whose value makes
            this one optional in production (``JWT_SECRET_KEY`` is not needed by a service that
            only verifies tokens with ``JWT_PUBLIC_KEY``).
    """

    name: str
    default: str
    help: str
    secret: bool = False
    example: str = ""
    type: str = "str"
    required_unless: str = ""


@dataclass(frozen=True)
class Process:
    """A process an extension runs beside the web server, such as a worker or a one-shot job.

    Attributes:
        name: short name (``worker``, ``migrate``); compose service and Kubernetes object suffix.
        kind: ``worker`` (long-running, scaled like the web server) or ``job`` (runs once to
            completion before the web server starts, such as database migrations).
        command: the argument vector; ``{package}`` stands for the Python package name.
        healthcheck: for workers, an argument vector that exits 0 when the worker is healthy.
    """

    name: str
    kind: str
    command: tuple[str, ...]
    healthcheck: tuple[str, ...] = ()


PROCESS_KINDS = ("worker", "job")


@dataclass(frozen=True)
class Component:
    """The base service, an extension or a deployment target, as declared in its manifest."""

    kind: Kind
    name: str
    summary: str
    files: Path
    requires: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    dev_dependencies: tuple[str, ...] = ()
    settings: tuple[Setting, ...] = ()
    recommended: bool = False
    next_steps: tuple[str, ...] = ()
    processes: tuple[Process, ...] = ()
    system_packages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Everything flaskforge can generate. Extensions and targets are sorted by name."""

    base: Component
    extensions: tuple[Component, ...]
    targets: tuple[Component, ...]
    root: Path = field(compare=False)
    services: tuple[Component, ...] = ()

    def of_kind(self, kind: Kind) -> tuple[Component, ...]:
        """The services, the extensions or the targets."""
        if kind == "service":
            return self.services
        return self.extensions if kind == "extension" else self.targets

    def get(self, kind: Kind, name: str) -> Component:
        """The extension or target called ``name``; KeyError when there is none."""
        for component in self.of_kind(kind):
            if component.name == name:
                return component
        raise KeyError(name)


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
    base = _read_component(root / "base", "base", problems)
    groups: dict[Kind, list[Component]] = {"service": [], "extension": [], "target": []}
    for folder, kind in _KIND_FOLDERS.items():
        parent = root / folder
        if not parent.is_dir():
            continue
        for child in sorted(parent.iterdir()):
            if child.is_dir() and not child.name.startswith((".", "_")):
                component = _read_component(child, kind, problems)
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


def _read_component(folder: Path, kind: Kind, problems: list[str]) -> Component | None:
    manifest = folder / "manifest.toml"
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        problems.append(f"cannot read {manifest}: {error}")
        return None
    where = f"{kind} {folder.name!r}"
    reader = _ManifestReader(data, where, problems)
    name = reader.text("name")
    if name != folder.name:
        problems.append(f"{where}: name {name!r} differs from its folder name")
    if kind != "base" and not _COMPONENT_NAME.fullmatch(name):
        problems.append(f"{where}: name must be lower case letters, digits and '-'")
    services = reader.texts("services")
    dependencies = reader.texts("dependencies")
    dev_dependencies = reader.texts("dev_dependencies")
    for requirement in (*dependencies, *dev_dependencies):
        if not _PINNED.fullmatch(requirement):
            problems.append(f"{where}: dependency {requirement!r} is not pinned with '=='")
    system_packages = reader.texts("system_packages")
    for package in system_packages:
        if not _SYSTEM_PACKAGE.fullmatch(package):
            problems.append(f"{where}: system package {package!r} is not a Debian package name")
    settings = []
    for index, raw in enumerate(reader.tables("settings")):
        item = _ManifestReader(raw, f"{where} setting #{index + 1}", problems)
        setting = Setting(
            name=item.text("name"),
            default=item.text("default", ""),
            help=item.text("help"),
            secret=item.flag("secret"),
            example=item.text("example", item.text("default", "")),
            type=item.text("type", "str"),
            required_unless=item.text("required_unless", ""),
        )
        item.reject_unknown()
        if setting.type not in SETTING_TYPES:
            problems.append(f"{where}: setting {setting.name} has unknown type {setting.type!r}")
        if not _SETTING_NAME.fullmatch(setting.name):
            problems.append(f"{where}: setting {setting.name!r} is not UPPER_SNAKE_CASE")
        if setting.secret and setting.default:
            problems.append(f"{where}: secret setting {setting.name} must not have a default")
        settings.append(setting)
    names = {setting.name for setting in settings}
    for setting in settings:
        if not setting.required_unless:
            continue
        if not setting.secret:
            problems.append(
                f"{where}: setting {setting.name} has required_unless but is not secret"
                " (only secrets are required)"
            )
        if setting.required_unless not in names - {setting.name}:
            problems.append(
                f"{where}: setting {setting.name} is required_unless"
                f" {setting.required_unless!r}, which is not another setting of {name!r}"
            )
    processes = []
    for index, raw in enumerate(reader.tables("processes")):
        item = _ManifestReader(raw, f"{where} process #{index + 1}", problems)
        process = Process(
            name=item.text("name"),
            kind=item.text("kind"),
            command=item.texts("command"),
            healthcheck=item.texts("healthcheck"),
        )
        if process.kind not in PROCESS_KINDS:
            problems.append(f"{where}: process {process.name!r} has unknown kind {process.kind!r}")
        if not process.command:
            problems.append(f"{where}: process {process.name!r} has no command")
        item.reject_unknown()
        processes.append(process)
    reader.reject_unknown()
    return Component(
        kind=kind,
        name=name,
        summary=reader.text("summary"),
        files=folder / "files",
        requires=reader.texts("requires"),
        conflicts=reader.texts("conflicts"),
        aliases=reader.texts("aliases"),
        services=services,
        dependencies=dependencies,
        dev_dependencies=dev_dependencies,
        settings=tuple(settings),
        recommended=reader.flag("recommended"),
        next_steps=reader.texts("next_steps"),
        processes=tuple(processes),
        system_packages=system_packages,
    )


class _ManifestReader:
    """Typed access to one manifest table that records problems instead of raising."""

    _KNOWN = frozenset(
        {
            "name",
            "summary",
            "requires",
            "conflicts",
            "aliases",
            "services",
            "dependencies",
            "dev_dependencies",
            "system_packages",
            "settings",
            "recommended",
            "next_steps",
            "default",
            "help",
            "secret",
            "example",
            "type",
            "required_unless",
            "processes",
            "kind",
            "command",
            "healthcheck",
        }
    )

    def __init__(self, data: dict[str, Any], where: str, problems: list[str]) -> None:
        self._data = data
        self._where = where
        self._problems = problems

    def text(self, key: str, default: str | None = None) -> str:
        value = self._data.get(key, default)
        if not isinstance(value, str):
            self._problems.append(f"{self._where}: {key!r} must be a string")
            return ""
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._problems.append(f"{self._where}: {key!r} must be a list of strings")
            return ()
        return tuple(value)

    def flag(self, key: str) -> bool:
        value = self._data.get(key, False)
        if not isinstance(value, bool):
            self._problems.append(f"{self._where}: {key!r} must be true or false")
            return False
        return value

    def tables(self, key: str) -> list[dict[str, Any]]:
        value = self._data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self._problems.append(f"{self._where}: {key!r} must be an array of tables")
            return []
        return value

    def reject_unknown(self) -> None:
        for key in sorted(set(self._data) - self._KNOWN):
            self._problems.append(f"{self._where}: unknown key {key!r}")
