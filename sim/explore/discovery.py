"""Trajectory discovery: which region of parameter space sustains the trajectory, as a few
readable box rules found by PRIM (Friedman & Fisher 1999; scenario discovery as in Bryant &
Lempert 2010 and the EMA Workbench). Implemented here in NumPy: peeling, pasting, covering.

Coverage of a box = share of all sustaining runs that fall in it; density = share of the runs in
the box that sustain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

ALPHA = 0.05  # share of the box's runs peeled (or pasted) per step
MIN_SUPPORT = 0.05  # stop peeling when the box holds less than this share of all runs
MAX_BOXES = 3
MIN_COVERAGE = 0.1  # a box must cover at least this share of the sustaining runs
MAX_CONDITIONS = 4  # a readable rule restricts at most this many parameters


@dataclass(frozen=True)
class Box:
    """A box rule with its coverage and density."""

    limits: dict[str, tuple[float, float]]  # restricted parameters only
    rule: str
    coverage: float
    density: float
    n_in_box: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "rule": self.rule,
            "coverage": self.coverage,
            "density": self.density,
            "runs_in_box": self.n_in_box,
            "limits": {k: list(v) for k, v in self.limits.items()},
        }


def _inside(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.all((x >= lo) & (x <= hi), axis=1)


def _score(y: np.ndarray, mask: np.ndarray, total_pos: float, need: float = 0.0) -> tuple[float, float, float]:
    """(objective, coverage, density) of a box: the objective is the harmonic mean of coverage and
    density (F1), which trades a rule's precision against how much of the outcome it explains; 0
    for a box below the density `need` that a reported rule must reach."""
    n = mask.sum()
    if n == 0 or total_pos == 0:
        return 0.0, 0.0, 0.0
    pos = y[mask].sum()
    cov, den = pos / total_pos, pos / n
    f1 = 0.0 if pos == 0 or den < need else 2 * cov * den / (cov + den)
    return f1, cov, den


def peel(x: np.ndarray, y: np.ndarray, total_pos: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """PRIM's peeling trajectory: each step removes the ALPHA-quantile slice (one side of one
    parameter) that leaves the highest density; stops at MIN_SUPPORT."""
    n_all = len(y)
    lo, hi = x.min(axis=0).astype(float), x.max(axis=0).astype(float)
    boxes = [(lo.copy(), hi.copy())]
    mask = _inside(x, lo, hi)
    while mask.sum() > MIN_SUPPORT * n_all:
        xb, yb = x[mask], y[mask]
        best = None
        for j in range(x.shape[1]):
            for side in (0, 1):
                q = np.quantile(xb[:, j], ALPHA if side == 0 else 1 - ALPHA)
                keep = xb[:, j] > q if side == 0 else xb[:, j] < q
                if keep.all() or not keep.any():
                    # discrete values: peel the whole end level instead
                    vals = np.unique(xb[:, j])
                    if len(vals) < 2:
                        continue
                    keep = xb[:, j] > vals[0] if side == 0 else xb[:, j] < vals[-1]
                    q = vals[0] if side == 0 else vals[-1]
                if keep.sum() < MIN_SUPPORT * n_all:
                    continue
                den = yb[keep].mean()
                if best is None or den > best[0]:
                    best = (den, j, side, keep)
        if best is None or best[0] <= yb.mean():
            break
        _, j, side, keep = best
        kept = xb[keep, j]
        if side == 0:
            lo[j] = kept.min()
        else:
            hi[j] = kept.max()
        mask = _inside(x, lo, hi)
        boxes.append((lo.copy(), hi.copy()))
    return boxes


def paste(
    x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, total_pos: float, need: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """PRIM's pasting: widen a bound by ALPHA of the box's runs while that raises the objective
    (and keeps the density at least `need`)."""
    lo, hi = lo.copy(), hi.copy()
    full_lo, full_hi = x.min(axis=0), x.max(axis=0)
    score = _score(y, _inside(x, lo, hi), total_pos, need)[0]
    improved = True
    while improved:
        improved = False
        n_box = _inside(x, lo, hi).sum()
        step = max(1, int(ALPHA * n_box))
        for j in range(x.shape[1]):
            for side in (0, 1):
                if (side == 0 and lo[j] <= full_lo[j]) or (side == 1 and hi[j] >= full_hi[j]):
                    continue
                others = _inside(np.delete(x, j, axis=1), np.delete(lo, j), np.delete(hi, j))
                cand = np.sort(x[others & ((x[:, j] < lo[j]) if side == 0 else (x[:, j] > hi[j])), j])
                if cand.size == 0:
                    continue
                new = cand[-min(step, cand.size)] if side == 0 else cand[min(step, cand.size) - 1]
                lo2, hi2 = lo.copy(), hi.copy()
                if side == 0:
                    lo2[j] = new
                else:
                    hi2[j] = new
                s = _score(y, _inside(x, lo2, hi2), total_pos, need)[0]
                if s > score + 1e-12:
                    score, lo, hi, improved = s, lo2, hi2, True
    return lo, hi


def _fmt(v: float, kind: str) -> str:
    if kind == "int":
        return str(round(v))
    if kind == "bool":
        return "true" if v else "false"
    return f"{v:.2f}"


def describe(
    lo: np.ndarray, hi: np.ndarray, full_lo: np.ndarray, full_hi: np.ndarray, names: list[str], kinds: list[str]
) -> tuple[dict[str, tuple[float, float]], str]:
    """(limits of the restricted parameters, the rule as text)."""
    limits, parts = {}, []
    for j, name in enumerate(names):
        low_cut, high_cut = lo[j] > full_lo[j], hi[j] < full_hi[j]
        if not (low_cut or high_cut):
            continue
        limits[name] = (float(lo[j]), float(hi[j]))
        if kinds[j] == "bool":
            parts.append(f"{name} = {_fmt(lo[j], 'bool')}")
        elif low_cut and high_cut:
            parts.append(f"{_fmt(lo[j], kinds[j])} <= {name} <= {_fmt(hi[j], kinds[j])}")
        elif low_cut:
            parts.append(f"{name} >= {_fmt(lo[j], kinds[j])}")
        else:
            parts.append(f"{name} <= {_fmt(hi[j], kinds[j])}")
    return limits, " and ".join(parts) if parts else "(whole design)"


def simplify(
    x: np.ndarray,
    y: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    full_lo: np.ndarray,
    full_hi: np.ndarray,
    total_pos: float,
    need: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Drop restrictions whose removal does not lower the objective (nor the density below `need`):
    shorter rules read better."""
    lo, hi = lo.copy(), hi.copy()
    score = _score(y, _inside(x, lo, hi), total_pos, need)[0]
    for j in np.argsort([-(hi[k] - lo[k]) / max(full_hi[k] - full_lo[k], 1e-12) for k in range(len(lo))]):
        if lo[j] <= full_lo[j] and hi[j] >= full_hi[j]:
            continue
        lo2, hi2 = lo.copy(), hi.copy()
        lo2[j], hi2[j] = full_lo[j], full_hi[j]
        s = _score(y, _inside(x, lo2, hi2), total_pos, need)[0]
        if s > 0.0 and s >= score - 0.005:
            lo, hi, score = lo2, hi2, max(s, score)
    # still too long to read: drop the restrictions that cost least, one at a time
    while True:
        cut = [k for k in range(len(lo)) if lo[k] > full_lo[k] or hi[k] < full_hi[k]]
        if len(cut) <= MAX_CONDITIONS:
            return lo, hi
        best = None
        for k in cut:
            lo2, hi2 = lo.copy(), hi.copy()
            lo2[k], hi2[k] = full_lo[k], full_hi[k]
            s = _score(y, _inside(x, lo2, hi2), total_pos, need)[0]
            if best is None or s > best[0]:
                best = (s, lo2, hi2)
        _, lo, hi = best


def discover(x: np.ndarray, y: np.ndarray, names: list[str], kinds: list[str]) -> list[Box]:
    """Up to MAX_BOXES box rules for y (bool per run) over x (runs x parameters), by PRIM with
    covering: after a box is found, its runs are set aside and the search repeats on the rest.
    Coverage and density are reported against all runs; each rule restricts at most
    MAX_CONDITIONS parameters and must reach a density of three times the base rate or of
    base rate + (1 - base rate) / 3, whichever is lower."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    total_pos = y.sum()
    if total_pos == 0 or total_pos == len(y):
        return []
    full_lo, full_hi = x.min(axis=0), x.max(axis=0)
    base = total_pos / len(y)
    need = min(base + (1 - base) / 3, 3 * base)  # the density a rule must reach to be reported
    remaining = np.ones(len(y), dtype=bool)
    boxes: list[Box] = []
    while len(boxes) < MAX_BOXES and y[remaining].sum() > 0:
        xr, yr = x[remaining], y[remaining]
        traj = peel(xr, yr, yr.sum())
        # the best box by F1 among those a rule may be (dense enough, covering enough of all runs'
        # positives): the unconstrained best is often the nearly whole space, which is then rejected
        scored = []
        for lo, hi in traj:
            f1, _, _ = _score(yr, inside := _inside(xr, lo, hi), yr.sum(), need)
            if f1 > 0.0 and yr[inside].sum() / total_pos >= MIN_COVERAGE:
                scored.append((f1, lo, hi))
        if not scored:
            break
        _, lo, hi = max(scored, key=lambda t: t[0])
        lo, hi = paste(xr, yr, lo, hi, yr.sum(), need)
        lo, hi = simplify(xr, yr, lo, hi, full_lo, full_hi, yr.sum(), need)
        in_box = _inside(x, lo, hi)
        _, cov, den = _score(y, in_box & remaining, total_pos)
        # a rule worth reading triples the base rate or closes a third of the way to certainty
        if cov < MIN_COVERAGE or den < need:
            break
        limits, rule = describe(lo, hi, full_lo, full_hi, names, kinds)
        if not limits:
            break
        boxes.append(Box(limits, rule, float(cov), float(den), int((in_box & remaining).sum())))
        remaining &= ~in_box
    return boxes


# --- what researchers read beside a box (EMA Workbench's Prim offers the same three) ----------------

RESAMPLES = 20  # stability: PRIM again on this many random halves of the runs (as EMA's Prim.resample)
RESAMPLE_SHARE = 0.5  # the share of the runs in each half


def peeling_trajectory(x: np.ndarray, y: np.ndarray) -> list[dict[str, float]]:
    """The first box's peeling trajectory over all runs: per step, coverage, density, mass (share of
    the runs in the box) and the number of restricted parameters (EMA's `peeling_trajectory`), so a
    reader can choose another point on the coverage-density trade-off than the reported rule."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    total = y.sum()
    full_lo, full_hi = x.min(axis=0), x.max(axis=0)
    rows = []
    for step, (lo, hi) in enumerate(peel(x, y, total)):
        mask = _inside(x, lo, hi)
        _, cov, den = _score(y, mask, total)
        restricted = int(np.sum((lo > full_lo) | (hi < full_hi)))
        rows.append({"step": step, "coverage": cov, "density": den, "mass": mask.mean(), "restricted": restricted})
    return rows


def significance(x: np.ndarray, y: np.ndarray, box: Box, names: list[str]) -> list[dict[str, Any]]:
    """For each restriction of `box`: the box's density with and without it, and the one-sided
    binomial quasi-p-value that the restriction adds nothing (the box's positives out of its runs
    against the density of the box without that restriction; Bryant & Lempert 2010; EMA's
    `qp_values`). "Quasi": the box was chosen on the same runs, so these are screening figures."""
    from scipy.stats import binom

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lo, hi = x.min(axis=0).copy(), x.max(axis=0).copy()
    for name, (a, b) in box.limits.items():
        j = names.index(name)
        lo[j], hi[j] = a, b
    inside = _inside(x, lo, hi)
    n, k = int(inside.sum()), int(y[inside].sum())
    rows = []
    for name in box.limits:
        j = names.index(name)
        lo2, hi2 = lo.copy(), hi.copy()
        lo2[j], hi2[j] = x[:, j].min(), x[:, j].max()
        wider = _inside(x, lo2, hi2)
        p0 = y[wider].mean() if wider.any() else 0.0
        rows.append(
            {
                "parameter": name,
                "limits": f"[{box.limits[name][0]:.3g}, {box.limits[name][1]:.3g}]",
                "density": k / n if n else float("nan"),
                "density_without": float(p0),
                "qp": float(binom.sf(k - 1, n, p0)) if n else float("nan"),
            }
        )
    return rows


def stability(
    x: np.ndarray, y: np.ndarray, names: list[str], kinds: list[str], first: Box | None, seed: int
) -> tuple[list[dict[str, Any]], float]:
    """PRIM on RESAMPLES random halves of the runs: per parameter, the share of halves whose first box
    restricts it; and the share of halves whose first box restricts exactly the parameters of the
    first box on all runs (EMA's `Prim.resample` reports the same two). Seeded, so reproducible."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    rng = np.random.default_rng(seed)
    counts = dict.fromkeys(names, 0)
    same = 0
    want = set(first.limits) if first is not None else set()
    for _ in range(RESAMPLES):
        idx = rng.choice(len(y), size=max(1, int(RESAMPLE_SHARE * len(y))), replace=False)
        boxes = discover(x[idx], y[idx], names, kinds)
        got = set(boxes[0].limits) if boxes else set()
        for name in got:
            counts[name] += 1
        same += got == want
    rows = [{"parameter": n, "restricted_share": counts[n] / RESAMPLES} for n in names]
    rows.sort(key=lambda r: -r["restricted_share"])
    return rows, same / RESAMPLES
