"""Hold Ctrl-C, SIGTERM and SIGHUP back while a roll-back or the end of a commit runs.

The CLI makes SIGTERM and SIGHUP raise like Ctrl-C (``KeyboardInterrupt``), so that every
roll-back on the way out runs. A roll-back must not itself be cut short by a second signal:
``deferred`` notes any stopping signal that arrives during the block instead of raising it.

Only the main thread can handle signals; elsewhere ``deferred`` does nothing, and a step cut
short is rolled back by the next flaskforge command from its journal (see ``_apply``).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: The signals that stop flaskforge cleanly (Windows has no SIGHUP).
STOPPING = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Deferred:
    """What ``deferred`` held back: the first stopping signal that arrived, if any."""

    signum: int | None = None


@contextmanager
def deferred() -> Iterator[Deferred]:
    """Hold SIGINT, SIGTERM and SIGHUP back for the block.

    Yields:
        A :class:`Deferred` whose ``signum`` is set when a signal arrived during the block.
    """
    held = Deferred()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def hold(signum: int, frame: FrameType | None) -> None:
        if held.signum is None:
            held.signum = signum

    previous = {signum: signal.signal(signum, hold) for signum in STOPPING}
    try:
        yield held
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
