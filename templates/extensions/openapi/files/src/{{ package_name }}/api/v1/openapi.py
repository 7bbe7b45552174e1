"""Version 1 of the API as the openapi extension serves it: documented, validated blueprints.

The counterpart of ``api/v1/__init__.py`` (same name, same URL prefix, same endpoint names):
nest each resource's flask-smorest blueprint here so that it appears in the document.
"""

from __future__ import annotations

from ..smorest import Blueprint
from .items.openapi_routes import blp as items_blp

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1", description="Version 1 of the API.")
bp.register_blueprint(items_blp)
