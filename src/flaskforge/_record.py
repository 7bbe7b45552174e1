"""The record a generated project keeps of how it was made (``.flaskforge.toml``).

``flaskforge add-extension`` reads it to know the project's package name and selection. It
holds no timestamp, so that the same answers always give the same bytes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

RECORD_FILE = ".flaskforge.toml"

# TOML's short escapes; every other control character is written as \uXXXX.
_TOML_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


@dataclass(frozen=True)
class ResourceAddition:
    """Fields ``flaskforge add-resource`` added to a resource the project had already.

    ``fields`` in their canonical spelling; ``revises`` as for the resource (the heads of the
    Alembic history when they were added, when the project had migrations).
    """

    fields: tuple[str, ...]
    revises: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordedResource:
    """A resource ``flaskforge add-resource`` made: its name (a plural) and its fields.

    ``fields`` holds each field in its canonical spelling (``name:str:120?``, see
    ``_resources``), in the order they were added. ``revises`` holds, when the project had
    migrations at the time, the Alembic revisions that were the heads then: the resource's
    revision comes after them (a merge revision when there were several), however the project
    changes later. Without it, the revision follows the resource before it, or the first one.
    ``additions`` are the fields added later, each time with its own revision.

    ``dropped`` is set when ``remove-resource`` took it out of a project with migrations: the
    heads of the history then, which the revision dropping its table comes after. The entry
    stays, so that its revisions (which a database may have applied) are rendered as they
    were. ``removed_before`` counts the entries of the same name before it in the record (each
    of them dropped): it tells the revisions of a resource added again from those of the one
    it replaces. It is derived from the record's order, never written.
    """

    name: str
    fields: tuple[str, ...]
    revises: tuple[str, ...] = ()
    additions: tuple[ResourceAddition, ...] = ()
    dropped: tuple[str, ...] = ()
    removed_before: int = 0

    @property
    def all_fields(self) -> tuple[str, ...]:
        """Its fields: those it was made with, then those added later."""
        return self.fields + tuple(f for a in self.additions for f in a.fields)

    @property
    def removed(self) -> bool:
        """Whether ``remove-resource`` took it out (its revisions stay; see ``dropped``)."""
        return bool(self.dropped)


@dataclass(frozen=True)
class ProjectRecord:
    """What was chosen when the project was generated (or last grown).

    ``image_registry`` and ``kubernetes_namespace`` are "" for their defaults
    (``registry.example.com`` and the project's deploy name); only values given are written, so
    records without them (older ones included) read as before. ``resources`` are written only
    when there are some, for the same reason.
    """

    flaskforge_version: str
    project_name: str
    package_name: str
    description: str
    extensions: tuple[str, ...]
    targets: tuple[str, ...]
    image_registry: str = ""
    kubernetes_namespace: str = ""
    resources: tuple[RecordedResource, ...] = ()

    @property
    def live_resources(self) -> tuple[RecordedResource, ...]:
        """The resources the project has: those of ``resources`` not removed since."""
        return tuple(r for r in self.resources if not r.removed)


#: The record's optional settings, in the order it writes them.
RECORD_SETTINGS = ("image_registry", "kubernetes_namespace")


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string: quotes, backslashes and control characters escaped.

    JSON's escapes are not enough: JSON leaves DEL raw (TOML forbids it) and, asked for ASCII,
    writes characters beyond U+FFFF as surrogate pairs (TOML forbids those).

    Raises:
        ValueError: ``value`` holds a lone surrogate, which no TOML (or UTF-8) can hold.
    """
    escaped = []
    for character in value:
        if character in _TOML_ESCAPES:
            escaped.append(_TOML_ESCAPES[character])
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            escaped.append(f"\\u{ord(character):04X}")
        elif 0xD800 <= ord(character) <= 0xDFFF:
            raise ValueError(f"U+{ord(character):04X} is a lone surrogate, not a character")
        else:
            escaped.append(character)
    return '"' + "".join(escaped) + '"'


def dump_record(record: ProjectRecord) -> str:
    """The TOML text of ``record``, byte-for-byte stable."""

    def strings(values: tuple[str, ...]) -> str:
        return "[" + ", ".join(toml_string(v) for v in values) + "]"

    return (
        "# Written by flaskforge. `flaskforge add-extension` reads it: keep it in version control\n"
        "# and do not edit it by hand.\n"
        f"flaskforge_version = {toml_string(record.flaskforge_version)}\n"
        f"project_name = {toml_string(record.project_name)}\n"
        f"package_name = {toml_string(record.package_name)}\n"
        f"description = {toml_string(record.description)}\n"
        f"extensions = {strings(record.extensions)}\n"
        f"targets = {strings(record.targets)}\n"
        + "".join(
            f"{key} = {toml_string(getattr(record, key))}\n"
            for key in RECORD_SETTINGS
            if getattr(record, key)
        )
        + "".join(
            f"\n[[resources]]\nname = {toml_string(resource.name)}\n"
            f"fields = {strings(resource.fields)}\n"
            + (f"revises = {strings(resource.revises)}\n" if resource.revises else "")
            + (f"dropped = {strings(resource.dropped)}\n" if resource.dropped else "")
            + "".join(
                f"\n[[resources.additions]]\nfields = {strings(addition.fields)}\n"
                + (f"revises = {strings(addition.revises)}\n" if addition.revises else "")
                for addition in resource.additions
            )
            for resource in record.resources
        )
    )


def parse_record(text: str) -> ProjectRecord:
    """Read a record; ValueError says what is wrong with it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"it is not valid TOML ({error})") from None
    values: dict[str, object] = {}
    for key in ("flaskforge_version", "project_name", "package_name", "description"):
        if not isinstance(data.get(key), str):
            raise ValueError(f"{key!r} is missing or not a string")
        values[key] = data[key]
    for key in ("extensions", "targets"):
        items = data.get(key)
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"{key!r} is missing or not a list of names")
        values[key] = tuple(items)
    for key, check in _setting_checks().items():
        if key in data:
            if not isinstance(data[key], str):
                raise ValueError(f"{key!r} is not a string")
            try:
                values[key] = check(data[key])
            except ValueError as error:
                raise ValueError(f"{key!r}: {error}") from None
    if "resources" in data:
        values["resources"] = _resources(data["resources"])
    return ProjectRecord(**values)  # type: ignore[arg-type]


def _resources(data: object) -> tuple[RecordedResource, ...]:
    """The recorded resources, each checked as ``add-resource`` checks what is typed."""
    from flaskforge._resources import parse_fields, parse_resource_name
    from flaskforge.errors import InvalidResource

    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError("'resources' is not an array of tables")
    resources: list[RecordedResource] = []
    for table in data:
        name, fields = table.get("name"), table.get("fields")
        if not isinstance(name, str):
            raise ValueError("a resource's 'name' is missing or not a string")
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise ValueError(f"resource {name!r}: 'fields' is missing or not a list of strings")
        revises = _strings(table, "revises", name)
        dropped = _strings(table, "dropped", name)
        keys = {"name", "fields", "revises", "additions", "dropped"}
        if set(table) - keys:
            raise ValueError(f"resource {name!r}: unknown keys {sorted(set(table) - keys)}")
        additions = table.get("additions", [])
        if not isinstance(additions, list) or not all(isinstance(a, dict) for a in additions):
            raise ValueError(f"resource {name!r}: 'additions' is not an array of tables")
        added: list[ResourceAddition] = []
        for addition in additions:
            if set(addition) - {"fields", "revises"}:
                raise ValueError(f"resource {name!r}: an addition has unknown keys")
            more = _strings(addition, "fields", name)
            added.append(ResourceAddition(more, _strings(addition, "revises", name)))
        live = [r.name for r in resources if not r.removed]
        # A removed resource's fields were checked when the resources they name were there.
        known = [r.name for r in resources] if dropped else live
        every = [*fields, *(f for a in added for f in a.fields)]
        try:
            # Its name may be one a removed resource had: it is that resource added again.
            parse_resource_name(name, existing=live)
            # A reference points to a resource added before, or to its own.
            parsed = parse_fields(every, resource=name, resources=known)
        except InvalidResource as error:
            raise ValueError(f"resource {name!r}: {error}") from None
        created = tuple(f.spec for f in parsed[: len(fields)])
        later = iter(f.spec for f in parsed[len(fields) :])
        added = [replace(a, fields=tuple(next(later) for _ in a.fields)) for a in added]
        removed_before = sum(r.name == name for r in resources)
        resources.append(
            RecordedResource(name, created, revises, tuple(added), dropped, removed_before)
        )
    return tuple(resources)


def _strings(table: dict[str, object], key: str, name: str) -> tuple[str, ...]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"resource {name!r}: {key!r} is not a list of strings")
    return tuple(values)


def _setting_checks() -> dict[str, Callable[[str], str]]:
    from flaskforge._naming import parse_image_registry, parse_namespace

    return {"image_registry": parse_image_registry, "kubernetes_namespace": parse_namespace}


def read_record(project_dir: Path) -> ProjectRecord:
    """Read the record in ``project_dir``; OSError or ValueError when it is missing or broken."""
    return parse_record((project_dir / RECORD_FILE).read_text(encoding="utf-8"))
