"""The example task: work too slow to do while a client waits for the response.

Its arguments and result must be JSON.
"""

from __future__ import annotations

import logging
import math

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def sum_numbers(numbers: list[float]) -> dict[str, float]:
    """Add up ``numbers`` (already validated by the route that enqueued them).

    Safe to run twice, as every task should be: a task interrupted by a worker shutdown is
    delivered again.
    """
    total = math.fsum(numbers)
    logger.info("Summed numbers", extra={"count": len(numbers)})
    return {"count": len(numbers), "sum": total}
