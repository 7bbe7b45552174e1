"""The interactive flow of 'flaskforge new', driven through prompt_toolkit's pipe input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from flaskforge.cli import _ask
from flaskforge.errors import Aborted
from tests.helpers import extension, make_catalogue

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
CLEAR_LINE = "\x15"  # Ctrl-U: the description prompt starts filled with the default


@pytest.fixture
def catalogue(tmp_path: Path):
    # Checkbox order is by name: caching, database, migrations / docker, kubernetes.
    return make_catalogue(
        tmp_path,
        {
            "extensions/caching/manifest.toml": extension("caching", recommended=True),
            "extensions/database/manifest.toml": extension("database"),
            "extensions/migrations/manifest.toml": extension("migrations", requires=["database"]),
            "targets/docker/manifest.toml": extension("docker", recommended=True),
            "targets/kubernetes/manifest.toml": extension("kubernetes", requires=["docker"]),
        },
    )


@pytest.fixture
def keys() -> Iterator:
    with create_pipe_input() as pipe:
        yield pipe


def _run(catalogue, keys, typed: str, **given):
    keys.send_text(typed)
    return _ask(
        catalogue,
        given.get("description"),
        given.get("extensions"),
        given.get("targets"),
        input=keys,
        output=DummyOutput(),
    )


def test_enter_everywhere_takes_the_defaults(catalogue, keys) -> None:
    description, extensions, targets = _run(catalogue, keys, ENTER + ENTER + ENTER)
    assert description == "A Flask microservice"
    assert extensions == ["caching"]
    assert targets == ["docker"]


def test_typed_answers_and_toggles(catalogue, keys) -> None:
    typed = (
        CLEAR_LINE
        + "Orders API"
        + ENTER
        # extensions: untick caching, tick database
        + " "
        + DOWN
        + " "
        + ENTER
        # targets: untick docker
        + " "
        + ENTER
    )
    assert _run(catalogue, keys, typed) == ("Orders API", ["database"], ["none"])


def test_required_extensions_are_offered_and_added_on_yes(catalogue, keys) -> None:
    typed = ENTER + DOWN + DOWN + " " + ENTER + "y" + ENTER
    _, extensions, _ = _run(catalogue, keys, typed)
    # Only what was ticked: database is added when the selection is resolved.
    assert extensions == ["caching", "migrations"]


def test_declining_the_requirement_asks_again(catalogue, keys) -> None:
    # No to "migrations requires database", then untick migrations and accept.
    typed = ENTER + DOWN + DOWN + " " + ENTER + "n" + DOWN + DOWN + " " + ENTER + ENTER
    _, extensions, _ = _run(catalogue, keys, typed)
    assert extensions == ["caching"]


def test_an_unprintable_description_is_refused_as_typed(catalogue, keys) -> None:
    # A right-to-left override, pasted: Enter is refused with the reason, then it is erased.
    typed = CLEAR_LINE + "Orders\u202e API" + ENTER + CLEAR_LINE + "Orders API" + ENTER
    result = _run(catalogue, keys, typed + ENTER + ENTER)
    assert result == ("Orders API", ["caching"], ["docker"])


def test_questions_answered_by_flags_are_not_asked(catalogue, keys) -> None:
    # Only the target question remains; a single Enter answers it.
    result = _run(catalogue, keys, ENTER, description="Given", extensions=["none"])
    assert result == ("Given", ["none"], ["docker"])


@pytest.mark.parametrize("presses", ["", ENTER, ENTER + ENTER], ids=["first", "second", "third"])
def test_ctrl_c_at_any_prompt_aborts(catalogue, keys, presses: str) -> None:
    with pytest.raises(Aborted, match="Aborted; nothing was written"):
        _run(catalogue, keys, presses + CTRL_C)
