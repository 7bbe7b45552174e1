"""Check what a user types for ``flaskforge add-resource``: the resource's name and its fields.

A resource is named by its plural (``orders``): the name of its package under ``api/v1/``, its
URL (``/api/v1/orders``), its table and its test module. The singular (``order``) is derived
here, once, and every template takes it from here. A field is written ``NAME:TYPE[:ARG][?]``:

- ``str`` (``str:120`` for a maximum length; 255 when not given), ``text``, ``int``,
  ``decimal``, ``bool``, ``date``, ``datetime``, ``uuid``;
- ``enum:new,paid,sent``: one of the listed values;
- ``ref:customers``: the id of a row of another recorded resource (a foreign key);
- a trailing ``?`` makes the field optional (null when not given).

Each field is kept in the project record in its canonical spelling (``name:str:255``), so the
same command always records the same bytes.

Pure functions: no disk, no output. Everything here runs before anything is written.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flaskforge.errors import InvalidResource

#: The field types, in the order the documentation lists them.
FIELD_TYPES = ("str", "text", "int", "decimal", "bool", "date", "datetime", "uuid", "enum", "ref")
#: A ``str`` field's maximum length when none is given, and the largest one may give.
STR_DEFAULT_LENGTH = 255
STR_MAX_LENGTH = 10_000
#: A resource's name is its table's too, and PostgreSQL keeps 63 characters of an identifier;
#: constraint names add a prefix and a column name to it.
NAME_MAX = 30
FIELD_NAME_MAX = 30
ENUM_VALUE_MAX = 64

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SAID_YOU = ("uni", "use", "usa", "usu", "uti", "ura", "ure", "uro", "eu")
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
_ENUM_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: ASCII digits only: ``str.isdigit`` takes superscript and full-width digits too.
_LENGTH = re.compile(r"[0-9]{1,6}")

#: Names a resource cannot take: the example resource, the paths and packages the service
#: already has or that an extension may bring (``auth`` of jwt, ``tasks`` of celery), tables
#: extensions create, and the test modules they ship (a resource's tests are
#: ``tests/test_<name>.py``).
RESERVED_RESOURCES = frozenset(
    {
        "api",
        "app",
        "auth",
        "caching",
        "celery",
        "config",
        "cors",
        "database",
        "db",
        "docs",
        "errors",
        "extensions",
        "gunicorn",
        "headers",
        "health",
        "imports",
        "items",
        "jwt",
        "livez",
        "logs",
        "metrics",
        "migrations",
        "openapi",
        "ratelimit",
        "readyz",
        "revoked_sessions",
        "security",
        "static",
        "tasks",
        "users",
        "v1",
        "wsgi",
    }
)

#: Field names the generated code already gives a meaning: the id, SQLAlchemy's declarative
#: attributes, the model's ``to_dict``, and marshmallow's schema attributes and module names.
RESERVED_FIELDS = frozenset(
    {
        "id",
        "metadata",
        "registry",
        "query",
        "to_dict",
        "fields",
        "validate",
        "validates",
        "load",
        "loads",
        "dump",
        "dumps",
        "opts",
        "context",
        "many",
        "partial",
        "unknown",
        "only",
        "exclude",
        "error_messages",
        "declared_fields",
        "dump_fields",
        "load_fields",
        "openapi_extra",
    }
)


@dataclass(frozen=True)
class Field:
    """One field of a resource.

    Attributes:
        name: the attribute, JSON key and column name.
        type: one of ``FIELD_TYPES``.
        optional: may be left out or null.
        length: the maximum length of a ``str`` (0 for other types).
        values: the allowed values of an ``enum``, as given.
        target: the resource a ``ref`` points to.
    """

    name: str
    type: str
    optional: bool = False
    length: int = 0
    values: tuple[str, ...] = ()
    target: str = ""

    @property
    def spec(self) -> str:
        """The canonical spelling, as the record keeps it: ``name:str:120?``."""
        arg = ""
        if self.type == "str":
            arg = f":{self.length}"
        elif self.type == "enum":
            arg = ":" + ",".join(self.values)
        elif self.type == "ref":
            arg = f":{self.target}"
        return f"{self.name}:{self.type}{arg}{'?' if self.optional else ''}"


@dataclass(frozen=True)
class ResourceName:
    """A resource's names, derived once.

    Attributes:
        plural: as typed: package, URL, table and test module (``orders``).
        singular: one of them (``order``): function and parameter names.
    """

    plural: str
    singular: str

    @property
    def class_name(self) -> str:
        """The model's and schemas' class name: ``OrderLine`` for ``order_lines``."""
        return "".join(part.capitalize() for part in self.singular.split("_"))

    @property
    def indefinite(self) -> str:
        """The singular in words with its article, for sentences: ``an order line``."""
        words = self.singular.replace("_", " ")
        # By the first letter, except a "u" said "you" (unit, user, usual) and a silent "h".
        sounds_like_a_vowel = words[0] in "aeiou" and not words.startswith(_SAID_YOU)
        return f"{'an' if sounds_like_a_vowel or words.startswith(_SILENT_H) else 'a'} {words}"


def singular_of(plural: str) -> str:
    """The singular of a plural noun, by the regular rules: ``categories`` -> ``category``."""
    if plural.endswith("ies") and len(plural) > 3:
        return plural[:-3] + "y"
    if plural.endswith(("sses", "xes", "ches", "shes", "zes")):
        return plural[:-2]
    if plural.endswith("s") and not plural.endswith("ss"):
        return plural[:-1]
    return plural


def plural_of(singular: str) -> str:
    """The regular plural of ``singular``, to suggest a name: ``category`` -> ``categories``."""
    if singular.endswith("y") and singular[-2:-1] not in ("a", "e", "o", "u", ""):
        return singular[:-1] + "ies"
    if singular.endswith(("s", "x", "ch", "sh", "z")):
        return singular + "es"
    return singular + "s"


def parse_resource_name(
    name: str, *, existing: Iterable[str] = (), reserved: Iterable[str] = ()
) -> ResourceName:
    """Validate a new resource's name (a plural) and derive its singular.

    Args:
        name: what the user typed.
        existing: the project's resources already recorded.
        reserved: further names to refuse (the catalogue's extensions and their modules).

    Raises:
        InvalidResource: with the reason and a name to type instead.
    """
    what = "resource name"
    _printable(what, name)
    if not name:
        raise InvalidResource(what, name, "it is empty; give a plural such as 'orders'")
    if not _NAME.fullmatch(name) or name.endswith("_") or "__" in name:
        suggestion = _suggest(name)
        hint = f"; try {suggestion!r}" if suggestion else ""
        raise InvalidResource(
            what,
            name,
            "use lower-case letters, digits and single '_', starting with a letter" + hint,
        )
    if len(name) > NAME_MAX:
        raise InvalidResource(what, name, f"it is longer than {NAME_MAX} characters")
    singular = singular_of(name)
    if singular == name:
        raise InvalidResource(
            what, name, f"a resource is named by its plural; try {plural_of(name)!r}"
        )
    for word in (name, singular):
        if keyword.iskeyword(word) or keyword.issoftkeyword(word):
            raise InvalidResource(
                what, name, f"{word!r} is a Python keyword; try '{singular}_entries'"
            )
    if name in set(existing):
        raise InvalidResource(
            what,
            name,
            "the project has it already; to add fields, run 'flaskforge add-resource"
            f" {name} --field ...' with the new fields",
        )
    if name in RESERVED_RESOURCES | set(reserved) or singular in RESERVED_RESOURCES:
        raise InvalidResource(
            what,
            name,
            f"the service already uses that name (a path, package, table or test module);"
            f" try '{singular}_records'",
        )
    return ResourceName(plural=name, singular=singular)


def resource_name(plural: str) -> ResourceName:
    """The names of a recorded (already checked) resource."""
    return ResourceName(plural=plural, singular=singular_of(plural))


def parse_field(spec: str, *, resource: str, resources: Iterable[str] = ()) -> Field:
    """Validate one ``--field`` specification of ``resource``.

    Args:
        spec: ``NAME:TYPE[:ARG][?]``, as typed.
        resource: the resource it belongs to (a ``ref`` to it must be optional).
        resources: every resource a ``ref`` may point to (the project's, this one included).

    Raises:
        InvalidResource: what is wrong, and an example of the right spelling.
    """
    what = "field"
    _printable(what, spec)
    text = spec.strip()
    optional = text.endswith("?")
    text = text.removesuffix("?")
    name, sep, rest = text.partition(":")
    if not sep:
        raise InvalidResource(
            what, spec, "write NAME:TYPE, such as 'total:decimal' or 'note:str:120?'"
        )
    _check_field_name(spec, name)
    kind, _, arg = rest.partition(":")
    if kind not in FIELD_TYPES:
        raise InvalidResource(
            what, spec, f"unknown type {kind!r}; the types are {', '.join(FIELD_TYPES)}"
        )
    if kind == "str":
        if not arg:
            return Field(name, kind, optional, length=STR_DEFAULT_LENGTH)
        if not _LENGTH.fullmatch(arg) or not 1 <= int(arg) <= STR_MAX_LENGTH:
            raise InvalidResource(
                what,
                spec,
                f"a str's maximum length is a number from 1 to {STR_MAX_LENGTH}, as in"
                f" '{name}:str:120' (use 'text' for longer text)",
            )
        return Field(name, kind, optional, length=int(arg))
    if kind == "enum":
        return Field(name, kind, optional, values=_enum_values(spec, name, arg))
    if kind == "ref":
        known = sorted(set(resources) | {resource})
        if arg not in known:
            raise InvalidResource(
                what,
                spec,
                f"{arg!r} is not a resource of the project; the resources are"
                f" {', '.join(known)} (add the other one first)",
            )
        if arg == resource and not optional:
            raise InvalidResource(
                what,
                spec,
                f"a reference to its own resource must be optional, or no first row could be"
                f" made: '{name}:ref:{arg}?'",
            )
        return Field(name, kind, optional, target=arg)
    if arg:
        raise InvalidResource(what, spec, f"the type {kind!r} takes no argument")
    return Field(name, kind, optional)


def parse_fields(
    specs: Iterable[str], *, resource: str, resources: Iterable[str] = ()
) -> tuple[Field, ...]:
    """Validate every ``--field`` of ``resource``; names must be distinct.

    Raises:
        InvalidResource: for the first bad one.
    """
    fields: list[Field] = []
    seen: set[str] = set()
    resources = tuple(resources)
    for spec in specs:
        field = parse_field(spec, resource=resource, resources=resources)
        if field.name in seen:
            raise InvalidResource("field", spec, f"the field {field.name!r} is given twice")
        seen.add(field.name)
        fields.append(field)
    return tuple(fields)


def _enum_values(spec: str, name: str, arg: str) -> tuple[str, ...]:
    what = "field"
    values = tuple(arg.split(",")) if arg else ()
    if not values or not all(_ENUM_VALUE.fullmatch(v) and len(v) <= ENUM_VALUE_MAX for v in values):
        raise InvalidResource(
            what,
            spec,
            f"list the values after 'enum:', separated by commas, as in"
            f" '{name}:enum:new,paid,sent' (letters, digits, '_', '-' and '.')",
        )
    if len(set(values)) != len(values):
        raise InvalidResource(what, spec, "a value is listed twice")
    return values


def _check_field_name(spec: str, name: str) -> None:
    what = "field"
    if not _NAME.fullmatch(name) or name.endswith("_") or "__" in name:
        raise InvalidResource(
            what,
            spec,
            "a field's name is lower-case letters, digits and single '_', starting with a"
            " letter, as in 'placed_at:datetime'",
        )
    if len(name) > FIELD_NAME_MAX:
        raise InvalidResource(what, spec, f"the name is longer than {FIELD_NAME_MAX} characters")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InvalidResource(what, spec, f"{name!r} is a Python keyword; try '{name}_value'")
    if name in RESERVED_FIELDS or hasattr(builtins, name):
        raise InvalidResource(
            what,
            spec,
            f"{name!r} already means something in the generated code; try '{name}_value'",
        )


def _printable(what: str, text: str) -> None:
    # Control characters would reach the terminal raw in every message; lone surrogates
    # (undecodable bytes) cannot be printed at all.
    for character in text:
        if unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise InvalidResource(
                what, text, f"it holds the unprintable character U+{ord(character):04X}"
            )


def _suggest(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    cleaned = re.sub(r"^[0-9_]+", "", cleaned)
    return cleaned if cleaned and cleaned != name else ""
