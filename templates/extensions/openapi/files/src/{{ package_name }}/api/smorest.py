"""flask-smorest adapted to the service: documented blueprints, errors in the service's shape.

Imported only when the API is first registered (see ``extensions/openapi.py``): flask-smorest
and marshmallow are slow to import, and ``create_app`` does not need them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Blueprint as FlaskBlueprint
from flask import Request
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.spec import openapi_cli
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
    documented resource.

    A plain Flask blueprint nested in it is served as usual, but not described in the document.
    """

    ARGUMENTS_PARSER = JSONBodyParser()

    def register_blueprint(self, blueprint: FlaskBlueprint, **options: Any) -> None:
        """Nest ``blueprint``; its routes are documented when it is one of these."""
        if isinstance(blueprint, SmorestBlueprint):
            super().register_blueprint(blueprint, **options)
        else:
            FlaskBlueprint.register_blueprint(self, blueprint, **options)


class SchemaExtras(BasePlugin):
    """Adds a schema's ``openapi_extra`` mapping (``minProperties``...) to its document entry.

    The marshmallow plugin describes fields; constraints on the whole object have no field.
    """

    def schema_helper(self, name: str, definition: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The extra keywords of the schema being added, if any."""
        schema = kwargs.get("schema")
        return dict(getattr(schema, "openapi_extra", None) or {})


#: What adds to the document once it exists: a callable receiving the ``APISpec``.
DocumentStep = Callable[[APISpec], None]


class ServiceApi(Api):
    """flask-smorest's ``Api`` documenting and answering errors in the service's shape.

    It registers routes at once but builds the document only when something first reads
    ``spec`` (``/api/openapi.json``, ``flask openapi``, code adding to it): building it costs
    more than the rest of the app's first context, and most apps (every worker's, most tests')
    never serve it. The document is built once per app, under a lock, from the same calls in
    the same order as flask-smorest would make them at once, so it is the same document.

    Request and response handling do not need it: the views validate and serialise through
    webargs and marshmallow, which the blueprint decorators wire in when the routes are defined.
    """

    ERROR_SCHEMA = ErrorSchema

    # flask-smorest 0.47 internals this class relies on (the manifest pins the version):
    # ``Api.init_app`` calls ``_init_spec(**spec_kwargs)``, which creates the APISpec, registers
    # the default responses and the ``openapi`` CLI group (``flask_smorest.spec.openapi_cli``),
    # and sets ``self.spec``; ``Api.register_blueprint`` records the blueprint's API in
    # ``app.extensions["flask-smorest"]["blp_name_to_api"]`` (``current_api`` reads it in
    # requests) before it writes the document; ``Blueprint.register_views_in_doc`` writes one
    # blueprint's paths. Every reader of the document goes through ``self.spec``.
    _spec: APISpec | None = None
    _spec_options: dict[str, Any] | None = None
    _document_steps: list[DocumentStep]
    _document_built = False
    _building = False

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        self._document_steps = []
        # Re-entrant: building the document reads ``spec`` again, in the same thread.
        self._document_lock = threading.RLock()
        super().__init__(app, **kwargs)

    @property
    def spec(self) -> APISpec | None:
        """The APISpec, built on first use once the API is bound to an app (None before)."""
        if self._spec_options is not None and not self._document_built:
            self.build_document()
        return self._spec

    @spec.setter
    def spec(self, value: APISpec | None) -> None:
        self._spec = value

    @property
    def document_built(self) -> bool:
        """Whether the document exists yet."""
        return self._document_built

    def document(self, step: DocumentStep) -> None:
        """Run ``step(spec)`` when the document is built, after the steps before it.

        At once if the document exists already.
        """
        with self._document_lock:
            if self._document_built:
                step(self._spec)
            else:
                self._document_steps.append(step)

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Register ``blp``'s routes now and its paths when the document is built."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)

        def describe(spec: APISpec) -> None:
            blp.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})

        self.document(describe)

    def _init_spec(self, **spec_kwargs: Any) -> None:
        # Called by Api.init_app: keep the options for the build, and register the CLI group
        # now, since the commands must exist before anyone runs them.
        self._spec_options = spec_kwargs
        self._app.cli.add_command(openapi_cli)

    def build_document(self) -> None:
        """Build the document now, unless it exists (or this thread is building it).

        Nothing happens before the API is bound to an app (``init_app``).
        """
        with self._document_lock:
            if self._spec_options is None or self._document_built or self._building:
                # Not bound yet, built meanwhile by another thread, or being built by this one.
                return
            self._building = True
            try:
                super()._init_spec(**self._spec_options)
                for step in self._document_steps:
                    step(self._spec)
                self._document_built = True
                self._document_steps.clear()
            finally:
                self._building = False

    def _register_error_handlers(self) -> None:
        # flask-smorest's own HTTPException handler would replace the service's error shape;
        # only the validation errors it raises need translating.
        self._app.register_error_handler(UnprocessableEntity, validation_error)
