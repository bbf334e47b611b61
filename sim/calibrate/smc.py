"""ABC-SMC with pyabc (Klinger, Rickert & Hasenauer 2018): `[calibrate] sampler = "smc"`.

The same prior (the experiment's uniform ranges), the same simulations (a draw runs `replicates`
seeds on every arm of the patterns) and the same distance (the summed violation of the target
patterns) as the rejection sampler of `sim.calibrate.abc`; pyabc proposes each generation's draws
from the last one's particles and lowers the tolerance by a quantile of their distances until it
reaches the experiment's `tolerance`. Its populations live in pyabc's own database (`smc.db`); a
run that stops (Ctrl-C, a crash) resumes from its last complete generation.

A draw's seeds come from the experiment's root seed and the draw's values (its own SeedSequence), so
a draw is the same wherever it runs. Which draws are made depends on scheduling when pyabc runs in
parallel, so the sampler is deterministic only on one worker; on several workers its posterior is
checked against one worker's and the analytic one (tests/test_calibrate.py), and `county-sim
posterior-agreement` compares any two calibrations.

Importance weights in many dimensions degenerate: on the county's 84 parameters one particle of
generation 1 held 78% of the weight, and in generation 2 pyabc's kernel density underflowed to 0,
so a weight was infinite and the run stopped, twice (docs/calibration.md §5). `run` turns that into one
clear error that keeps the completed generations; `convergence.csv` reports each generation's
effective size so that a run which ends can be judged by it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import manifest as mf
from ..explore.design import _seed63 as seed63
from ..explore.experiment import Experiment
from ..scenario import ScenarioError
from .abc import Calibration, _posterior, fresh_statistics, target_distance, wilson

DB_NAME = "smc.db"
#: Each generation's tolerance: this quantile of the last generation's distances (pyabc's
#: QuantileEpsilon; 0.5 is its default and the usual choice, Beaumont et al. 2009).
EPS_QUANTILE = 0.5
#: Draws per Dask task (pyabc's batch_size). One draw a task spent 18 ms of Dask overhead on a
#: normal-mean draw of well under 1 ms (16,000 draws: 5 minutes); 8 a task took 76 s. (pyabc's
#: default_pickle=False, which would save more, hung in generation 0 here: kept at its default.) A
#: county draw takes about 2 s, so a task is about 16 s, and the draws a generation's last tasks
#: make beyond its population (at most workers x 8) are few against its hundreds.
DASK_BATCH = 8


def _support(v: Any) -> tuple[float, float]:
    """A varied parameter's uniform range as (loc, scale): integers over [low - 0.5, high + 0.5), rounded
    by the model, so that every integer is equally likely (as in the rejection sampler's design)."""
    if v.kind == "int":
        return v.low - 0.5, v.high - v.low + 1.0
    return v.low, v.high - v.low


# pyabc samples each parameter on the whole real line: z, standard logistic, and the parameter is
# loc + scale * expit(z), uniform over its range (the logistic is the uniform's logit). Its
# perturbation kernel (a multivariate normal fitted to the last generation) knows no bounds: on the
# ranges themselves it proposes a point inside all of them with probability p^k, p the chance for one
# range. For the county's 84 ranges p was 0.79 (generation 0 of calibrate_patterns_smc, 100,000
# proposals, none inside all 84; pyabc warned of prior density zero), so generation 1 never ended.
# In z every proposal is inside; the importance weights use the logistic prior, so the posterior of
# expit(z) is the posterior of the parameter.
def to_value(v: Any, z: float) -> float:
    """The parameter value of a sampled z (before an integer parameter is rounded)."""
    from scipy.special import expit

    loc, scale = _support(v)
    return float(loc + scale * expit(z))


def check(exp: Experiment) -> None:
    """What ABC-SMC cannot take: non-uniform priors (pyabc gets uniform ones here), and a population
    no larger than the number of parameters (the perturbation kernel would be singular)."""
    for v in exp.varied:
        if v.values is not None or v.distribution != "uniform":
            raise ScenarioError(
                f"{exp.path}: key 'vary.{v.name}': sampler = \"smc\" takes uniform ranges only"
                f" (got {'values' if v.values is not None else v.distribution})"
            )
    # pyabc's MultivariateNormalTransition is a covariance fitted to one generation's particles
    # (allow_singular=True): n particles span at most n - 1 directions, so with n - 1 < k parameters
    # every later generation is proposed inside the affine hull of the first and the posterior
    # can never leave it (Beaumont et al. 2009's kernel needs a full-rank covariance).
    k, n = len(exp.varied), int((exp.calibration or {}).get("population", 0))
    if n - 1 < k:
        raise ScenarioError(
            f"{exp.path}: key 'calibrate.population' must be more than the {k} varied parameters"
            f" (got {n}): pyabc's kernel is a covariance fitted to one generation, singular below"
            f" {k + 1} particles, and later generations could not leave the first one's span"
        )


class PatternModel:
    """What pyabc calls: a parameter dict in, the draw's pattern statistics and violations out."""

    def __init__(self, exp: Experiment):
        self.exp = exp

    def seeds(self, values: tuple[Any, ...], fresh: bool = False) -> list[int]:
        """The draw's `replicates` seeds; with `fresh`, the next `replicates` children of the same
        SeedSequence (seeds the sampler never saw: the held-back check's)."""
        digest = hashlib.sha256(np.asarray(values, dtype=np.float64).tobytes()).digest()
        key = int.from_bytes(digest[:8], "little")
        ss = np.random.SeedSequence([self.exp.seed, key])
        r = self.exp.replicates
        children = ss.spawn(2 * r)
        return [seed63(c) for c in (children[r:] if fresh else children[:r])]

    def values(self, pars: Any) -> tuple[Any, ...]:
        """The parameter values of pyabc's sampled z (see `to_value`); integers rounded."""
        out = []
        for v in self.exp.varied:
            x = to_value(v, float(pars[v.name]))
            out.append(int(min(max(np.floor(x + 0.5), v.low), v.high)) if v.kind == "int" else x)
        return tuple(out)

    def __call__(self, pars: Any) -> dict[str, float]:
        from ..explore.models import ChunkTask
        from .abc import distances

        exp = self.exp
        spec = exp.spec
        vals = self.values(pars)
        seeds = self.seeds(vals)
        base = spec.extra["task_base"](exp) if "task_base" in spec.extra else exp.scenario
        task = ChunkTask(0, exp.model, base, exp.names, tuple(vals for _ in seeds), tuple(seeds), exp.steps)
        res = spec.evaluate(task)
        runs = pd.DataFrame(res.outputs, columns=list(spec.outputs))
        runs.insert(0, "point", 0)
        st = distances(exp, runs)
        return {k: float(v) for k, v in st.iloc[0].items()}


def _distance(targets: list[str]):
    def distance(x: dict[str, float], x0: dict[str, float]) -> float:
        d = float(sum(x[f"v_{t}"] for t in targets))
        return d if d == d else float("inf")  # a violation that cannot be computed is never accepted

    return distance


def _sampler(backend: str, workers: int, scheduler: str | None) -> tuple[Any, Any]:
    from pyabc.sampler import DaskDistributedSampler, MulticoreEvalParallelSampler, SingleCoreSampler

    if backend == "dask":
        from distributed import Client, LocalCluster

        client = Client(scheduler) if scheduler else Client(LocalCluster(n_workers=workers, threads_per_worker=1))
        return DaskDistributedSampler(client, batch_size=DASK_BATCH), client
    if workers == 1:
        return SingleCoreSampler(), None
    return MulticoreEvalParallelSampler(n_procs=workers), None


def run(
    exp: Experiment,
    out: Path,
    backend: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    fresh: bool = False,
) -> tuple[Calibration, pd.DataFrame]:
    """Run (or resume) the ABC-SMC calibration into out/smc.db and return what it found."""
    import pyabc

    cal = exp.calibration or {}
    targets, holdout = list(cal["targets"]), list(cal.get("holdout", []))
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / DB_NAME
    if fresh:
        db_path.unlink(missing_ok=True)
    prior = pyabc.Distribution(**{v.name: pyabc.RV("logistic", 0.0, 1.0) for v in exp.varied})
    sampler, client = _sampler(backend, workers, scheduler)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    abc = pyabc.ABCSMC(
        PatternModel(exp),
        prior,
        _distance(targets),
        population_size=int(cal["population"]),
        eps=pyabc.epsilon.QuantileEpsilon(alpha=EPS_QUANTILE),
        sampler=sampler,
    )
    # "logit": the space pyabc samples in (see to_value); a store sampled on the ranges themselves is not resumed
    key = "|".join([exp.content_hash(), exp.spec.version(), str(cal["population"]), ",".join(sorted(targets)), "logit"])
    db = f"sqlite:///{db_path}"
    np.random.seed(exp.seed % 2**32)  # pyabc draws its proposals from NumPy's global generator
    try:
        if db_path.exists():
            try:
                stored = json.loads((out / "smc.json").read_text()).get("key")
            except (OSError, ValueError):
                stored = None
            if stored != key:
                raise ScenarioError(
                    f"--out {out}: {DB_NAME} holds an SMC run of other settings (experiment, model version or"
                    " population); give --fresh to discard it, or choose another --out"
                )
            history = abc.load(db, 1)
            done = history.max_t + 1
        else:
            history = abc.new(db, {})
            mf.write_json(out / "smc.json", {"key": key})
            done = 0
        left = int(cal["generations"]) - done
        last_eps = history.get_all_populations()["epsilon"].iloc[-1] if done else np.inf
        if left > 0 and last_eps > cal["tolerance"]:
            with warnings.catch_warnings():
                # prior / kernel density with the density underflowed to 0: the weight is infinite and
                # pyabc stops at the generation's end; the error below says why, once
                warnings.filterwarnings("ignore", "divide by zero", RuntimeWarning, r"pyabc\.")
                warnings.filterwarnings("ignore", "invalid value", RuntimeWarning, r"pyabc\.")
                try:
                    history = abc.run(minimum_epsilon=cal["tolerance"], max_nr_populations=left)
                except (AssertionError, ValueError, FloatingPointError) as e:
                    raise _degenerate(exp, db_path, abc.history, e) from None
    finally:
        if client is not None:
            client.close()
    return result(exp, history, targets, holdout, (out, workers, backend, scheduler))


def effective_sizes(history: Any) -> list[float]:
    """Each complete generation's effective sample size, 1 / sum w^2 of its normalised weights."""
    out = []
    for t in range(history.max_t + 1):
        w = history.get_weighted_distances(t)["w"].to_numpy(float)
        w = w / w.sum()
        out.append(float(1.0 / np.sum(w**2)))
    return out


def _degenerate(exp: Experiment, db_path: Path, history: Any, err: Exception) -> ScenarioError:
    """pyabc stopped inside a generation (in practice: a weight that is not finite). One line that
    says where, what the last complete generation's weights looked like, and what to do instead."""
    done = history.max_t + 1 if history is not None else 0
    n = int((exp.calibration or {})["population"])
    last = ""
    if done > 0:
        ess = effective_sizes(history)[-1]
        last = f"; generation {done - 1}'s effective size was {ess:.1f} of {n} particles"
    return ScenarioError(
        f"{exp.path}: ABC-SMC stopped in generation {done} ({err}): its importance weights degenerated"
        f" over {len(exp.varied)} parameters (a kernel density underflows to 0){last}. The"
        f" {done} complete generation(s) are kept in {db_path}; a calibration whose patterns constrain few of"
        f' its parameters needs sampler = "rejection" (docs/calibration.md §5)'
    )


def result(
    exp: Experiment,
    history: Any,
    targets: list[str],
    holdout: list[str],
    fresh_check: tuple[Path, int, str, str | None] | None = None,
) -> tuple[Calibration, pd.DataFrame]:
    """The last generation as a Calibration (weighted particles, posterior against a prior sample),
    and that prior sample. With `fresh_check` (out, workers, backend, scheduler) every kept particle
    is run again on fresh seeds, as the rejection sampler's accepted sets are: the "accepted" shares of
    validation.csv are then free of the winner's curse, and "accepted, same seeds" gives the shares
    on the statistics the particles were accepted on."""
    cal = exp.calibration or {}
    t = history.max_t
    particles = history.get_population(t=t).get_particles_by_model()[0]  # one model: parameters, weights
    zs = pd.DataFrame([dict(p.parameter) for p in particles])  # sampled z, and statistics, particle by particle
    params = pd.DataFrame({v.name: [to_value(v, z) for z in zs[v.name]] for v in exp.varied})
    w = np.array([p.weight for p in particles], dtype=float)
    w /= w.sum()
    st = pd.DataFrame([p.sum_stat for p in particles])
    model = PatternModel(exp)
    # keep the particles within the asked tolerance (the last generation's is looser if the run stopped
    # on `generations`): importance weights restricted and renormalised, so that the posterior has the
    # rejection sampler's target. (With tolerance 0 the last tolerance cannot undershoot it.)
    d_all = target_distance(st, targets)
    keep = d_all <= float(cal["tolerance"])
    if not keep.any():
        raise ScenarioError(
            f"{exp.path}: ABC-SMC stopped at tolerance {float(np.max(d_all)):g} after {t + 1} generations, and no"
            f" particle is within the asked {cal['tolerance']:g}; raise [calibrate] generations and run again"
            " (it resumes)"
        )
    particles = [p for p, k in zip(particles, keep, strict=True) if k]
    zs, params, st = (x[keep].reset_index(drop=True) for x in (zs, params, st))
    w = w[keep] / w[keep].sum()
    table = pd.DataFrame({"row": np.arange(len(params)), "point": -1, "weight": w})
    table["seed"] = [model.seeds(model.values(r))[0] for _, r in zs.iterrows()]  # a model seed: --exact-seed
    table["distance"] = st[[f"v_{x}" for x in targets]].sum(axis=1).to_numpy()
    for name in [*targets, *holdout]:
        table[f"v_{name}"] = st[f"v_{name}"].to_numpy()
    for v in exp.varied:
        col = params[v.name].to_numpy(float)
        table[v.name] = np.clip(np.rint(col), v.low, v.high).astype(int) if v.kind == "int" else col
    rng = np.random.default_rng([exp.seed, 17])
    # the prior sample shown in the figures and compared with the posterior: [design] n uniform draws
    # (the SMC run itself keeps only accepted particles)
    draws = pd.DataFrame({v.name: rng.uniform(v.low, v.high, int(exp.design["n"])) for v in exp.varied})
    posterior = _posterior(draws, table, exp, reference=draws, weights=w)
    n_eff = 1.0 / float(np.sum(w**2))
    fresh = None
    if fresh_check is not None:
        out, workers, backend, scheduler = fresh_check
        thetas = [model.values(r) for _, r in zs.iterrows()]
        fresh = fresh_statistics(
            exp, thetas, [model.seeds(t, fresh=True) for t in thetas], out, workers, backend, scheduler
        )
        for name in [*targets, *holdout]:
            table[f"fresh_v_{name}"] = fresh[f"v_{name}"].to_numpy()

    def row(name: str, role: str, sets: str, v: np.ndarray) -> dict[str, Any]:
        # a weighted share: weights summing to 1 in floating point can make it 1.0000000000000002
        share = min(1.0, max(0.0, float(np.sum(w * (v <= 0)))))
        lo, hi = wilson(round(share * n_eff), round(n_eff))
        return {
            "pattern": name,
            "role": role,
            "sets": sets,
            "n": round(n_eff),
            "reproduced": round(share * n_eff),
            "share": share,
            "ci_low": lo,
            "ci_high": hi,
        }

    rows = []
    for name, role in [*((x, "target") for x in targets), *((x, "holdout") for x in holdout)]:
        if fresh is not None:
            rows.append(row(name, role, "accepted", fresh[f"v_{name}"].to_numpy()))
        same = "accepted, same seeds" if fresh is not None else "accepted"
        rows.append(row(name, role, same, st[f"v_{name}"].to_numpy()))
        nan = float("nan")  # SMC keeps no record of the prior draws' patterns
        rows.append(
            {
                "pattern": name,
                "role": role,
                "sets": "prior",
                "n": 0,
                "reproduced": 0,
                "share": nan,
                "ci_low": nan,
                "ci_high": nan,
            }
        )
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    conv = pd.DataFrame(
        {
            "generation": pops["t"].to_numpy(),
            "epsilon": pops["epsilon"].to_numpy(),
            "simulations": pops["samples"].to_numpy(),
            "particles": pops["particles"].to_numpy() if "particles" in pops else len(w),
        }
    )
    conv["acceptance"] = conv["particles"] / conv["simulations"]
    # a generation's effective size: how many equally weighted particles its weighted ones are worth
    conv["effective_size"] = effective_sizes(history)
    statistics = st.assign(weight=w, distance=table["distance"].to_numpy())
    return Calibration(
        draws=int(conv["simulations"].sum()),
        accepted=table,
        posterior=posterior,
        validation=pd.DataFrame(rows),
        convergence=conv,
        statistics=statistics,
        targets=targets,
        holdout=holdout,
        tolerance=float(cal["tolerance"]),
    ), draws
