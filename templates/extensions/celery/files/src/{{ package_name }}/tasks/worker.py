"""The worker's Celery app: ``celery -A <package>.tasks.worker worker``.

It is built from ``create_app()``, so the worker reads the same settings as the web service and
refuses the same insecure production configuration, with one line instead of a traceback.
Log records go through the service's logging (JSON or text, as ``LOG_FORMAT`` picks), at
``LOG_LEVEL`` (Celery's ``--loglevel`` has no effect).
"""

from __future__ import annotations

import sys
from typing import Any

from celery import Celery
from celery.signals import setup_logging

from ..app import create_app
from ..config import ConfigError
from ..extensions.celery import celery_app

#: Exit status of a worker that cannot start with its configuration.
CONFIG_ERROR = 78


@setup_logging.connect
def _keep_the_service_logging(**_: Any) -> None:
    # Connecting to this signal is how Celery is told to leave logging alone: create_app
    # already sent every record to stderr, in the service's format.
    pass


def _load() -> Celery:
    try:
        flask_app = create_app()
    except ConfigError as error:
        print(f"{__package__}: configuration error: {error}", file=sys.stderr)
        raise SystemExit(CONFIG_ERROR) from None
    if not flask_app.config.get("REDIS_URL"):
        print(
            f"{__package__}: configuration error: set REDIS_URL to run a worker"
            " (without it, tasks run inside the web process)",
            file=sys.stderr,
        )
        raise SystemExit(CONFIG_ERROR)
    return celery_app(flask_app)


app = _load()
