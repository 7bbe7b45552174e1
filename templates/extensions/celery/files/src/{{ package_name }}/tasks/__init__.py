"""Celery, built from the Flask app: every task runs inside that app's context.

Imported by the worker (``tasks/worker.py``), its health check, and the routes that enqueue
tasks, on their first call; never while ``create_app`` runs, because Celery takes longer to
import than Flask itself.

Enqueue through the app's own Celery, so each app (tests create many) uses its own settings::

    get_celery().tasks[sum_numbers.name].delay([1, 2, 3])
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from celery import Celery, Task
from flask import Flask, current_app

from ..extensions.celery import broker_url
from .example import sum_numbers
from .results import PolledRedisBackend

__all__ = ["celery_config", "create_celery", "get_celery", "sum_numbers"]

#: Seconds to wait for Redis to accept a connection; a request that enqueues must not hang.
CONNECT_TIMEOUT = 2.0
#: Seconds to wait for Redis to answer; above the 1 s a worker's blocking fetch waits.
SOCKET_TIMEOUT = 5.0

#: The queue the service's tasks go to: named after the package.
QUEUE = __name__.split(".", 1)[0]

_EXTENSION_KEY = "celery.app"
_lock = threading.Lock()


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
        # The backend is named by its class: Celery reads "<class>+<url>" (see tasks/results.py).
        "result_backend": f"{PolledRedisBackend.__module__}:{PolledRedisBackend.__name__}+{url}",
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


def create_celery(app: Flask) -> Celery:
    """A Celery app configured from ``app.config`` whose tasks run in ``app``'s context."""

    class AppContextTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return super().__call__(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=AppContextTask)
    celery.conf.update(celery_config(app.config))
    return celery


def get_celery(app: Flask | None = None) -> Celery:
    """The Celery app of ``app`` (the current Flask app by default), created on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    celery: Celery | None = app.extensions.get(_EXTENSION_KEY)
    if celery is None:
        with _lock:
            celery = app.extensions.get(_EXTENSION_KEY)
            if celery is None:
                celery = create_celery(app)
                app.extensions[_EXTENSION_KEY] = celery
    return celery
