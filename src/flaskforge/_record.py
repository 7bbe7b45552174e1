"""The record a generated project keeps of how it was made (``.flaskforge.toml``).

``flaskforge add-extension`` reads it to know the project's package name and selection. It
holds no timestamp, so that the same answers always give the same bytes.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

RECORD_FILE = ".flaskforge.toml"


@dataclass(frozen=True)
class ProjectRecord:
    """What was chosen when the project was generated (or last grown)."""

    flaskforge_version: str
    project_name: str
    package_name: str
    description: str
    extensions: tuple[str, ...]
    targets: tuple[str, ...]


def dump_record(record: ProjectRecord) -> str:
    """The TOML text of ``record``, byte-for-byte stable."""

    def string(value: str) -> str:
        # JSON string escapes are a subset of TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)

    def strings(values: tuple[str, ...]) -> str:
        return "[" + ", ".join(string(v) for v in values) + "]"

    return (
        "# Written by flaskforge. `flaskforge add-extension` reads it: keep it in version control\n"
        "# and do not edit it by hand.\n"
        f"flaskforge_version = {string(record.flaskforge_version)}\n"
        f"project_name = {string(record.project_name)}\n"
        f"package_name = {string(record.package_name)}\n"
        f"description = {string(record.description)}\n"
        f"extensions = {strings(record.extensions)}\n"
        f"targets = {strings(record.targets)}\n"
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
    return ProjectRecord(**values)  # type: ignore[arg-type]


def read_record(project_dir: Path) -> ProjectRecord:
    """Read the record in ``project_dir``; OSError or ValueError when it is missing or broken."""
    return parse_record((project_dir / RECORD_FILE).read_text(encoding="utf-8"))
