"""Answers read from files: a team's defaults (``--answers-file``) or another project (``--from``).

An answers file is TOML with any of the keys of ``ANSWER_KEYS``::

    description = "Order service"
    extensions = ["database", "migrations", "caching"]
    targets = ["docker", "kubernetes"]
    image_registry = "ghcr.io/acme"
    kubernetes_namespace = "payments"

``--from`` reads another project's record (``.flaskforge.toml``) for its selection and its
deployment settings, never its name, package or description. Everything is checked here as the
flags are, before anything is written: a key that is not a question, a value of the wrong type,
a character that is not text, a registry or namespace that is not a name of its kind.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from flaskforge._naming import parse_description, parse_image_registry, parse_namespace
from flaskforge._record import RECORD_FILE
from flaskforge.errors import InvalidAnswersFile, UnknownAnswerKey, UsageError

#: An answers file larger than this is refused unread (a team's defaults are a few lines).
MAX_ANSWERS_BYTES = 64 * 1024

#: The record's keys that ``--from`` does not take: they belong to the other project (its
#: resources too: they are its API, not a team's choice).
_NOT_TAKEN_FROM_A_PROJECT = (
    "flaskforge_version",
    "project_name",
    "package_name",
    "description",
    "resources",
)


@dataclass(frozen=True)
class Answers:
    """Answers to ``flaskforge new``'s questions; ``None`` where a source gives none.

    Attributes:
        description: one line for the README and package metadata.
        extensions: extension names (``["none"]`` for none).
        targets: deployment target names (``["none"]`` for none).
        image_registry: where the deployment files say the image is pushed.
        kubernetes_namespace: the namespace of the Kubernetes manifests.
    """

    description: str | None = None
    extensions: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None
    image_registry: str | None = None
    kubernetes_namespace: str | None = None

    def checked(self) -> Answers:
        """These answers with each given value checked, as the project's record needs it.

        Raises:
            InvalidDescription: the description is not one printable line.
            InvalidDeploymentSetting: the image registry or the namespace is not a valid one
                (the message says what to write).
        """
        return replace(
            self,
            description=_maybe(parse_description, self.description),
            image_registry=_maybe(parse_image_registry, self.image_registry),
            kubernetes_namespace=_maybe(parse_namespace, self.kubernetes_namespace),
        )

    def over(self, other: Answers) -> Answers:
        """These answers, with ``other``'s where these have none."""
        mine = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(other, **{name: value for name, value in mine.items() if value is not None})


#: The keys an answers file may hold, in the order the documentation lists them.
ANSWER_KEYS = tuple(f.name for f in fields(Answers))


def load_answers_file(path: Path | str) -> Answers:
    """Read a team's answers file.

    Raises:
        InvalidAnswersFile: it cannot be read, is not TOML, or a value is wrong.
        UnknownAnswerKey: a key is not one of ``ANSWER_KEYS``.
    """
    path = Path(path)
    data = _read_toml(path)
    for key in data:
        if key not in ANSWER_KEYS:
            raise UnknownAnswerKey(str(path), key, ANSWER_KEYS)
    return _answers(path, data)


def load_project_answers(path: Path | str) -> Answers:
    """Read another project's selection and deployment settings from its record.

    ``path`` is the record (``OTHER/.flaskforge.toml``) or the project folder holding it.

    Raises:
        InvalidAnswersFile: it cannot be read, is not a project record, or a value is wrong.
        UnknownAnswerKey: a key that no record of this flaskforge holds.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RECORD_FILE
    data = _read_toml(path)
    known = (*_NOT_TAKEN_FROM_A_PROJECT, *(k for k in ANSWER_KEYS if k != "description"))
    for key in data:
        if key not in known:
            raise UnknownAnswerKey(str(path), key, known)
    for key in ("extensions", "targets"):
        if key not in data:
            raise InvalidAnswersFile(str(path), f"it is not a flaskforge project record (no {key})")
    taken = {k: v for k, v in data.items() if k not in _NOT_TAKEN_FROM_A_PROJECT}
    return _answers(path, taken)


def _maybe(parse: Callable[[str], str], value: str | None) -> str | None:
    return None if value is None else parse(value)


def _read_toml(path: Path) -> dict[str, Any]:
    where = str(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_ANSWERS_BYTES + 1)
    except OSError as error:
        raise InvalidAnswersFile(where, f"it cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise InvalidAnswersFile(where, f"it is larger than {MAX_ANSWERS_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidAnswersFile(where, f"it is not UTF-8 text (byte {error.start + 1})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidAnswersFile(where, f"it is not valid TOML ({error})") from None


def _answers(path: Path, data: dict[str, Any]) -> Answers:
    where = str(path)
    values: dict[str, Any] = {}
    try:
        if "description" in data:
            values["description"] = parse_description(_string(where, data, "description"))
        for key in ("extensions", "targets"):
            if key in data:
                values[key] = _names(where, data, key)
        if "image_registry" in data:
            registry = _string(where, data, "image_registry")
            values["image_registry"] = parse_image_registry(registry)
        if "kubernetes_namespace" in data:
            namespace = _string(where, data, "kubernetes_namespace")
            values["kubernetes_namespace"] = parse_namespace(namespace)
    except InvalidAnswersFile:
        raise
    except UsageError as error:
        # The value's own message (what is wrong, what to write), said of this file.
        raise InvalidAnswersFile(where, str(error).rstrip(".")) from None
    return Answers(**values)


def _string(where: str, data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise InvalidAnswersFile(where, f"{key!r} must be a string, not {_kind(value)}")
    return value


def _names(where: str, data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidAnswersFile(where, f'{key!r} must be a list of names, such as ["docker"]')
    for item in value:
        if not item.isprintable() or not item.strip():
            raise InvalidAnswersFile(where, f"{key!r} holds {item!r}, which is not a name")
    return tuple(value) or ("none",)


def _kind(value: object) -> str:
    kinds = {bool: "true or false", int: "a number", float: "a number", list: "a list"}
    return kinds.get(type(value), "a table" if isinstance(value, dict) else type(value).__name__)
