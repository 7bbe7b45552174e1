"""Time the flaskforge command itself: start-up and 'new', against a bare interpreter start.

Each case is a whole process, as a user runs it. Cases are interleaved round by round so that
noise from a shared machine hits them alike; the figure is the median, and the ratio is to the
median of `python -c pass` measured in the same rounds.

    python benchmarks/generator.py [--rounds 15] [--out benchmarks/results/generator.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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


def measure(rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for round_number in range(rounds):
            for name, command in cases().items():
                # 'new' cases end in -o: each run gets a fresh output folder, removed after.
                out = scratch / f"{name.replace(' ', '-')}-{round_number}"
                if command[-1] == "-o":
                    command = [*command, str(out)]
                start = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                timings.setdefault(name, []).append(time.perf_counter() - start)
                shutil.rmtree(out, ignore_errors=True)
    return timings


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/generator.json"))
    args = parser.parse_args()
    rows = summarise(measure(args.rounds))
    print(f"{'case':28} {'median':>9} {'ratio':>7} {'budget':>8}")
    for row in rows:
        budget = "" if row["budget_s"] is None else f"{row['budget_s']:.2f}s"
        mark = {None: "", True: "  ok", False: "  MISSED"}[row["within_budget"]]
        print(
            f"{row['case']:28} {row['median_s']:>8.3f}s {row['ratio_to_baseline']:>6.1f}x"
            f" {budget:>8}{mark}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    summary = {"python": sys.version.split()[0], "rows": rows}
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if all(row["within_budget"] is not False for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
