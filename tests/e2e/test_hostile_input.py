"""Hostile request bodies over real sockets: JSON 400s from the service, never a 500.

The bare and the everything-selected services are installed as deployed and served by gunicorn
with their own configuration (``gunicorn_conf``) in production mode; the everything-selected
one once on SQLite and once on the real PostgreSQL of ``FLASKFORGE_TEST_DATABASE_URL`` (which
is emptied) with the Redis of ``FLASKFORGE_TEST_REDIS_URL``. Each request is written byte by
byte on a raw socket, since no HTTP client sends a malformed chunked body. Then what gunicorn
answers by itself, before the service sees the request (HTML, as the generated deployment
docs say), is checked too, so the docs stay true.
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests import e2e

DEEP = b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b"}"
SURROGATE = rb'{"name": "\ud800", "username": "alice", "password": "\ud800"}'
#: Run by the installed service's Python with its environment: an access token for item writes.
ACCESS_TOKEN = """
from flask_jwt_extended import create_access_token
from demo import create_app
with create_app().app_context():
    print(create_access_token(identity="e2e"))
"""


def _post(path: str, body: bytes, *headers: str) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: test", "Content-Type: application/json"]
    head += [f"Content-Length: {len(body)}", "Connection: close", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _chunked(path: str, chunks: bytes, *headers: str) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: test", "Content-Type: application/json"]
    head += ["Transfer-Encoding: chunked", "Connection: close", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + chunks


def _exchange(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send ``request`` as it is; the answer's status line, headers and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
    return status, headers, body


@pytest.fixture(
    scope="module",
    params=["bare", "everything on sqlite", "everything on postgresql"],
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """gunicorn serving a generated service in production.

    Yields its port, and the routes that read a JSON body to send to, each with the header it
    needs: item creation (with jwt, with an access token) and, with jwt, login.
    """
    which, _, database = request.param.partition(" on ")
    extensions, targets = e2e.bare_or_everything(which)
    urls = {}
    if extensions:
        urls = e2e.real_service_urls("REDIS_URL", *(["DATABASE_URL"] * (database == "postgresql")))
    out = tmp_path_factory.mktemp("hostile")
    if database == "sqlite":
        urls["DATABASE_URL"] = f"sqlite:///{out / 'items.db'}"
    generated = e2e.generate(out, extensions, targets)
    values = {name: urls.get(name) or secrets.token_urlsafe(48) for name in generated.secret_names}
    multiproc = out / "prometheus"
    multiproc.mkdir()
    env = e2e.clean_env(
        **{**values, **urls},
        APP_ENV="production",
        WEB_CONCURRENCY="1",
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
    )
    installed = e2e.install(generated, out / ".venv", editable=False, dev=False)
    if "database" in extensions:
        installed.run("python", "-c", e2e.EMPTY_DATABASE, env=env)
        installed.run("flask", "--app", "demo.wsgi", "db", "upgrade", env=env)
    routes = [("/api/v1/items", "")]
    if "jwt" in extensions:
        token = installed.run("python", "-c", ACCESS_TOKEN, env=env).split()[-1]
        routes = [("/api/v1/items", f"Authorization: Bearer {token}"), ("/api/v1/auth/login", "")]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = out / "gunicorn.log"
    with log.open("w") as output:
        # Command-line options win over the configuration file: loopback instead of 0.0.0.0.
        server = subprocess.Popen(
            [
                installed.bin / "gunicorn",
                *("-c", "python:demo.gunicorn_conf", "-b", f"127.0.0.1:{port}", "demo.wsgi:app"),
            ],
            cwd=generated.project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if " 200 " in _exchange(port, b"GET /livez HTTP/1.1\r\nHost: t\r\n\r\n")[0]:
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()[-4000:]
            assert time.monotonic() < deadline, "gunicorn did not become ready in 60 s"
            time.sleep(0.3)
        yield port, routes
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert '"status": 500' not in log.read_text()


@pytest.mark.parametrize(
    ("case", "body"),
    [("nested 1,000 deep", DEEP), ("lone surrogate", SURROGATE)],
)
def test_hostile_json_is_a_json_400(
    served: tuple[int, list[tuple[str, str]]], case: str, body: bytes
) -> None:
    port, routes = served
    for path, header in routes:
        status, headers, answer = _exchange(port, _post(path, body, *filter(None, [header])))

        assert status == "HTTP/1.1 400 BAD REQUEST", (case, path, answer[:300])
        assert headers["content-type"] == "application/json"
        assert json.loads(answer)["error"]["code"] == "malformed_json"


@pytest.mark.parametrize(
    "chunks",
    [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"5\r\n{}"],
    ids=["bad size", "no terminator", "cut short"],
)
def test_a_malformed_chunked_body_is_a_json_400(
    served: tuple[int, list[tuple[str, str]]], chunks: bytes
) -> None:
    port, routes = served
    for path, header in routes:
        request = _chunked(path, chunks, *filter(None, [header]))
        if chunks.endswith(b"{}"):
            # Cut short: the client stops writing, as a dropped connection does.
            with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
                connection.sendall(request)
                connection.shutdown(socket.SHUT_WR)
                answer = b""
                while chunk := connection.recv(65536):
                    answer += chunk
            status = answer.split(b"\r\n", 1)[0].decode()
            body = answer.partition(b"\r\n\r\n")[2]
        else:
            status, _, body = _exchange(port, request)

        assert status == "HTTP/1.1 400 BAD REQUEST", (path, body[:300])
        assert json.loads(body)["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    ("request_bytes", "status_line"),
    [
        (
            b"GET /livez HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
            "HTTP/1.1 431 Request Header Fields Too Large",
        ),
        (
            b"GET /livez HTTP/1.1\r\nHost: t\r\n"
            + b"".join(b"X-H%d: 1\r\n" % i for i in range(120))
            + b"\r\n",
            "HTTP/1.1 431 Request Header Fields Too Large",
        ),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 414 URI Too Long"),
        (b"GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ],
    ids=[
        "a header over 8190 bytes",
        "over 100 headers",
        "a URL over 4094 bytes",
        "no request line",
    ],
)
def test_gunicorn_answers_these_itself_in_html(
    served: tuple[int, list[tuple[str, str]]], request_bytes: bytes, status_line: str
) -> None:
    # As the generated README's production section says: the proxy in front should refuse them.
    status, headers, _ = _exchange(served[0], request_bytes)

    assert status == status_line
    assert headers["content-type"] == "text/html"
