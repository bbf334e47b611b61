"""One parameter set from a table of them (a calibration's accepted.csv): `county-sim run SCENARIO
--params accepted.csv --row K` runs the scenario with row K's parameter values."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..params import PARAMS
from ..scenario import ScenarioError


def load_param_row(path: str | Path, row: int) -> dict[str, Any]:
    """Row `row` of a CSV of parameter sets (its `row` column if it has one, else the row's position
    from 0), as {parameter: value} for every column that names a registry parameter."""
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            rows = list(reader)
    except FileNotFoundError:
        raise ScenarioError(f"--params {p}: file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ScenarioError(f"--params {p}: cannot read it as CSV ({e})") from None
    names = [c for c in header if c in PARAMS]
    if not names:
        raise ScenarioError(f"--params {p}: no column names a model parameter (a calibration's accepted.csv has them)")
    if "row" in header:
        match = [r for r in rows if r.get("row", "").strip() == str(row)]
        if not match:
            raise ScenarioError(f"--row {row}: {p} has no row {row} (its 'row' column runs 0..{len(rows) - 1})")
        chosen = match[0]
    else:
        if not 0 <= row < len(rows):
            raise ScenarioError(f"--row {row}: {p} has {len(rows)} rows (0..{len(rows) - 1})")
        chosen = rows[row]
    out: dict[str, Any] = {}
    for name in names:
        spec = PARAMS[name]
        text = (chosen.get(name) or "").strip()
        try:
            value: Any = float(text)
        except ValueError:
            if spec.kind == "bool" and text.lower() in ("true", "false"):
                value = text.lower() == "true"
            else:
                raise ScenarioError(f"--params {p}: row {row}, column '{name}': not a number ({text!r})") from None
        if spec.kind == "int":
            if value != int(value):
                raise ScenarioError(f"--params {p}: row {row}, column '{name}' must be an integer (got {text})")
            value = int(value)
        elif spec.kind == "bool" and not isinstance(value, bool):
            value = bool(value)
        out[name] = value
    return out
