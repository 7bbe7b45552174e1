"""The README's production start, with exactly the settings it lists, serves.

gunicorn runs as the README shows, in an environment holding only the settings its example
sets (the URLs pointing at the real PostgreSQL and Redis, the keys long enough), after the
migrate job that deployments run first; ``/readyz`` then answers 200.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from flaskforge import load_catalogue
from tests import e2e
from tests.e2e.test_quick_start import _free_port

_cache = e2e.ProjectCache("production-start")
EVERY_EXTENSION = tuple(e.name for e in load_catalogue().extensions)
installed = _cache.fixture([EVERY_EXTENSION])

#: Empties the PostgreSQL database, so the migrate job meets it as a new deployment would.
_DROP_EVERYTHING = """
import os
from sqlalchemy import MetaData, create_engine
url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
engine = create_engine(url)
metadata = MetaData()
metadata.reflect(bind=engine)
metadata.drop_all(bind=engine)
engine.dispose()
"""


def _documented_settings(project: Path) -> list[str]:
    readme = (project / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Deployment", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return re.findall(r"^\s*([A-Z0-9_]+)=", block, re.M)


def _ready(url: str, server: subprocess.Popen[bytes], log: Path) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return dict(json.load(answer))
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.5)
    pytest.fail(f"{url} was not ready within 60 s:\n{log.read_text()}")


def test_gunicorn_serves_with_exactly_the_documented_settings(
    installed: e2e.InstalledProject, tmp_path: Path
) -> None:
    names = _documented_settings(installed.project)
    urls = e2e.real_service_urls("DATABASE_URL", "REDIS_URL")
    settings = {name: urls.get(name, e2e.SECRET_KEY) for name in names if name != "APP_ENV"}
    assert names[0] == "APP_ENV"
    port = _free_port()
    env = e2e.clean_env(APP_ENV="production", PORT=str(port), **settings)
    package = next(installed.project.glob("src/*/wsgi.py")).parent.name
    e2e.run(installed.python, "-c", _DROP_EVERYTHING, env=env)
    installed.run("flask", "--app", f"{package}.wsgi", "db", "upgrade", env=env)

    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                installed.bin / "gunicorn",
                "-c",
                f"python:{package}.gunicorn_conf",
                f"{package}.wsgi:app",
            ],
            cwd=installed.project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        ready = _ready(f"http://127.0.0.1:{port}/readyz", server, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert ready["status"] == "ready", ready
    assert sorted(settings) == sorted(
        {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "METRICS_TOKEN", "JWT_SECRET_KEY"}
    ), "the selection's required settings changed: update this list"
