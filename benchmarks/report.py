"""Figures, their baselines and budgets; printed as a run goes, saved as JSON, shown as Markdown."""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Budget:
    """A limit a figure, or its ratio to its baseline, must keep.

    Attributes:
        limit: the number not to cross.
        on_ratio: whether the limit applies to the ratio rather than to the figure itself.
        at_least: a floor (``>=``) rather than a ceiling (``<=``).
    """

    limit: float
    on_ratio: bool = False
    at_least: bool = False

    def allows(self, value: float) -> bool:
        """Whether ``value`` (the figure, or its ratio) keeps the limit."""
        return value >= self.limit if self.at_least else value <= self.limit

    def text(self, unit: str) -> str:
        """The budget as a reader writes it: ``>= 0.85x``, ``<= 30 MiB``."""
        sign = ">=" if self.at_least else "<="
        return f"{sign} {self.limit:g}x" if self.on_ratio else f"{sign} {self.limit:g} {unit}"


def ratio_limit(limit: float, *, at_least: bool = False) -> Budget:
    """A budget on the ratio of a figure to its baseline."""
    return Budget(limit, on_ratio=True, at_least=at_least)


@dataclass
class Row:
    """One figure: the median of its rounds, and how it compares with its baseline and budget.

    When a figure and its baseline are measured in the same rounds, ``paired`` holds each
    round's ratio: the machine is shared and its speed drifts, so a round's figure is compared
    with the baseline's from the same round, and the row's ratio is the median of those.
    """

    section: str
    case: str
    samples: Sequence[float]
    unit: str
    baseline: str | None = None
    baseline_samples: Sequence[float] = ()
    paired: bool = False
    budget: Budget | None = None
    failure: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ratios_per_round(self) -> list[float]:
        """Each round's figure over the baseline's from the same round (when paired)."""
        if not (self.paired and self.baseline_samples):
            return []
        pairs = zip(self.samples, self.baseline_samples, strict=True)
        return [value / base for value, base in pairs]

    @property
    def ratio(self) -> float | None:
        """The median of per-round ratios when paired, else the ratio of the medians."""
        if not self.baseline_samples:
            return None
        if self.paired:
            return statistics.median(self.ratios_per_round)
        return self.median / statistics.median(self.baseline_samples)

    @property
    def within_budget(self) -> bool | None:
        """``None`` when the row has no budget (or no ratio to check it on)."""
        if self.failure is not None:
            return False
        if self.budget is None:
            return None
        value = self.ratio if self.budget.on_ratio else self.median
        return None if value is None else self.budget.allows(value)

    def budget_text(self) -> str:
        return "" if self.budget is None else self.budget.text(self.unit)

    def as_dict(self) -> dict[str, object]:
        ratio = self.ratio
        return {
            "case": self.case,
            "median": round(self.median, 4),
            "unit": self.unit,
            "runs": len(self.samples),
            "baseline": self.baseline,
            "ratio": None if ratio is None else round(ratio, 3),
            "ratio_paired_by_round": self.paired if ratio is not None else None,
            "budget": self.budget_text() or None,
            "within_budget": self.within_budget,
            "failure": self.failure,
            "samples": [round(value, 4) for value in self.samples],
            "ratios_per_round": [round(ratio, 3) for ratio in self.ratios_per_round] or None,
            **self.extra,
        }


def _mark(within_budget: bool | None) -> str:
    return {None: "", True: "ok", False: "MISSED"}[within_budget]


def print_rows(rows: Sequence[Row]) -> None:
    """The rows as a plain table on stdout, as each section ends."""
    width = max([48, *(len(row.case) for row in rows)])
    print(f"\n{'case':{width}} {'median':>14} {'ratio':>8} {'budget':>12}")
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
        value = f"{row.median:.4g} {row.unit}"
        mark = _mark(row.within_budget)
        print(f"{row.case:{width}} {value:>14} {ratio:>8} {row.budget_text():>12}  {mark}")
    sys.stdout.flush()


def save_section(
    out_dir: Path, name: str, rows: Sequence[Row], run: dict[str, object], note: str = ""
) -> None:
    """Write ``<name>.json``: what the run was, why anything is missing, and the rows.

    The machine's load average when the section ends goes with it: on a shared machine it
    says how much other work the figures shared the cores with.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "run": run,
        "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
        "note": note or None,
        "rows": [row.as_dict() for row in rows],
    }
    (out_dir / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")


_TITLES = {"gc_freeze": "gc.freeze() before fork", "image": "Images"}


def _figure(row: dict[str, object] | None) -> str:
    if row is None:
        return ""
    text = f"{row['median']:.4g} {row['unit']}"
    if row["ratio"] is not None:
        text += f" ({row['ratio']:.2f}x)"
    mark = _mark(row["within_budget"])  # type: ignore[arg-type]
    return f"{text} **{mark}**" if mark == "MISSED" else text


def markdown(out_dir: Path, before_dir: Path | None = None) -> str:
    """The saved results as Markdown tables, one per section, for ``docs/benchmarks.md``.

    With ``before_dir`` (the results of the same benchmark on the code before a change), each
    case shows its figure before beside its figure now.
    """
    found = {p.stem for d in (out_dir, before_dir) if d is not None for p in d.glob("*.json")}
    sections = sorted(found - {"run"})
    lines = []
    for name in sections:
        now = _load_rows(out_dir / f"{name}.json")
        before = _load_rows(before_dir / f"{name}.json") if before_dir else {}
        lines += [f"### {_TITLES.get(name, name.replace('_', ' ').capitalize())}", ""]
        header = ["case", "against", "budget"]
        header += ["before", "now"] if before_dir else ["figure (ratio)"]
        lines += ["| " + " | ".join(header) + " |", "|---|---|---|" + "---:|" * (len(header) - 3)]
        for case in [*now, *(case for case in before if case not in now)]:
            row = now.get(case) or before[case]
            cells = [case, str(row["baseline"] or ""), str(row["budget"] or "")]
            if before_dir:
                cells.append(_figure(before.get(case)))
            cells.append(_figure(now.get(case)))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _load_rows(path: Path) -> dict[str, dict[str, object]]:
    if not path.exists():
        return {}
    rows: list[dict[str, object]] = json.loads(path.read_text())["rows"]
    return {str(row["case"]): row for row in rows}
