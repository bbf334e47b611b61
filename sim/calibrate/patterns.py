"""The patterns of docs/MODEL.md §7 (1-5) as a model a sweep can evaluate, and as distances.

One run of the `county_patterns` model is one parameter set with one seed, run on every *arm*: the
scenarios the patterns compare (the trap, L County, L County at four levels of reform resolve, no
action base, frozen performance management, closed channels). All arms of a run share its seed
(common random numbers), and they are stepped together in one batch. A run's outputs are the few
figures per arm that the patterns read, named `arm.field`.

A parameter set's pattern statistics pool its replicates (shares, medians, means over seeds); each
pattern's *violation* is zero when the pattern holds and grows with how far it is missed, clause by
clause (Hartig et al. 2011: patterns as inequalities, the distance as the amount violated). The
thresholds are docs/MODEL.md §7's, fixed before the model existed.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: A pattern's share thresholds and effect sizes, as docs/MODEL.md §7 states them.
TRAP_SUSTAIN_MAX = 0.05  # pattern 1: at most 5% of seeds sustain without new drive
TRAP_WITHIN = 0.05  # pattern 1: final real performance within 0.05 of the start ...
TRAP_WITHIN_SHARE = 0.95  # ... in at least 95% of seeds
START_SUSTAIN_MIN = 2 / 3  # pattern 2: L County sustains in at least two thirds of seeds
START_MONTH_MAX = 12  # pattern 2: starting within the first year (median start month)
ACTIVATE_IQR_MIN = 3  # pattern 2: activation month's interquartile range at least 3 months
RESOLVE_LEVELS = (0.4, 0.5, 0.6, 0.7)  # pattern 2: reform_resolve levels 0.1 apart
RESOLVE_BAND = (0.1, 0.9)  # pattern 2: the share sustaining strictly between these at two neighbours
PREREQ_START_MIN = 0.5  # pattern 3: without the action base the county still starts (half the seeds)
PREREQ_SUSTAIN_RATIO = 1 / 3  # pattern 3: sustains at most a third as often as L County
PM_SUSTAIN_RATIO = 1 / 2  # pattern 4: with PM frozen, at most half as often
CLEARLY_ABS = 0.05  # "clearly lower": by at least 0.05 ...
CLEARLY_GAIN = 0.25  # ... and by at least a quarter of L County's own gain
GAP_RATIO = 2.0  # pattern 5: closed channels' assessed-real gap at least twice L County's ...
GAP_MIN = 0.05  # ... and at least 0.05


@dataclass(frozen=True)
class Arm:
    """One scenario the patterns compare: a scenario file with overrides, and the fields it records."""

    name: str
    scenario: str  # a scenario name; "" is the experiment's own base scenario (L County)
    overrides: dict[str, Any] = field(default_factory=dict)
    fields: tuple[str, ...] = ("sustained",)


ARMS: tuple[Arm, ...] = (
    Arm("status_quo", "status_quo", fields=("sustained", "real0", "real")),
    Arm("l_county", "", fields=("sustained", "t_start", "t_activate", "real0", "real", "assessed", "sat0", "sat")),
    *(Arm(f"resolve_{r}", "", {"reform_resolve": r}) for r in RESOLVE_LEVELS),
    Arm("no_action_base", "no_action_base", fields=("sustained", "t_start", "real")),
    Arm("frozen_pm", "frozen_pm", fields=("sustained", "real")),
    Arm("closed_channels", "closed_channels", fields=("real", "assessed", "sat")),
)


@functools.cache
def arm_keys() -> frozenset[str]:
    """Every parameter by which an arm differs from L County (its file's values or its overrides): a
    calibration may not vary or fix these, since one value for all arms would erase the difference."""
    from ..scenario import load_scenario

    ref = load_scenario("l_county", model_version=2).params
    keys = set()
    for arm in ARMS:
        keys |= set(arm.overrides)
        if arm.scenario:
            params = load_scenario(arm.scenario, model_version=2).params
            keys |= {k for k, v in params.items() if ref.get(k) != v}
    return frozenset(keys)


OUTPUTS: tuple[str, ...] = tuple(f"{a.name}.{f}" for a in ARMS for f in a.fields)
INT_OUTPUTS = frozenset(o for o in OUTPUTS if o.split(".")[1].startswith("t_"))
BOOL_OUTPUTS = frozenset(o for o in OUTPUTS if o.endswith(".sustained"))
#: Output meanings, for the data dictionary.
FIELD_MEANING = {
    "sustained": "1 if the run sustained the start-build-activate-deliver trajectory",
    "t_start": "month the start phase began (empty if never)",
    "t_activate": "month the activate phase began (empty if never)",
    "real0": "real performance at month 0",
    "real": "real performance at the last month",
    "assessed": "assessed performance at the last month",
    "sat0": "citizens' mean satisfaction at month 0",
    "sat": "citizens' mean satisfaction at the last month",
}


@dataclass(frozen=True)
class PatternBase:
    """What every chunk of a calibration shares: the reference county and the fixed parameters."""

    reference: Any  # the experiment's base Scenario (L County with its [set] applied)
    fixed: dict[str, Any]
    steps: int


def arm_scenarios(base: PatternBase) -> list[Any]:
    """The arms' scenarios for the fixed parameters (before a run's varied values)."""
    from ..scenario import load_scenario

    out = []
    for arm in ARMS:
        sc = base.reference if not arm.scenario else load_scenario(arm.scenario, model_version=2)
        over = {**({} if not arm.scenario else base.fixed), **arm.overrides}
        out.append(sc.with_overrides(**over) if over else sc)
    return out


def evaluate_patterns(task: Any) -> Any:
    """Run each (parameter set, seed) of the chunk on every arm, all in one batch."""
    from ..explore.models import ChunkResult, _maybe_die
    from ..model import make_engine
    from ..model2.readout import COL

    _maybe_die()
    arms = arm_scenarios(task.base)
    scenarios, seeds = [], []
    for vals, seed in zip(task.values, task.seeds, strict=True):
        theta = dict(zip(task.names, vals, strict=True))
        for sc in arms:
            scenarios.append(sc.with_overrides(**theta) if theta else sc)
            seeds.append(int(seed))
    engine = make_engine(scenarios, seeds, task.steps)
    for _ in range(engine.steps):
        engine.step()
    data = engine.recorder.data
    results = engine.results(with_series=False)
    out = np.full((len(task.values), len(OUTPUTS)), np.nan)
    for i in range(len(task.values)):
        j = 0
        for a, arm in enumerate(ARMS):
            b = i * len(ARMS) + a
            summary = results[b][1]
            for f in arm.fields:
                if f == "real0":
                    v = data[0, b, COL["real_performance"]]
                elif f == "sat0":
                    v = data[0, b, COL["satisfaction"]]
                else:
                    key = {
                        "real": "final_real_performance",
                        "assessed": "final_assessed_performance",
                        "sat": "final_satisfaction",
                    }.get(f, f)
                    v = summary.get(key)
                out[i, j] = np.nan if v is None else float(v)
                j += 1
    return ChunkResult(out)


def patterns_version() -> str:
    """The county model's version plus this file's: stored runs are reused only if both match."""
    from ..explore.models import county_version

    h = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return f"{county_version()} patterns {h}"


# ---------------------------------------------------------------------------------------------
# Statistics per parameter set and violations per pattern
# ---------------------------------------------------------------------------------------------


def _by_point(runs: pd.DataFrame) -> Any:
    return runs.groupby("point", sort=True)


def county_statistics(runs: pd.DataFrame) -> pd.DataFrame:
    """The pattern statistics of each parameter set (one row per point), pooled over its replicates."""
    g = _by_point(runs)

    def share(col: str) -> pd.Series:
        return g[col].mean()

    lc_real, lc_real0 = runs["l_county.real"], runs["l_county.real0"]
    runs = runs.assign(
        _sq_within=((runs["status_quo.real"] - runs["status_quo.real0"]).abs() < TRAP_WITHIN).astype(float),
        _lc_gain=lc_real - lc_real0,
        _lc_sat_gain=runs["l_county.sat"] - runs["l_county.sat0"],
        _lc_gap=runs["l_county.assessed"] - lc_real,
        _cc_gap=runs["closed_channels.assessed"] - runs["closed_channels.real"],
        _nab_started=runs["no_action_base.t_start"].notna().astype(float),
    )
    g = _by_point(runs)
    act = g["l_county.t_activate"]
    st = pd.DataFrame(
        {
            "trap_sustain": share("status_quo.sustained"),
            "trap_within": g["_sq_within"].mean(),
            "lc_sustain": share("l_county.sustained"),
            "lc_start_median": g["l_county.t_start"].median(),
            "lc_activate_iqr": act.quantile(0.75) - act.quantile(0.25),
            **{f"resolve_{r}_sustain": share(f"resolve_{r}.sustained") for r in RESOLVE_LEVELS},
            "lc_gain": g["_lc_gain"].mean(),
            "lc_real": g["l_county.real"].mean(),
            "nab_start": g["_nab_started"].mean(),
            "nab_sustain": share("no_action_base.sustained"),
            "nab_real": g["no_action_base.real"].mean(),
            "fp_sustain": share("frozen_pm.sustained"),
            "fp_real": g["frozen_pm.real"].mean(),
            "lc_gap": g["_lc_gap"].mean(),
            "cc_gap": g["_cc_gap"].mean(),
            "lc_sat": g["l_county.sat"].mean(),
            "lc_sat_gain": g["_lc_sat_gain"].mean(),
            "cc_sat": g["closed_channels.sat"].mean(),
        }
    )
    st.index.name = "point"
    return st


def _pos(x: Any) -> np.ndarray:
    return np.maximum(0.0, np.asarray(x, dtype=float))


def _clearly_lower(base: pd.Series, other: pd.Series, gain: pd.Series) -> np.ndarray:
    """How far `other` misses being lower than `base` by CLEARLY_ABS and by CLEARLY_GAIN of the gain."""
    drop = base - other
    return _pos(CLEARLY_ABS - drop) + _pos(CLEARLY_GAIN * gain - drop)


def _band_miss(share: pd.Series) -> np.ndarray:
    lo, hi = RESOLVE_BAND
    return _pos(lo - share) + _pos(share - hi)


def v_trap(st: pd.DataFrame) -> np.ndarray:
    """Pattern 1: without new drive at most 5% sustain, and 95% end within 0.05 of the start."""
    return _pos(st["trap_sustain"] - TRAP_SUSTAIN_MAX) + _pos(TRAP_WITHIN_SHARE - st["trap_within"])


def v_start(st: pd.DataFrame) -> np.ndarray:
    """Pattern 2: L County sustains in two thirds, starts within a year, activation varies (IQR >= 3),
    and two resolve levels 0.1 apart both have a share sustaining strictly inside (0.1, 0.9)."""
    late = np.where(
        st["lc_start_median"].isna(),
        1.0,
        np.minimum(1.0, _pos(st["lc_start_median"] - START_MONTH_MAX) / START_MONTH_MAX),
    )
    iqr = _pos(ACTIVATE_IQR_MIN - st["lc_activate_iqr"].fillna(0.0)) / ACTIVATE_IQR_MIN
    shares = [st[f"resolve_{r}_sustain"] for r in RESOLVE_LEVELS]
    band = np.min([_band_miss(a) + _band_miss(b) for a, b in itertools.pairwise(shares)], axis=0)
    return _pos(START_SUSTAIN_MIN - st["lc_sustain"]) + late + iqr + band


def v_prerequisites(st: pd.DataFrame) -> np.ndarray:
    """Pattern 3: without the action base the county starts (half the seeds) but sustains at most a third
    as often as L County, with clearly lower final real performance."""
    return (
        _pos(PREREQ_START_MIN - st["nab_start"])
        + _pos(st["nab_sustain"] - PREREQ_SUSTAIN_RATIO * st["lc_sustain"])
        + _clearly_lower(st["lc_real"], st["nab_real"], st["lc_gain"])
    )


def v_pm_tool(st: pd.DataFrame) -> np.ndarray:
    """Pattern 4: with PM maturity frozen, sustained at most half as often, final performance clearly lower."""
    return _pos(st["fp_sustain"] - PM_SUSTAIN_RATIO * st["lc_sustain"]) + _clearly_lower(
        st["lc_real"], st["fp_real"], st["lc_gain"]
    )


def v_public_value(st: pd.DataFrame) -> np.ndarray:
    """Pattern 5: with channels closed the assessed-real gap is at least twice L County's and at least
    0.05, and satisfaction is clearly lower."""
    return (
        _pos(GAP_RATIO * st["lc_gap"] - st["cc_gap"])
        + _pos(GAP_MIN - st["cc_gap"])
        + _clearly_lower(st["lc_sat"], st["cc_sat"], st["lc_sat_gain"])
    )


@dataclass(frozen=True)
class Pattern:
    """A pattern a calibration can target or hold back: its number, words and violation."""

    number: int
    name: str
    words: str
    violation: Callable[[pd.DataFrame], np.ndarray]


COUNTY_PATTERNS: dict[str, Pattern] = {
    p.name: p
    for p in (
        Pattern(1, "trap", "the trap: without new drive no escape, and performance stays where it began", v_trap),
        Pattern(2, "start", "L County escapes, within a year, not arithmetically (resolve decides)", v_start),
        Pattern(3, "prerequisites", "without the action base the county starts but rarely delivers", v_prerequisites),
        Pattern(4, "pm_tool", "performance management is the sharp tool: frozen, delivery halves", v_pm_tool),
        Pattern(5, "public_value", "closed channels: assessed runs ahead of real, satisfaction lower", v_public_value),
    )
}
