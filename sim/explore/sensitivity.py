"""Sensitivity analysis of a sweep's store: Sobol' S1, ST, S2 and Morris mu*, sigma (SALib) with
bootstrap intervals, on replicate means; the share of variance that is replicate noise, which the
Sobol' indices are corrected for (so that they are the mean response's); a
convergence check (N/2 vs N); trajectory discovery; tables (CSV, Markdown) and figures (PNG).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import manifest as mf
from ..report.tables import markdown_table
from ..scenario import ScenarioError
from .models import MODELS
from .runner import decode_array, runs_frame
from .store import STORE_NAME, Store

CONF_LEVEL = 0.95
ANALYSIS_DIR = "analysis"


def sobol_indices(
    problem: dict[str, Any],
    y: np.ndarray,
    second_order: bool,
    resamples: int = 1000,
    seed: int | None = 0,
    noise: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """SALib's `sobol.analyze` on outputs in Saltelli order: a table of S1, S1_conf, ST, ST_conf and
    ST - S1 (interactions) with its interval per parameter, the interval of the sum of S1 in
    `.attrs["sum_S1_conf"]`, and, with second order, a long table of S2 and S2_conf per pair.

    `noise` is the share eta of the variance of `y` that is replicate noise (`noise_share_of_means`).
    With eta > 0 the indices are those of the mean response E[f | x], the target for stochastic
    simulators (Hart, Alexanderian & Gremaud 2017, SIAM/ASA J. Uncertainty Quantification 5:1514):
    independent noise of variance eta V at every point leaves the numerators of SALib's S1 and S2
    estimators unbiased and adds eta V to the numerator of each ST (Jansen's (f_A - f_ABi)^2 / 2),
    so S1 = S1_raw / (1 - eta), S2 = S2_raw / (1 - eta), ST = (ST_raw - eta) / (1 - eta), applied to
    every bootstrap resample alike (eta itself, estimated from thousands of points, is taken as
    known). The uncorrected values stay in S1_raw, ST_raw (and S2_raw)."""
    from SALib.analyze import sobol
    from scipy.stats import norm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sobol.analyze(
            problem,
            np.asarray(y, dtype=float),
            calc_second_order=second_order,
            num_resamples=resamples,
            conf_level=CONF_LEVEL,
            seed=seed,
            keep_resamples=True,
        )
    names = problem["names"]
    eta = float(noise) if np.isfinite(noise) and 0.0 < noise < 1.0 else 0.0
    scale = 1.0 / (1.0 - eta)
    # SALib draws one set of bootstrap rows for every parameter, so resample k of each index is
    # one joint replicate: the interval of ST - S1 and of the sum of S1 come from the same draws
    z = float(norm.ppf(0.5 + CONF_LEVEL / 2))
    s1_all = np.asarray(res["S1_conf_all"]) * scale
    st_all = (np.asarray(res["ST_conf_all"]) - eta) * scale
    s1, st = res["S1"] * scale, (res["ST"] - eta) * scale
    first = pd.DataFrame(
        {
            "parameter": names,
            "S1": s1,
            "S1_conf": res["S1_conf"] * scale,
            "ST": st,
            "ST_conf": res["ST_conf"] * scale,
            "ST_minus_S1": st - s1,
            "ST_minus_S1_conf": z * np.std(st_all - s1_all, axis=0, ddof=1),
            "S1_raw": res["S1"],
            "ST_raw": res["ST"],
        }
    )
    first.attrs["sum_S1_conf"] = float(z * np.std(s1_all.sum(axis=1), ddof=1))
    first.attrs["sum_ST_conf"] = float(z * np.std(st_all.sum(axis=1), ddof=1))
    # sum of (ST - S1): the interactions counted once per parameter taking part, > 0 iff any
    first.attrs["sum_ST_minus_S1_conf"] = float(z * np.std(st_all.sum(axis=1) - s1_all.sum(axis=1), ddof=1))
    first.attrs["noise"] = eta
    s2 = None
    if second_order:
        rows = []
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                raw = res["S2"][i, j]
                rows.append((names[i], names[j], raw * scale, res["S2_conf"][i, j] * scale, raw))
        s2 = pd.DataFrame(rows, columns=["parameter_1", "parameter_2", "S2", "S2_conf", "S2_raw"])
    return first, s2


def saltelli_block(d: int, second_order: bool) -> int:
    """Rows per base sample in SALib's Saltelli layout: 2D+2 with second order, else D+2."""
    return 2 * d + 2 if second_order else d + 2


def half_design_points(d: int, second_order: bool, points: int) -> int:
    """How many leading points of a Saltelli design of `points` rows form its first N/2 base samples."""
    step = saltelli_block(d, second_order)
    return (points // step // 2) * step


def sobol_convergence(
    problem: dict[str, Any],
    y: np.ndarray,
    second_order: bool,
    full: pd.DataFrame,
    resamples: int = 200,
    seed: int | None = 0,
    noise: float = 0.0,
) -> tuple[pd.DataFrame, bool]:
    """ST from the first N/2 base samples against all N (`full`, the table `sobol_indices` gave for
    all of `y`). SALib's sample has N blocks of (2D+2) rows (D+2 without second order), one block
    per base sample, and the first N/2 rows of a Sobol' sequence are themselves a balanced Sobol'
    design, so the first N/2 blocks are a valid smaller design. `noise` is the noise share of that
    half (see `sobol_indices`). Returns the table and whether the ranking by ST changed."""
    half = half_design_points(problem["num_vars"], second_order, len(y))
    part, _ = sobol_indices(problem, y[:half], second_order, resamples, seed, noise)
    table = pd.DataFrame(
        {
            "parameter": full["parameter"],
            "ST_half": part["ST"].to_numpy(),
            "ST_full": full["ST"].to_numpy(),
            "S1_half": part["S1"].to_numpy(),
            "S1_full": full["S1"].to_numpy(),
        }
    )
    table["rank_half"] = table["ST_half"].rank(ascending=False, method="first").astype(int)
    table["rank_full"] = table["ST_full"].rank(ascending=False, method="first").astype(int)
    changed = bool((table["rank_half"] != table["rank_full"]).any())
    return table, changed


def morris_indices(
    problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int, resamples: int = 1000, seed: int | None = 0
) -> pd.DataFrame:
    """SALib's `morris.analyze` on the unit-hypercube design: mu, mu*, sigma, mu*_conf per parameter
    (effects per whole range of each parameter)."""
    from SALib.analyze import morris

    res = morris.analyze(
        problem, x, np.asarray(y, dtype=float), num_resamples=resamples, conf_level=CONF_LEVEL, num_levels=levels,
        seed=seed,
    )  # fmt: skip
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu": res["mu"],
            "mu_star": res["mu_star"],
            "sigma": res["sigma"],
            "mu_star_conf": res["mu_star_conf"],
        }
    )


def noise_share_of_means(values: np.ndarray, points: np.ndarray) -> float:
    """The share of the variance of the replicate means (what the indices are computed on) that is
    replicate noise: mean within-point variance / replicates, over the variance of the means. An
    additive model with this share eta shows sum S1 ~ 1 - eta and sum ST ~ 1 + (D - 1) eta: noise
    lowers each S1 by the factor 1 - eta and adds about eta to each ST (it enters f(A) - f(AB_i))."""
    df = pd.DataFrame({"p": points, "y": values})
    g = df.groupby("p")["y"]
    reps = g.count()
    if reps.min() < 2:
        return float("nan")
    var_means = float(np.var(g.mean().to_numpy(), ddof=1))
    if not var_means > 0:
        return float("nan")
    return float((g.var(ddof=1) / reps).mean()) / var_means


def noise_share(values: np.ndarray, points: np.ndarray) -> float:
    """Within-point (replicate) variance over total variance of an output across all runs; NaN
    without replicates or without variance."""
    df = pd.DataFrame({"p": points, "y": values})
    counts = df.groupby("p")["y"].count()
    if counts.max() < 2:
        return float("nan")
    total = float(np.var(values, ddof=1))
    if not total > 0:
        return float("nan")
    within = float(df.groupby("p")["y"].var(ddof=1).mean())
    return within / total


class Loaded:
    """What the analysis reads from a results folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        store = Store(folder / STORE_NAME, readonly=True)
        try:
            text = store.meta("experiment")
            if text is None:
                raise ScenarioError(f"{folder}: the store has no experiment (run `county-sim sweep` again)")
            self.info: dict[str, Any] = json.loads(text)
            self.spec = MODELS[self.info["model"]]
            self.names: list[str] = self.info["names"]
            self.planned, self.stored = store.count()
            self.runs = runs_frame(store, self.names, self.info["kinds"], self.spec.int_outputs, self.spec.bool_outputs)
            unit = store.meta("unit")
            self.unit = decode_array(unit) if unit else None
            self.perf_keys, self.perf = store.perf()
        finally:
            store.close()
        self.complete = self.planned == self.stored and self.planned > 0
        self.problem = {"num_vars": len(self.names), "names": self.names, "bounds": [[0.0, 1.0]] * len(self.names)}

    def means(self, output: str) -> np.ndarray:
        """Replicate means of an output, one per design point in order."""
        y = self.runs[output].astype("float64")
        return y.groupby(self.runs["point"]).mean().reindex(range(self.info["points"])).to_numpy()


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "-"
    return f"{float(v):.{digits}f}"


def _write_table(df: pd.DataFrame, base: Path, digits: int = 3) -> list[str]:
    """`base`.csv (full precision) and `base`.md (rounded)."""
    with mf.atomic_open(base.with_suffix(".csv"), "w", encoding="utf-8", newline="") as f:
        df.to_csv(f, index=False, lineterminator="\n")
    rows = [[_fmt(v, digits) if isinstance(v, float | np.floating) else v for v in r] for r in df.itertuples(False)]
    align = [">" if pd.api.types.is_numeric_dtype(df[c]) else "<" for c in df.columns]
    with mf.atomic_open(base.with_suffix(".md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(markdown_table(list(df.columns), rows, align) + "\n")
    return [base.with_suffix(".csv").name, base.with_suffix(".md").name]


def _discovery_checks(data: Loaded, sustained: np.ndarray, boxes: list, seed: int, out: Path, summary: dict) -> list:
    """Beside the box rules, what a scenario-discovery reader expects (EMA's Prim offers the same): the
    peeling trajectory and its trade-off figure, each restriction's quasi-p-value, and the rules'
    stability over random halves of the runs."""
    from . import figures
    from .discovery import RESAMPLES, peeling_trajectory, significance, stability

    x = data.runs[data.names].to_numpy(dtype=float)
    files: list[str] = []
    traj = peeling_trajectory(x, sustained)
    if not traj:
        return files
    files += _write_table(pd.DataFrame(traj), out / "discovery_trajectory")
    chosen = (boxes[0].coverage, boxes[0].density) if boxes else None
    files.append(figures.tradeoff(traj, chosen, out / "discovery_tradeoff.png"))
    if boxes:
        sig = pd.DataFrame(significance(x, sustained, boxes[0], data.names))
        files += _write_table(sig, out / "discovery_significance", digits=4)
        summary["discovery_significance"] = sig.to_dict(orient="records")
    stab, same = stability(x, sustained, data.names, data.info["kinds"], boxes[0] if boxes else None, seed)
    files += _write_table(pd.DataFrame(stab), out / "discovery_stability")
    summary["discovery_stability"] = {"resamples": RESAMPLES, "same_parameters": same, "parameters": stab}
    return files


def analyze_dir(folder: Path, resamples: int = 1000) -> list[str]:
    """Analyse a results folder; write tables, figures and `analysis.json` into folder/analysis/."""
    from . import figures
    from .discovery import discover

    data = Loaded(folder)
    info = data.info
    method = info["method"]
    if not data.complete and method in ("sobol", "morris"):
        raise ScenarioError(
            f"{folder}: the store has {data.stored} of {data.planned} runs; {method} needs all of them "
            "(run the same `county-sim sweep` again to finish)"
        )
    out = folder / ANALYSIS_DIR
    out.mkdir(exist_ok=True)
    files: list[str] = []
    summary: dict[str, Any] = {
        "experiment": info["name"],
        "method": method,
        "points": info["points"],
        "replicates": info["replicates"],
        "runs_planned": data.planned,
        "runs_stored": data.stored,
        "outputs": {},
    }
    seed = int(info["seed"]) % (2**32)
    noise_rows = []
    for output in info["outputs"]:
        y_runs = data.runs[output].astype("float64").to_numpy()
        entry: dict[str, Any] = {
            "mean": float(np.nanmean(y_runs)) if len(y_runs) else None,
            "sd": float(np.nanstd(y_runs, ddof=1)) if len(y_runs) > 1 else None,
        }
        summary["outputs"][output] = entry
        if np.isnan(y_runs).any():
            entry["note"] = f"{int(np.isnan(y_runs).sum())} runs have no value (phase never reached); not analysed"
            noise_rows.append((output, entry["mean"], entry["sd"], float("nan"), entry["note"]))
            continue
        share = noise_share(y_runs, data.runs["point"].to_numpy())
        entry["noise_share"] = share
        entry["noise_share_of_means"] = noise_share_of_means(y_runs, data.runs["point"].to_numpy())
        y = data.means(output)
        if not np.nanvar(y) > 0:
            entry["note"] = "no variance across the design; not analysed"
            noise_rows.append((output, entry["mean"], entry["sd"], share, entry["note"]))
            continue
        noise_rows.append((output, entry["mean"], entry["sd"], share, ""))
        if method == "sobol":
            so = bool(info["design"]["second_order"])
            eta = entry["noise_share_of_means"]
            first, s2 = sobol_indices(data.problem, y, so, resamples, seed, eta)
            files += _write_table(first, out / f"sobol_{output}")
            entry["sobol"] = first.to_dict("records")
            entry["noise_corrected"] = first.attrs["noise"] > 0
            entry["sum_S1"] = float(first["S1"].sum())
            entry["sum_S1_conf"] = first.attrs["sum_S1_conf"]
            entry["sum_ST"] = float(first["ST"].sum())
            entry["sum_ST_conf"] = first.attrs["sum_ST_conf"]
            entry["sum_ST_minus_S1"] = entry["sum_ST"] - entry["sum_S1"]
            entry["sum_ST_minus_S1_conf"] = first.attrs["sum_ST_minus_S1_conf"]
            entry["sum_S1_raw"] = float(first["S1_raw"].sum())
            entry["sum_ST_raw"] = float(first["ST_raw"].sum())
            if s2 is not None:
                files += _write_table(s2, out / f"s2_{output}")
                entry["s2"] = s2.to_dict("records")
                files.append(figures.s2_heatmap(s2, data.names, out / f"s2_{output}.png", output))
            half = half_design_points(len(data.names), so, len(y))
            points = data.runs["point"].to_numpy()
            eta_half = noise_share_of_means(y_runs[points < half], points[points < half])
            conv, changed = sobol_convergence(data.problem, y, so, first, min(resamples, 200), seed, eta_half)
            files += _write_table(conv, out / f"convergence_{output}")
            entry["ranking_changed_half_vs_full"] = changed
            top = min(3, len(conv))
            entry["top3_changed_half_vs_full"] = list(conv.sort_values("rank_half")["parameter"][:top]) != list(
                conv.sort_values("rank_full")["parameter"][:top]
            )
            entry["max_abs_change_ST"] = float((conv["ST_full"] - conv["ST_half"]).abs().max())
            files.append(figures.sobol_bars(first, out / f"sobol_{output}.png", output))
        elif method == "morris":
            table = morris_indices(data.problem, data.unit, y, int(info["design"]["levels"]), resamples, seed)
            table = table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
            files += _write_table(table, out / f"morris_{output}")
            entry["morris"] = table.to_dict("records")
            files.append(figures.morris_plot(table, out / f"morris_{output}.png", output))
        elif method == "grid" and len(data.names) == 2:
            grid = pd.DataFrame({"point": range(info["points"]), output: y})
            pts = data.runs.groupby("point")[data.names].first().reset_index()
            grid = pts.merge(grid, on="point")
            files += _write_table(grid, out / f"grid_{output}")
            files.append(figures.grid_heatmap(grid, data.names, output, out / f"grid_{output}.png"))
    means_share = [summary["outputs"][r[0]].get("noise_share_of_means", float("nan")) for r in noise_rows]
    noise = pd.DataFrame(noise_rows, columns=["output", "mean", "sd", "noise_share", "note"])
    noise.insert(4, "noise_share_of_means", means_share)
    files += _write_table(noise, out / "noise")

    if "sustained" in data.runs.columns and len(data.runs):
        sustained = data.runs["sustained"].astype(bool).to_numpy()
        summary["sustained_share"] = float(sustained.mean())
        boxes = discover(data.runs[data.names].to_numpy(dtype=float), sustained, data.names, info["kinds"])
        summary["discovery"] = [b.as_dict() for b in boxes]
        table = pd.DataFrame(
            [(i + 1, b.rule, b.coverage, b.density, b.n_in_box) for i, b in enumerate(boxes)],
            columns=["box", "rule", "coverage", "density", "runs_in_box"],
        )
        files += _write_table(table, out / "discovery")
        files += _discovery_checks(data, sustained, boxes, seed, out, summary)
        if data.perf.size:
            order = {(int(p), int(r)): i for i, (p, r) in enumerate(data.runs[["point", "replicate"]].to_numpy())}
            idx = np.array([order[(int(p), int(r))] for p, r in data.perf_keys])
            files.append(figures.envelopes(data.perf, sustained[idx], out / "envelopes.png"))
    mf.write_json(out / "analysis.json", summary)
    files.append("analysis.json")
    return files
