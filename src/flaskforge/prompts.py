"""The interactive questions of ``flaskforge new``. The one module that imports questionary.

Part of the command line, beside ``cli.py``: presentation, not the library API (which is what
``flaskforge`` exports). Like ``cli.py``, it uses that API only.

Each function asks one thing and returns the answer. Ctrl-C or Ctrl-D at any prompt raises
:class:`~flaskforge.errors.Aborted` (questionary's ``ask()`` would swallow it and return None,
so ``unsafe_ask()`` is used throughout). ``io`` lets tests drive the prompts without a
terminal: it is passed through to prompt_toolkit as ``input``/``output``.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import Any

import questionary

from flaskforge import Answers, Component
from flaskforge.errors import Aborted, InvalidDescription


def ask_description(default: str, **io: Any) -> str:
    """A one-line description of the service; unprintable characters are refused as typed."""
    question = questionary.text(
        "Describe the service in one line:", default=default, validate=_printable, **io
    )
    return str(_ask(question)).strip() or default


def _printable(text: str) -> bool | str:
    try:
        Answers(description=text).checked()
    except InvalidDescription as error:
        return str(error)
    return True


def ask_components(
    what: str, components: Sequence[Component], preselected: Sequence[str], **io: Any
) -> list[str]:
    """A checkbox of extensions or targets: one line each, the summary under the cursor below.

    The full summary of the one the cursor is on is shown below the list.

    Lines are fitted to the terminal's width here, at word boundaries, because the terminal
    would otherwise wrap them wherever the width ends, mid-word.
    """
    message = f"Which {what}?"
    columns = _columns(io)
    # The longest line questionary writes besides the choices is the answer to a single choice,
    # "? Which ...? [<title>]"; a title that fits there fits everywhere.
    room = columns - 1 - max(len(CHOICE_PREFIX), len(f"? {message} []"))
    width = max((len(c.name) for c in components), default=0)
    choices = [
        questionary.Choice(
            title=_fit(f"{c.name.ljust(width)}  {_summary(c)}", room),
            value=c.name,
            checked=c.name in preselected,
            description=_wrap(_summary(c), columns - 1, len(DESCRIPTION_PREFIX)),
        )
        for c in components
    ]
    # questionary's own instruction is 80 characters long, so an 80-column terminal cut it.
    instruction = "(<space> ticks, <a> all, <i> inverts, <enter> confirms)"
    answer = _ask(questionary.checkbox(message, choices=choices, instruction=instruction, **io))
    return [str(name) for name in answer]


#: What questionary writes before a choice's title (pointer, check box) and its description.
CHOICE_PREFIX = " » ● "
DESCRIPTION_PREFIX = "  Description: "


def _summary(component: Component) -> str:
    return ("(recommended) " if component.recommended else "") + component.summary


def _columns(io: dict[str, Any]) -> int:
    output = io.get("output")
    if output is not None:
        return int(output.get_size().columns)
    return shutil.get_terminal_size().columns


def _fit(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters, shortened after a whole word."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + "…"


def _wrap(text: str, width: int, indent: int) -> str:
    """``text`` wrapped at word boundaries, continuation lines indented under the first."""
    lines = textwrap.wrap(text, width=max(width - indent, 20))
    return ("\n" + " " * indent).join(lines)


def confirm_implied(reasons: dict[str, str], **io: Any) -> bool:
    """Ask whether to add the extensions that the chosen ones require."""
    needs = ", ".join(f"{by} requires {needed}" for needed, by in sorted(reasons.items()))
    return bool(_ask(questionary.confirm(f"{needs}. Add them?", default=True, **io)))


def _ask(question: questionary.Question) -> Any:
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Aborted() from None
    if answer is None:
        raise Aborted()
    return answer
