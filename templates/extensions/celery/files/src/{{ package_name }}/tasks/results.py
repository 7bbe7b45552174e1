"""Where task results are kept: Celery's Redis result backend, minus one behaviour.

Celery's own backend subscribes the sending process to a Redis channel for every task it
sends, so that ``result.get()`` can be woken up. A web process never waits for a result (a
client polls ``/api/v1/tasks/<id>`` instead), so those subscriptions would only pile up
unread messages, and, while Redis is down, make each send retry for about twenty seconds.
"""

from __future__ import annotations

from typing import Any

from celery.backends.redis import RedisBackend


class PolledRedisBackend(RedisBackend):  # type: ignore[misc]
    """Results in Redis, read by polling; sending a task does not subscribe to its result."""

    def on_task_call(self, producer: Any, task_id: str) -> None:
        """Do nothing: ``get()`` still subscribes when it is called."""
