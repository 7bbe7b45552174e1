"""The steps ``flaskforge new`` prints are the generated README's quick start, exact for the
selection: the make targets they name exist, and no note speaks of what was not chosen.

``tests/e2e/test_quick_start.py`` runs them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskforge import load_catalogue
from flaskforge.cli import cli


def _selections() -> list[tuple[str, list[str], list[str]]]:
    catalogue = load_catalogue()
    chosen = [(e.name, [e.name], ["none"]) for e in catalogue.extensions]
    chosen += [(t.name, ["none"], [t.name]) for t in catalogue.targets]
    everything = [e.name for e in catalogue.extensions]
    return [
        ("bare", ["none"], ["none"]),
        ("defaults", [], []),
        *chosen,
        ("everything", everything, [t.name for t in catalogue.targets]),
    ]


SELECTIONS = _selections()


def _new(tmp_path: Path, extensions: list[str], targets: list[str]) -> tuple[str, Path]:
    args = ["new", "shop", "-o", str(tmp_path), "--no-git", "--defaults"]
    args += [f"-e{','.join(extensions)}"] * bool(extensions)
    args += [f"-t{','.join(targets)}"] * bool(targets)
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout, tmp_path / "shop"


def printed_steps(output: str) -> tuple[list[str], list[str]]:
    """The commands `new` printed as next steps (each comment dropped), and its notes."""
    lines = output.splitlines()
    start = lines.index("Next steps (the README's quick start):") + 1
    commands = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        commands.append(line.split("  #", 1)[0].strip())
    notes = [line[2:] for line in lines if line.startswith("- ")]
    return commands, notes


def readme_quick_start(project: Path) -> list[str]:
    """The commands of the first sh block under the README's "Quick start" heading."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def make_targets(project: Path) -> set[str]:
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9_-]*):", makefile, re.M))


New = Callable[[str, list[str], list[str]], tuple[str, Path]]


@pytest.fixture(scope="module")
def created(tmp_path_factory: pytest.TempPathFactory) -> New:
    """``created(label, extensions, targets)``: what ``new`` printed and the project it wrote.

    Run once per selection for the module: the tests only read the project.
    """
    made: dict[str, tuple[str, Path]] = {}

    def new(label: str, extensions: list[str], targets: list[str]) -> tuple[str, Path]:
        if label not in made:
            made[label] = _new(tmp_path_factory.mktemp(label), extensions, targets)
        return made[label]

    return new


@pytest.mark.parametrize(
    ("label", "extensions", "targets"), SELECTIONS, ids=[s[0] for s in SELECTIONS]
)
def test_next_steps_are_the_readme_quick_start(
    created: New, label: str, extensions: list[str], targets: list[str]
) -> None:
    output, project = created(label, extensions, targets)
    commands, notes = printed_steps(output)
    assert commands[0] == f"cd {project}"
    assert commands[1:] == readme_quick_start(project)
    assert commands[1:3] == ["make install", "cp .env.example .env"]
    assert commands[-1] == "make run"
    assert (project / ".env.example").is_file()
    # Every make target named, in the steps or the notes, is one the Makefile has.
    named = re.findall(r"\bmake ([a-z][a-z0-9_-]*)", " ".join(commands + notes))
    assert set(named) <= make_targets(project), named
    # The migration step when, and only when, migrations is chosen; tables made once either way.
    record = (project / ".flaskforge.toml").read_text(encoding="utf-8")
    assert ("make migrate" in commands) == ('"migrations"' in record)
    assert (".venv/bin/flask init-db" in commands) == (
        '"database"' in record and '"migrations"' not in record
    )


@pytest.mark.parametrize(
    ("label", "extensions", "targets"), SELECTIONS, ids=[s[0] for s in SELECTIONS]
)
def test_notes_speak_only_of_the_selection(
    created: New, label: str, extensions: list[str], targets: list[str]
) -> None:
    output, project = created(label, extensions, targets)
    _, notes = printed_steps(output)
    record = (project / ".flaskforge.toml").read_text(encoding="utf-8")
    catalogue = load_catalogue()
    absent = [
        c.name for c in (*catalogue.extensions, *catalogue.targets) if f'"{c.name}"' not in record
    ]
    for note in notes:
        # A command in a note is one that works as written: no bare 'flask' or 'celery'.
        assert not re.search(r"'(flask|celery) ", note), note
        for name in absent:
            assert not re.search(rf"\b{name}\b", note, re.I), (name, note)


def _required_in_production(project: Path) -> tuple[set[str], set[str]]:
    """The secrets config.py refuses to start without, and those another setting can replace."""
    config = next(project.glob("src/*/config.py")).read_text(encoding="utf-8")
    required, replaceable = set(), set()
    for block in re.findall(r"Setting\((.*?)\n    \)", config, re.S):
        name = re.search(r'name="([A-Z0-9_]+)"', block)
        if name and "secret=True" in block:
            (replaceable if "required_unless=" in block else required).add(name[1])
    return required, replaceable


@pytest.mark.parametrize(
    ("label", "extensions", "targets"), SELECTIONS, ids=[s[0] for s in SELECTIONS]
)
def test_the_readme_production_start_sets_every_required_setting(
    created: New, label: str, extensions: list[str], targets: list[str]
) -> None:
    _, project = created(label, extensions, targets)
    readme = (project / "README.md").read_text(encoding="utf-8")
    deployment = readme.split("## Deployment", 1)[1]
    block = deployment.split("```sh\n", 1)[1].split("```", 1)[0]
    shown = set(re.findall(r"^\s*([A-Z0-9_]+)=", block, re.M))
    required, replaceable = _required_in_production(project)
    assert "SECRET_KEY" in required
    assert shown == {"APP_ENV", *required, *replaceable}
    for name in replaceable:
        assert f"`{name}` may be left out when" in deployment


@pytest.mark.parametrize(
    ("label", "extensions", "targets"), SELECTIONS, ids=[s[0] for s in SELECTIONS]
)
def test_the_readme_path_without_make_creates_the_tables(
    created: New, label: str, extensions: list[str], targets: list[str]
) -> None:
    _, project = created(label, extensions, targets)
    readme = (project / "README.md").read_text(encoding="utf-8")
    without_make = readme.split("Without `make`:", 1)[1].split("\n\n", 1)[0]
    record = (project / ".flaskforge.toml").read_text(encoding="utf-8")
    assert ("db upgrade" in without_make) == ('"migrations"' in record)
    assert ("flask init-db" in without_make) == (
        '"database"' in record and '"migrations"' not in record
    )
    assert "cp .env.example .env" in without_make


@pytest.mark.parametrize(
    ("label", "extensions", "targets"), SELECTIONS, ids=[s[0] for s in SELECTIONS]
)
def test_the_docker_doc_runs_the_image_with_every_required_setting(
    created: New, label: str, extensions: list[str], targets: list[str]
) -> None:
    _, project = created(label, extensions, targets)
    doc = project / "docs/deployment/docker.md"
    record = (project / ".flaskforge.toml").read_text(encoding="utf-8")
    assert doc.is_file() == ('"docker"' in record)
    if doc.is_file():
        text = doc.read_text(encoding="utf-8")
        run = text.split("docker run ", 1)[1].split("```", 1)[0]
        required, replaceable = _required_in_production(project)
        assert set(re.findall(r"-e ([A-Z0-9_]+)=", run)) == required | replaceable
        for name in replaceable:
            assert f"`{name}` may be left out when" in text


def readme_layout(project: Path) -> list[str]:
    """The paths of the README's layout block below ``src/<package>/``."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout\n\n```\n", 1)[1].split("```", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ")]


def readme_api_rows(project: Path) -> list[tuple[str, str]]:
    """(method, path) of each row of the README's API table, in order."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("## API\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return re.findall(r"^\| ([A-Z]+) \| `([^`]+)` \|", section, re.M)


@pytest.mark.parametrize(
    ("label", "extensions", "targets"), SELECTIONS, ids=[s[0] for s in SELECTIONS]
)
def test_the_readme_layout_is_the_package_as_generated(
    created: New, label: str, extensions: list[str], targets: list[str]
) -> None:
    _, project = created(label, extensions, targets)
    package = next((project / "src").iterdir())
    listed = readme_layout(project)

    for path in listed:
        assert (package / path).is_dir() if path.endswith("/") else (package / path).is_file(), path
    for file in (f for f in package.rglob("*") if f.is_file()):
        path = file.relative_to(package).as_posix()
        covered = [e for e in listed if e == path or (e.endswith("/") and path.startswith(e))]
        assert covered, f"{path} is missing from the README's layout"


@pytest.mark.parametrize(
    ("label", "extensions", "targets"), SELECTIONS, ids=[s[0] for s in SELECTIONS]
)
def test_the_readme_api_table_lists_the_routes_of_the_selection(
    created: New, label: str, extensions: list[str], targets: list[str]
) -> None:
    _, project = created(label, extensions, targets)
    record = tomllib.loads((project / ".flaskforge.toml").read_text(encoding="utf-8"))
    catalogue = load_catalogue()
    chosen = [catalogue.get("extension", name) for name in record["extensions"]]
    expected = [(e.method, e.path) for c in (catalogue.base, *chosen) for e in c.endpoints]

    # tests/e2e/test_generated_project.py checks the table against the app's URL map.
    assert readme_api_rows(project) == expected
