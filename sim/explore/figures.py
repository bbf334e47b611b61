"""Figures of an experiment (matplotlib's Agg canvas, no pyplot state): Sobol' bars with
intervals, an S2 heat map, Morris mu*-sigma, a 2-D grid heat map, trajectory envelopes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def _save(fig, path: Path) -> str:
    from .. import manifest as mf

    mf.atomic_write(path, lambda tmp: fig.savefig(tmp, format="png"))
    return path.name


def sobol_bars(table: pd.DataFrame, path: Path, output: str) -> str:
    """Bars of S1 and ST per parameter with their bootstrap 95% intervals, sorted by ST."""
    from matplotlib.figure import Figure

    t = table.sort_values("ST", ascending=False, kind="stable")
    x = np.arange(len(t))
    fig = Figure(figsize=(max(6.0, 0.6 * len(t) + 2), 4.2), dpi=110, layout="constrained")
    ax = fig.subplots()
    ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], capsize=2, color="#4c72b0", label="first order S1")
    ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], capsize=2, color="#dd8452", label="total order ST")
    ax.set_xticks(x, t["parameter"], rotation=45, ha="right")
    ax.axhline(0, color="#333333", lw=0.6)
    ax.set_ylabel("Sobol' index")
    # two lines, so that the title fits the figure whatever the output's name (it was cut off)
    ax.set_title(f"{output}: S1 and ST\n(bars: 95% bootstrap interval; sum of S1 = {t['S1'].sum():.2f})", loc="left")
    ax.legend()
    ax.grid(True, axis="y", color="#e6e6e6")
    return _save(fig, path)


def s2_heatmap(s2: pd.DataFrame, names: list[str], path: Path, output: str) -> str:
    """Heat map of the second-order indices S2 (upper triangle)."""
    from matplotlib.figure import Figure

    idx = {n: i for i, n in enumerate(names)}
    m = np.full((len(names), len(names)), np.nan)
    for r in s2.itertuples(False):
        m[idx[r.parameter_1], idx[r.parameter_2]] = r.S2
    fig = Figure(figsize=(0.55 * len(names) + 3, 0.5 * len(names) + 2), dpi=110, layout="constrained")
    ax = fig.subplots()
    lim = max(0.05, float(np.nanmax(np.abs(m))) if np.isfinite(m).any() else 0.05)
    im = ax.imshow(m, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    for i in range(len(names)):
        for j in range(len(names)):
            if np.isfinite(m[i, j]):
                ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, label="S2")
    ax.set_title(f"{output}: second-order indices S2", loc="left")
    return _save(fig, path)


def morris_plot(table: pd.DataFrame, path: Path, output: str, label: int = 12) -> str:
    """Morris mu* against sigma; the `label` most influential parameters named."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 5.5), dpi=110, layout="constrained")
    ax = fig.subplots()
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", ms=4, color="#4c72b0", lw=0.8)
    top = table.sort_values("mu_star", ascending=False).head(label)
    for r in top.itertuples(False):
        ax.annotate(r.parameter, (r.mu_star, r.sigma), fontsize=7, xytext=(3, 3), textcoords="offset points")
    hi = float(max(table["mu_star"].max(), table["sigma"].max(), 1e-9))
    ax.plot([0, hi], [0, hi], ls="--", color="#999999", lw=0.8, label="sigma = mu*")
    ax.set_xlabel("mu* (mean |elementary effect| over each parameter's range)")
    ax.set_ylabel("sigma (interaction or non-linearity)")
    ax.set_title(f"{output}: Morris screening", loc="left")
    ax.legend(loc="upper left")
    ax.grid(True, color="#e6e6e6")
    return _save(fig, path)


def grid_heatmap(grid: pd.DataFrame, names: list[str], output: str, path: Path) -> str:
    """Mean of an output over a 2-D grid (replicate means)."""
    from matplotlib.figure import Figure

    wide = grid.pivot_table(index=names[1], columns=names[0], values=output, aggfunc="mean")
    fig = Figure(figsize=(6.5, 5.0), dpi=110, layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(wide.to_numpy(), origin="lower", cmap="viridis", aspect="auto")
    ax.set_xticks(range(wide.shape[1]), [f"{v:g}" for v in wide.columns])
    ax.set_yticks(range(wide.shape[0]), [f"{v:g}" for v in wide.index])
    norm = im.norm
    for i in range(wide.shape[0]):
        for j in range(wide.shape[1]):
            v = wide.iat[i, j]
            # dark text on the light (yellow-green) end of viridis, white on the dark end: readable on both
            ink = "#111111" if np.isfinite(v) and norm(v) > 0.6 else "white"
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color=ink)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    fig.colorbar(im, ax=ax, label=f"mean {output}")
    ax.set_title(f"{output} over the grid (mean of replicates)", loc="left")
    return _save(fig, path)


def envelopes(perf: np.ndarray, sustained: np.ndarray, path: Path) -> str:
    """Median and 10–90% band of real performance over time, sustaining vs non-sustaining runs."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 4.5), dpi=110, layout="constrained")
    ax = fig.subplots()
    t = np.arange(perf.shape[1])
    for mask, colour, label in ((sustained, "#2a9d55", "sustained"), (~sustained, "#c0392b", "not sustained")):
        if not mask.any():
            continue
        p = perf[mask].astype(float)
        lo, med, hi = np.quantile(p, [0.1, 0.5, 0.9], axis=0)
        ax.fill_between(t, lo, hi, color=colour, alpha=0.2, lw=0)
        ax.plot(t, med, color=colour, lw=2, label=f"{label} ({int(mask.sum())} runs): median, 10–90%")
    ax.set_xlabel("month")
    ax.set_ylabel("real performance")
    ax.set_ylim(0, 1)
    ax.set_xlim(t[0], t[-1])
    ax.grid(True, color="#e6e6e6")
    ax.legend(loc="upper left")
    ax.set_title("Trajectory envelopes: runs that sustain the trajectory vs those that do not", loc="left")
    return _save(fig, path)


def tradeoff(trajectory: list[dict], chosen: tuple[float, float] | None, path: Path) -> str:
    """PRIM's peeling trajectory as coverage against density, coloured by the number of restricted
    parameters (as EMA's `show_tradeoff`), with the reported rule marked."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.5, 4.8), dpi=110, layout="constrained")
    ax = fig.subplots()
    cov = [r["coverage"] for r in trajectory]
    den = [r["density"] for r in trajectory]
    dims = [r["restricted"] for r in trajectory]
    points = ax.scatter(cov, den, c=dims, cmap="viridis", s=18, zorder=3)
    ax.plot(cov, den, color="#bbbbbb", lw=1, zorder=2)
    if chosen is not None:
        ax.scatter([chosen[0]], [chosen[1]], marker="*", s=220, color="#c0392b", zorder=4, label="reported rule")
        ax.legend(loc="lower left")
    cbar = fig.colorbar(points, ax=ax)
    cbar.set_label("parameters restricted")
    ax.set_xlabel("coverage (share of the sustaining runs in the box)")
    ax.set_ylabel("density (share of the box's runs that sustain)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(True, color="#e6e6e6")
    ax.set_title("PRIM: the coverage-density trade-off while peeling", loc="left")
    return _save(fig, path)
