"""HTTP routes for background tasks: enqueue the example task, report any task's status.

Nested in the API's version 1 (``api/v1/__init__.py``), so served at ``/api/v1/tasks``.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from celery.result import AsyncResult, EagerResult
from flask import Blueprint, Response, jsonify, request, url_for
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from ....errors import APIError, error_response
from ....tasks import sum_numbers

logger = logging.getLogger(__name__)

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

#: Most numbers one example task accepts.
MAX_NUMBERS = 1000
#: Largest magnitude of a number, so that no sum can overflow a float.
MAX_MAGNITUDE = 10**15
#: Seconds a client is asked to wait before retrying while the broker is down.
RETRY_AFTER = 5

_FAILED = "The task failed; the worker's log has the details under the task's id."
#: What Celery raises when the broker or the result store cannot be reached.
_UNAVAILABLE = (OperationalError, RedisError, OSError)


@bp.post("")
def enqueue_sum() -> Response:
    """Enqueue the example task; 202 with the task's id, its status URL in ``Location``."""
    numbers = _validate(request.get_json())
    try:
        result = sum_numbers.delay(numbers)
    except _UNAVAILABLE as error:
        return _unavailable(error)
    # Eager (no REDIS_URL): the task already ran; otherwise it is queued and nobody knows more.
    status = result.state if isinstance(result, EagerResult) else "PENDING"
    response = jsonify(id=result.id, status=status.lower())
    response.status_code = 202
    response.headers["Location"] = url_for(".get_task", task_id=result.id)
    return response


@bp.get("/<uuid:task_id>")
def get_task(task_id: UUID) -> Response:
    """A task's status: pending, started, success (with its result), failure, ...

    An id Celery has never seen is reported as pending: its result store cannot tell an unknown
    task from one still waiting in the queue.
    """
    result = AsyncResult(str(task_id))
    try:
        state = result.state
        body: dict[str, Any] = {"id": result.id, "status": state.lower()}
        if state == "SUCCESS":
            body["result"] = result.result
    except _UNAVAILABLE as error:
        return _unavailable(error)
    if state == "FAILURE":
        # The exception and its traceback stay in the worker's log: they may hold anything.
        body["error"] = {"message": _FAILED}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _validate(payload: object) -> list[float]:
    if not isinstance(payload, dict) or set(payload) != {"numbers"}:
        raise APIError(422, 'The request body must be {"numbers": [...]}.', code="validation_error")
    numbers = payload["numbers"]
    problem = None
    if not isinstance(numbers, list) or not numbers:
        problem = "Must be a non-empty list of numbers."
    elif len(numbers) > MAX_NUMBERS:
        problem = f"Must hold at most {MAX_NUMBERS} numbers."
    elif not all(_is_number(n) for n in numbers):
        problem = f"Every element must be a number between -{MAX_MAGNITUDE} and {MAX_MAGNITUDE}."
    if problem:
        raise APIError(
            422,
            "The request body has invalid fields.",
            code="validation_error",
            details={"numbers": problem},
        )
    return numbers


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # NaN and infinities are caught too: comparisons with NaN are false.
    return -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE


def _unavailable(error: Exception) -> Response:
    logger.warning("Task queue unavailable: %s", type(error).__name__)
    return error_response(
        503,
        "The task queue is unavailable; try again shortly.",
        code="broker_unavailable",
        headers={"Retry-After": str(RETRY_AFTER)},
    )
