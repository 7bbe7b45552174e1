"""``flaskforge update`` between two real releases: a wheel of this checkout and a wheel of a
changed copy of it, each installed in a virtual environment of its own, run as users run them.

The changed copy (the "next" version) edits templates, adds a file, deletes one, renames one
and renames a setting, with a migration for the setting. Every change is made to whatever the
catalogue renders today (first lines, file ends, the first test files), never to frozen text:

- a project nobody touched, for each component alone, the bare one and everything: after the
  update it equals a fresh ``new`` by the next version byte for byte, and a second update
  leaves an empty ``git status``;
- a project with owner edits (app factory, config, pyproject, README, items routes with a route
  and a command of the owner's own, the file the next version deletes, and an ignored
  ``.env``): every owner line survives, every template change arrives, markers appear only
  where both changed the same lines, the project's own lint and tests pass, and the owner's
  route answers and their command runs;
- a fresh ``git clone`` of it (no baseline ref): ``check`` exits 1 naming both versions, and
  ``update --find-links`` installs this version's wheel to render the baseline, giving the same
  files as the update in the original.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import flaskforge
from flaskforge import load_catalogue
from tests import e2e
from tests.lifecycle_kit import commit_all, files, git
from tests.user_edits import add_owner_route_and_command
from tests.wheels import build_wheel, copy_source

VERSION = flaskforge.__version__
_RELEASE = re.match(r"\d+(?:\.\d+)*", VERSION)
assert _RELEASE is not None
#: The next release: this one's release number with its last part one higher.
NEXT = ".".join([*_RELEASE[0].split(".")[:-1], str(int(_RELEASE[0].split(".")[-1]) + 1)])
CATALOGUE = load_catalogue()
BASE_TESTS = sorted(
    p.name
    for p in (CATALOGUE.base.files / "tests").iterdir()
    if p.name.startswith("test_") and p.name.endswith(".py.jinja")
)
DELETED = "tests/" + BASE_TESTS[0].removesuffix(".jinja")
RENAMED = "tests/" + BASE_TESTS[1].removesuffix(".jinja")
RENAMED_TO = RENAMED.removesuffix(".py") + "_next.py"
#: The setting the next version renames: the first plain base setting the templates use.
SETTING = next(s.name for s in CATALOGUE.base.settings if not s.secret and s.name != "APP_ENV")
SETTING_TO = SETTING + "_NEXT"
#: Template files whose first line the next version precedes with a comment.
COMMENTED = {
    "app factory": "src/{{ package_name }}/app.py.jinja",
    "config": "src/{{ package_name }}/config.py.jinja",
    "items routes": "src/{{ package_name }}/api/v1/items/routes.py.jinja",
    "pyproject": "pyproject.toml.jinja",
}
COMMENT = f"# Reviewed for flaskforge {NEXT}.\n"
ADDED = "CONTRIBUTING.md"
MIGRATION = f'''

MIGRATIONS.append(
    Migration(
        version="{NEXT}",
        summary="{SETTING} is now {SETTING_TO}",
        change=rename_setting("{SETTING}", "{SETTING_TO}"),
        example=({{".env": b"{SETTING}=1\\n"}}, {{".env": b"{SETTING_TO}=1\\n"}}),
    )
)
'''


def _make_next(source: Path) -> None:
    """Turn a copy of this checkout into the next release."""
    init = source / "src/flaskforge/__init__.py"
    init.write_text(
        init.read_text().replace(f'__version__ = "{VERSION}"', f'__version__ = "{NEXT}"')
    )
    migrations = source / "src/flaskforge/_migrations.py"
    migrations.write_text(migrations.read_text() + MIGRATION)
    base = source / "templates/base/files"
    for relative in COMMENTED.values():
        path = base / relative
        path.write_text(COMMENT + path.read_text())
    readme = base / "README.md.jinja"
    first, rest = readme.read_text().split("\n", 1)
    readme.write_text(f"{first}, next edition\n{rest}")
    (base / ADDED).write_text("# Contributing\n\nAdded by the next version.\n")
    (base / (DELETED + ".jinja")).unlink()
    (base / (RENAMED + ".jinja")).rename(base / (RENAMED_TO + ".jinja"))
    word = re.compile(rf"\b{SETTING}\b")
    for path in (source / "templates").rglob("*"):
        if path.is_file() and path.suffix != ".pyc":
            text = path.read_bytes()
            renamed = word.sub(SETTING_TO, text.decode("utf-8"))
            if renamed != text.decode("utf-8"):
                path.write_text(renamed)


@dataclass(frozen=True)
class Releases:
    """The wheel folder and each release's ``flaskforge`` command."""

    wheels: Path
    this: Path
    next: Path

    def run(
        self, release: Path, *args: str, cwd: Path, check: int | None = 0
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(release), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=900,
            env=e2e.clean_env(),
            check=False,
        )
        if check is not None:
            assert done.returncode == check, (
                f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
            )
        return done


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    root = tmp_path_factory.mktemp("releases")
    wheels = root / "wheels"
    build_wheel(wheels)
    source = copy_source(root / "next-source")
    _make_next(source)
    build_wheel(wheels, source)
    commands = []
    for name, version in (("this", VERSION), ("next", NEXT)):
        venv = root / f"venv-{name}"
        e2e.create_venv(venv)
        (wheel,) = wheels.glob(f"flaskforge_generator-{version}-*.whl")
        e2e.pip_install(venv, wheel)
        commands.append(venv / "bin/flaskforge")
    return Releases(wheels, *commands)


def _new(releases: Releases, release: Path, out: Path, extensions: str, targets: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    releases.run(
        release,
        "new",
        "upd-svc",
        "-e",
        extensions,
        "-t",
        targets,
        "--description",
        "Update me",
        cwd=out,
    )
    return out / "upd-svc"


def _selections() -> list:
    extensions = [c.name for c in CATALOGUE.extensions]
    targets = [c.name for c in CATALOGUE.targets]
    everything = e2e.everything()
    cases = [pytest.param("none", "none", id="bare")]
    cases += [pytest.param(name, "none", id=name) for name in extensions]
    cases += [pytest.param("none", name, id=name) for name in targets]
    cases.append(pytest.param(",".join(everything[0]), ",".join(everything[1]), id="everything"))
    return cases


@pytest.mark.parametrize(("extensions", "targets"), _selections())
def test_an_untouched_project_becomes_what_the_next_version_makes(
    releases: Releases, tmp_path: Path, extensions: str, targets: str
) -> None:
    project = _new(releases, releases.this, tmp_path / "updated", extensions, targets)
    done = releases.run(releases.next, "update", cwd=project)
    assert done.stdout.startswith(f"Updated upd-svc from flaskforge {VERSION} to {NEXT}.\n")
    assert re.search(rf"\n  moved +{RENAMED_TO} \(from {RENAMED}\)\n", done.stdout), done.stdout
    assert re.search(rf"\n  deleted +{DELETED}\n", done.stdout), done.stdout
    fresh = _new(releases, releases.next, tmp_path / "fresh", extensions, targets)
    updated, expected = files(project), files(fresh)
    assert sorted(updated) == sorted(expected), "different file sets"
    assert [path for path in expected if updated[path] != expected[path]] == []
    commit_all(project, "update")
    again = releases.run(releases.next, "update", cwd=project)
    assert (
        again.stdout == f"Nothing to do: upd-svc is at flaskforge {NEXT}, the installed version.\n"
    )
    assert git(project, "status", "--porcelain") == ""


PACKAGE = "upd_svc"
#: Owner edits at the ends of files (the next version changes their first lines).
OWNER = {
    "app factory": (
        f"src/{PACKAGE}/app.py",
        "\n\n# Owner: the platform team reviews this module.\n",
    ),
    "config": (f"src/{PACKAGE}/config.py", "\n\nOWNER_TIMEOUT = 30\n"),
    "items routes": (f"src/{PACKAGE}/api/v1/items/routes.py", "\n\n# Owner: limits reviewed.\n"),
    "pyproject": ("pyproject.toml", "\n[tool.coverage.run]\nbranch = true\n"),
    "readme": ("README.md", "\n## Our runbook\n\nPage the on-call engineer.\n"),
    "deleted file": (DELETED, "\n\n# Owner: we keep this one.\n"),
}
OWNER_TITLE = "# upd-svc: the orders team's service"
#: The owner's own route and command, in the items blueprint: they must work after the update.
OWNER_PROBE = f"""
from {PACKAGE} import create_app

app = create_app({{"APP_ENV": "testing", "SECRET_KEY": "k" * 40}})
(rule,) = [r for r in app.url_map.iter_rules() if r.endpoint.endswith(".owner_count")]
print(app.test_client().get(rule.rule).get_json())
group = rule.endpoint.rsplit(".", 1)[0]  # a blueprint's commands are grouped under its name
print(app.test_cli_runner().invoke(args=[group, "owner-hello"]).output, end="")
"""


@pytest.fixture(scope="module")
def edited(releases: Releases, tmp_path_factory: pytest.TempPathFactory) -> Path:
    everything = e2e.everything()
    root = tmp_path_factory.mktemp("edited")
    project = _new(releases, releases.this, root, ",".join(everything[0]), ",".join(everything[1]))
    for path, text in OWNER.values():
        file = project / path
        file.write_text(file.read_text() + text)
    readme = project / "README.md"
    readme.write_text(OWNER_TITLE + "\n" + readme.read_text().split("\n", 1)[1])
    routes = project / OWNER["items routes"][0]
    add_owner_route_and_command(routes)
    commit_all(project, "our edits")
    # The owner's own settings, as the generated README has them made; git ignores the file.
    (project / ".env").write_text((project / ".env.example").read_text() + "# Ours.\n")
    assert git(project, "status", "--porcelain") == ""  # .env is ignored, as it should be
    return project


def test_owner_edits_survive_and_every_template_change_arrives(
    releases: Releases, edited: Path, tmp_path: Path
) -> None:
    # The team's server got the branches only (the baseline ref was never pushed).
    server = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(edited), str(server))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(server), str(clone))
    (clone / ".env").write_text((edited / ".env").read_text())

    done = releases.run(releases.next, "update", cwd=edited, check=1)
    assert f"  migration: {SETTING} is now {SETTING_TO}\n" in done.stdout
    assert "  conflict  README.md\n" in done.stdout
    assert f"  left      {DELETED}\n" in done.stdout
    assert done.stderr.startswith("Error: Conflicts in README.md: ")
    # Every owner line survives.
    for kind, (path, text) in OWNER.items():
        assert text.strip() in (edited / path).read_text(), f"the {kind} edit was lost"
    assert OWNER_TITLE in (edited / "README.md").read_text()
    # Every template change arrives.
    for kind, relative in COMMENTED.items():
        path = relative.replace("{{ package_name }}", PACKAGE).removesuffix(".jinja")
        assert (edited / path).read_text().startswith(COMMENT), kind
    assert (edited / ADDED).is_file()
    assert (edited / RENAMED_TO).is_file()
    assert not (edited / RENAMED).exists()
    for env in (".env", ".env.example"):
        text = (edited / env).read_text()
        assert re.search(rf"^{SETTING_TO}=", text, re.M), env
        assert not re.search(rf"^{SETTING}=", text, re.M), env
    assert (edited / ".env").read_text().endswith("# Ours.\n")
    assert SETTING_TO in (edited / f"src/{PACKAGE}/config.py").read_text()
    assert f'flaskforge_version = "{NEXT}"' in (edited / ".flaskforge.toml").read_text()
    # Markers only where both changed the same lines.
    marked = [path for path, content in files(edited).items() if b"<<<<<<< yours\n" in content]
    assert marked == ["README.md"]
    readme = (edited / "README.md").read_text()
    assert f"<<<<<<< yours\n{OWNER_TITLE}\n=======\n" in readme

    # A fresh clone has no baseline: check says behind; update installs this version to render it.
    assert git(clone, "for-each-ref", "refs/flaskforge") == ""
    behind = releases.run(releases.next, "check", cwd=clone, check=1)
    assert behind.stderr == (
        f"Error: upd-svc is at flaskforge {VERSION}; flaskforge {NEXT} is installed. Run "
        "'flaskforge update' to move it to the installed version.\n"
    )
    from_clone = releases.run(
        releases.next, "update", "--find-links", str(releases.wheels), cwd=clone, check=1
    )
    assert from_clone.stderr.startswith(
        "Fetching the baseline from origin...\n"
        f"Rendering the baseline with flaskforge {VERSION}, installed into a temporary "
        "environment...\n"
    )
    assert from_clone.stdout.startswith(
        f"The baseline was rendered with flaskforge {VERSION}, installed into a temporary "
        "environment.\n"
    )
    assert files(clone) == files(edited)

    # The owner resolves the conflict (keeping their title), commits; the project passes its
    # own lint and tests, and a second update changes nothing.
    resolved = re.sub(
        r"<<<<<<< yours\n(.*?)\n=======\n.*?\n>>>>>>> flaskforge\n", r"\1\n", readme, flags=re.S
    )
    (edited / "README.md").write_text(resolved)
    commit_all(edited, "update to the next flaskforge")
    venv = tmp_path / "venv"
    e2e.create_venv(venv)
    e2e.pip_install(venv, "-e", f"{edited}[dev]")
    for command in (
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["pytest", "-q", "-W", "error", "-p", "no:cacheprovider"],
    ):
        e2e.run(venv / "bin" / command[0], *command[1:], cwd=edited)
    # The owner's own route answers and their command runs, on the updated service.
    probed = e2e.run(venv / "bin/python", "-c", OWNER_PROBE, cwd=tmp_path)
    assert probed == "{'count': 42}\nhello from the owner\n", probed
    releases.run(releases.next, "check", cwd=edited)
    releases.run(releases.next, "update", cwd=edited)
    assert git(edited, "status", "--porcelain") == ""
