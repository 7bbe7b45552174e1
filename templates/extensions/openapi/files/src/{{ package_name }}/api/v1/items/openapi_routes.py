"""HTTP routes for items, documented and validated by flask-smorest.

They replace ``routes.py`` when the openapi extension is enabled and call the same ``service``,
so the rules live in one place; the decorators add the OpenAPI description, parse and validate
the body against ``openapi_schemas`` (a 422 naming each field otherwise) and shape the response.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar, TypeVar

from flask import Response, url_for
from werkzeug.routing import IntegerConverter

from ...smorest import Blueprint
from . import service
from .openapi_schemas import ID_MAX, ItemInSchema, ItemListSchema, ItemPatchSchema, ItemSchema
from .store import Item

blp = Blueprint("items", __name__, url_prefix="/items", description="The example resource.")

ITEM = "/<item_id:item_id>"
TAGS = ["items"]
LOCATION = {"description": "The URL of the new item.", "schema": {"type": "string"}}
#: What a request with a body may get besides a 422: malformed JSON, too large, not JSON.
BODY_ERRORS = (400, 413, 415)

View = TypeVar("View", bound=Callable[..., Any])


def _errors(*statuses: int) -> Callable[[View], View]:
    """Document error responses (in the service's error shape) an operation may give."""

    def decorate(view: View) -> View:
        for status in statuses:
            # By name: flask-smorest registers one response per HTTPStatus name.
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate


class ItemIdConverter(IntegerConverter):
    """An item id in a URL: any whole number, as with the plain routes (unknown ids are a 404
    from the service), documented as the ids that can exist."""

    #: The id's schema in the document.
    schema: ClassVar[dict[str, Any]] = {"type": "integer", "minimum": 1, "maximum": ID_MAX}


@blp.route("", methods=["GET"], tags=TAGS)
@blp.response(200, ItemListSchema)
def list_items() -> dict[str, list[Item]]:
    """List items

    Every item, by ascending id.
    """
    return {"items": service.list_items()}


@blp.route("", methods=["POST"], tags=TAGS)
@blp.arguments(ItemInSchema)
@blp.response(201, ItemSchema, headers={"Location": LOCATION})
@_errors(*BODY_ERRORS)
def create_item(data: dict[str, Any]) -> tuple[Item, dict[str, str]]:
    """Create an item

    201 with the new item, and its URL in ``Location``.
    """
    item = service.create_item(data)
    return item, {"Location": url_for(".get_item", item_id=item["id"])}


@blp.route(ITEM, methods=["GET"], tags=TAGS)
@blp.response(200, ItemSchema)
@_errors(404)
def get_item(item_id: int) -> Item:
    """Get an item"""
    return service.get_item(item_id)


@blp.route(ITEM, methods=["PUT"], tags=TAGS)
@blp.arguments(ItemInSchema)
@blp.response(200, ItemSchema)
@_errors(404, *BODY_ERRORS)
def replace_item(data: dict[str, Any], item_id: int) -> Item:
    """Replace an item

    Fields left out get their defaults.
    """
    return service.update_item(item_id, data, partial=False)


@blp.route(ITEM, methods=["PATCH"], tags=TAGS)
@blp.arguments(ItemPatchSchema)
@blp.response(200, ItemSchema)
@_errors(404, *BODY_ERRORS)
def patch_item(data: dict[str, Any], item_id: int) -> Item:
    """Change some fields of an item

    Only the fields sent change; at least one must be sent.
    """
    return service.update_item(item_id, data, partial=True)


@blp.route(ITEM, methods=["DELETE"], tags=TAGS)
@blp.response(204)
@_errors(404)
def delete_item(item_id: int) -> Response:
    """Delete an item

    204 with no body.
    """
    service.delete_item(item_id)
    return Response(status=204)
