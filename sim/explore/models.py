"""What a sweep evaluates: the county model (batched, no Mesa agents) or a test function.

A model is a `ModelSpec`: its parameter registry, the output columns it returns per run, and an
`evaluate(task) -> ChunkResult` that runs one chunk of runs. The runner, store and analysis only
see this interface, so the Ishigami function (known Sobol indices) goes through the same code path
as the county model; that is how the pipeline is checked against SALib.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..params import PARAMS, Param
from ..record import COLUMN, SUMMARY_COLUMNS, SUMMARY_EXTRA

#: Test-only hook: when this variable names a file that does not exist yet, the first worker to
#: evaluate a chunk creates the file and dies with os._exit, as a crashed worker would (the tests
#: check that a sweep survives it without hanging or losing runs). Unset in normal use.
KILL_ONCE_ENV = "COUNTY_SIM_TEST_KILL_WORKER_ONCE"
#: Model sources whose content defines the model version that run ids are keyed on.
MODEL_SOURCES: tuple[str, ...] = (
    "agents.py",
    "model.py",
    "npx.py",
    "params.py",
    "record.py",
    "scenario.py",
    "state.py",
    "trajectory.py",
    "rules/*.py",
    "model2/*.py",
)


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of runs sharing the base scenario, the horizon and the size parameters."""

    index: int
    model: str
    base: Any  # a Scenario for the county model; None for test functions
    names: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]  # one tuple of varied values per run
    seeds: tuple[int, ...]
    steps: int
    save_series: bool = False


@dataclass
class ChunkResult:
    """Outputs of a chunk: one row per run in `ModelSpec.outputs` order (NaN for missing), the
    real-performance trajectory per run (float32) and, if asked, the full series blobs."""

    outputs: np.ndarray
    perf: np.ndarray | None = None
    series: list[bytes] | None = None


@dataclass(frozen=True)
class ModelSpec:
    """A model a sweep can evaluate."""

    name: str
    params: Mapping[str, Param]
    outputs: tuple[str, ...]
    int_outputs: frozenset[str]
    bool_outputs: frozenset[str]
    default_outputs: tuple[str, ...]
    evaluate: Callable[[ChunkTask], ChunkResult]
    version: Callable[[], str]
    needs_scenario: bool = True
    has_series: bool = True
    describe: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _maybe_die() -> None:
    """The test-only crash hook (see KILL_ONCE_ENV)."""
    marker = os.environ.get(KILL_ONCE_ENV)
    if not marker:
        return
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    os._exit(17)


# ---------------------------------------------------------------------------------------------
# The county model
# ---------------------------------------------------------------------------------------------

#: Every summary column but the seed; the last three only Model 2 computes (Model 1 leaves them empty).
COUNTY_OUTPUTS: tuple[str, ...] = tuple(c for c in SUMMARY_COLUMNS if c != "seed") + SUMMARY_EXTRA
COUNTY_DEFAULT_OUTPUTS: tuple[str, ...] = (
    "trajectory_score",
    "sustained",
    "final_real_performance",
    "final_satisfaction",
    "gap_closure",
    "final_coupling_degree",
)
PHASE_CODES: dict[str, int] = {"none": 0, "start": 1, "build": 2, "activate": 3, "deliver": 4}


def county_version() -> str:
    """Package version plus a hash of the model's source files: run ids change when the model does."""
    from .. import __version__

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for pattern in MODEL_SOURCES:
        for path in sorted(root.glob(pattern)):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return f"county-sim {__version__} model {h.hexdigest()[:16]}"


def county_scenarios(task: ChunkTask) -> list[Any]:
    """The scenarios of a chunk: the base with each run's varied values."""
    base = task.base
    return [base.with_overrides(**dict(zip(task.names, vals, strict=True))) for vals in task.values]


def evaluate_county(task: ChunkTask) -> ChunkResult:
    """Run a chunk of the county model stepped together (the engine of `sim.run_batch`)."""
    from ..model import make_engine

    _maybe_die()
    scenarios = county_scenarios(task)
    engine = make_engine(scenarios, list(task.seeds), task.steps)
    for _ in range(engine.steps):
        engine.step()
    results = engine.results(with_series=task.save_series)
    out = np.full((len(results), len(COUNTY_OUTPUTS)), np.nan)
    for i, (_, summary) in enumerate(results):
        for j, col in enumerate(COUNTY_OUTPUTS):
            v = summary.get(col)
            if v is not None:
                out[i, j] = float(v)
    perf = np.ascontiguousarray(engine.recorder.data[:, :, COLUMN["real_performance"]].T, dtype=np.float32)
    series = None
    if task.save_series:
        series = [pack_series(frame) for frame, _ in results]
    return ChunkResult(out, perf, series)


def pack_series(frame: Any) -> bytes:
    """A run's series as bytes: float64 (steps+1, measures+gap_closure) then uint8 phase codes."""
    from ..record import MEASURES

    numeric = frame[[*MEASURES, "gap_closure"]].to_numpy(dtype=np.float64)
    phases = np.array([PHASE_CODES[p] for p in frame["phase"]], dtype=np.uint8)
    head = np.array(numeric.shape, dtype=np.int64).tobytes()
    return head + numeric.tobytes() + phases.tobytes()


def unpack_series(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(numeric (steps+1, k) float64, phase codes (steps+1,) uint8) from `pack_series` bytes."""
    rows, cols = np.frombuffer(blob[:16], dtype=np.int64)
    n = int(rows) * int(cols) * 8
    numeric = np.frombuffer(blob[16 : 16 + n], dtype=np.float64).reshape(int(rows), int(cols))
    phases = np.frombuffer(blob[16 + n :], dtype=np.uint8)
    return numeric, phases


# ---------------------------------------------------------------------------------------------
# The Ishigami function (Ishigami & Homma 1990): analytic Sobol indices, to check the pipeline
# ---------------------------------------------------------------------------------------------

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1
_PI = math.pi
ISHIGAMI_PARAMS: dict[str, Param] = {
    f"x{i}": Param(f"x{i}", 0.0, -_PI, _PI, "float", "lever", "", f"Ishigami input x{i}", "Ishigami & Homma 1990")
    for i in (1, 2, 3)
}


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, dict[str, float]]:
    """The analytic first-order and total indices of the Ishigami function with uniform inputs on
    [-pi, pi] (Sobol & Levitan 1999): V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8,
    V13 = b^2 pi^8 (1/18 - 1/50), V = V1 + V2 + V13."""
    v1 = 0.5 * (1 + b * _PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * _PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {
        "S1": {"x1": v1 / v, "x2": v2 / v, "x3": 0.0},
        "ST": {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v},
        "S2": {"x1,x3": v13 / v, "x1,x2": 0.0, "x2,x3": 0.0},
    }


def evaluate_ishigami(task: ChunkTask) -> ChunkResult:
    """y = sin x1 + a sin^2 x2 + b x3^4 sin x1 for each run of the chunk (the seed is unused)."""
    _maybe_die()
    x = {n: np.array([v[i] for v in task.values], dtype=float) for i, n in enumerate(task.names)}
    for name in ISHIGAMI_PARAMS:
        x.setdefault(name, np.zeros(len(task.values)))
    y = np.sin(x["x1"]) + ISHIGAMI_A * np.sin(x["x2"]) ** 2 + ISHIGAMI_B * x["x3"] ** 4 * np.sin(x["x1"])
    return ChunkResult(y[:, None])


ISHIGAMI_NOISE_SD = 2.0


def evaluate_ishigami_noisy(task: ChunkTask) -> ChunkResult:
    """The Ishigami function plus N(0, ISHIGAMI_NOISE_SD^2) noise drawn from each run's seed: a
    stochastic simulator whose mean response has the analytic indices of `ishigami_indices`
    (checks the replicate-noise correction of the Sobol' indices; Hart et al. 2017)."""
    res = evaluate_ishigami(task)
    eps = np.array([np.random.default_rng(int(s)).standard_normal() for s in task.seeds])
    return ChunkResult(res.outputs + ISHIGAMI_NOISE_SD * eps[:, None])


MODELS: dict[str, ModelSpec] = {
    "county": ModelSpec(
        name="county",
        params=PARAMS,
        outputs=COUNTY_OUTPUTS,
        int_outputs=frozenset({"t_start", "t_build", "t_activate", "t_deliver", "t_relapse"}),
        bool_outputs=frozenset({"sustained"}),
        default_outputs=COUNTY_DEFAULT_OUTPUTS,
        evaluate=evaluate_county,
        version=county_version,
        describe="the county model (sim.run_batch's engine)",
    ),
    "ishigami": ModelSpec(
        name="ishigami",
        params=ISHIGAMI_PARAMS,
        outputs=("y",),
        int_outputs=frozenset(),
        bool_outputs=frozenset(),
        default_outputs=("y",),
        evaluate=evaluate_ishigami,
        version=lambda: f"ishigami a={ISHIGAMI_A} b={ISHIGAMI_B}",
        needs_scenario=False,
        has_series=False,
        describe="the Ishigami test function (analytic Sobol indices), to check the pipeline",
    ),
}


MODELS["ishigami_noisy"] = dataclasses.replace(
    MODELS["ishigami"],
    name="ishigami_noisy",
    evaluate=evaluate_ishigami_noisy,
    version=lambda: f"ishigami a={ISHIGAMI_A} b={ISHIGAMI_B} noise sd={ISHIGAMI_NOISE_SD}",
    describe="the Ishigami function plus Gaussian noise per run, to check the noise correction",
)


# ---------------------------------------------------------------------------------------------
# A normal mean with known variance: a model whose ABC posterior is analytic (checks `calibrate`)
# ---------------------------------------------------------------------------------------------

#: Observations per simulated data set, and the observed sample mean the toy calibration targets.
NORMAL_N, NORMAL_OBSERVED, NORMAL_TOLERANCE = 25, 1.0, 0.02
NORMAL_PARAMS: dict[str, Param] = {
    "mu": Param("mu", 0.0, -3.0, 3.0, "float", "rate", "", "mean of the observations", "test model"),
    "nuisance": Param("nuisance", 0.5, 0.0, 1.0, "float", "rate", "", "read by nothing: unidentifiable", "test model"),
}


def evaluate_normal_mean(task: ChunkTask) -> ChunkResult:
    """The mean of NORMAL_N draws from N(mu, 1), from each run's seed: xbar ~ N(mu, 1/NORMAL_N). With a
    uniform prior on mu, the posterior given xbar = NORMAL_OBSERVED is N(NORMAL_OBSERVED, 1/NORMAL_N)
    (truncated to the prior's range); `nuisance` does not enter, so its posterior is its prior."""
    _maybe_die()
    j = task.names.index("mu") if "mu" in task.names else None
    mu = np.array([v[j] if j is not None else 0.0 for v in task.values], dtype=float)
    xbar = np.array([np.random.default_rng(int(s)).standard_normal(NORMAL_N).mean() for s in task.seeds])
    return ChunkResult((mu + xbar)[:, None])


def _normal_statistics(runs: Any) -> Any:
    return runs.groupby("point", sort=True)[["xbar"]].mean()


def _normal_violation(st: Any) -> np.ndarray:
    """|xbar - observed| beyond the tolerance: rejection ABC with a uniform kernel of that half-width."""
    return np.maximum(0.0, np.abs(st["xbar"].to_numpy() - NORMAL_OBSERVED) - NORMAL_TOLERANCE)


def _patterns_spec() -> ModelSpec:
    from ..calibrate import patterns as pt

    return ModelSpec(
        name="county_patterns",
        params=PARAMS,
        outputs=pt.OUTPUTS,
        int_outputs=pt.INT_OUTPUTS,
        bool_outputs=pt.BOOL_OUTPUTS,
        default_outputs=pt.OUTPUTS,
        evaluate=pt.evaluate_patterns,
        version=pt.patterns_version,
        has_series=False,
        describe="the county model on every arm of the patterns of docs/MODEL.md §7 (for calibrate)",
        extra={
            "statistics": pt.county_statistics,
            "patterns": pt.COUNTY_PATTERNS,
            "task_base": lambda exp: pt.PatternBase(exp.scenario, dict(exp.fixed), exp.steps),
            "arm_keys": pt.arm_keys,
            "sims_per_run": len(pt.ARMS),
        },
    )


def _normal_spec() -> ModelSpec:
    from ..calibrate.patterns import Pattern

    return ModelSpec(
        name="normal_mean",
        params=NORMAL_PARAMS,
        outputs=("xbar",),
        int_outputs=frozenset(),
        bool_outputs=frozenset(),
        default_outputs=("xbar",),
        evaluate=evaluate_normal_mean,
        version=lambda: f"normal mean n={NORMAL_N}",
        needs_scenario=False,
        has_series=False,
        describe="the mean of 25 normal draws (analytic ABC posterior), to check calibrate",
        extra={
            "statistics": _normal_statistics,
            "patterns": {
                "mean": Pattern(
                    1, "mean", f"the sample mean within {NORMAL_TOLERANCE} of {NORMAL_OBSERVED}", _normal_violation
                )
            },
        },
    )


MODELS["county_patterns"] = _patterns_spec()
MODELS["normal_mean"] = _normal_spec()


def evaluate_chunk(task: ChunkTask) -> tuple[int, ChunkResult]:
    """Evaluate one chunk with its model; what backends send to workers."""
    return task.index, MODELS[task.model].evaluate(task)


def output_row(spec: ModelSpec, row: Sequence[float]) -> list[Any]:
    """One run's outputs as stored: ints and bools as Python ints, missing as None."""
    out: list[Any] = []
    for col, v in zip(spec.outputs, row, strict=True):
        if v != v:  # NaN: a phase never reached
            out.append(None)
        elif col in spec.int_outputs or col in spec.bool_outputs:
            out.append(int(v))
        else:
            out.append(float(v))
    return out
