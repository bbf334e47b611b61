"""Reports of runs: the trajectory figure and the tables `county-sim` prints.

Matplotlib is imported only when a figure is drawn, so table-only commands start quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .tables import params_table, run_table, summary_frame

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

__all__ = ["params_table", "run_table", "summary_frame", "trajectory_figure"]


def trajectory_figure(series: pd.DataFrame, path: str | Path, lang: str = "en", **kwargs: Any) -> Path:
    """Write `trajectory.png` (see `sim.report.plots.trajectory_figure`)."""
    from .plots import trajectory_figure as draw

    return draw(series, path, lang=lang, **kwargs)
