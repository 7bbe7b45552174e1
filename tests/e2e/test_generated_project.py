"""The generated service works the moment it is generated, bare and with everything selected.

Two selections: the bare service (``-e none -t none``) and every extension and target in the
catalogue at test time. Each is generated once per module, installed into a fresh virtual
environment with uv and checked with its own ``ruff check``, ``ruff format --check`` and
``pytest -W error``. The bare service is also run under gunicorn. The files themselves (no
template syntax left, Python compiles, TOML and YAML parse, tidy text, same bytes twice) are
checked without installing, in ``tests/render/test_generated_tree.py``.
No backing service is used: every variable the service reads is removed from the environment.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from flaskforge import create_project
from tests import e2e

SELECTIONS = ("bare", "everything")

# Generated once per selection and installed once, for the whole module.
_PROJECTS = e2e.ProjectCache("generated")


@pytest.fixture(scope="module", params=SELECTIONS)
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> e2e.InstalledProject:
    return _PROJECTS.installed(tmp_path_factory, *e2e.bare_or_everything(request.param))


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> e2e.InstalledProject:
    return _PROJECTS.installed(tmp_path_factory, *e2e.bare_or_everything("bare"))


def _is_bare(generated: e2e.Generated) -> bool:
    return generated.extensions == ("none",) and generated.targets == ("none",)


# Checks every selection gets: one implementation in the shared kit, collected here and run on
# this module's ``installed`` projects.
test_ruff_check_passes = e2e.ruff_check_passes
test_ruff_format_check_passes = e2e.ruff_format_check_passes


def test_own_tests_pass_without_services(installed: e2e.InstalledProject) -> None:
    output = installed.pytest("-q")

    summary = output.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary), output[-3000:]
    assert not re.search(r"failed|error|skipped", summary), output[-3000:]
    if _is_bare(installed):
        # The base suite is part of every project's edit-test loop: it must stay fast.
        seconds = float(re.search(r" in ([0-9.]+)s", summary).group(1))  # type: ignore[union-attr]
        assert seconds < 3, summary


#: Run by the installed project's Python: every (method, route) of the app's URL map, as JSON.
_URL_MAP = """
import json
from demo import create_app
app = create_app({"APP_ENV": "testing"})
ignored = {"HEAD", "OPTIONS"}
print(json.dumps([[m, r.rule] for r in app.url_map.iter_rules() for m in r.methods - ignored]))
"""


def test_the_readme_api_table_is_the_app_url_map(installed: e2e.InstalledProject) -> None:
    # The table is rendered from the manifests' [[endpoints]]: this holds them to the code.
    routes = json.loads(installed.run("python", "-c", _URL_MAP))
    readme = (installed.project / "README.md").read_text(encoding="utf-8")
    section = readme.split("## API\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    rows = re.findall(r"^\| ([A-Z]+) \| `([^`?]+)[^`]*` \|", section, re.M)

    def shape(path: str) -> str:  # /items/<int:item_id> and /items/<id> are one route
        return re.sub(r"<[^>]*>", "<>", path)

    assert sorted((m, shape(p)) for m, p in rows) == sorted((m, shape(p)) for m, p in routes)


def test_the_longest_allowed_name_still_lints(
    installed: e2e.InstalledProject, tmp_path: Path
) -> None:
    # Package names reach import lines: 64 characters must not push any past the line length.
    name = "a-service-whose-name-is-as-long-as-flaskforge-allows-it-to-be-ok"
    assert len(name) == 64
    create_project(
        name,
        output_dir=tmp_path,
        extensions=installed.extensions,
        targets=installed.targets,
        git=False,
    )
    project = tmp_path / name

    installed.run("ruff", "check", ".", cwd=project)
    installed.run("ruff", "format", "--check", ".", cwd=project)


def test_gunicorn_refuses_an_insecure_production_config_in_one_line(
    installed: e2e.InstalledProject,
) -> None:
    done = subprocess.run(
        [
            str(installed.bin / "gunicorn"),
            "-c",
            "python:demo.gunicorn_conf",
            "demo.wsgi:app",
        ],
        cwd=installed.project,
        env=e2e.clean_env(APP_ENV="production", SECRET_KEY="too-short"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    assert done.stderr.count("\n") == 1, done.stderr
    assert "configuration error" in done.stderr
    assert "Traceback" not in done.stderr


def test_gunicorn_serves_the_bare_service(bare: e2e.InstalledProject) -> None:
    # Only the bare service: with everything selected, readiness needs the databases.
    installed = bare
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = e2e.clean_env(
        APP_ENV="production", SECRET_KEY="s" * 40, PORT=str(port), WEB_CONCURRENCY="1"
    )
    server = subprocess.Popen(
        [str(installed.bin / "gunicorn"), "-c", "python:demo.gunicorn_conf", "demo.wsgi:app"],
        cwd=installed.project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and body is None:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/readyz", headers={"X-Request-ID": "e2e-probe"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = json.load(response)
                    assert response.headers["X-Request-ID"] == "e2e-probe"
                    assert response.headers["X-Content-Type-Options"] == "nosniff"
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                time.sleep(0.2)
        assert body == {"status": "ready", "checks": {}}
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    access = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert any(
        e["path"] == "/readyz" and e["status"] == 200 and e["request_id"] == "e2e-probe"
        for e in access
    ), out
    for line in err.splitlines():
        json.loads(line)  # every gunicorn log line is JSON too
