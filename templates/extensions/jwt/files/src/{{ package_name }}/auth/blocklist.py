"""Where revoked logins are remembered until their tokens would have expired anyway.

A login is a *session*: the access and refresh tokens it hands out, and every access token
refreshed from them, carry the same ``sid`` claim. Logging out revokes the session, so one call
ends all of its tokens. ``extensions/jwt.py`` chooses where the list is kept:

- Redis (``RedisBlocklist``), when ``REDIS_URL`` is set (another extension, such as caching or
  ratelimit, brought it): shared by every worker and replica, entries expire on their own;
- the ``revoked_sessions`` table (``auth/sql.py``), with the database extension;
- otherwise process memory (``MemoryBlocklist``): one worker process only. A logout is not seen
  by the other workers or replicas, so it is for development and single-process services.

When Redis cannot answer, the request fails with a 503 rather than accepting a token that may
have been revoked.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

from redis import Redis
from redis.exceptions import RedisError

from ..errors import APIError

logger = logging.getLogger(__name__)

#: Prefix of the Redis keys, so services can share one Redis.
KEY_PREFIX = f"{__name__.split('.')[0]}:jwt:revoked:"
#: Seconds to wait for Redis to connect or answer: a request is not held longer than this.
REDIS_TIMEOUT = 2.0


class Blocklist(Protocol):
    """What the extension needs from a place that remembers revoked sessions."""

    def is_revoked(self, session: str) -> bool:
        """Whether ``session`` was revoked."""

    def revoke(self, session: str, seconds: int) -> None:
        """Remember ``session`` as revoked for ``seconds`` (until its tokens expire)."""


def session_id(claims: dict[str, Any]) -> str:
    """The session a token belongs to: its ``sid``, or its own ``jti`` when it has none."""
    return str(claims.get("sid") or claims.get("jti") or "")


class MemoryBlocklist:
    """Revoked sessions in this process's memory (one process only)."""

    def __init__(self) -> None:
        self._expires: dict[str, float] = {}
        # gunicorn runs several threads per worker.
        self._lock = threading.Lock()

    def is_revoked(self, session: str) -> bool:
        """Whether ``session`` was revoked and its entry has not expired."""
        with self._lock:
            return self._expires.get(session, 0.0) > time.time()

    def revoke(self, session: str, seconds: int) -> None:
        """Remember ``session`` for ``seconds``, forgetting entries that have expired."""
        now = time.time()
        with self._lock:
            for stale in [key for key, end in self._expires.items() if end <= now]:
                del self._expires[stale]
            self._expires[session] = now + seconds


class RedisBlocklist:
    """Revoked sessions as Redis keys that expire with the session's tokens.

    Args:
        url: the Redis URL (the client connects on first use).
    """

    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )

    def is_revoked(self, session: str) -> bool:
        """Whether ``session`` was revoked.

        Raises:
            APIError: 503 when Redis cannot answer.
        """
        try:
            return bool(self._redis.exists(KEY_PREFIX + session))
        except RedisError as error:
            raise _unavailable(error) from None

    def revoke(self, session: str, seconds: int) -> None:
        """Remember ``session`` for ``seconds``.

        Raises:
            APIError: 503 when Redis cannot store it.
        """
        try:
            self._redis.set(KEY_PREFIX + session, "1", ex=max(seconds, 1))
        except RedisError as error:
            raise _unavailable(error) from None

    def ping(self) -> None:
        """Readiness: raise when Redis does not answer."""
        if not self._redis.ping():
            raise ConnectionError("Redis did not answer PING")


def _unavailable(error: RedisError) -> APIError:
    # Failing closed: accepting tokens we cannot check would undo every logout.
    logger.warning("JWT blocklist unavailable: %s", type(error).__name__)
    return APIError(
        503,
        "Token revocations cannot be checked right now; try again shortly.",
        code="auth_unavailable",
    )
