"""``/api/v1/auth``: log in, refresh, log out, and two example protected routes.

In verify-only mode (``JWT_PUBLIC_KEY`` set) login, refresh and logout answer 404: this
service cannot sign tokens, and revocation belongs to the identity provider.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    verify_jwt_in_request,
)

from ....auth import current_roles, require_role
from ....auth.blocklist import session_id
from ....errors import APIError
from ....extensions.jwt import accounts, blocklist, verify_only

bp = Blueprint("auth", __name__, url_prefix="/auth")

#: Longest user name or password accepted (longer ones cannot be right, and cost hashing time).
FIELD_MAX = 1024


@bp.post("/login")
def login() -> tuple[Response, int]:
    """Exchange a name and password for an access token and a refresh token."""
    _issuing_only()
    name, password = _credentials(request.get_json())
    account = accounts().authenticate(name, password)
    if account is None:
        raise APIError(401, "The user name or password is wrong.", code="invalid_credentials")
    # One session id for every token of this login, so logout revokes them all at once.
    session = {"sid": uuid.uuid4().hex}
    roles = {current_app.config["JWT_ROLES_CLAIM"]: list(account.roles)}
    body = _access_body(
        create_access_token(account.name, fresh=True, additional_claims={**session, **roles})
    )
    body["refresh_token"] = create_refresh_token(account.name, additional_claims=session)
    return jsonify(body), 200


@bp.post("/refresh")
def refresh() -> tuple[Response, int]:
    """A new access token for a refresh token; roles are read again, so changes apply."""
    _issuing_only()
    verify_jwt_in_request(refresh=True)
    account = accounts().find(str(get_jwt_identity()))
    if account is None:
        raise APIError(401, "The token's user no longer exists.", code="unknown_user")
    claims = {
        "sid": get_jwt().get("sid"),
        current_app.config["JWT_ROLES_CLAIM"]: list(account.roles),
    }
    return jsonify(_access_body(create_access_token(account.name, additional_claims=claims))), 200


@bp.post("/logout")
def logout() -> tuple[str, int]:
    """Revoke the session of the token sent (access or refresh): all its tokens stop working."""
    _issuing_only()
    verify_jwt_in_request(verify_type=False)
    # Long enough for the longest-lived token of the session (a refresh token) to expire.
    seconds = int(current_app.config["JWT_REFRESH_TOKEN_EXPIRES"])
    blocklist().revoke(session_id(get_jwt()), seconds)
    return "", 204


@bp.get("/me")
@jwt_required()
def me() -> Response:
    """Example of a protected route: who the token belongs to."""
    return jsonify(user=get_jwt_identity(), roles=current_roles())


@bp.get("/admin")
@require_role("admin")
def admin() -> Response:
    """Example of a route for one role: 403 for a valid token without ``admin``."""
    return jsonify(user=get_jwt_identity(), message="Only the admin role gets this far.")


def _issuing_only() -> None:
    # Checked before the token, so that verify-only mode answers 404 whatever is sent.
    if verify_only(current_app.config):
        raise APIError(
            404,
            "Tokens are issued by the identity provider, not by this service.",
            code="not_found",
        )


def _credentials(data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        raise APIError(422, "Send a JSON object.", details={"body": "must be a JSON object"})
    problems = {}
    for field in ("username", "password"):
        value = data.get(field)
        if not isinstance(value, str) or not value:
            problems[field] = "required, a non-empty string"
        elif len(value) > FIELD_MAX:
            problems[field] = f"at most {FIELD_MAX} characters"
    if problems:
        raise APIError(422, "The credentials are incomplete.", details=problems)
    return data["username"], data["password"]


def _access_body(token: str) -> dict[str, Any]:
    expires = int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"])
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires}
