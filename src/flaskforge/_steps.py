"""What a developer runs after generating a service, from the catalogue's data. Pure.

The generated README's quick start and the steps ``flaskforge new`` prints are one list, so
they cannot disagree: each component's ``[[setup]]`` steps (the base's install and ``.env``
copy first), then the make target of each one-shot job (``make migrate``: what compose and
Kubernetes run before the web server, a developer runs too), then the development server.
A component's ``next_steps`` are notes for once the service runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flaskforge._components import Component


@dataclass(frozen=True)
class Step:
    """One command of the quick start, run in the project folder, and what it does."""

    command: str
    comment: str


#: The last step: the development server, which the README's curl examples then call.
RUN = Step("make run", "http://127.0.0.1:5000, reloads on change")


#: Comments line up after the commands up to this long; a longer one's comment just follows it.
#: ``flaskforge new`` prints the steps the same way.
ALIGN_WITHIN = 40


def comment_column(commands: Iterable[str]) -> int:
    """Where the comments of a list of commands start: after the longest short command."""
    return max((len(command) for command in commands if len(command) <= ALIGN_WITHIN), default=0)


def quick_start(components: Sequence[Component]) -> tuple[Step, ...]:
    """The commands from a fresh project to a running development server, in order.

    Args:
        components: every component of the project, in render order (base first).
    """
    return (*_setup(components, components), RUN)


def added_steps(components: Sequence[Component], added: Iterable[str]) -> tuple[str, ...]:
    """What to run and know after adding the components named ``added`` to a project.

    Args:
        components: every component of the grown project, in render order.
        added: the names of the ones just added.
    """
    names = set(added)
    new = [c for c in components if c.name in names]
    runs = tuple(f"Run '{s.command}': {s.comment}." for s in _setup(new, components))
    return (*runs, *notes(new))


def notes(components: Iterable[Component]) -> tuple[str, ...]:
    """The components' next steps: what to know once the service runs."""
    return tuple(note for component in components for note in component.next_steps)


def _setup(of: Sequence[Component], project: Sequence[Component]) -> list[Step]:
    chosen = {c.name for c in project}
    steps = [
        Step(step.run, step.comment)
        for component in of
        for step in component.setup
        if not chosen & set(step.unless)
    ]
    steps += [
        Step(f"make {process.name}", f"the one-shot {process.name} job, as deployments run it")
        for component in of
        for process in component.processes
        if process.kind == "job"
    ]
    return steps
