"""Designs (grid, Latin hypercube, Sobol'/Saltelli, Morris via SALib), seeds and run ids.

Samplers draw in the unit hypercube (SALib with bounds [0, 1]); each column is then mapped to its
parameter's range through the inverse CDF of its distribution. Integers take equal-width bins
(every integer in the range equally likely), so "rounding" never halves the end values.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .experiment import Experiment, Varied


@dataclass(frozen=True)
class Design:
    """The points of an experiment: varied values per point and, for sampled designs, the unit
    hypercube matrix SALib's analyzers need."""

    names: tuple[str, ...]
    values: list[tuple[Any, ...]]
    unit: np.ndarray | None
    problem: dict[str, Any]

    def __len__(self) -> int:
        return len(self.values)


def problem(names: tuple[str, ...]) -> dict[str, Any]:
    """SALib's problem dict on the unit hypercube."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def n_points(exp: Experiment) -> int:
    """Number of design points (before replicates)."""
    d = len(exp.varied)
    m = exp.design
    if exp.method == "grid":
        return math.prod(len(v.values or ()) for v in exp.varied)
    if exp.method == "lhs":
        return m["n"]
    if exp.method == "sobol":
        return m["n"] * (2 * d + 2 if m["second_order"] else d + 2)
    return m.get("optimal_trajectories", m["trajectories"]) * (d + 1)


def to_values(v: Varied, u: np.ndarray) -> list[Any]:
    """Map unit-interval samples to the parameter's range through its distribution's inverse CDF."""
    from scipy import stats

    lo, hi = float(v.low), float(v.high)  # type: ignore[arg-type]
    u = np.clip(u, 0.0, 1.0)
    if v.kind == "int":
        ilo, ihi = math.ceil(lo), math.floor(hi)
        return [int(min(math.floor(ilo + x * (ihi - ilo + 1)), ihi)) for x in u]
    if v.distribution == "triangular":
        x = stats.triang.ppf(u, c=(v.mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
    elif v.distribution == "truncnorm":
        x = stats.truncnorm.ppf(u, (lo - v.mean) / v.sd, (hi - v.mean) / v.sd, loc=v.mean, scale=v.sd)
    else:
        x = lo + u * (hi - lo)
    return [float(a) for a in np.clip(x, lo, hi)]


def unit_sample(exp: Experiment) -> np.ndarray:
    """The design in the unit hypercube, one row per point, from SALib's samplers."""
    names = exp.names
    prob = problem(names)
    m = exp.design
    seed = exp.seed
    if exp.method == "lhs":
        from SALib.sample import latin

        return latin.sample(prob, m["n"], seed=seed)
    if exp.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(prob, m["n"], calc_second_order=m["second_order"], scramble=True, seed=seed)
    from SALib.sample import morris

    return morris.sample(
        prob, m["trajectories"], num_levels=m["levels"], optimal_trajectories=m.get("optimal_trajectories"), seed=seed
    )


def build_design(exp: Experiment) -> Design:
    """Every point of the experiment's design, in a fixed order."""
    names = exp.names
    if exp.method == "grid":
        values = list(itertools.product(*(v.values or () for v in exp.varied)))
        return Design(names, values, None, problem(names))
    unit = unit_sample(exp)
    cols = [to_values(v, unit[:, j]) for j, v in enumerate(exp.varied)]
    return Design(names, list(zip(*cols, strict=True)), unit, problem(names))


def _seed63(ss: np.random.SeedSequence) -> int:
    return int(ss.generate_state(2, np.uint32).view(np.uint64)[0] >> np.uint64(1))


def run_seed(root: int, point: int, replicate: int) -> int:
    """The `--seed` that reruns (point i, replicate r) alone with `county-sim run`:
    SeedSequence(root, spawn_key=(i, r)), the r-th child of the i-th child of the experiment's root
    seed, as a 63-bit plain int."""
    return _seed63(np.random.SeedSequence(root, spawn_key=(point, replicate)))


def point_seed(root: int, point: int, replicate: int) -> int:
    """The model seed of (point i, replicate r): replicate 0 of `run_seed(root, i, r)`, i.e.
    `sim.replicate_seed(run_seed(root, i, r), 0)`, so that `county-sim run BASE --seed <run_seed>
    --set ...` and `sim.run(scenario, seed=<seed>)` both give that run's numbers."""
    return _seed63(np.random.SeedSequence(run_seed(root, point, replicate)).spawn(1)[0])


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=list)


def run_id_base(exp: Experiment) -> hashlib._Hash:
    """The hash state shared by every run of an experiment: model version, every fixed parameter
    value, the events and the horizon."""
    spec = exp.spec
    h = hashlib.sha256()
    h.update(spec.version().encode())
    h.update(b"\0")
    if exp.scenario is not None:
        sc = exp.scenario
        fixed = {k: v for k, v in sc.params.items() if k not in exp.names}
        h.update(_canon({"params": fixed, "events": [e.__dict__ for e in sc.events], "steps": sc.steps}).encode())
    else:
        h.update(_canon({"steps": exp.steps}).encode())
    h.update(b"\0")
    return h


def run_ids(exp: Experiment, design: Design, seeds: np.ndarray) -> list[str]:
    """Run id of every (point, replicate): hash of the model version, the exact parameter values
    (fixed and varied), the horizon and the seed. `seeds` has shape (points, replicates)."""
    base = run_id_base(exp)
    out = []
    names = list(design.names)
    for i, vals in enumerate(design.values):
        hp = base.copy()
        hp.update(_canon(dict(zip(names, vals, strict=True))).encode())
        for s in seeds[i]:
            h = hp.copy()
            h.update(b"\0seed=%d" % int(s))
            out.append(h.hexdigest()[:32])
    return out


def all_seeds(exp: Experiment, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(run seeds, model seeds) of every point and replicate, each of shape (n, replicates)."""
    runs = np.empty((n, exp.replicates), dtype=np.int64)
    seeds = np.empty((n, exp.replicates), dtype=np.int64)
    for i in range(n):
        for r in range(exp.replicates):
            runs[i, r] = rs = run_seed(exp.seed, i, r)
            seeds[i, r] = _seed63(np.random.SeedSequence(rs).spawn(1)[0])
    return runs, seeds
