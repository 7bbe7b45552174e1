"""Background tasks with Celery, made from the Flask app as Flask's documentation shows.

``init_app`` builds a Celery app from the Flask app's settings whose tasks run inside the Flask
app's context, and makes it Celery's default app, so ``@shared_task`` tasks (``tasks/``) use it:
``sum_numbers.delay(numbers)``. The worker (``tasks/worker.py``) takes it from
``celery_app(create_app())``.

``REDIS_URL`` set: tasks go through Redis to a worker process, and the readiness check
``broker`` pings that Redis. ``REDIS_URL`` empty (development, tests): tasks run at once, inside
the request that enqueues them, and their results stay in process memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from celery import Celery, Task
from celery.backends.redis import RedisBackend
from flask import Flask

from ..config import ConfigError
from ..health import register_readiness_check

#: Seconds to wait for Redis to accept a connection; a request that enqueues must not hang.
CONNECT_TIMEOUT = 2.0
#: Seconds to wait for Redis to answer; above the 1 s a worker's blocking fetch waits.
SOCKET_TIMEOUT = 5.0
#: Seconds the readiness check waits for Redis.
PING_TIMEOUT = 2.0
#: Redis has 16 databases unless its configuration says otherwise.
MAX_REDIS_DB = 15
#: The queue the service's tasks go to: named after the package.
QUEUE = __name__.split(".", 1)[0]


class PolledRedisBackend(RedisBackend):  # type: ignore[misc]
    """Celery's Redis result backend, except that sending a task does not subscribe to it.

    Kept because a web process never waits for a result (clients poll ``/api/v1/tasks/<id>``),
    while Celery's own backend subscribes the sender to every task's result channel: unread
    messages pile up, and while Redis is down each send retries for about twenty seconds.
    """

    def on_task_call(self, producer: Any, task_id: str) -> None:
        """Do nothing: ``get()`` still subscribes when it is called."""


def init_app(app: Flask) -> None:
    """Make the Celery app of ``app``; check the broker for readiness when Redis is configured.

    Raises:
        ConfigError: a Celery setting is out of range.
    """
    _check_settings(app)

    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(celery_config(app.config))
    celery.set_default()
    app.extensions["celery"] = celery
    if app.config.get("REDIS_URL"):
        register_readiness_check(app, "broker", lambda: ping_broker(app.config))


def celery_app(app: Flask) -> Celery:
    """The Celery app that ``init_app`` made for ``app``."""
    celery: Celery = app.extensions["celery"]
    return celery


def celery_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Celery's configuration from the service's settings (``app.config``).

    With ``REDIS_URL`` empty, tasks run eagerly in the calling process and results are kept in
    its memory: fine for development and tests, never for production (which requires Redis).
    """
    options: dict[str, Any] = {
        # JSON only: a worker never unpickles what someone managed to put in Redis.
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_track_started": True,
        "task_time_limit": config["CELERY_TASK_TIME_LIMIT"],
        "result_expires": config["CELERY_RESULT_EXPIRES"],
        "worker_concurrency": config["CELERY_WORKER_CONCURRENCY"],
        # Services sharing a Redis must not take each other's tasks.
        "task_default_queue": QUEUE,
        # Acknowledge after the task ran: a worker killed mid-task (a drained node) gets it
        # delivered again instead of losing it. Tasks must therefore be safe to run twice.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "broker_connection_retry_on_startup": True,
        # The service's JSON log lines, not Celery's own format (see tasks/worker.py).
        "worker_hijack_root_logger": False,
    }
    url = broker_url(config)
    if not url:
        return {
            **options,
            "broker_url": "memory://localhost/",
            "result_backend": "cache+memory://",
            "task_always_eager": True,
            "task_store_eager_result": True,
        }
    timeouts = {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT}
    return {
        **options,
        "broker_url": url,
        # A backend class of our own is named "<module>:<class>+<url>".
        "result_backend": f"{__name__}:{PolledRedisBackend.__name__}+{url}",
        "broker_connection_timeout": CONNECT_TIMEOUT,
        "broker_transport_options": timeouts,
        "redis_socket_connect_timeout": CONNECT_TIMEOUT,
        "redis_socket_timeout": SOCKET_TIMEOUT,
        # One quick retry, then the request answers 503 instead of waiting for Redis.
        "task_publish_retry_policy": {
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.2,
        },
    }


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
