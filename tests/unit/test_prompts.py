"""The interactive flow of 'flaskforge new', driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pyte
import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from flaskforge import load_catalogue, prompts
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


def test_a_target_that_requires_another_is_offered_the_same_way(catalogue, keys) -> None:
    # Untick docker, tick kubernetes: "kubernetes requires docker. Add them?" Yes.
    typed = ENTER + ENTER + " " + DOWN + " " + ENTER + "y" + ENTER
    _, _, targets = _run(catalogue, keys, typed)
    assert targets == ["kubernetes"]  # docker is added when the selection is resolved


def test_declining_a_required_target_asks_again(catalogue, keys) -> None:
    # No to "kubernetes requires docker": the checkbox again, where kubernetes is unticked.
    typed = ENTER + ENTER + " " + DOWN + " " + ENTER + "n" + DOWN + " " + ENTER
    _, _, targets = _run(catalogue, keys, typed)
    assert targets == ["none"]


class Terminal:
    """A terminal of a given width: what prompt_toolkit writes, drawn by a VT100 emulator.

    ``screens`` holds the screen after each of prompt_toolkit's flushes (one per redraw).
    """

    encoding = "utf-8"

    def __init__(self, columns: int, rows: int = 40) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.screens: list[list[str]] = []
        # The emulator answers no cursor-position request; prompt_toolkit would wait a second
        # for each answer before drawing (tests/pty has the real terminal, which answers).
        self.output = Vt100_Output(
            self, lambda: Size(rows=rows, columns=columns), term="xterm", enable_cpr=False
        )

    def write(self, data: str) -> None:
        self.stream.feed(data)

    def flush(self) -> None:
        self.screens.append(list(self.screen.display))

    def isatty(self) -> bool:
        return True


def _shown(components, preselected, typed: str, columns: int) -> tuple[list[str], list[list[str]]]:
    terminal = Terminal(columns)
    with create_pipe_input() as pipe:
        pipe.send_text(typed)
        answer = prompts.ask_components(
            "extensions", components, preselected, input=pipe, output=terminal.output
        )
    return answer, [screen for screen in terminal.screens if any(line.strip() for line in screen)]


def _words_are_whole(lines: list[str]) -> None:
    # A line that ends at the right edge and goes on at the left one was cut by the terminal.
    for line, following in itertools.pairwise(lines):
        assert not (line.rstrip() == line and following[:1].strip()), (line, following)


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("kind", ["extension", "target"])
def test_the_checkbox_fits_the_terminal_at_word_boundaries(columns: int, kind: str) -> None:
    components = load_catalogue().of_kind(kind)
    last = len(components) - 1
    # Move to the last choice, tick it and confirm: every line is drawn on the way.
    answer, screens = _shown(components, [], "\x1b[B" * last + " " + ENTER, columns)
    assert answer == [components[-1].name]
    width = max(len(c.name) for c in components)
    for screen in screens:
        _words_are_whole(screen)
    checkbox = next(s for s in screens if any("Description:" in line for line in s))
    for component in components:
        (line,) = [line for line in checkbox if line[5:].startswith(component.name.ljust(width))]
        full = component.name.ljust(width) + "  " + prompts._summary(component)
        shown = line[5:].rstrip()
        assert ("(recommended)" in shown) == component.recommended
        if shown.endswith("…"):
            kept = shown[:-1]
            assert full.startswith(kept)
            assert full[len(kept)] in " ,;:(", f"cut mid-word: {shown!r}"
        else:
            assert shown == full
    # The summary of the choice under the cursor, whole, below the list, wrapped between words.
    (pointer,) = [line for line in checkbox if line.startswith(" » ")]
    pointed = next(c for c in components if pointer[5:].startswith(c.name.ljust(width)))
    drawn = checkbox[checkbox.index(next(line for line in checkbox if "Description:" in line)) :]
    described = " ".join(line.strip() for line in drawn if line.strip())
    assert described == "Description: " + prompts._summary(pointed)
    # The answer, on one line.
    assert any(line.startswith("? Which extensions? [") for line in screens[-1])
