"""Compile ``templates/catalogue.lock`` and ``templates/catalogue-reach.toml``.

Run it after changing a pin in a manifest (``tests/unit/test_lock.py`` fails until you do):

    python scripts/lock_catalogue.py              # keep every other locked version
    python scripts/lock_catalogue.py --upgrade    # or move everything to the newest versions

It asks the package index, once, through ``uv pip compile --universal --generate-hashes``:
one resolution of all the pins together, valid on every platform and every Python from the
oldest the generated service supports. ``flaskforge new`` then cuts each project's lock files
from it without any network (``src/flaskforge/_lock.py``). Extra arguments go to uv. The uv
used must be the version the base pins for the generated projects' ``make lock``, so that
both write the same format.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from flaskforge._catalogue import load_catalogue, templates_root
from flaskforge._lock import (
    CATALOGUE_LOCK,
    CATALOGUE_REACH,
    LOCK_PYTHON,
    PIN_KINDS,
    Reached,
    component_key,
    dump_reach,
    parse_lock,
    requirement_name,
    requirement_version,
)

_UV = [sys.executable, "-m", "uv"]
_RESOLVE = ["pip", "compile", "--quiet", "--universal", "--python-version", LOCK_PYTHON]


def main(arguments: list[str]) -> int:
    catalogue = load_catalogue()
    components = (catalogue.base, *catalogue.services, *catalogue.extensions, *catalogue.targets)
    pins = sorted(
        {r for c in components for r in (*c.dependencies, *c.dev_dependencies)}, key=str.lower
    )
    uv_pin = next(requirement_version(p) for p in pins if requirement_name(p) == "uv")
    found = subprocess.run(
        [sys.executable, "-m", "uv", "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[1]
    if found != uv_pin:
        print(f"uv {found} is installed; the catalogue pins uv=={uv_pin}: install that one.")
        return 1
    output = templates_root() / CATALOGUE_LOCK
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "catalogue.in").write_text("\n".join(pins) + "\n", encoding="utf-8")
        command = [
            *_UV,
            *_RESOLVE,
            "--generate-hashes",
            "--custom-compile-command",
            "python scripts/lock_catalogue.py",
            "catalogue.in",
            "-o",
            str(output),
            *arguments,
        ]
        done = subprocess.run(command, cwd=work, check=False)
        if done.returncode != 0:
            return done.returncode
        lock = parse_lock(output.read_text(encoding="utf-8"))
        constraints = "\n".join(entry.requirement for entry in lock.entries) + "\n"
        (work / "constraints.txt").write_text(constraints, encoding="utf-8")
        reach: dict[str, dict[str, dict[str, Reached]]] = {}
        for component in components:
            for kind in PIN_KINDS:
                if getattr(component, kind):
                    reached = _reach(work, getattr(component, kind))
                    reach.setdefault(component_key(component), {})[kind] = reached
    (templates_root() / CATALOGUE_REACH).write_text(dump_reach(reach), encoding="utf-8")
    return 0


def _reach(work: Path, pins: tuple[str, ...]) -> dict[str, Reached]:
    """What ``pins`` reach, resolved alone with the catalogue lock's versions."""
    (work / "component.in").write_text("\n".join(pins) + "\n", encoding="utf-8")
    command = [*_UV, *_RESOLVE, "-c", "constraints.txt", "component.in"]
    resolved = subprocess.run(command, cwd=work, capture_output=True, text=True, check=True)
    entries = parse_lock(resolved.stdout).entries
    reached: dict[str, Reached] = {}
    for entry in entries:
        marker = entry.requirement.partition(" ; ")[2]
        if entry.name in reached:  # locked at several versions: the catalogue's lines decide
            marker = ""
        via = tuple(sorted({*reached.get(entry.name, Reached()).via, *entry.parents}))
        reached[entry.name] = Reached(via, marker)
    return reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
