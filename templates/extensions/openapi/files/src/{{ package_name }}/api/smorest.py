"""flask-smorest adapted to the service: documented blueprints, errors in the service's shape.

Imported only when the API is first registered (see ``extensions/openapi.py``): flask-smorest
and marshmallow are slow to import, and ``create_app`` does not need them.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from flask import Request
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import UnprocessableEntity

from ..errors import APIError
from ..extensions.openapi import validation_error


class ErrorBodySchema(Schema):
    """The inside of every error response."""

    status = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    code = fields.String(
        required=True, metadata={"description": "Machine-readable name, e.g. not_found."}
    )
    message = fields.String(required=True, metadata={"description": "One sentence for a person."})
    request_id = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The X-Request-ID of the request, to find it in the logs."},
    )
    details = fields.Raw(
        metadata={"description": "What to fix; for a 422, each bad field and its problem."}
    )


class ErrorSchema(Schema):
    """The one shape of every error the service returns."""

    error = fields.Nested(ErrorBodySchema, required=True)


class JSONBodyParser(FlaskParser):
    """webargs' parser, reading bodies the way the rest of the service does.

    Malformed JSON stays a 400 ``malformed_json`` and a body that is not JSON a 415 (from the
    service's request class), and a body that is not an object a 422 with the same message as
    without this extension.
    """

    def _raw_load_json(self, req: Request) -> Any:
        payload = req.get_json()
        if not isinstance(payload, dict):
            raise APIError(422, "The request body must be a JSON object.", code="validation_error")
        return payload


class Blueprint(SmorestBlueprint):
    """flask-smorest's ``Blueprint`` parsing bodies with ``JSONBodyParser``: use it for every
    documented resource."""

    ARGUMENTS_PARSER = JSONBodyParser()


class SchemaExtras(BasePlugin):
    """Adds a schema's ``openapi_extra`` mapping (``minProperties``...) to its document entry.

    The marshmallow plugin describes fields; constraints on the whole object have no field.
    """

    def schema_helper(self, name: str, definition: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The extra keywords of the schema being added, if any."""
        schema = kwargs.get("schema")
        return dict(getattr(schema, "openapi_extra", None) or {})


class ServiceApi(Api):
    """flask-smorest's ``Api`` documenting and answering errors in the service's shape."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        # flask-smorest's own HTTPException handler would replace the service's error shape;
        # only the validation errors it raises need translating.
        self._app.register_error_handler(UnprocessableEntity, validation_error)
