"""Authentication with JSON Web Tokens: who may log in, revocations, and role checks.

Protect a view with Flask-JWT-Extended's ``@jwt_required()`` (any valid access token) or with
``@require_role("admin")`` (a valid access token whose roles include ``admin``; otherwise 403).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app
from flask_jwt_extended import get_jwt, jwt_required

from ..errors import APIError

F = TypeVar("F", bound=Callable[..., Any])


def require_role(*roles: str) -> Callable[[F], F]:
    """Require a valid access token whose roles include every one of ``roles``.

    No token, or a bad one, is a 401; a good token without a role is a 403.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        @jwt_required()
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            missing = sorted(set(roles) - set(current_roles()))
            if missing:
                raise APIError(
                    403,
                    f"This needs the role {', '.join(repr(role) for role in missing)}.",
                    code="insufficient_role",
                    details={"missing_roles": missing},
                )
            return current_app.ensure_sync(view)(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def current_roles() -> list[str]:
    """The roles in the request's verified token (the ``JWT_ROLES_CLAIM`` claim), sorted.

    The claim may be a list of names or one space-separated string, as identity providers
    write either.
    """
    value = get_jwt().get(current_app.config["JWT_ROLES_CLAIM"], [])
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list):
        return []
    return sorted({role for role in value if isinstance(role, str)})
