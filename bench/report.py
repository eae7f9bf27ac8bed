"""Shared reporting for the benchmarks: figures with a median and range, targets marked met or missed,
the machine they ran on, and one results file that every script merges its section into.

A figure is a list of samples from paired runs in the same process, so a skeptic sees the spread,
not one lucky run. Targets are data here, never assertions: a missed target prints "missed".
"""

from __future__ import annotations

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass
class Figure:
    name: str
    samples: list[float]
    unit: str = ""
    target: float | None = None
    lower_is_better: bool = True
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def verdict(self) -> str:
        if self.target is None or not self.samples:
            return ""
        ok = self.median <= self.target if self.lower_is_better else self.median >= self.target
        return "met" if ok else "missed"

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out.update(median=self.median, min=min(self.samples, default=None), max=max(self.samples, default=None),
                   verdict=self.verdict)
        return out


def machine() -> dict[str, object]:
    """Cores and CPU model, so a figure can be read against the hardware it came from."""
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "system": platform.platform(), "load_at_start": load}


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    """A plain-text table: figure, median [min–max] (n), target, met/missed."""
    rows = [("figure", "median [range] (n)", "unit", "target", "verdict")]
    for f in figures:
        spread = f"{fmt(f.median)} [{fmt(min(f.samples, default=None))}–{fmt(max(f.samples, default=None))}] " \
                 f"({len(f.samples)})"
        target = "" if f.target is None else ("≤ " if f.lower_is_better else "≥ ") + fmt(f.target)
        rows.append((f.name, spread, f.unit, target, f.verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def save(section: str, figures: list[Figure], info: dict[str, object] | None = None,
         path: Path = RESULTS) -> None:
    """Merge one script's figures into the results file under its section."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data["machine"] = machine()
    data.setdefault("sections", {})[section] = {"figures": [f.as_dict() for f in figures], "info": info or {}}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")


def load_all(path: Path = RESULTS) -> tuple[dict[str, object], list[tuple[str, Figure]]]:
    """Every figure in the results file, by section, for the combined table."""
    data = json.loads(path.read_text())
    out = []
    keys = ("name", "samples", "unit", "target", "lower_is_better", "note", "extra")
    for section, body in data.get("sections", {}).items():
        for raw in body["figures"]:
            out.append((section, Figure(**{k: raw[k] for k in keys if k in raw})))
    return data.get("machine", {}), out
