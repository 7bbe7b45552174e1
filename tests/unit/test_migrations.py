"""Version migrations: each registered one passes its own example; the kinds they are made of
work; ``due`` picks and orders them by version."""

from __future__ import annotations

import pytest

from flaskforge._migrations import (
    MIGRATIONS,
    Migration,
    ProjectFiles,
    due,
    move_file,
    rename_setting,
    run,
)
from flaskforge._versions import version_key


def _files(contents: dict[str, bytes]) -> ProjectFiles:
    return ProjectFiles(contents, contents.get)


def _passes_its_example(migration: Migration) -> None:
    before, after = migration.example
    changed = run([migration], _files(dict(before)))
    result = {p: c for p, c in {**before, **changed}.items() if c is not None}
    assert result == dict(after), migration.summary


def test_every_registered_migration_passes_its_example() -> None:
    for migration in MIGRATIONS:
        _passes_its_example(migration)
    versions = [version_key(m.version) for m in MIGRATIONS]
    assert versions == sorted(versions), "MIGRATIONS must be in version order"


SETTING_RENAMED = Migration(
    version="0.2.0",
    summary="LOG_LEVEL is now LOG_THRESHOLD",
    change=rename_setting("LOG_LEVEL", "LOG_THRESHOLD"),
    example=(
        {
            ".env": b"APP_ENV=development\nLOG_LEVEL=DEBUG\nLOG_LEVEL_X=1\n",
            "deploy/k8s/overlays/prod/secrets.env": b"export LOG_LEVEL = WARNING\n",
            "src/app.py": b'LOG_LEVEL = "keep: not an env file"\n',
        },
        {
            ".env": b"APP_ENV=development\nLOG_THRESHOLD=DEBUG\nLOG_LEVEL_X=1\n",
            "deploy/k8s/overlays/prod/secrets.env": b"export LOG_THRESHOLD = WARNING\n",
            "src/app.py": b'LOG_LEVEL = "keep: not an env file"\n',
        },
    ),
)
FILE_MOVED = Migration(
    version="0.3.0",
    summary="docs/notes.md is now docs/team/notes.md",
    change=move_file("docs/notes.md", "docs/team/notes.md"),
    example=({"docs/notes.md": b"ours\n"}, {"docs/team/notes.md": b"ours\n"}),
)


@pytest.mark.parametrize("migration", [SETTING_RENAMED, FILE_MOVED], ids=["rename", "move"])
def test_the_kinds_of_migration_pass_their_examples(migration: Migration) -> None:
    _passes_its_example(migration)


def test_a_move_never_overwrites() -> None:
    files = {"docs/notes.md": b"old\n", "docs/team/notes.md": b"new\n"}
    assert run([FILE_MOVED], _files(files)) == {}


def test_migrations_run_in_order_each_on_the_result_of_the_last() -> None:
    second = Migration(
        version="0.2.1",
        summary="then moved",
        change=move_file(".env", "config/.env"),
        example=({}, {}),
    )
    changed = run([SETTING_RENAMED, second], _files({".env": b"LOG_LEVEL=1\n"}))
    assert changed == {".env": None, "config/.env": b"LOG_THRESHOLD=1\n"}


@pytest.mark.parametrize(
    ("recorded", "installed", "expected"),
    [
        ("0.1.0", "0.3.0", ["0.2.0", "0.3.0"]),
        ("0.2.0", "0.3.0", ["0.3.0"]),
        ("0.1.0", "0.2.5", ["0.2.0"]),
        ("0.3.0", "0.3.0", []),
        ("0.1.0", "0.1.9", []),
    ],
)
def test_due_takes_those_after_the_project_up_to_the_installed_version(
    recorded: str, installed: str, expected: list[str]
) -> None:
    chosen = due(recorded, installed, [FILE_MOVED, SETTING_RENAMED])
    assert [m.version for m in chosen] == expected
