"""Background tasks with Celery: the settings and the broker check.

The routes that enqueue and report tasks are ``api/v1/tasks/``; Celery itself is imported only
by ``tasks/`` (the worker, and the routes on their first call).

``REDIS_URL`` set: tasks go through Redis to a worker process (``tasks/worker.py``), and the
readiness check ``broker`` pings that Redis. ``REDIS_URL`` empty (development, tests): tasks run
at once, inside the request that enqueues them, and their results stay in process memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask

from ..config import ConfigError
from ..health import register_readiness_check

#: Seconds the readiness check waits for Redis.
PING_TIMEOUT = 2.0
#: Redis has 16 databases unless its configuration says otherwise.
MAX_REDIS_DB = 15


def init_app(app: Flask) -> None:
    """Check the Celery settings and, when Redis is configured, check it for readiness.

    Raises:
        ConfigError: a Celery setting is out of range.
    """
    _check_settings(app)
    if app.config.get("REDIS_URL"):
        register_readiness_check(app, "broker", lambda: ping_broker(app.config))


def broker_url(config: Mapping[str, Any]) -> str:
    """The Redis URL of the queue: ``REDIS_URL`` moved to ``CELERY_REDIS_DB`` when that is set.

    Args:
        config: the settings (``app.config``).

    Returns:
        The URL, or ``""`` when ``REDIS_URL`` is empty.
    """
    url = str(config.get("REDIS_URL") or "")
    db = config.get("CELERY_REDIS_DB")
    if not url or db is None:
        return url
    parts = urlsplit(url)
    if parts.scheme == "unix":
        # A socket path has no room for the number: redis-py reads it from the query.
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "db"] + [("db", str(db))]
        # urlunsplit would drop the empty host and, with it, the "//" that redis-py expects.
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{db}"))


def ping_broker(config: Mapping[str, Any]) -> None:
    """Send ``PING`` to the broker's Redis; raise when it does not answer in time."""
    import redis

    client = redis.Redis.from_url(
        broker_url(config), socket_connect_timeout=PING_TIMEOUT, socket_timeout=PING_TIMEOUT
    )
    try:
        if not client.ping():
            raise ConnectionError("Redis did not answer PING")
    finally:
        client.close()


def _check_settings(app: Flask) -> None:
    db = app.config.get("CELERY_REDIS_DB")
    if db is not None and not 0 <= db <= MAX_REDIS_DB:
        raise ConfigError(f"CELERY_REDIS_DB must be a Redis database number (0-{MAX_REDIS_DB})")
    for name in ("CELERY_WORKER_CONCURRENCY", "CELERY_TASK_TIME_LIMIT", "CELERY_RESULT_EXPIRES"):
        value = app.config.get(name)
        if value is None or value < 1:
            raise ConfigError(f"{name} must be a whole number of 1 or more")


def describe_openapi(spec: Any) -> None:
    """Add the task routes to the OpenAPI document (called by the openapi extension).

    Only called when the openapi extension is enabled, so importing it here is safe.
    """
    from .openapi import document_route

    def error(description: str) -> dict[str, Any]:
        # "Error" is the service's error body, registered by the openapi extension.
        schema = {"$ref": "#/components/schemas/Error"}
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    def shared(name: str) -> dict[str, str]:
        # The error responses the openapi extension registers for every operation.
        return {"$ref": f"#/components/responses/{name}"}

    def body(schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    status = {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "status": {
                "type": "string",
                "enum": ["pending", "started", "success", "failure", "retry", "revoked"],
            },
            "result": {"description": "The task's return value, once it succeeded."},
            "error": {
                "type": "object",
                "properties": {"message": {"type": "string"}},
                "description": "Present when the task failed; the details are in the worker's log.",
            },
        },
    }
    unavailable = error("Redis, the task queue, is unavailable; retry after Retry-After seconds.")
    numbers = {
        "type": "object",
        "required": ["numbers"],
        "additionalProperties": False,
        "properties": {
            "numbers": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {"type": "number", "minimum": -(10**15), "maximum": 10**15},
            }
        },
    }
    accepted = body(status, "Enqueued; poll the URL in Location for the status.")
    accepted["headers"] = {
        "Location": {"description": "The task's status URL.", "schema": {"type": "string"}}
    }
    document_route(
        spec,
        "/api/v1/tasks",
        {
            "post": {
                "tags": ["tasks"],
                "summary": "Enqueue the example task",
                "description": "Adds up the numbers in the background (a Celery worker).",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": numbers}},
                },
                "responses": {
                    "202": accepted,
                    "400": shared("BAD_REQUEST"),
                    "413": shared("REQUEST_ENTITY_TOO_LARGE"),
                    "415": shared("UNSUPPORTED_MEDIA_TYPE"),
                    "422": shared("UNPROCESSABLE_ENTITY"),
                    "503": unavailable,
                    "default": shared("DEFAULT_ERROR"),
                },
            }
        },
    )
    document_route(
        spec,
        "/api/v1/tasks/<uuid:task_id>",
        {
            "get": {
                "tags": ["tasks"],
                "summary": "A task's status",
                "description": "An id Celery never saw reads as pending.",
                "responses": {
                    "200": body(status, "The task's status, and its result once it succeeded."),
                    "404": shared("NOT_FOUND"),
                    "503": unavailable,
                    "default": shared("DEFAULT_ERROR"),
                },
            }
        },
    )
