"""Does ``gc.freeze()`` before each fork pay? The service with every extension, with and without.

gunicorn preloads the app in its master and forks the worker from it, so the worker starts
sharing every page of the app with the master. A collection of the oldest generation in the
worker writes to every object it scans and so copies the pages those objects sit on; frozen
objects are never scanned. Whether that shows depends on such a collection happening, which a
worker that serves ``/livez`` for a few seconds may never do, and a long-running one does. So
each variant is measured in service, then again after one full collection in the worker.

Both variants are the service's own gunicorn configuration, changed only in that: one calls
``gc.freeze()`` after the configuration's own ``pre_fork``; in the other ``gc.freeze`` does
nothing. Both run a full collection after answering ``/livez?full-collection``.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from .procfs import Memory, memory
from .projects import PACKAGE, Deployed
from .report import Row
from .service import load_rows, run_rounds
from .serving import Server, http

SECTION = "gc.freeze"
FULL_COLLECTION = "/livez?full-collection"

_COMMON = f"""
import gc

from {PACKAGE} import gunicorn_conf as _own
from {PACKAGE}.gunicorn_conf import *  # noqa: F403


def _no_hook(*args):
    pass


def post_request(worker, req, environ, resp):
    getattr(_own, "post_request", _no_hook)(worker, req, environ, resp)
    if environ.get("QUERY_STRING") == "full-collection":
        gc.collect()
"""

_WITH_FREEZE = f'''"""The service's gunicorn settings, with gc.freeze() before each fork."""
{_COMMON}

def pre_fork(server, worker):
    getattr(_own, "pre_fork", _no_hook)(server, worker)
    gc.freeze()
'''

_WITHOUT_FREEZE = f'''"""The service's gunicorn settings, with gc.freeze() made to do nothing."""
import gc

gc.freeze = lambda: None
{_COMMON}'''


def variants(service: Deployed, folder: Path) -> tuple[Deployed, Deployed]:
    """``service`` with ``gc.freeze()`` before each fork, and without it."""
    made = []
    for label, config in (("with", _WITH_FREEZE), ("without", _WITHOUT_FREEZE)):
        path = folder / f"gunicorn_{label}_freeze.py"
        path.write_text(config)
        name = f"{service.name} {label} gc.freeze()"
        made.append(dataclasses.replace(service, name=name, gunicorn_config=str(path)))
    return made[0], made[1]


def measure(service: Deployed, rounds: int, seconds: float, scratch: Path) -> list[Row]:
    """Worker memory in service and after a full collection, and ``/livez`` load, both ways."""
    with_freeze, without_freeze = variants(service, scratch)
    collected: dict[str, list[Memory]] = {with_freeze.name: [], without_freeze.name: []}

    def collect(server: Server, worker: int) -> None:
        http(server.url + FULL_COLLECTION)
        time.sleep(1)  # the collection runs after the answer is sent
        collected[server.app.name].append(memory(worker))

    figures = run_rounds([with_freeze, without_freeze], rounds, seconds, scratch, then=collect)
    rows = load_rows(SECTION, with_freeze.name, figures, budgeted=None)
    in_service = {name: measured.memory for name, measured in figures.items()}
    for label, taken in (("in service", in_service), ("after a full collection", collected)):
        for metric in ("uss", "rss"):
            base = [getattr(m, metric) for m in taken[with_freeze.name]]
            rows.append(
                Row(SECTION, f"{with_freeze.name}: worker {metric.upper()} {label}", base, "MiB")
            )
            rows.append(
                Row(
                    SECTION,
                    f"{without_freeze.name}: worker {metric.upper()} {label}",
                    [getattr(m, metric) for m in taken[without_freeze.name]],
                    "MiB",
                    baseline=with_freeze.name,
                    baseline_samples=base,
                    paired=True,
                )
            )
    return rows
