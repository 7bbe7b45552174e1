"""Runtime dependencies: what each app installs beyond an empty virtual environment."""

from __future__ import annotations

from collections.abc import Sequence

from .commands import InstalledSize
from .projects import Deployed
from .report import Budget, Row

SECTION = "dependencies"
#: Checked on the files as installed (uv's default, no bytecode); the image, compiled, has its own.
BUDGETS_MB = {"bare": Budget(15.0), "everything": Budget(60.0)}


def rows(empty: InstalledSize, hello: Deployed, services: Sequence[Deployed]) -> list[Row]:
    """Megabytes each app adds to an empty environment, without and with bytecode."""
    found = []
    for label, kind in (("no .pyc", "plain"), ("with .pyc", "compiled")):
        base = (getattr(hello.size, kind) - getattr(empty, kind)) / 1e6
        found.append(Row(SECTION, f"{hello.name}: runtime dependencies ({label})", [base], "MB"))
        for app in services:
            added = (getattr(app.size, kind) - getattr(empty, kind)) / 1e6
            found.append(
                Row(
                    SECTION,
                    f"{app.name}: runtime dependencies ({label})",
                    [added],
                    "MB",
                    baseline=hello.name,
                    baseline_samples=[base],
                    budget=BUDGETS_MB.get(app.name) if kind == "plain" else None,
                )
            )
    return found
