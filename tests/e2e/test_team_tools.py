"""The repository tools of a generated project, run for real as its owner runs them (issue 17).

``make audit`` runs the real pip-audit. Its advisory sources (the package index's JSON API,
OSV) are not reachable from this machine, so its wiring is shown against a local advisory
database on loopback that speaks OSV's query API (pip-audit's ``--osv-url``): every locked
package is asked about, a clean answer passes, a planted advisory fails the audit. Against the
real sources the test runs where they answer and says so where they do not.

The bare, the default (recommended) and the every-extension selections are generated as git
repositories and installed with their own ``make install``: pip, from ``requirements-dev.txt``,
with ``--require-hashes``. Then their own ``make test`` passes, and ``make lock`` (which asks
the package index, reachable here) rewrites the lock files byte for byte: the locks flaskforge
cut from its catalogue's lock without any network are the ones uv writes for the project.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.markers import Marker

from flaskforge import create_project, load_catalogue
from flaskforge._lock import LOCK_COMMANDS, parse_lock
from tests import e2e

#: Each selection as ``create_project`` takes it: ``None`` is the recommended set.
SELECTIONS: dict[str, tuple[list[str] | None, list[str] | None]] = {
    "bare": (["none"], ["none"]),
    "default": (None, None),
    "everything": e2e.everything(),
}


@dataclass(frozen=True)
class Made:
    """A generated project (a git repository) after its own ``make install``."""

    selection: str
    project: Path

    @property
    def bin(self) -> Path:
        return self.project / ".venv" / "bin"


def make(
    project: Path,
    *targets: str,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """Run ``make TARGET...`` in ``project`` with this interpreter as its Python."""
    done = subprocess.run(
        ["make", f"PYTHON={sys.executable}", *targets],
        cwd=project,
        env=dict(env) if env is not None else e2e.clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert done.returncode == 0, (
            f"make {' '.join(targets)} failed ({done.returncode}):\n"
            f"{done.stdout[-8000:]}\n{done.stderr[-4000:]}"
        )
    return done


_MADE: dict[str, Made] = {}


@pytest.fixture(scope="module", params=sorted(SELECTIONS))
def made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Made:
    if request.param not in _MADE:
        extensions, targets = SELECTIONS[request.param]
        out = tmp_path_factory.mktemp(f"team-tools-{request.param}")
        create_project("demo", output_dir=out, extensions=extensions, targets=targets)
        make(out / "demo", "install")
        _MADE[request.param] = Made(request.param, out / "demo")
    return _MADE[request.param]


def _applies(requirement: str) -> bool:
    _, _, marker = requirement.partition(" ; ")
    return not marker or Marker(marker).evaluate()


def test_make_install_installs_exactly_the_locked_versions(made: Made) -> None:
    lock = parse_lock((made.project / "requirements-dev.txt").read_text("utf-8"))
    locked = {e.name: e.version for e in lock.entries if _applies(e.requirement)}
    listing = e2e.run(made.bin / "python", "-m", "pip", "list", "--format=json")
    installed = {
        p["name"].lower().replace("_", "-").replace(".", "-"): p["version"]
        for p in json.loads(listing)
    }

    # The venv's own setuptools (Python 3.11 seeds it) and the project are not locked.
    extra = set(installed) - set(locked) - {"demo", "setuptools"}
    assert extra == set()
    assert {name: installed.get(name) for name in locked} == locked
    print(f"\n[{made.selection}] {len(locked)} locked packages installed, hash-checked")


def test_make_test_passes_on_the_locked_install(made: Made) -> None:
    output = make(made.project, "test").stdout

    assert " passed" in output.splitlines()[-1], output[-2000:]


def _pins(path: Path) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(e.name, e.version, e.hashes) for e in parse_lock(path.read_text("utf-8")).entries}


def test_make_lock_writes_the_same_lock_files(made: Made) -> None:
    # Asks the package index (PyPI is reachable here and in CI): uv re-resolves the project's
    # pyproject.toml, preferring the locked versions, and must choose exactly the packages,
    # versions and hashes flaskforge cut from its catalogue's lock, and write the same bytes.
    before = {name: (made.project / name).read_bytes() for name in LOCK_COMMANDS}
    packages = {name: _pins(made.project / name) for name in LOCK_COMMANDS}

    make(made.project, "lock", timeout=300)

    for name in LOCK_COMMANDS:
        after = _pins(made.project / name)
        assert (sorted(packages[name] - after), sorted(after - packages[name])) == ([], []), name
        diff = e2e.run("git", "diff", "--", name, cwd=made.project)
        assert (made.project / name).read_bytes() == before[name], diff
    count = len(packages["requirements-dev.txt"])
    print(f"\n[{made.selection}] make lock wrote the same {count} packages, byte for byte")


def test_make_install_fails_while_pyproject_asks_for_what_the_lock_lacks(tmp_path: Path) -> None:
    create_project("demo", output_dir=tmp_path, extensions=["none"], targets=["none"], git=False)
    project = tmp_path / "demo"
    pyproject = project / "pyproject.toml"
    (pin,) = [r for r in load_catalogue().base.dependencies if r.startswith("gunicorn==")]
    locked = pin.partition("==")[2]
    text = pyproject.read_text("utf-8")
    pyproject.write_text(text.replace(f'"{pin}"', '"gunicorn==20.0.0"'), "utf-8")

    done = make(project, "install", check=False)

    assert done.returncode != 0
    assert f"has requirement gunicorn==20.0.0, but you have gunicorn {locked}" in done.stdout, (
        done.stdout[-3000:] + done.stderr[-3000:]
    )


def test_a_package_whose_hash_differs_from_the_lock_is_refused(tmp_path: Path) -> None:
    create_project("demo", output_dir=tmp_path, extensions=["none"], targets=["none"], git=False)
    project = tmp_path / "demo"
    lock = project / "requirements-dev.txt"
    text = lock.read_text("utf-8")
    first = text.index("--hash=sha256:", text.index("\nflask==")) + len("--hash=sha256:")
    tampered = text[:first] + "0" * 64 + text[first + 64 :]
    second = tampered.index("--hash=sha256:", first) + len("--hash=sha256:")
    lock.write_text(tampered[:second] + "0" * 64 + tampered[second + 64 :], "utf-8")

    done = make(project, "install", check=False)

    assert done.returncode != 0
    assert "DO NOT MATCH THE HASHES" in done.stdout + done.stderr, done.stderr[-3000:]


# pre-commit: its hooks are local, so their tools come from the package index (reachable here
# and in CI) and no hook repository is fetched. One cache of hook environments for the module.


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return e2e.clean_env(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")))


def test_make_pre_commit_passes_on_a_fresh_project(
    made: Made, pre_commit_env: dict[str, str]
) -> None:
    output = make(made.project, "pre-commit", env=pre_commit_env).stdout

    ran = [line for line in output.splitlines() if line.endswith(("Passed", "Failed", "Skipped"))]
    assert ran, output
    assert all(line.endswith("Passed") for line in ran), output
    hooks = {line.split(".")[0] for line in ran}
    assert {"ruff check", "ruff format", "check for merge conflict markers"} <= hooks
    assert ("hadolint" in hooks) == (made.selection != "bare")
    print(f"\n[{made.selection}] pre-commit: {len(ran)} hooks passed")


def test_check_merge_conflict_stops_leftover_markers(
    tmp_path: Path, pre_commit_env: dict[str, str]
) -> None:
    # What a conflicted add-extension or update leaves in a file, outside any git merge.
    create_project("demo", output_dir=tmp_path, extensions=["none"], targets=["none"])
    project = tmp_path / "demo"
    readme = project / "README.md"
    readme.write_text(
        readme.read_text("utf-8")
        + "<<<<<<< yours\nmine\n=======\nflaskforge's\n>>>>>>> flaskforge\n",
        "utf-8",
    )
    e2e.run("git", "add", "README.md", cwd=project)
    pre_commit = [sys.executable, "-m", "pre_commit"]

    done = subprocess.run(
        [*pre_commit, "run", "--all-files"],
        cwd=project,
        env=pre_commit_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if line.endswith("Failed")]
    assert [line.split(".")[0] for line in failed] == ["check for merge conflict markers"]
    assert "Merge conflict string" in done.stdout, done.stdout
    assert "README.md:" in done.stdout, done.stdout


# Audit ---------------------------------------------------------------------------------------


@dataclass
class Advisories:
    """A local advisory database answering OSV's query API, and what it was asked."""

    url: str
    planted: dict[tuple[str, str], list[dict[str, object]]] = field(default_factory=dict)
    asked: set[tuple[str, str]] = field(default_factory=set)

    def plant(self, name: str, version: str, advisory_id: str) -> None:
        """Make ``name==version`` vulnerable, fixed in a version far ahead."""
        self.planted[(name, version)] = [
            {
                "id": advisory_id,
                "summary": "A planted advisory of the test's local database",
                "affected": [
                    {
                        "package": {"name": name, "ecosystem": "PyPI"},
                        "ranges": [
                            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "999"}]}
                        ],
                    }
                ],
            }
        ]


@contextmanager
def local_advisories() -> Iterator[Advisories]:
    """An OSV-compatible advisory database on 127.0.0.1, for the length of the block."""
    advisories = Advisories(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # OSV's POST /v1/query
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            key = (query["package"]["name"], query["version"])
            advisories.asked.add(key)
            vulns = advisories.planted.get(key)
            body = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    advisories.url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield advisories
    finally:
        server.shutdown()
        server.server_close()


def _audit(project: Path, advisories: Advisories) -> subprocess.CompletedProcess[str]:
    env = e2e.clean_env(PIP_AUDIT_VULNERABILITY_SERVICE="osv", PIP_AUDIT_OSV_URL=advisories.url)
    return make(project, "audit", env=env, check=False, timeout=300)


def _installable(project: Path) -> set[tuple[str, str]]:
    lock = parse_lock((project / "requirements-dev.txt").read_text("utf-8"))
    return {(e.name, e.version) for e in lock.entries if _applies(e.requirement)}


def test_make_audit_asks_about_every_locked_package_and_passes_when_none_is_known(
    made: Made,
) -> None:
    with local_advisories() as advisories:
        done = _audit(made.project, advisories)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "No known vulnerabilities found" in done.stdout + done.stderr
    assert advisories.asked == _installable(made.project)
    print(f"\n[{made.selection}] audit: {len(advisories.asked)} packages asked, 0 findings")


def test_make_audit_fails_on_a_known_vulnerability_in_a_runtime_or_dev_package(
    made: Made,
) -> None:
    locked = dict(_installable(made.project))
    with local_advisories() as advisories:
        advisories.plant("flask", locked["flask"], "GHSA-test-flask")
        advisories.plant("iniconfig", locked["iniconfig"], "PYSEC-test-iniconfig")
        done = _audit(made.project, advisories)

    assert done.returncode != 0, done.stdout + done.stderr
    assert "audit] Error 1" in done.stderr  # pip-audit's own status, as make reports it
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line.strip()}
    assert rows["flask"][1:3] == [locked["flask"], "GHSA-test-flask"], done.stdout
    assert rows["iniconfig"][1:3] == [locked["iniconfig"], "PYSEC-test-iniconfig"], done.stdout
    assert "Found 2 known vulnerabilities in 2 packages" in done.stderr, done.stderr


def test_make_audit_against_the_real_advisory_database(made: Made) -> None:
    # pip-audit's default source is the package index's JSON API. Where it answers, a fresh
    # project has no known vulnerability (the pins are current). Where it does not (this
    # machine: the index serves packages but not that API), --strict makes the audit fail
    # rather than pass having checked nothing; the test says so instead of pretending.
    done = make(made.project, "audit", check=False, timeout=600)
    output = done.stdout + done.stderr

    if done.returncode != 0 and ("could not be audited" in output or "ConnectionError" in output):
        first = next(line for line in output.splitlines() if "audited" in line or "Error" in line)
        pytest.skip(f"no advisory database reachable from here; make audit fails: {first}")
    assert done.returncode == 0, output
    assert "No known vulnerabilities found" in output


# Migrations drift gate -----------------------------------------------------------------------


def test_make_check_migrations_fails_on_a_model_changed_without_a_revision(
    made: Made, database_url: str
) -> None:
    makefile = (made.project / "Makefile").read_text("utf-8")
    ci = (made.project / ".github/workflows/ci.yml").read_text("utf-8")
    models = made.project / "src/demo/api/v1/items/models.py"
    if not (made.project / "src/demo/migrations").is_dir():
        # Without migrations there is nothing to compare: no target, no CI step.
        assert "check-migrations" not in makefile + ci
        return
    assert "run: make check-migrations" in ci
    env = e2e.clean_env(APP_ENV="development", DATABASE_URL=database_url)
    e2e.run(made.bin / "python", "-c", e2e.EMPTY_DATABASE, cwd=made.project, env=env)

    fresh = make(made.project, "check-migrations", env=env, check=False)

    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    original = models.read_text("utf-8")
    marker = '    __tablename__ = "items"\n'
    assert marker in original
    drifted = "    drift_probe: Mapped[int | None] = mapped_column(Integer, nullable=True)\n"
    models.write_text(original.replace(marker, marker + drifted), "utf-8")
    try:
        changed = make(made.project, "check-migrations", env=env, check=False)
    finally:
        models.write_text(original, "utf-8")

    output = changed.stdout + changed.stderr
    assert changed.returncode != 0, output
    assert "New upgrade operations detected" in output, output
    assert "drift_probe" in output, output
