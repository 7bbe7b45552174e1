"""Marshmallow schemas of items: they validate request bodies and describe them in the document.

The rules are those of ``schemas.validate_item`` (the service still applies it, so both paths
agree), with the same messages, so a client sees the same 422 with or without the openapi
extension.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate

from .schemas import DESCRIPTION_MAX, NAME_MAX

#: The largest id: the SQL store's column is a 32-bit integer.
ID_MAX = 2**31 - 1

# For the document only (validation is the code below, which is linear in the input): the
# strings the service accepts, so that generated "valid" requests are valid.
# A name needs one character that neither a JSON Schema "\s" nor Python's str.strip() (which
# also removes \x1c-\x1f and \x85) counts as white space.
_NAME_PATTERN = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85][^\x00]*$"
_TEXT_PATTERN = r"^[^\x00]*$"

_STRING_ERRORS = {
    "invalid": "Must be a string.",
    "null": "Must be a string.",
    "required": "This field is required.",
}


def _no_nul(value: str) -> None:
    # PostgreSQL cannot store NUL in text: refuse it here rather than fail in the driver.
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")


class Text(fields.String):
    """A string stripped of surrounding whitespace before it is checked."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _name(*, required: bool) -> Text:
    return Text(
        required=required,
        error_messages=_STRING_ERRORS,
        validate=[
            validate.Length(min=1, error="Must not be empty."),
            validate.Length(max=NAME_MAX, error="Must be at most {max} characters."),
            _no_nul,
        ],
        metadata={
            "description": "Shown to people; surrounding whitespace is removed.",
            "pattern": _NAME_PATTERN,
        },
    )


def _description() -> Text:
    return Text(
        error_messages=_STRING_ERRORS,
        validate=[
            validate.Length(max=DESCRIPTION_MAX, error="Must be at most {max} characters."),
            _no_nul,
        ],
        metadata={
            "description": "Free text; empty when left out of a create or replace.",
            "pattern": _TEXT_PATTERN,
        },
    )


class ItemSchema(Schema):
    """An item as the API returns it."""

    id = fields.Integer(required=True, metadata={"minimum": 1, "maximum": ID_MAX})
    name = fields.String(required=True, metadata={"maxLength": NAME_MAX})
    description = fields.String(required=True, metadata={"maxLength": DESCRIPTION_MAX})


class ItemListSchema(Schema):
    """Every item, by ascending id."""

    items = fields.List(fields.Nested(ItemSchema), required=True)


class ItemInSchema(Schema):
    """The body that creates or replaces an item."""

    name = _name(required=True)
    description = _description()


class ItemPatchSchema(Schema):
    """The body that changes some fields of an item: at least one of them."""

    #: Added to the schema in the document (see ``extensions.openapi.SchemaExtras``).
    openapi_extra: ClassVar[dict[str, Any]] = {"minProperties": 1}

    name = _name(required=False)
    description = _description()
