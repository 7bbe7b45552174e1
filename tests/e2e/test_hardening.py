"""Hardening: what an attacker or a careless operator meets in the generated service.

The generated service (checked inside its own virtual environment, as deployed):
- bandit finds nothing of medium or high severity in any generated file;
- production refuses to start without each secret setting, in one line naming it;
- every response carries the security headers, HSTS only in production over HTTPS (directly or
  through a trusted proxy's ``X-Forwarded-Proto``), and every error is the JSON error shape;
- a request body above ``MAX_CONTENT_LENGTH`` gets a JSON 413;
- with the jwt extension: forged (wrong key, ``alg: none``) and expired tokens get a JSON 401;
- with the openapi extension: a bounded schemathesis run through the WSGI app finds no 5xx and
  no answer that contradicts the document.

What the CLI does with hostile and broken input is a unit test:
``tests/unit/test_hostile_input.py``.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from flaskforge import create_project, load_catalogue
from tests import e2e

BANDIT = "bandit==1.9.4"
SELECTIONS = ("bare", "everything")
#: Secret URL settings get a syntactically valid URL that nothing listens on: the service parses
#: them at start-up, never connects before a request needs it.
UNREACHABLE = {
    "DATABASE_URL": "postgresql://app:app@127.0.0.1:9/app",
    "REDIS_URL": "redis://127.0.0.1:9/0",
}

# Generated once per selection and installed (as deployed, not editable) once, for the module.
_PROJECTS = e2e.ProjectCache("hardening")


def _service(which: str, factory: pytest.TempPathFactory) -> e2e.InstalledProject:
    return _PROJECTS.installed(factory, *e2e.bare_or_everything(which), editable=False)


def _probe(service: e2e.InstalledProject, code: str, **env: str) -> object:
    """Run ``code`` with the service's Python; it prints one JSON document, returned."""
    out = service.run("python", "-c", textwrap.dedent(code), env=e2e.clean_env(**env))
    return json.loads(out.strip().splitlines()[-1])


def _secret_values(service: e2e.InstalledProject) -> dict[str, str]:
    return {name: UNREACHABLE.get(name, "s3cret-" + "x" * 40) for name in service.secret_names}


@pytest.fixture(scope="module", params=SELECTIONS)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> e2e.InstalledProject:
    return _service(request.param, tmp_path_factory)


def _with(extension: str, factory: pytest.TempPathFactory) -> e2e.InstalledProject:
    """The everything service, which must include ``extension``."""
    if extension not in {c.name for c in load_catalogue().extensions}:
        pytest.fail(f"the catalogue lost its {extension} extension, which this test checks")
    return _service("everything", factory)


# bandit ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bandit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bandit, pinned, in a virtual environment of its own (it is not a dependency of ours)."""
    venv = tmp_path_factory.mktemp("bandit") / "venv"
    e2e.create_venv(venv)
    e2e.pip_install(venv, BANDIT)
    return venv / "bin/bandit"


@pytest.mark.parametrize("which", SELECTIONS)
def test_bandit_finds_nothing_of_medium_or_high_severity(
    bandit: Path, which: str, tmp_path: Path
) -> None:
    extensions, targets = e2e.bare_or_everything(which)
    create_project("demo", output_dir=tmp_path, extensions=extensions, targets=targets, git=False)
    done = subprocess.run(
        [str(bandit), "-r", ".", "-f", "json", "-q", "--severity-level", "medium"],
        cwd=tmp_path / "demo",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    scanned = [name for name in report["metrics"] if name.endswith(".py")]
    assert any(name.endswith("app.py") for name in scanned), scanned
    findings = [
        f"{r['filename']}:{r['line_number']}: {r['test_id']} {r['issue_severity']}: "
        f"{r['issue_text']}"
        for r in report["results"]
    ]
    assert not findings, "\n".join(findings)
    assert report["errors"] == [], report["errors"]


# Secrets ---------------------------------------------------------------------------------------


def test_production_refuses_to_start_without_each_secret(service: e2e.InstalledProject) -> None:
    assert "SECRET_KEY" in service.secret_names
    complete = _secret_values(service)
    # With every secret the service starts: the refusals below are about the one left out.
    service.run(
        "python", "-c", "import demo.wsgi", env=e2e.clean_env(APP_ENV="production", **complete)
    )
    for name in service.secret_names:
        others = {k: v for k, v in complete.items() if k != name}
        for missing in ({}, {name: "   "}):
            done = subprocess.run(
                [str(service.python), "-c", "import demo.wsgi"],
                cwd=service.project,
                env=e2e.clean_env(APP_ENV="production", **others, **missing),
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 4, (name, missing, done.stderr)
            assert done.stderr.count("\n") == 1, (name, done.stderr)
            assert done.stderr.startswith(f"demo: configuration error: {name} must be set"), (
                done.stderr
            )
            assert "Traceback" not in done.stderr


# Headers, errors, body size -----------------------------------------------------------------------

_RESPONSES = """
import json
from demo import create_app

app = create_app({
    "APP_ENV": "testing", "SECRET_KEY": "k" * 40, "MAX_CONTENT_LENGTH": 1024,
    "RATELIMIT_DEFAULT": "3 per minute",
})


@app.get("/boom")
def boom():
    raise RuntimeError("a bug")


client = app.test_client()
try:  # with the jwt extension, writing items needs an access token
    from flask_jwt_extended import create_access_token
except ImportError:
    pass
else:
    with app.app_context():
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + create_access_token("probe")
big = json.dumps({"name": "x", "description": "y" * 4096})
origin = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"}
calls = [
    ("livez", "GET", "/livez", {}),
    ("readyz", "GET", "/readyz", {}),
    ("list", "GET", "/api/v1/items", {}),
    ("create", "POST", "/api/v1/items", {"json": {"name": "a"}}),
    ("missing item", "GET", "/api/v1/items/999999", {}),
    ("unknown path", "GET", "/nope", {}),
    ("wrong method", "DELETE", "/api/v1/items", {}),
    ("malformed json", "POST", "/api/v1/items",
     {"data": "{nope", "content_type": "application/json"}),
    ("too large", "POST", "/api/v1/items", {"data": big, "content_type": "application/json"}),
    ("preflight", "OPTIONS", "/api/v1/items", {"headers": origin}),
    ("metrics", "GET", "/metrics", {}),
    ("crash", "GET", "/boom", {}),
] + [("limited", "GET", "/api/v1/items", {})] * 4
out = []
for name, method, path, kwargs in calls:
    response = client.open(path, method=method, **kwargs)
    body = response.get_json(silent=True)
    out.append({"name": name, "status": response.status_code, "body": body,
                "headers": dict(response.headers)})
print(json.dumps(out))
"""


def test_every_response_has_security_headers_and_errors_are_json(
    service: e2e.InstalledProject,
) -> None:
    responses = _probe(service, _RESPONSES)
    assert isinstance(responses, list)
    statuses = {r["name"]: r["status"] for r in responses}
    assert statuses["livez"] == 200
    assert statuses["missing item"] == 404
    assert statuses["wrong method"] == 405
    assert statuses["malformed json"] == 400
    assert statuses["too large"] == 413
    assert statuses["crash"] == 500
    if "ratelimit" in service.extensions:
        assert [r["status"] for r in responses if r["name"] == "limited"][-1] == 429
    for r in responses:
        headers = r["headers"]
        assert headers.get("X-Content-Type-Options") == "nosniff", r
        assert "Strict-Transport-Security" not in headers, r  # not production, not HTTPS
        if r["status"] >= 400:
            error = (r["body"] or {}).get("error")
            assert headers["Content-Type"] == "application/json", r
            assert error["status"] == r["status"], r
            assert error["code"], r
    crash = next(r for r in responses if r["name"] == "crash")
    assert "a bug" not in json.dumps(crash["body"])
    too_large = next(r for r in responses if r["name"] == "too large")
    assert too_large["body"]["error"]["code"] == "payload_too_large"


_HSTS = """
import json, os
from demo import create_app

out = {}
for env, proxies, base_url, headers, key in [
    ("production", 0, "http://svc", {}, "plain http"),
    ("production", 0, "http://svc", {"X-Forwarded-Proto": "https"}, "untrusted forwarded https"),
    ("production", 1, "http://svc", {"X-Forwarded-Proto": "https"}, "trusted forwarded https"),
    ("production", 0, "https://svc", {}, "direct https"),
    ("development", 1, "http://svc", {"X-Forwarded-Proto": "https"}, "development"),
]:
    app = create_app({"APP_ENV": env, "TRUSTED_PROXY_COUNT": proxies})
    response = app.test_client().get("/livez", base_url=base_url, headers=headers)
    out[key] = response.headers.get("Strict-Transport-Security")
print(json.dumps(out))
"""


def test_hsts_only_in_production_over_https_or_behind_a_trusted_proxy(
    service: e2e.InstalledProject,
) -> None:
    hsts = _probe(service, _HSTS, **_secret_values(service))
    assert isinstance(hsts, dict)
    assert hsts["plain http"] is None
    assert hsts["untrusted forwarded https"] is None
    assert hsts["development"] is None
    for key in ("trusted forwarded https", "direct https"):
        max_age = int(hsts[key].split("max-age=")[1].split(";")[0])
        assert max_age >= 31536000, hsts


# jwt and openapi, once the catalogue has them ---------------------------------------------------

_FORGED_TOKENS = """
import base64, json, time
import jwt
from flask_jwt_extended import create_access_token
from demo import create_app
from demo.db import db

app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40, "JWT_SECRET_KEY": "j" * 40})
with app.app_context():
    # The tables, as 'flask init-db' makes them: the service checks revocations in one.
    db.create_all()
    good = create_access_token(identity="alice")
claims = jwt.decode(good, options={"verify_signature": False})
expired = dict(claims, iat=int(time.time()) - 7200, nbf=int(time.time()) - 7200,
               exp=int(time.time()) - 3600)


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


tokens = {
    "valid": good,
    "wrong key": jwt.encode(claims, "w" * 40, algorithm="HS256"),
    "none algorithm": b64({"alg": "none", "typ": "JWT"}) + "." + b64(claims) + ".",
    "expired": jwt.encode(expired, "j" * 40, algorithm="HS256"),
}
client = app.test_client()
out = {}
for name, token in tokens.items():
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    out[name] = {"status": response.status_code, "body": response.get_json(silent=True),
                 "type": response.headers.get("Content-Type")}
print(json.dumps(out))
"""


def test_jwt_rejects_forged_and_expired_tokens_with_json_401(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    service = _with("jwt", tmp_path_factory)
    answers = _probe(service, _FORGED_TOKENS)
    assert isinstance(answers, dict)
    assert answers["valid"]["status"] == 200, answers["valid"]
    for name in ("wrong key", "none algorithm", "expired"):
        answer = answers[name]
        assert answer["status"] == 401, (name, answer)
        assert answer["type"] == "application/json", (name, answer)
        assert answer["body"]["error"]["status"] == 401, (name, answer)


def test_the_generated_jwt_tests_pass(tmp_path_factory: pytest.TempPathFactory) -> None:
    service = _with("jwt", tmp_path_factory)
    output = service.run(
        "python",
        "-m",
        "pytest",
        "-W",
        "error",
        "-p",
        "no:cacheprovider",
        "-rA",
        "tests/test_jwt.py",
    )
    # service.run already required exit status 0; this proves the jwt tests were there and ran.
    assert "PASSED tests/test_jwt.py::" in output
    assert "passed" in output.strip().splitlines()[-1]


_SCHEMATHESIS = """
import schemathesis
from hypothesis import HealthCheck, settings

from demo import create_app
from demo.db import db

app = create_app({"APP_ENV": "testing", "SECRET_KEY": "k" * 40, "RATELIMIT_ENABLED": False})
with app.app_context():
    # The tables, as 'flask init-db' makes them: the in-memory test database starts empty.
    db.create_all()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)


# Derandomised: CI must give the same verdict on the same code. A wider, random search is one
# edit away (drop derandomize, raise max_examples) when hunting for bugs.
@schema.parametrize()
@settings(
    max_examples=30, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
def test_api(case):
    case.call_and_validate()
"""


def test_schemathesis_finds_no_5xx_and_no_answer_off_the_document(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    service = _with("openapi", tmp_path_factory)
    # Outside the project, so the project's own pytest configuration and conftest stay out.
    (tmp_path / "test_fuzz.py").write_text(textwrap.dedent(_SCHEMATHESIS))
    output = service.run(
        "python",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "--rootdir",
        tmp_path,
        tmp_path / "test_fuzz.py",
        cwd=tmp_path,
    )
    assert " passed" in output.strip().splitlines()[-1], output[-3000:]
