"""Reading one component's ``manifest.toml``: each table against the keys of its own shape.

A manifest has these shapes of table: the top level (a ``Component``), each ``[[settings]]``
table (a ``Setting``), each ``[[processes]]`` table (a ``Process``), each ``[[setup]]`` table
(a ``SetupStep``), each ``[[layout]]`` and ``[[endpoints]]`` table (a ``LayoutEntry``, an
``Endpoint``), ``[hooks]`` (``Hooks``) and a service's ``[container]`` (a ``Container``).
The keys of a shape are the fields of its class, typed by its annotations, so the classes in
``_components.py`` are the one list of what a manifest may say. A key of another shape
(``command`` at the top level, ``requires`` in a setting), a key of an extension in the base or
a service, a value of the wrong type or a missing key is a problem, recorded with where it is
and what to do about it; the caller reports every problem at once.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import MISSING, Field, fields, is_dataclass
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from flaskforge._components import (
    FILES_FOLDER,
    FILES_WITH_PREFIX,
    GUNICORN_HOOKS,
    HOOK_POINTS,
    PACKAGE_FOLDER,
    PROCESS_KINDS,
    SETTING_TYPES,
    Component,
    Container,
    Endpoint,
    Hooks,
    Kind,
    LayoutEntry,
    Process,
    Setting,
    SetupStep,
)

_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_COMPONENT_NAME = re.compile(r"[a-z][a-z0-9-]*")
_PINNED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[a-z0-9,_-]+\])?==[0-9][0-9A-Za-z.+-]*")
# Debian's rule for package names; the name lands in a Dockerfile's shell line, so nothing else.
_SYSTEM_PACKAGE = re.compile(r"[a-z0-9][a-z0-9+.-]+")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

#: Where each shape's tables are, for messages that point a misplaced key to its place.
_PLACES: dict[type, str] = {
    Component: "at the top level",
    Setting: "in [[settings]]",
    Process: "in [[processes]]",
    SetupStep: "in [[setup]]",
    LayoutEntry: "in [[layout]]",
    Endpoint: "in [[endpoints]]",
    Hooks: "in [hooks]",
    Container: "in [container]",
}


def read_component(folder: Path, kind: Kind, problems: list[str]) -> Component | None:
    """The component in ``folder``; its problems are appended to ``problems``.

    Returns None when the manifest cannot be read at all; otherwise a component (with empty
    values where the manifest's were wrong), so that every problem of the catalogue is found.
    """
    manifest = folder / "manifest.toml"
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        problems.append(f"cannot read {manifest}: {error}")
        return None
    where = f"{kind} {folder.name!r}"
    values = _read_table(Component, data, where, kind, problems)
    files_with = tuple(
        (child.name.removeprefix(FILES_WITH_PREFIX), child)
        for child in sorted(folder.iterdir())
        if child.is_dir() and child.name.startswith(FILES_WITH_PREFIX)
    )
    component = Component(kind=kind, files=folder / FILES_FOLDER, files_with=files_with, **values)
    _check_component(component, folder, where, problems)
    return component


def _check_component(component: Component, folder: Path, where: str, problems: list[str]) -> None:
    """What the types alone do not say: names, pins, setting and process rules."""
    problems.extend(f"{where}: {problem}" for problem in _component_problems(component, folder))


def _component_problems(component: Component, folder: Path) -> Iterator[str]:
    if component.name != folder.name:
        yield f"name {component.name!r} differs from its folder name"
    if component.kind != "base" and not _COMPONENT_NAME.fullmatch(component.name):
        yield "name must be lower case letters, digits and '-'"
    for requirement in (*component.dependencies, *component.dev_dependencies):
        if not _PINNED.fullmatch(requirement):
            yield f"dependency {requirement!r} is not pinned with '=='"
    for package in component.system_packages:
        if not _SYSTEM_PACKAGE.fullmatch(package):
            yield f"system package {package!r} is not a Debian package name"
    names = {setting.name for setting in component.settings}
    for setting in component.settings:
        yield from _setting_problems(setting, names - {setting.name}, component.name)
    yield from _hook_problems(component)
    yield from _container_problems(component)
    yield from _readme_problems(component)
    for process in component.processes:
        if process.kind not in PROCESS_KINDS:
            yield f"process {process.name!r} has unknown kind {process.kind!r}"
        if not process.command:
            yield f"process {process.name!r} has no command"


def _readme_problems(component: Component) -> Iterator[str]:
    """Layout entries that are not among the component's files, endpoints that are not routes."""
    folders = dict(component.files_with)
    for entry in component.layout:
        folder = folders.get(entry.only_with) if entry.only_with else component.files
        if folder is None:
            yield f"layout path {entry.path!r}: it has no files-with-{entry.only_with}/ folder"
        elif not _holds(folder / PACKAGE_FOLDER, entry.path):
            yield (
                f"layout path {entry.path!r} is not one of the files below"
                f" {folder.name}/{PACKAGE_FOLDER}/ (a folder ends with '/')"
            )
    for endpoint in component.endpoints:
        if endpoint.method not in _METHODS:
            yield f"endpoint {endpoint.path!r}: method {endpoint.method!r} is not one of {_METHODS}"
        if not endpoint.path.startswith("/"):
            yield f"endpoint path {endpoint.path!r} does not start with '/'"


def _holds(package: Path, path: str) -> bool:
    """Whether ``package`` has the file (perhaps a template) or, ending with '/', the folder."""
    parts = path.rstrip("/").split("/")
    if path.startswith("/") or "" in parts or ".." in parts:
        return False
    place = package.joinpath(*parts)
    if path.endswith("/"):
        return place.is_dir()
    return place.is_file() or place.with_name(place.name + ".jinja").is_file()


def _hook_problems(component: Component) -> Iterator[str]:
    """Hook and entry point names that are not Python names, or not gunicorn's hooks."""
    for point in HOOK_POINTS:
        for hook in getattr(component.hooks, point):
            if not _IDENTIFIER.fullmatch(hook):
                yield f"hooks.{point}: {hook!r} is not a Python name"
            elif point == "gunicorn" and hook not in GUNICORN_HOOKS:
                yield f"hooks.gunicorn: {hook!r} is not one of {', '.join(GUNICORN_HOOKS)}"
    for module in component.entry_points:
        if not all(_IDENTIFIER.fullmatch(part) for part in module.split(".")):
            yield f"entry point {module!r} is not a dotted module name"


def _container_problems(component: Component) -> Iterator[str]:
    """A service without its ``[container]``, or one whose values cannot be run."""
    container = component.container
    if container is None:
        if component.kind == "service":
            yield "a service needs a [container] table (how compose runs it)"
        return
    for key, port in (("port", container.port), ("host_port", container.host_port)):
        if not 0 < port < 65536:
            yield f"container.{key} {port} is not a TCP port (1-65535)"
    if container.url_setting not in {setting.name for setting in component.settings}:
        yield f"container.url_setting {container.url_setting!r} is not one of its settings"
    if not container.healthcheck:
        yield "container.healthcheck is empty: compose needs it to wait for the service"
    for line in container.environment:
        if not _SETTING_NAME.fullmatch(line.partition("=")[0]) or "=" not in line:
            yield f"container.environment {line!r} is not NAME=value"


def _setting_problems(setting: Setting, others: set[str], component: str) -> Iterator[str]:
    """What is wrong with one setting; ``others`` are the component's other settings."""
    if setting.type not in SETTING_TYPES:
        yield f"setting {setting.name} has unknown type {setting.type!r}"
    if not _SETTING_NAME.fullmatch(setting.name):
        yield f"setting {setting.name!r} is not UPPER_SNAKE_CASE"
    if setting.secret and setting.default:
        yield f"secret setting {setting.name} must not have a default"
    if setting.required_unless and not setting.secret:
        yield (
            f"setting {setting.name} has required_unless but is not secret"
            " (only secrets are required)"
        )
    if setting.required_unless and setting.required_unless not in others:
        yield (
            f"setting {setting.name} is required_unless {setting.required_unless!r},"
            f" which is not another setting of {component!r}"
        )


def _read_table(
    shape: type, data: dict[str, Any], where: str, kind: Kind, problems: list[str]
) -> dict[str, Any]:
    """The values of ``data`` for the keys of ``shape``, checked; absent keys take defaults."""
    keys, hints = _keys(shape), _hints(shape)
    for unknown in sorted(set(data) - set(keys)):
        problems.append(f"{where}: unknown key {unknown!r}{_hint(unknown, keys)}")
    values: dict[str, Any] = {}
    for name, key in keys.items():
        allowed: tuple[Kind, ...] = key.metadata.get("kinds", (kind,))
        if name in data and kind not in allowed:
            only = " and ".join(f"{k}s" for k in allowed)
            problems.append(f"{where}: {name!r} is only for {only}")
        elif name in data:
            values[name] = _read_value(hints[name], data[name], where, name, kind, problems)
        elif _required(key):
            problems.append(f"{where}: {name!r} is missing")
            values[name] = _empty(hints[name])
    if shape is Setting and "example" not in data:
        values["example"] = values.get("default", "")  # .env.example suggests the default
    return values


#: The scalar field types, and how a message names what they take.
_SCALARS: dict[type, str] = {str: "a string", bool: "true or false", int: "a whole number"}


def _read_value(
    hint: Any, value: Any, where: str, name: str, kind: Kind, problems: list[str]
) -> Any:
    """``value`` as the field typed ``hint`` holds it, or that type's empty value and a problem."""
    what = f"{where}: {name!r}"
    if hint in _SCALARS:
        # TOML's true is a Python int too: only a bool field takes it.
        if isinstance(value, hint) and (hint is bool or not isinstance(value, bool)):
            return value
        problems.append(f"{what} must be {_SCALARS[hint]}")
    elif _optional(hint) is not None:
        return _read_value(_optional(hint), value, where, name, kind, problems)
    elif get_origin(hint) is tuple and get_args(hint)[0] is str:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        problems.append(f"{what} must be a list of strings")
    elif isinstance(hint, type) and is_dataclass(hint):
        if isinstance(value, dict):
            return hint(**_read_table(hint, value, f"{where} [{name}]", kind, problems))
        problems.append(f"{what} must be a table")
    elif get_origin(hint) is tuple and is_dataclass(get_args(hint)[0]):
        shape = get_args(hint)[0]
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return tuple(
                shape(**_read_table(shape, item, f"{where} {_noun(shape)} #{i}", kind, problems))
                for i, item in enumerate(value, 1)
            )
        problems.append(f"{what} must be an array of tables")
    else:  # a field type this reader has not been taught: a bug in flaskforge, not a manifest
        raise TypeError(f"no manifest reader for fields of type {hint}")
    return _empty(hint)


def _empty(hint: Any) -> Any:
    """The value a field typed ``hint`` gets when its key is wrong.

    That is "", False, (), or for a table, one with every key at its default.
    """
    if hint is str:
        return ""
    if hint is bool:
        return False
    if hint is int:
        return 0
    if _optional(hint) is not None:
        return None
    if isinstance(hint, type) and is_dataclass(hint):
        return hint()
    return ()


def _optional(hint: Any) -> Any:
    """``T`` when ``hint`` is ``T | None``; otherwise None."""
    if get_origin(hint) in (Union, UnionType):
        others = [arg for arg in get_args(hint) if arg is not NoneType]
        if len(others) == 1:
            return others[0]
    return None


def _required(key: Field[Any]) -> bool:
    return key.default is MISSING and key.default_factory is MISSING


def _noun(shape: type) -> str:
    nouns = {
        Setting: "setting",
        Process: "process",
        SetupStep: "setup step",
        LayoutEntry: "layout entry",
        Endpoint: "endpoint",
    }
    return nouns.get(shape, shape.__name__.lower())


@cache
def _keys(shape: type) -> dict[str, Field[Any]]:
    """The manifest keys of a table of ``shape``: its fields, but those set by flaskforge."""
    return {f.name: f for f in fields(shape) if f.metadata.get("key", True)}


@cache
def _hints(shape: type) -> dict[str, Any]:
    """The type of each field of ``shape`` (evaluating annotations is slow: once per shape)."""
    return get_type_hints(shape)


def _hint(key: str, keys: dict[str, Field[Any]]) -> str:
    """Where a misplaced key belongs, or the key meant, as the end of a message."""
    places = [place for shape, place in _PLACES.items() if key in _keys(shape)]
    if places:
        return f" (it belongs {' or '.join(places)})"
    close = difflib.get_close_matches(key, keys, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
