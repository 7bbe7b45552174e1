"""Swagger UI in a real browser, with no network beyond loopback: it lists the operations.

A service with the openapi extension is installed as deployed and served by gunicorn with its
own configuration; headless Chromium (Debian's ``chromium``) loads ``/api/docs`` with every
host name but 127.0.0.1 unresolvable, so a file the page would fetch from a CDN cannot load,
and dumps the DOM once the page has rendered. By default the page's script and stylesheet are
served by the service itself, and the DOM lists every documented operation. Pointed at the
CDN (``OPENAPI_UI_ASSETS_URL``), the same page renders nothing: the check can fail.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import e2e

CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.34.0/"
#: A throwaway headless browser that calls nowhere by itself (no sandbox: tests run as root).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Only loopback: every other host name fails to resolve, as offline.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    # Run the page's timers and fetches for up to 20 s of virtual time before the dump.
    "--virtual-time-budget=20000",
)


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide chromium (apt-get install chromium)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    return found


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The openapi service, installed as deployed; yields (its venv's bin, its environment)."""
    out = tmp_path_factory.mktemp("swagger")
    generated = e2e.generate(out, ["openapi"])
    installed = e2e.install(generated, out / ".venv", editable=False, dev=False)
    env = e2e.clean_env(
        APP_ENV="production", SECRET_KEY=secrets.token_urlsafe(48), OPENAPI_UI_ENABLED="true"
    )
    return installed.bin, env


def _render(bin_dir: Path, env: dict[str, str], tmp_path: Path) -> str:
    """Serve the service with ``env`` and return the DOM Chromium renders for ``/api/docs``."""
    chromium = _chromium()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                bin_dir / "gunicorn",
                *("-c", "python:demo.gunicorn_conf", "-b", f"127.0.0.1:{port}", "demo.wsgi:app"),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _status(url + "/livez") == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()[-4000:]
            assert time.monotonic() < deadline, "gunicorn did not become ready in 60 s"
            time.sleep(0.3)
        browser = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                "--dump-dom",
                url + "/api/docs",
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert browser.returncode == 0, browser.stderr[-4000:]
    return browser.stdout


def _operations(dom: str) -> set[tuple[str, str]]:
    # Swagger UI renders one block per operation: its method, then its path.
    blocks = re.findall(
        r'opblock-summary-method">(\w+)<.*?class="opblock-summary-path" data-path="([^"]+)"',
        dom,
        flags=re.DOTALL,
    )
    return {(method.lower(), path) for method, path in blocks}


def test_swagger_ui_lists_the_operations_offline(
    service: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = service

    dom = _render(bin_dir, env, tmp_path)

    assert _operations(dom) == {
        ("get", "/api/v1/items"),
        ("post", "/api/v1/items"),
        ("get", "/api/v1/items/{item_id}"),
        ("put", "/api/v1/items/{item_id}"),
        ("patch", "/api/v1/items/{item_id}"),
        ("delete", "/api/v1/items/{item_id}"),
    }, dom[-2000:]


def test_with_its_files_on_an_unreachable_cdn_the_page_is_blank(
    service: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = service

    dom = _render(bin_dir, {**env, "OPENAPI_UI_ASSETS_URL": CDN}, tmp_path)

    assert '<div id="swagger-ui"></div>' in dom
    assert _operations(dom) == set()
