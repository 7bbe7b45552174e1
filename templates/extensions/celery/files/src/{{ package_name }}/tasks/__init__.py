"""Background tasks: functions a worker process runs, each marked with Celery's ``@shared_task``.

``@shared_task`` ties a task to no Celery app: it runs on the one ``extensions/celery.py`` made
from the Flask app, inside that app's context. Enqueue it with ``sum_numbers.delay(...)``.

Import every task module here: the worker (``tasks/worker.py``) knows the tasks this package
imports.
"""

from __future__ import annotations

from .example import sum_numbers

__all__ = ["sum_numbers"]
