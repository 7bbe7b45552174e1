"""What Linux's ``/proc`` tells about a running gunicorn: its workers, their memory and CPU time.

The benchmark and the end-to-end load test both watch gunicorn from outside, by process id.
Standard library only, so that both can import it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    # The fields after the command name, which may itself hold spaces and parentheses.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def gunicorn_workers(master: int) -> list[int]:
    """The process ids of the workers of the gunicorn master ``master`` (its children), sorted."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, IndexError):
            continue  # the process ended while the table was read
        if parent == master:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid``, all its threads, in seconds."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS_PER_SECOND


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` in MiB: the cheap figure, fine to sample often."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ProcessLookupError(f"no VmRSS for process {pid}")


@dataclass(frozen=True)
class Memory:
    """A process's memory in MiB.

    Attributes:
        rss: every page it maps that is in memory, shared or not.
        pss: the same, each shared page divided among the processes that share it.
        uss: only its private pages: what the process costs beside the others.
    """

    rss: float
    pss: float
    uss: float


def memory(pid: int) -> Memory:
    """RSS, PSS and USS of ``pid``, from ``smaps_rollup`` (slower to read than :func:`rss_mib`)."""
    kib: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            kib[parts[0].rstrip(":")] = int(parts[1])
    private = kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)
    return Memory(rss=kib["Rss"] / 1024, pss=kib["Pss"] / 1024, uss=private / 1024)
