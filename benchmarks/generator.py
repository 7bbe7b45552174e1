"""The cases and budgets of the generator benchmark: the flaskforge command itself.

Each case is a whole process, as a user runs it; ``benchmarks/run.py`` times them round by round,
interleaved with ``python -c pass``, and reports medians and ratios through ``summarise``.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from flaskforge import load_catalogue

# Budgets from the issues, in seconds.
BUDGETS = {"--help": 0.15, "--version": 0.15, "new everything": 1.0}


def _flaskforge() -> list[str]:
    script = Path(sys.executable).with_name("flaskforge")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flaskforge"]


def cases() -> dict[str, list[str]]:
    catalogue = load_catalogue()
    everything = [
        "-e",
        ",".join(c.name for c in catalogue.extensions) or "none",
        "-t",
        ",".join(c.name for c in catalogue.targets) or "none",
    ]
    ff = _flaskforge()
    return {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        "--help": [*ff, "--help"],
        "--version": [*ff, "--version"],
        "new bare": [*ff, "new", "svc", "--defaults", "-e", "none", "-t", "none", "-o"],
        "new everything": [*ff, "new", "svc", "--defaults", *everything, "-o"],
    }


def summarise(timings: dict[str, list[float]]) -> list[dict[str, object]]:
    baseline = statistics.median(timings["python -c pass (baseline)"])
    rows = []
    for name, values in timings.items():
        median = statistics.median(values)
        budget = BUDGETS.get(name)
        rows.append(
            {
                "case": name,
                "median_s": round(median, 4),
                "min_s": round(min(values), 4),
                "ratio_to_baseline": round(median / baseline, 2),
                "budget_s": budget,
                "within_budget": None if budget is None else median <= budget,
                "runs": len(values),
            }
        )
    return rows
