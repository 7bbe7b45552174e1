"""Check what a user types for ``flaskforge add-resource``: the resource's name and its fields.

A resource is named by its plural (``orders``): the name of its package under ``api/v1/``, its
URL (``/api/v1/orders``), its table and its test module. The singular (``order``) is derived
here, once, and every template takes it from here. A field is written ``NAME:TYPE[:ARG][?]``:

- ``str`` (``str:120`` for a maximum length; 255 when not given), ``text``, ``int``,
  ``decimal``, ``bool``, ``date``, ``datetime``, ``uuid``;
- ``int`` and ``decimal`` take a range, both ends included, either left out (then the column's
  own limit holds): ``int:1..100``, ``decimal:0..``, ``int:..-1``, ``decimal:0.5..9.99``. The
  bounds lie inside what the column keeps (a 32-bit integer; 10 digits before the point and 2
  after it);
- ``enum:new,paid,sent``: one of the listed values;
- ``ref:customers``: the id of a row of another recorded resource (a foreign key);
- a trailing ``?`` makes the field optional (null when not given).

Each field is kept in the project record in its canonical spelling (``name:str:255``,
``price:decimal:0.5..`` for ``price:decimal:+0.50..``), so the same command always records the
same bytes.

Pure functions: no disk, no output. Everything here runs before anything is written.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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
#: What the generated schemas keep (``INT_MIN``, ``INT_MAX``, ``DECIMAL_PLACES`` and
#: ``DECIMAL_MAX`` there): a range's bounds lie inside these.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
DECIMAL_PLACES = 2
DECIMAL_MAX = 10**10
#: The smallest step between two decimals the column keeps: 0.01.
DECIMAL_STEP = Decimal(1).scaleb(-DECIMAL_PLACES)
#: The types that take a range, and the smallest and largest value of their column.
RANGE_LIMITS = {
    "int": (Decimal(INT_MIN), Decimal(INT_MAX)),
    "decimal": (-DECIMAL_MAX + DECIMAL_STEP, DECIMAL_MAX - DECIMAL_STEP),
}

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SAID_YOU = ("uni", "use", "usa", "usu", "uti", "ura", "ure", "uro", "eu")
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
_ENUM_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: ASCII digits only: ``str.isdigit`` takes superscript and full-width digits too.
_LENGTH = re.compile(r"[0-9]{1,6}")
#: A bound of a range, in ASCII digits only (``int`` and ``Decimal`` would take others).
_BOUND = {"int": re.compile(r"[+-]?[0-9]+"), "decimal": re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")}

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
#: attributes, the model's ``to_dict``, and marshmallow's schema attributes and module names;
#: and those whose constants in ``schemas.py`` (``NAME_MAX``, ``NAME_MIN``) would be the
#: module's own (``DECIMAL_MAX``, ``PAGE_SIZE_MAX``), silently changing a limit.
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
        "decimal",
        "page_size",
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
        low: the smallest value of an ``int`` or ``decimal`` with a range (None: the column's).
        high: the largest one (None: the column's).
    """

    name: str
    type: str
    optional: bool = False
    length: int = 0
    values: tuple[str, ...] = ()
    target: str = ""
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def ranged(self) -> bool:
        """Whether a range was given."""
        return self.low is not None or self.high is not None

    @property
    def spec(self) -> str:
        """The canonical spelling, as the record keeps it: ``name:str:120?``, ``n:int:1..``."""
        arg = ""
        if self.type == "str":
            arg = f":{self.length}"
        elif self.ranged:
            arg = f":{_spelled(self.low)}..{_spelled(self.high)}"
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
        return Field(name, kind, optional, length=_str_length(spec, name, arg))
    if kind == "enum":
        return Field(name, kind, optional, values=_enum_values(spec, name, arg))
    if kind in RANGE_LIMITS and arg:
        low, high = _range(spec, name, kind, arg)
        return Field(name, kind, optional, low=low, high=high)
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
        hint = ""
        if ".." in arg:
            hint = "; only int and decimal take a range, as in 'quantity:int:1..100'"
        raise InvalidResource(what, spec, f"the type {kind!r} takes no argument{hint}")
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


def _str_length(spec: str, name: str, arg: str) -> int:
    if not arg:
        return STR_DEFAULT_LENGTH
    if not _LENGTH.fullmatch(arg) or not 1 <= int(arg) <= STR_MAX_LENGTH:
        hint = "; only int and decimal take a range" if ".." in arg else ""
        raise InvalidResource(
            "field",
            spec,
            f"a str's maximum length is a number from 1 to {STR_MAX_LENGTH}, as in"
            f" '{name}:str:120' (use 'text' for longer text){hint}",
        )
    return int(arg)


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


def _range(spec: str, name: str, kind: str, arg: str) -> tuple[Decimal | None, Decimal | None]:
    """The bounds of ``MIN..MAX`` (either left out), checked against the column's limits."""
    what = "field"
    example = f"'{name}:{kind}:1..100' or '{name}:{kind}:0..'"
    if kind == "decimal":
        example = f"'{name}:decimal:0.5..9.99' or '{name}:decimal:0..'"
    text_low, sep, text_high = arg.partition("..")
    if not sep:
        raise InvalidResource(
            what, spec, f"a range is MIN..MAX, either end left out, as in {example}"
        )
    if not text_low and not text_high:
        raise InvalidResource(what, spec, f"give at least one end of the range, as in {example}")
    smallest, largest = RANGE_LIMITS[kind]
    bounds: list[Decimal | None] = []
    for text in (text_low, text_high):
        if not text:
            bounds.append(None)
            continue
        shown = text if len(text) <= 24 else text[:20] + "..."
        if not _BOUND[kind].fullmatch(text):
            number = "an integer" if kind == "int" else "a decimal number"
            raise InvalidResource(
                what, spec, f"the bound {shown!r} is not {number} (digits 0-9); write {example}"
            )
        # Decimal reads a thousand-digit bound exactly (int() would refuse it), to refuse it.
        value = Decimal(text)
        if not smallest <= value <= largest:
            raise InvalidResource(
                what,
                spec,
                f"the bound {shown!r} is outside what the column keeps, {_spelled(smallest)}"
                f" to {_spelled(largest)}; write {example}",
            )
        if value != value.quantize(DECIMAL_STEP):
            raise InvalidResource(
                what,
                spec,
                f"the bound {shown!r} has more than {DECIMAL_PLACES} places after the point,"
                f" which is what a decimal keeps; write {example}",
            )
        # One spelling of each number: 1 for +1, 01 and 1.00; 0 for -0.
        bounds.append(value.normalize() if value else Decimal(0))
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise InvalidResource(
            what,
            spec,
            f"the range's first bound ({_spelled(low)}) is above its second"
            f" ({_spelled(high)}): write '{name}:{kind}:{_spelled(high)}..{_spelled(low)}'",
        )
    return low, high


def _spelled(value: Decimal | None) -> str:
    """A bound as the record and the generated code write it: ``1.5``, ``100``, ``-3``."""
    return "" if value is None else f"{value:f}"


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
