"""The interactive questions of ``flaskforge new``. The one module that imports questionary.

Each function asks one thing and returns the answer. Ctrl-C or Ctrl-D at any prompt raises
:class:`~flaskforge.errors.Aborted` (questionary's ``ask()`` would swallow it and return None,
so ``unsafe_ask()`` is used throughout). ``io`` lets tests drive the prompts without a
terminal: it is passed through to prompt_toolkit as ``input``/``output``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import questionary

from flaskforge._catalogue import Component
from flaskforge._naming import parse_description
from flaskforge.errors import Aborted, InvalidDescription


def ask_description(default: str, **io: Any) -> str:
    """A one-line description of the service; unprintable characters are refused as typed."""
    question = questionary.text(
        "Describe the service in one line:", default=default, validate=_printable, **io
    )
    return str(_ask(question)).strip() or default


def _printable(text: str) -> bool | str:
    try:
        parse_description(text)
    except InvalidDescription as error:
        return str(error)
    return True


def ask_components(
    what: str, components: Sequence[Component], preselected: Sequence[str], **io: Any
) -> list[str]:
    """A checkbox of extensions or targets, each with its one-line summary."""
    width = max((len(c.name) for c in components), default=0)
    choices = [
        questionary.Choice(
            title=f"{c.name.ljust(width)}  {c.summary}",
            value=c.name,
            checked=c.name in preselected,
        )
        for c in components
    ]
    answer = _ask(questionary.checkbox(f"Which {what}?", choices=choices, **io))
    return [str(name) for name in answer]


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
