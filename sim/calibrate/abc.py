"""Rejection ABC on a sweep's store: from the plausible ranges (the prior) to the parameter sets that
reproduce the calibration patterns (the posterior), then the held-back patterns as validation.

The prior sample is the experiment's Latin hypercube over the varied ranges (`[vary]`, `[vary_all]`);
each set is run `replicates` times (common seeds across the patterns' arms). A set's distance to a
pattern is the amount by which it violates it (`sim.calibrate.patterns`); a set is accepted when the
summed violation of the targets is at most `tolerance` (Pritchard et al. 1999's rejection sampler with
a uniform kernel; Hartig et al. 2011 and van der Vaart et al. 2015 on patterns as ABC targets).
Accepted sets weigh the same: they are draws from the prior kept by an indicator.

The sampler is deterministic given the store (same seed, same accepted sets, on any backend), and it
resumes with the sweep. Convergence is shown, not assumed: the posterior from the first half of the
prior draws is compared with the posterior from all of them (`convergence.csv`).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .. import __version__ as sim_version  # the source's version: an editable install's metadata can lag
from .. import manifest as mf
from ..explore.experiment import Experiment
from ..explore.store import STORE_NAME, Store

#: Family-wise level of "the patterns constrain this parameter": a two-sample Kolmogorov-Smirnov test of
#: the accepted sets against the prior draws at 0.01, Bonferroni-corrected over the varied parameters
#: (so that among ~80 unconstrained parameters, one is flagged by chance with probability about 1%).
CONSTRAINED_ALPHA = 0.01
#: Parameters shown in the marginal and pairwise figures (the most constrained first).
FIGURE_PARAMS, PAIR_PARAMS = 12, 5
#: The patterns' words in Chinese, for the report (kept out of sim/calibrate/patterns.py, whose content
#: is part of the stored runs' model version).
PATTERN_ZH = {
    "trap": "低绩效陷阱：没有新的驱动就无法突破，绩效停留在原处",
    "start": "L 县在一年内启动并突破，且非机械决定（决心起决定作用）",
    "prerequisites": "缺少行动基础，县能启动却很少能发力",
    "pm_tool": "绩效管理是利器：冻结后持续改进减半",
    "public_value": "渠道关闭：考核绩效脱离实际绩效，满意度下降",
}
FILES = (
    "columns.csv",
    "accepted.csv",
    "statistics.csv",
    "posterior.csv",
    "validation.csv",
    "convergence.csv",
    "posterior.png",
    "pairs.png",
    "patterns.png",
    "calibration.json",
)


@dataclass
class Calibration:
    """What `calibrate` found: the accepted sets and the tables written beside them."""

    draws: int
    accepted: pd.DataFrame
    posterior: pd.DataFrame
    validation: pd.DataFrame
    convergence: pd.DataFrame
    statistics: pd.DataFrame
    targets: list[str]
    holdout: list[str]
    tolerance: float
    #: the second stage's figures (`_refine`), None without one
    refine: dict[str, Any] | None = None

    @property
    def acceptance(self) -> float:
        return len(self.accepted) / self.draws if self.draws else float("nan")


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson interval of a proportion k/n (nan for n = 0)."""
    if n == 0:
        return float("nan"), float("nan")
    ci = stats.binomtest(int(k), int(n)).proportion_ci(0.95, method="wilson")
    return float(ci.low), float(ci.high)


def point_table(exp: Experiment, store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per prior draw: point, varied values; the runs of complete points) from the store."""
    runs = store.frame(list(exp.names))
    counts = runs.groupby("point").size()
    complete = counts.index[counts == exp.replicates]
    runs = runs[runs["point"].isin(complete)]
    points = runs[runs["replicate"] == 0][["point", "run_seed", *exp.names]].set_index("point").sort_index()
    return points, runs


def distances(exp: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """Pattern statistics and each pattern's violation per point."""
    spec = exp.spec
    for col in spec.outputs:
        runs[col] = pd.to_numeric(runs[col], errors="coerce").astype(float)
    st = spec.extra["statistics"](runs)
    for name, pattern in spec.extra["patterns"].items():
        st[f"v_{name}"] = np.asarray(pattern.violation(st), dtype=float)
    return st


def target_distance(st: pd.DataFrame, targets: list[str]) -> np.ndarray:
    """Each draw's distance: its summed violation of the targets; a violation that cannot be computed
    (NaN: a statistic with no runs behind it) makes the draw infinitely far, never accepted."""
    return np.nan_to_num(st[[f"v_{t}" for t in targets]].sum(axis=1, skipna=False).to_numpy(), nan=np.inf)


def _wquantile(y: np.ndarray, w: np.ndarray, q: list[float]) -> np.ndarray:
    """Quantiles of a weighted sample (weights sum to 1): the inverse of its step ECDF."""
    order = np.argsort(y, kind="stable")
    cdf = np.cumsum(w[order])
    return y[order][np.minimum(np.searchsorted(cdf, np.asarray(q) * cdf[-1]), len(y) - 1)]


def weighted_ks2(y: np.ndarray, wy: np.ndarray, x: np.ndarray, wx: np.ndarray) -> tuple[float, float]:
    """Two-sample KS of two weighted samples (each's weights sum to 1): D from the two weighted ECDFs,
    p from the asymptotic Kolmogorov distribution at the effective sizes (1 / sum w^2; Monahan 2011)."""
    grid = np.sort(np.concatenate([y, x]))

    def ecdf(v: np.ndarray, w: np.ndarray) -> np.ndarray:
        order = np.argsort(v, kind="stable")
        return np.concatenate([[0.0], np.cumsum(w[order])])[np.searchsorted(v[order], grid, side="right")]

    d = float(np.max(np.abs(ecdf(y, wy) - ecdf(x, wx))))
    ny, nx = 1.0 / float(np.sum(wy**2)), 1.0 / float(np.sum(wx**2))
    en = ny * nx / (ny + nx)
    return d, float(stats.kstwobign.sf(d * np.sqrt(en)))


def weighted_ks(y: np.ndarray, w: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Two-sample KS of a weighted sample (weights sum to 1) against an unweighted one."""
    return weighted_ks2(y, w, x, np.full(len(x), 1.0 / len(x)))


def _posterior(
    prior: pd.DataFrame,
    acc: pd.DataFrame,
    exp: Experiment,
    reference: pd.DataFrame | None = None,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """Each varied parameter's posterior against its prior: (weighted) quantiles, the 90% interval's
    width as a share of the prior's, and a KS test of the accepted sets against `reference`.

    Rejection compares the accepted draws with the rejected ones (`reference`): the accepted are a
    subset of the prior draws, so a test against all of them would be too lenient. ABC-SMC's weighted
    particles are compared with a separate prior sample, at their effective sample size."""
    k = len(exp.varied)
    reference = prior if reference is None else reference
    rows = []
    for v in exp.varied:
        x, y = prior[v.name].to_numpy(float), acc[v.name].to_numpy(float)
        ref = reference[v.name].to_numpy(float)
        default = exp.spec.params[v.name].default
        row = {
            "parameter": v.name,
            "group": exp.spec.params[v.name].group,
            "default": default,
            "prior_low": v.low,
            "prior_high": v.high,
            "prior_mean": x.mean(),
        }
        if len(y) >= 2 and len(ref) >= 2:
            w = np.full(len(y), 1.0 / len(y)) if weights is None else np.asarray(weights, float) / np.sum(weights)
            q05, q50, q95 = _wquantile(y, w, [0.05, 0.5, 0.95])
            p05, p95 = np.quantile(x, [0.05, 0.95])
            mean = float(np.sum(w * y))
            if weights is None:
                ks = stats.ks_2samp(y, ref)
                d, p = float(ks.statistic), float(ks.pvalue)
            else:
                d, p = weighted_ks(y, w, ref)
            row.update(
                post_mean=mean,
                post_sd=float(np.sqrt(np.sum(w * (y - mean) ** 2) * len(y) / (len(y) - 1))),
                post_q05=q05,
                post_median=q50,
                post_q95=q95,
                width_ratio=(q95 - q05) / (p95 - p05) if p95 > p05 else float("nan"),
                ks_d=d,
                ks_p=p,
                constrained=bool(p < CONSTRAINED_ALPHA / k),
            )
        rows.append(row)
    df = pd.DataFrame(rows)
    if "ks_d" in df:
        df = df.sort_values("ks_d", ascending=False, kind="stable")
    return df.reset_index(drop=True)


def _validation(
    st: pd.DataFrame,
    base: pd.DataFrame,
    accepted: np.ndarray,
    patterns: list[str],
    role: str,
    fresh: pd.DataFrame | None = None,
    weights: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """How often each pattern holds: among the accepted sets on fresh seeds ("accepted", the validation)
    and on the statistics they were accepted on (`st`: "accepted, same seeds"), and among all prior
    draws and the rejected ones on `base` (the statistics every draw has). With `weights` (the accepted
    sets' posterior weights) the accepted shares are weighted and their intervals use the effective
    sample size, as for ABC-SMC."""

    def row(subset: str, holds: np.ndarray, w: np.ndarray | None) -> dict[str, Any]:
        if w is None:
            n, k = len(holds), int(holds.sum())
            share = k / n if n else float("nan")
        else:  # a weighted share: weights summing to 1 in floating point can exceed 1 by a hair
            share = min(1.0, max(0.0, float(np.sum(w * holds) / np.sum(w))))
            n_eff = float(np.sum(w)) ** 2 / float(np.sum(w**2))
            n, k = round(n_eff), round(share * n_eff)
        lo, hi = wilson(k, n)
        return {
            "pattern": name,
            "role": role,
            "sets": subset,
            "n": n,
            "reproduced": k,
            "share": share,
            "ci_low": lo,
            "ci_high": hi,
        }

    rows = []
    for name in patterns:
        if fresh is not None:
            rows.append(row("accepted", fresh[f"v_{name}"].to_numpy() <= 0.0, weights))
        mine = st[f"v_{name}"].to_numpy()[accepted] <= 0.0
        rows.append(row("accepted, same seeds" if fresh is not None else "accepted", mine, weights))
        every = base[f"v_{name}"].to_numpy() <= 0.0
        rows.append(row("prior", every, None))
        rows.append(row("rejected", every[~accepted], None))
    return rows


#: The held-back check's cache: each accepted draw on as many fresh seeds as its acceptance used,
#: numbered after every replicate the selection saw (R .. 2R-1 with one stage).
FRESH_FILE, FRESH_KEY_FILE = "fresh_statistics.csv", "fresh.json"


def fresh_statistics(
    exp: Experiment,
    thetas: list[tuple[Any, ...]],
    seeds: list[list[int]],
    out: Path,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Every accepted set run again on fresh seeds (`seeds[i]` for set i): its pattern statistics and
    violations, one row per set. Selecting sets on the targets also selects lucky seeds (L County's
    share sustaining, which patterns 3-5 compare against, among them); statistics on seeds the
    selection never saw are free of that winner's curse. Cached in `out` under a key of the sets, the
    seeds and the model version."""
    import hashlib

    key = hashlib.sha256(
        json.dumps([exp.content_hash(), exp.spec.version(), [list(map(float, t)) for t in thetas], seeds]).encode()
    ).hexdigest()
    cache, key_file = out / FRESH_FILE, out / FRESH_KEY_FILE
    if cache.exists() and key_file.exists() and json.loads(key_file.read_text()).get("key") == key:
        return pd.read_csv(cache).set_index("point")
    runs = run_sets(exp, thetas, seeds, out / FRESH_DIR, key, workers, "fresh seeds", backend, scheduler)
    st = distances(exp, runs)
    mf.atomic_write(cache, lambda p: st.reset_index().to_csv(p, index=False))
    mf.write_json(key_file, {"key": key})
    return st


#: Folders of the resumable runs behind the fresh-seed check and the refinement (chunk files).
FRESH_DIR, REFINE_DIR = "fresh_runs", "refine_runs"
#: Simulations per chunk of those runs (a model whose run simulates several arms takes fewer runs a
#: chunk). Chunk files are named by position, so the size is part of the folder's key: a folder cut
#: at another size is discarded rather than read at the wrong offsets.
STAGE_CHUNK = 128


def run_sets(
    exp: Experiment,
    thetas: list[tuple[Any, ...]],
    seeds: list[list[int]],
    folder: Path,
    key: str,
    workers: int = 1,
    what: str = "runs",
    backend: str = "local",
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run set i (`thetas[i]`) on each of `seeds[i]`: one row per run (point = i, then the model's
    outputs). Resumable: each chunk's outputs are kept in `folder` as it finishes, under `key` (a new
    key discards them), so an interrupted stage reruns only the chunks it lacks; a bar shows progress
    on a terminal. Chunks run on the sweep's backends (`backend`, `workers`, `scheduler`); the folder
    is removed once every chunk is in."""
    import shutil

    from tqdm import tqdm

    from ..explore.backends import make_backend
    from ..explore.models import ChunkTask

    spec = exp.spec
    base = spec.extra["task_base"](exp) if "task_base" in spec.extra else exp.scenario
    pairs = [(i, theta, s) for i, (theta, ss) in enumerate(zip(thetas, seeds, strict=True)) for s in ss]
    size = max(1, STAGE_CHUNK // spec.extra.get("sims_per_run", 1))
    key = f"{key} chunk {size}"
    tasks = [
        ChunkTask(
            k,
            exp.model,
            base,
            exp.names,
            tuple(t for _, t, _ in pairs[a : a + size]),
            tuple(s for _, _, s in pairs[a : a + size]),
            exp.steps,
        )
        for k, a in enumerate(range(0, len(pairs), size))
    ]
    key_file = folder / "key.json"
    if folder.exists() and (not key_file.exists() or json.loads(key_file.read_text()).get("key") != key):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        mf.write_json(key_file, {"key": key})

    def chunk_file(k: int) -> Path:
        return folder / f"chunk_{k:06d}.npy"

    todo = [t for t in tasks if not chunk_file(t.index).exists()]
    done_runs = sum(len(t.seeds) for t in tasks) - sum(len(t.seeds) for t in todo)
    runner = make_backend(backend, workers if len(todo) > 1 else 1, scheduler) if todo else None
    try:
        with tqdm(
            total=len(pairs), initial=done_runs, desc=what, unit="run", file=sys.stderr, disable=None, smoothing=0.1
        ) as bar:
            for task, res in runner.results(todo) if runner is not None else ():
                arr = np.asarray(res.outputs, dtype=float)
                with mf.atomic_open(chunk_file(task.index), "wb") as f:
                    np.save(f, arr, allow_pickle=False)
                bar.update(len(arr))
    finally:
        if runner is not None:
            runner.close()
    outputs = np.concatenate([np.load(chunk_file(t.index)) for t in tasks]) if tasks else np.empty((0, 0))
    shutil.rmtree(folder, ignore_errors=True)
    runs = pd.DataFrame(outputs.reshape(len(pairs), len(spec.outputs)), columns=list(spec.outputs))
    runs.insert(0, "point", [i for i, _, _ in pairs])
    return runs


def _convergence(
    prior: pd.DataFrame, accepted: np.ndarray, exp: Experiment, weights: np.ndarray | None = None
) -> pd.DataFrame:
    """Has the rejection sampler settled? The posterior from the first half of the prior draws against
    the one from the second half (disjoint draws): the acceptance rates, and each parameter's largest
    move of a 5/50/95% quantile as a share of that parameter's posterior 90% width (from all draws).
    Shifts well under 1 mean the halves tell the same story."""
    n = len(prior)
    first = np.arange(n) < n // 2
    rows = []
    for label, mask in (("first half", first), ("second half", ~first), ("all", np.ones(n, bool))):
        k = int(accepted[mask].sum())
        lo, hi = wilson(k, int(mask.sum()))
        rows.append(
            {
                "draws": label,
                "n": int(mask.sum()),
                "accepted": k,
                "rate": k / max(1, mask.sum()),
                "rate_low": lo,
                "rate_high": hi,
            }
        )
    out = pd.DataFrame(rows)
    shifts = []
    w = np.ones(n) if weights is None else np.asarray(weights, float)  # posterior weights (refinement)

    def quantiles(x: np.ndarray, mask: np.ndarray, q: list[float]) -> np.ndarray:
        if weights is None:
            return np.quantile(x[mask], q)
        return _wquantile(x[mask], w[mask] / w[mask].sum(), q)

    for v in exp.varied:
        x = prior[v.name].to_numpy(float)
        a, b = accepted & first, accepted & ~first
        if a.sum() >= 2 and b.sum() >= 2:
            width = float(np.subtract(*quantiles(x, accepted, [0.95, 0.05])))
            qa, qb = quantiles(x, a, [0.05, 0.5, 0.95]), quantiles(x, b, [0.05, 0.5, 0.95])
            shifts.append(float(np.max(np.abs(qa - qb)) / width) if width > 0 else float("nan"))
    nan = float("nan")
    out["max_quantile_shift"] = [nan, nan, max(shifts) if shifts else nan]
    out["median_quantile_shift"] = [nan, nan, float(np.median(shifts)) if shifts else nan]
    return out


def analyse(
    exp: Experiment, out: Path, workers: int = 1, backend: str = "local", scheduler: str | None = None
) -> Calibration:
    """Read the sweep's store in `out` and compute the calibration; run the accepted sets again on
    fresh seeds for the held-back patterns."""
    cal = exp.calibration or {}
    store = Store(out / STORE_NAME, readonly=True)
    try:
        prior, runs = point_table(exp, store)
    finally:
        store.close()
    st = distances(exp, runs)
    st = st.loc[prior.index]
    targets, holdout = list(cal["targets"]), list(cal.get("holdout", []))
    d = target_distance(st, targets)
    r1, r2 = exp.replicates, int(cal.get("refine_replicates", 0))
    refine, weights = None, None
    if r2:
        refine = _refine(exp, prior, runs, d, out, workers, backend, scheduler)
        d1, go = d, refine["continued"]
        d = np.where(go, target_distance(refine["statistics"], targets), d1)
        st_final = st.copy()
        st_final.loc[go] = refine["statistics"].loc[go, st.columns].to_numpy()
    else:
        st_final = st
    accepted = d <= cal["tolerance"]
    if refine is not None:
        accepted &= refine["continued"]
        w = refine["weight"][accepted]
        weights = w if not np.allclose(w, w[:1]) else None
    acc = prior[accepted].copy()
    table = pd.DataFrame({"row": np.arange(int(accepted.sum())), "point": acc.index.to_numpy()})
    table["weight"] = 1.0 / max(1, len(acc)) if weights is None else weights / weights.sum()
    table["run_seed"] = acc["run_seed"].to_numpy()
    table["distance"] = d[accepted]
    if refine is not None:
        table["distance_stage1"] = d1[accepted]
    for name in [*targets, *holdout]:
        table[f"v_{name}"] = st_final.loc[acc.index, f"v_{name}"].to_numpy()
    for name in exp.names:
        table[name] = acc[name].to_numpy()
    from ..explore.design import point_seed

    thetas = _thetas(exp, acc)
    # fresh seeds: as many as the acceptance used, after every replicate the selection saw
    seeds = [[point_seed(exp.seed, int(i), r1 + r2 + r) for r in range(r1 + r2)] for i in acc.index]
    fresh = fresh_statistics(exp, thetas, seeds, out, workers, backend, scheduler) if len(acc) else None
    w_acc = None if weights is None else table["weight"].to_numpy()
    # the accepted sets on the statistics they were accepted on; every draw (prior, rejected) on the
    # first stage's R seeds, the one sample all draws share
    validation = pd.DataFrame(
        _validation(st_final, st, accepted, targets, "target", fresh, w_acc)
        + _validation(st_final, st, accepted, holdout, "holdout", fresh, w_acc)
    )
    for name in [*targets, *holdout]:
        if fresh is not None:
            table[f"fresh_v_{name}"] = fresh[f"v_{name}"].to_numpy()
    statistics = st_final.assign(distance=d, accepted=accepted)
    if refine is not None:
        statistics = statistics.assign(distance_stage1=d1, continued=refine["continued"])
    w_all = None
    if weights is not None:
        w_all = np.zeros(len(prior))
        w_all[accepted] = table["weight"].to_numpy()
    return Calibration(
        draws=len(prior),
        accepted=table,
        posterior=_posterior(prior, acc, exp, reference=prior[~accepted], weights=w_acc),
        validation=validation,
        convergence=_convergence(prior, accepted, exp, w_all),
        statistics=statistics.reset_index(),
        targets=targets,
        holdout=holdout,
        tolerance=float(cal["tolerance"]),
        refine=None if refine is None else refine["summary"],
    )


def _thetas(exp: Experiment, draws: pd.DataFrame) -> list[tuple[Any, ...]]:
    kinds = [v.kind for v in exp.varied]
    return [
        tuple(int(x) if k == "int" else float(x) for x, k in zip(r, kinds, strict=True))
        for r in draws[list(exp.names)].itertuples(index=False)
    ]


#: Where the continuation draws' uniforms come from: the root seed and this stream number.
CONTINUE_STREAM = 23


def screen(d1: np.ndarray, keep: float, tolerance: float) -> np.ndarray:
    """The draws that get the extra seeds for sure: the share `keep` of draws nearest the targets on the
    first seeds (ties at the cut kept), widened to twice the draws already within the tolerance so that
    near misses always get a second chance."""
    n = len(d1)
    if not n:
        return np.zeros(0, bool)
    share = max(keep, min(1.0, 2.0 * float(np.mean(d1 <= tolerance))))
    cut = np.sort(d1)[max(0, math.ceil(share * n) - 1)]
    return d1 <= max(cut, tolerance)


def _refine(
    exp: Experiment,
    prior: pd.DataFrame,
    runs: pd.DataFrame,
    d1: np.ndarray,
    out: Path,
    workers: int,
    backend: str = "local",
    scheduler: str | None = None,
) -> dict[str, Any]:
    """Second stage (`[calibrate] refine_replicates`, `refine_keep`, `refine_continue`): draws are run on
    R2 more seeds (replicates R .. R+R2-1) and their pattern statistics pooled over all R + R2. A
    pattern is a property of a parameter set, an expectation over seeds; R + R2 seeds estimate it with
    less noise, so fewer sets are accepted by luck.

    Which draws continue is lazy ABC (Prangle 2016, Statistics and Computing 26:171-185): every draw in
    the screen (the share `refine_keep` nearest the targets on the first seeds) and, outside it, each
    draw with probability alpha = `refine_continue`. A draw accepted from outside weighs 1 / alpha, so
    the weighted accepted sets are the two-stage posterior without bias, whatever the screen; the
    screen only decides the variance. Those weights also estimate how much posterior mass lies outside
    the screen (`summary['outside_share']`): near 0 means the screen was wide enough."""
    import hashlib

    from ..explore.design import point_seed

    cal = exp.calibration or {}
    r1, r2 = exp.replicates, int(cal["refine_replicates"])
    keep, alpha = float(cal.get("refine_keep", 0.1)), float(cal.get("refine_continue", 0.05))
    tol = float(cal["tolerance"])
    screened = screen(d1, keep, tol)
    lucky = ~screened & (np.random.default_rng([exp.seed, CONTINUE_STREAM]).random(len(d1)) < alpha)
    go = screened | lucky
    idx = prior.index[go]
    thetas = _thetas(exp, prior.loc[idx])
    seeds = [[point_seed(exp.seed, int(i), r1 + r) for r in range(r2)] for i in idx]
    key = hashlib.sha256(
        json.dumps([exp.content_hash(), exp.spec.version(), [int(i) for i in idx], r2]).encode()
    ).hexdigest()
    extra = run_sets(exp, thetas, seeds, out / REFINE_DIR, key, workers, "refine", backend, scheduler)
    extra["point"] = idx.to_numpy()[extra["point"].to_numpy()]
    pooled = pd.concat([runs[runs["point"].isin(idx)][["point", *exp.spec.outputs]], extra], ignore_index=True)
    st_pooled = distances(exp, pooled).reindex(prior.index)
    d2 = np.full(len(d1), np.inf)
    d2[go] = target_distance(st_pooled.loc[idx], list(cal["targets"]))
    passed = d2 <= tol
    weight = np.where(lucky, 1.0 / alpha, 1.0)
    k_in, k_out = int((passed & screened).sum()), int((passed & lucky).sum())
    m_out, n_out = int(lucky.sum()), int((~screened).sum())
    lo, hi = wilson(k_out, m_out)
    outside = k_out / alpha

    def share(mass: float) -> float:
        return mass / (k_in + mass) if k_in + mass > 0 else float("nan")

    summary = {
        "replicates_stage1": r1,
        "replicates_added": r2,
        "keep": keep,
        "continue": alpha,
        "cut": float(np.max(d1[screened])) if screened.any() else float("nan"),
        "screened": int(screened.sum()),
        "continued_outside": m_out,
        "accepted_stage1": int((d1 <= tol).sum()),
        "accepted": k_in + k_out,
        "accepted_in_screen": k_in,
        "accepted_outside": k_out,
        "accepted_from_near_misses": int((passed & screened & (d1 > tol)).sum()),
        "estimated_acceptance": (k_in + outside) / len(d1) if len(d1) else float("nan"),
        "outside_share": share(outside),
        "outside_share_interval": [share(lo * n_out), share(hi * n_out)] if m_out else [float("nan")] * 2,
        "simulated_runs": len(extra),
    }
    return {"continued": go, "passed": passed, "weight": weight, "statistics": st_pooled, "summary": summary}


def _figures(res: Calibration, exp: Experiment, out: Path, prior: pd.DataFrame) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    post = res.posterior
    shown = list(post["parameter"][:FIGURE_PARAMS])
    cols = 4
    rows = max(1, math.ceil(len(shown) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.5 * rows), squeeze=False)
    ranges = {v.name: (v.low, v.high) for v in exp.varied}
    for ax, name in zip(axes.flat, shown, strict=False):
        lo, hi = ranges[name]
        bins = np.linspace(lo, hi, 21)
        ax.hist(prior[name], bins=bins, density=True, color="0.8", label="prior draws")
        if len(res.accepted):
            ax.hist(res.accepted[name], bins=bins, density=True, histtype="step", lw=2, color="C0", label="accepted")
        ax.axvline(exp.spec.params[name].default, color="C3", lw=1, ls="--", label="registry default")
        r = post.set_index("parameter").loc[name]
        tag = "constrained" if r.get("constrained", False) else "free"
        ax.set_title(f"{name}\nKS D {r.get('ks_d', float('nan')):.2f} ({tag})", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper right")
    fig.suptitle(
        f"{exp.name}: {len(res.accepted)} of {res.draws} prior draws accepted "
        f"(targets: {', '.join(res.targets)}); most constrained parameters first",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(out / "posterior.png", dpi=110)
    plt.close(fig)

    pair = shown[: min(PAIR_PARAMS, len(shown))]
    n = len(pair)
    fig, axes = plt.subplots(n, n, figsize=(2.2 * n + 0.5, 2.2 * n + 0.5), squeeze=False)
    for i, yi in enumerate(pair):
        for j, xj in enumerate(pair):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(res.accepted[xj], bins=np.linspace(*ranges[xj], 16), color="C0")
                ax.set_xlim(*ranges[xj])
                ax.set_yticks([])
            else:
                ax.scatter(prior[xj], prior[yi], s=2, color="0.85", rasterized=True)
                ax.scatter(res.accepted[xj], res.accepted[yi], s=5, color="C0")
                ax.set_xlim(*ranges[xj])
                ax.set_ylim(*ranges[yi])
            if i == n - 1:
                ax.set_xlabel(xj, fontsize=8)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(yi, fontsize=8)
            elif j > 0:
                ax.set_yticklabels([])
            ax.tick_params(labelsize=7)
            ax.tick_params(axis="x", labelrotation=45)
    fig.suptitle("Accepted sets (blue) among the prior draws (grey), pairwise", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "pairs.png", dpi=110)
    plt.close(fig)

    val = res.validation
    names = [*res.targets, *res.holdout]
    fig, ax = plt.subplots(figsize=(1.6 * len(names) + 2.5, 3.4))
    x = np.arange(len(names))
    for k, (subset, colour) in enumerate((("prior", "0.7"), ("accepted", "C0"))):
        label = "prior draws" if subset == "prior" else "accepted sets, run again on fresh seeds"
        rows = val[val["sets"] == subset].set_index("pattern").reindex(names)
        share = rows["share"].to_numpy(float)
        # never negative: a weighted share's interval comes from rounded effective counts (ABC-SMC), so
        # the share can sit a hair outside it
        err = np.clip(
            np.vstack([share - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - share]), 0.0, None
        )
        ax.bar(x + (k - 0.5) * 0.38, share, 0.38, yerr=err, color=colour, label=label, capsize=3)
    ax.set_xticks(x, [f"{n}\n({'target' if n in res.targets else 'held back'})" for n in names], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of sets reproducing the pattern")
    ax.legend(fontsize=8)
    ax.set_title("Patterns reproduced by prior draws and by accepted sets (95% Wilson intervals)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "patterns.png", dpi=110)
    plt.close(fig)


def write(
    res: Calibration,
    exp: Experiment,
    out: Path,
    sweep_manifest: dict[str, Any] | None = None,
    prior: pd.DataFrame | None = None,
    sampler: str = "rejection ABC on the sweep store (uniform kernel on the summed violation of the targets)",
    prior_scale: float = 1.0,
) -> list[str]:
    """Write the calibration's tables, figures and calibration.json into `out` (`prior`: the prior
    draws to show; by default the store's)."""
    if prior is None:
        store = Store(out / STORE_NAME, readonly=True)
        try:
            prior, _ = point_table(exp, store)
        finally:
            store.close()
    mf.atomic_write(out / "accepted.csv", lambda p: res.accepted.to_csv(p, index=False))
    mf.atomic_write(out / "statistics.csv", lambda p: res.statistics.to_csv(p, index=False))
    mf.atomic_write(out / "posterior.csv", lambda p: res.posterior.to_csv(p, index=False))
    mf.atomic_write(out / "validation.csv", lambda p: res.validation.to_csv(p, index=False))
    mf.atomic_write(out / "convergence.csv", lambda p: res.convergence.to_csv(p, index=False))
    _figures(res, exp, out, prior)
    mf.atomic_write(out / "columns.csv", lambda p: Path(p).write_text(columns_csv(res, exp), encoding="utf-8"))
    patterns = exp.spec.extra["patterns"]
    info = {
        "experiment": exp.name,
        "model": exp.model,
        "sampler": sampler,
        "prior": "the Latin hypercube of the experiment's varied ranges (uniform unless a [vary] says otherwise)",
        "targets": {t: patterns[t].words for t in res.targets},
        "holdout": {t: patterns[t].words for t in res.holdout},
        "targets_zh": {t: PATTERN_ZH.get(t, patterns[t].words) for t in res.targets},
        "holdout_zh": {t: PATTERN_ZH.get(t, patterns[t].words) for t in res.holdout},
        "tolerance": res.tolerance,
        "prior_scale": prior_scale,
        "draws": res.draws,
        "replicates_per_draw": exp.replicates,
        "refine": res.refine,
        "accepted": len(res.accepted),
        "acceptance_rate": res.acceptance,
        "acceptance_interval": wilson(len(res.accepted), res.draws),
        "constrained": [
            r.parameter for r in res.posterior.itertuples() if getattr(r, "constrained", False) in (True, 1)
        ],
        "constrained_test": f"two-sample KS of accepted vs prior draws, p < {CONSTRAINED_ALPHA} / {len(exp.varied)}",
        "root_seed": exp.seed,
        "rerun_one": "county-sim run l_county --params accepted.csv --row K"
        if exp.model == "county_patterns"
        else None,
        "sweep_manifest": "manifest.json",
        "version": sim_version,
        "finished": mf.now_iso(),
        "files": {name: mf.file_sha256(out / name) for name in FILES if name != "calibration.json"},
    }
    if sweep_manifest is not None:
        info["seconds"] = sweep_manifest.get("seconds")
    mf.write_json(out / "calibration.json", info)
    return list(FILES)


def columns_csv(res: Calibration, exp: Experiment) -> str:
    """The data dictionary of the calibration's tables: each column written, what it means (parameters
    from the registry; a pattern's violation from the pattern)."""
    import csv
    import io

    from ..columns import COLUMNS

    patterns = exp.spec.extra["patterns"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "column", "meaning", "unit", "how"])
    tables = {
        "accepted.csv": res.accepted,
        "statistics.csv": res.statistics,
        "posterior.csv": res.posterior,
        "validation.csv": res.validation,
        "convergence.csv": res.convergence,
    }
    for file, df in tables.items():
        for col in df.columns:
            c = COLUMNS.get((file, col))
            if c is not None:
                w.writerow([file, col, c.meaning, c.unit, c.how])
            elif col in exp.spec.params:
                p = exp.spec.params[col]
                w.writerow([file, col, p.meaning, p.unit or "-", f"prior draw (registry default {p.default})"])
            elif col.startswith("fresh_v_") and col[8:] in patterns:
                pat = patterns[col[8:]]
                w.writerow(
                    [
                        file,
                        col,
                        f"violation of pattern {pat.number} on fresh seeds (as many as the acceptance used,"
                        " after every replicate the selection saw)",
                        "0 = holds",
                        "the held-back check: sim.calibrate.abc.fresh_statistics",
                    ]
                )
            elif col.startswith("v_") and col[2:] in patterns:
                pat = patterns[col[2:]]
                w.writerow(
                    [
                        file,
                        col,
                        f"violation of pattern {pat.number}: {pat.words}",
                        "0 = holds",
                        "sim.calibrate.patterns",
                    ]
                )
            elif col in exp.spec.outputs:
                w.writerow([file, col, f"the model's output '{col}'", "-", "mean over the set's replicates"])
            elif col.startswith("resolve_") and (file, "resolve_<r>_sustain") in COLUMNS:
                c = COLUMNS[(file, "resolve_<r>_sustain")]
                w.writerow([file, col, c.meaning, c.unit, c.how])
            else:  # every column is documented (tests/test_calibrate.py)
                raise KeyError(f"{file}: column {col!r} has no entry in sim.columns")
    return buf.getvalue()


def summary_lines(res: Calibration) -> list[str]:
    """The console summary: acceptance, what is constrained, how the held-back patterns fare."""
    lo, hi = wilson(len(res.accepted), res.draws)
    lines = [
        f"accepted {len(res.accepted)} of {res.draws} prior draws ({100 * res.acceptance:.2f}%,"
        f" 95% interval {100 * lo:.2f}-{100 * hi:.2f}%) on targets {', '.join(res.targets)}"
        f" (tolerance {res.tolerance:g})"
    ]
    if res.refine is not None:
        r = res.refine
        lo, hi = r["outside_share_interval"]
        lines.append(
            f"refined: {r['screened']} draws nearest the targets on {r['replicates_stage1']} seeds, and"
            f" {r['continued_outside']} drawn at random ({r['continue']:g}) from the rest, got"
            f" {r['replicates_added']} more; {r['accepted']} pass on all of them ({r['accepted_outside']} from"
            f" outside the screen, weight {1 / r['continue']:g}); estimated posterior mass outside the screen"
            f" {r['outside_share']:.2f} (95% {lo:.2f}-{hi:.2f}; near 0: the screen was wide enough)"
        )
    post = res.posterior
    if "constrained" in post:
        con = post[post["constrained"]]
        lines.append(
            f"constrained by the patterns: {len(con)} of {len(post)} parameters"
            + (
                ": "
                + ", ".join(f"{r.parameter} (90% width {r.width_ratio:.2f} of prior)" for r in con.head(8).itertuples())
                if len(con)
                else ""
            )
            + (" ..." if len(con) > 8 else "")
        )
    val = res.validation
    for name in res.holdout:
        a = val[(val["pattern"] == name) & (val["sets"] == "accepted")].iloc[0]
        p = val[(val["pattern"] == name) & (val["sets"] == "prior")].iloc[0]
        prior = f"; prior draws {p['share']:.2f}" if p["share"] == p["share"] else ""
        lines.append(
            f"held back '{name}': reproduced by {a['share']:.2f} of accepted sets"
            f" (95% {a['ci_low']:.2f}-{a['ci_high']:.2f}{prior})"
        )
    conv = res.convergence.iloc[-1]
    if "max_quantile_shift" in conv and conv["max_quantile_shift"] == conv["max_quantile_shift"]:
        lines.append(
            f"convergence: the two halves of the draws give posterior quantiles {conv['median_quantile_shift']:.2f}"
            f" of a posterior 90% width apart (median over parameters; at most {conv['max_quantile_shift']:.2f})"
        )
    return lines


def load_manifest(out: Path) -> dict[str, Any] | None:
    try:
        return json.loads((out / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
