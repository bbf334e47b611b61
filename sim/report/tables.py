"""Plain-text and Markdown tables: the per-replicate result of a run and the parameter registry."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ..params import PARAMS, Param
from ..record import SUMMARY_COLUMNS, SUMMARY_EXTRA

PHASE_TIMES: tuple[str, ...] = ("t_start", "t_build", "t_activate", "t_deliver")


def display_width(s: str) -> int:
    """Columns a string takes in a terminal (wide East Asian characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def _pad(s: str, width: int, align: str) -> str:
    """Pad `s` to `width` terminal columns, left ('<') or right ('>') aligned."""
    fill = " " * max(width - display_width(s), 0)
    return fill + s if align == ">" else s + fill


def text_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], align: Sequence[str] | None = None) -> str:
    """An aligned plain-text table with a rule under the header (no trailing spaces)."""
    body = [[str(c) for c in row] for row in rows]
    align = list(align or ["<"] * len(headers))
    widths = [display_width(h) for h in headers]
    for row in body:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(h, w, a) for h, w, a in zip(headers, widths, align, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append("  ".join(_pad(c, w, a) for c, w, a in zip(row, widths, align, strict=True)).rstrip())
    return "\n".join(lines)


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], align: Sequence[str] | None = None) -> str:
    """A GitHub-flavoured Markdown table; '|' in cells is escaped."""
    align = list(align or ["<"] * len(headers))

    def cell(v: Any) -> str:
        """One cell, with pipes escaped and newlines flattened."""
        return str(v).replace("|", "\\|").replace("\n", " ")

    rule = ["---:" if a == ">" else "---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _is_missing(v: Any) -> bool:
    """None, NaN or pandas NA."""
    if v is None or v is pd.NA:
        return True
    return isinstance(v, float) and math.isnan(v)


def summary_frame(rows: Sequence[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """The summary table: `replicate` then `SUMMARY_COLUMNS`, phase months as nullable integers
    (so `summary.csv` prints 12, not 12.0, and an empty cell for a phase never reached)."""
    df = pd.DataFrame(rows).copy()
    if "replicate" not in df.columns:
        df.insert(0, "replicate", range(len(df)))
    extra = [c for c in SUMMARY_EXTRA if c in df.columns]  # Model 2's columns, after Model 1's
    df = df[["replicate", *SUMMARY_COLUMNS, *extra]]
    for col in [*PHASE_TIMES, *(["t_relapse"] if "t_relapse" in df.columns else [])]:
        df[col] = pd.array([None if _is_missing(v) else int(v) for v in df[col]], dtype="Int64")
    df["replicate"] = df["replicate"].astype("int64")
    df["seed"] = df["seed"].astype("uint64")
    df["sustained"] = df["sustained"].astype(bool)
    return df


def _num(v: Any, digits: int = 3) -> str:
    """A number with fixed decimals, or '-' if missing."""
    return "-" if _is_missing(v) else f"{float(v):.{digits}f}"


def _month(v: Any) -> str:
    """A phase month, or '-' if the phase was never reached."""
    return "-" if _is_missing(v) else str(int(v))


RUN_HEADERS: tuple[str, ...] = (
    "rep",
    "start",
    "build",
    "activate",
    "deliver",
    "sustained",
    "real",
    "assessed",
    "satisf.",
    "gap_closed",
    "score",
)


def run_table(summary: pd.DataFrame) -> str:
    """Per replicate: the month each phase began, sustained yes/no, final real and assessed
    performance, satisfaction, gap closure and trajectory score; then a median row and the share
    of replicates that sustain the trajectory."""
    rows = []
    for rec in summary.to_dict("records"):
        rows.append(
            [
                rec["replicate"],
                *(_month(rec[c]) for c in PHASE_TIMES),
                "yes" if rec["sustained"] else "no",
                _num(rec["final_real_performance"]),
                _num(rec["final_assessed_performance"]),
                _num(rec["final_satisfaction"]),
                _num(rec["gap_closure"]),
                _num(rec["trajectory_score"]),
            ]
        )
    if len(summary) > 1:
        med = summary[
            [
                "final_real_performance",
                "final_assessed_performance",
                "final_satisfaction",
                "gap_closure",
                "trajectory_score",
            ]
        ].median()
        months = []
        for c in PHASE_TIMES:
            reached = summary[c].dropna()
            # median month among replicates that reached the phase, if most did
            months.append(_month(reached.median()) if len(reached) * 2 > len(summary) else "-")
        rows.append(["median", *months, "", *(_num(v) for v in med)])
    align = ["<", ">", ">", ">", ">", "<", ">", ">", ">", ">", ">"]
    table = text_table(RUN_HEADERS, rows, align)
    n = len(summary)
    k = int(summary["sustained"].sum())
    share = f"Sustained the trajectory (start–build–activate–deliver, no relapse): {k} of {n} replicates ({k / n:.0%})"
    note = (
        "Months are the month each phase began ('-': never reached); final values at the last month.\n"
        "real, assessed: performance 0-1 (assessed counts closures made only on paper); satisf.: citizens'"
        " satisfaction 0-1;\ngap_closed: share of the starting gap to the benchmark county closed; score:"
        " 0.1 a phase reached + 0.6 x gap closed (last 12 months) - 0.2 if it relapsed.\n"
        "Every column: columns.csv in the results folder, or `county-sim explain NAME`."
    )
    return f"{table}\n{note}\n{share}"


PARAM_HEADERS: tuple[str, ...] = (
    "name",
    "group",
    "default",
    "range",
    "unit",
    "meaning",
    "source",
    "中文",
    "engines",
    "reason",
    "pattern",
)


def format_value(v: Any) -> str:
    """A parameter value as it would be written in a scenario file."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:g}" if isinstance(v, float) else str(v)


def param_row(p: Param) -> list[str]:
    """One registry row: name, group, default, range, unit, meaning, source, Chinese term, the engines
    that read it (model_version 1, 2), the reason for its value and the pattern that constrains it."""
    rng = "true/false" if p.kind == "bool" else f"[{format_value(p.low)}, {format_value(p.high)}]"
    engines = ",".join(str(m) for m in p.models)
    return [
        p.name,
        p.group,
        format_value(p.default),
        rng,
        p.unit,
        p.meaning,
        p.source,
        p.zh,
        engines,
        p.reason,
        p.pattern,
    ]


def params_table(markdown: bool = False, params: dict[str, Param] | None = None) -> str:
    """The parameter registry as aligned text or, with `markdown=True`, a Markdown table."""
    rows = [param_row(p) for p in (params or PARAMS).values()]
    align = ["<", "<", ">", "<", "<", "<", "<", "<", "<", "<", "<"]
    return markdown_table(PARAM_HEADERS, rows, align) if markdown else text_table(PARAM_HEADERS, rows, align)
