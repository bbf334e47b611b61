"""What Model 2 measures each month, and its trajectory classifier (docs/MODEL.md §6).

The subsystem levels and the coupling coordination degree C, T, D are read-outs: they are computed
here from agent states for reporting and for the classifier, and no rule reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..npx import clip, mean
from ..params import DEFAULTS, DOMAINS, SUBSYSTEMS
from ..record import MEASURES
from ..trajectory import PHASES, coupling_degree, gap_closure_series
from .problems import cell_burden, cross
from .state import SOURCES, STATUS_OPEN, STATUS_PAPER, D

#: measures Model 2 adds to Model 1's (issue 10 fixes these names)
EXTRA: tuple[str, ...] = (
    "engaged_share",
    "backlog",
    "backlog_cross",
    "problems_solved",
    "task_forces",
    "mean_resolve",
    "top_leader_resolve",
    *(f"listed_{src}" for src in SOURCES),
    "solved_cross",
    "backlog_age",
    "pool_full",
    "caught_gaming",
    "obsolete",
    "wom_blocked",
)
NAMES: tuple[str, ...] = (*MEASURES, *EXTRA)
COL = {name: i for i, name in enumerate(NAMES)}
# weights of the read-out levels (reporting only; docs/MODEL.md §4 read-outs)
LEVEL_WEIGHTS = {
    "DI": (0.4, 0.3, 0.3),  # launch signal, action base, listed share of the burden
    "CL": (0.3, 0.4, 0.3),  # leaders' collaboration x vision, tie strength, 1 - silo
    "GC": (0.35, 0.35, 0.3),  # public-value clarity, cadres' internalised value, practices
    "ME": (0.4, 0.2, 0.2, 0.2),  # PM maturity, engaged share, real effort, competence
    "AI": (0.5, 0.5),  # openness, participation
}
VISION_WEIGHT = 0.5  # the CL read-out counts collaboration half as skill, half as vision (Model 1)
SCORE_WEIGHTS = (0.1, 0.6, 0.2)  # trajectory score: per phase reached, final gap closure, a relapse (Model 1)
SCORE_WINDOW = 12  # months of gap closure averaged at the end for the score (Model 1)
SOLVE_WINDOW = 3  # months over which the solving pace is compared for activation (a quarter against the one before)


def levels(s, listed_share: np.ndarray | None = None) -> np.ndarray:
    """The five subsystem levels U_k in [0, 1], read out from agent states, shape (B, 5)."""
    J = s.J
    ties = s.dept_ties.sum(axis=(1, 2)) / max(J * (J - 1), 1)
    collab = mean(s.leader_collaboration * (1.0 - VISION_WEIGHT + VISION_WEIGHT * s.leader_vision), 1)
    w = LEVEL_WEIGHTS
    listed_share = identified(s) if listed_share is None else listed_share
    di = w["DI"][0] * s.drive + w["DI"][1] * s.action_base + w["DI"][2] * listed_share
    cl = w["CL"][0] * collab + w["CL"][1] * ties + w["CL"][2] * (1.0 - mean(s.dept_silo, 1))
    gc = (
        w["GC"][0] * s.public_value_clarity
        + w["GC"][1] * mean(s.cadre_public_value, 1)
        + w["GC"][2] * mean(s.dept_practices, 1)
    )
    me = (
        w["ME"][0] * s.pm_maturity
        + w["ME"][1] * mean(s.dept_engaged, 1)
        + w["ME"][2] * mean(s.cadre_real_effort, 1)
        + w["ME"][3] * mean(s.cadre_competence, 1)
    )
    ai = w["AI"][0] * s.openness + w["AI"][1] * s.participation_rate
    return clip(np.stack([di, cl, gc, me, ai], axis=1), 0.0, 1.0)


def identified(s) -> np.ndarray:
    """Share of the unsolved burden that is on the list (`problems_identified`), shape (B,)."""
    listed = ((s.prob_status == STATUS_OPEN) | (s.prob_status == STATUS_PAPER)) * s.prob_difficulty
    total = listed.sum(axis=1) + s.latent.sum(axis=1)
    return listed.sum(axis=1) / np.maximum(total, 1e-12)


def measure(s, p) -> np.ndarray:
    """All measures of the current state, shape (B, len(NAMES))."""
    B = s.B
    out = np.empty((B, len(NAMES)))
    c = COL
    real = s.real_perf
    assessed = s.assessed_perf
    out[:, c["real_performance"]] = clip((s.need_mean * real).sum(axis=1), 0.0, 1.0)
    out[:, c["assessed_performance"]] = clip((s.need_mean * assessed).sum(axis=1), 0.0, 1.0)
    for i, d in enumerate(DOMAINS):
        out[:, c[f"real_performance_{d}"]] = real[:, i]
        out[:, c[f"assessed_performance_{d}"]] = assessed[:, i]
    out[:, c["satisfaction"]] = mean(s.citizen_satisfaction, 1)
    out[:, c["trust"]] = mean(s.citizen_trust, 1)
    out[:, c["drive"]] = s.drive
    out[:, c["inertia_threshold"]] = s.inertia_threshold
    listed_share = identified(s)
    lv = levels(s, listed_share)
    for i, k in enumerate(SUBSYSTEMS):
        out[:, c[f"level_{k}"]] = lv[:, i]
    cc, tt, dd = coupling_degree(lv)
    out[:, c["coupling_C"]], out[:, c["coupling_T"]], out[:, c["coupling_D"]] = cc, tt, dd
    J = s.J
    ties = s.dept_ties.sum(axis=(1, 2)) / max(J * (J - 1), 1)
    competence = mean(s.cadre_competence, 1)
    out[:, c["resources"]] = s.resources
    out[:, c["action_base"]] = s.action_base
    out[:, c["problems_identified"]] = listed_share
    out[:, c["pm_maturity"]] = s.pm_maturity
    out[:, c["institutionalisation"]] = mean(s.dept_rules, 1)
    out[:, c["public_value_clarity"]] = s.public_value_clarity
    out[:, c["openness"]] = s.openness
    out[:, c["motivation"]] = mean(s.cadre_motivation, 1)
    out[:, c["competence"]] = competence
    out[:, c["effort"]] = mean(s.cadre_real_effort, 1)
    out[:, c["tie_strength"]] = ties
    out[:, c["silo"]] = mean(s.dept_silo, 1)
    ra, aa = out[:, c["real_performance"]], out[:, c["assessed_performance"]]
    out[:, c["gaming_share"]] = clip((aa - ra) / np.maximum(aa, 1e-9), 0.0, 1.0)
    out[:, c["participation"]] = s.participation_rate
    out[:, c["voice"]] = s.voice_rate
    out[:, c["benchmark"]] = s.benchmark
    out[:, c["capacity_index"]] = (s.action_base + competence + s.pm_maturity + ties) / 4.0
    open_ = s.prob_status == STATUS_OPEN
    out[:, c["engaged_share"]] = mean(s.dept_engaged, 1)
    out[:, c["backlog"]] = open_.sum(axis=1)
    out[:, c["backlog_cross"]] = (open_ & cross(s)).sum(axis=1)
    out[:, c["problems_solved"]] = s.solved
    out[:, c["task_forces"]] = s.task_forces
    out[:, c["mean_resolve"]] = mean(s.leader_resolve, 1)
    out[:, c["top_leader_resolve"]] = s.leader_resolve[:, 0]
    for i, src in enumerate(SOURCES):
        out[:, c[f"listed_{src}"]] = s.listed[:, i]
    out[:, c["solved_cross"]] = s.solved_cross
    out[:, c["backlog_age"]] = (s.prob_age * open_).sum(axis=1) / np.maximum(open_.sum(axis=1), 1)
    out[:, c["pool_full"]] = s.pool_full
    out[:, c["caught_gaming"]] = s.caught
    out[:, c["obsolete"]] = s.obsolete
    out[:, c["wom_blocked"]] = s.wom_blocked
    return out


def performance(s, compiled: bool = True) -> None:
    """Real and assessed performance by township and domain from the burden left unsolved; assessed
    leaves out problems closed only on paper (docs/MODEL.md §4; Bevan & Hood 2006). `compiled`: by
    the kernel (the NumPy path is its twin)."""
    from .problems import township_performance

    if compiled:
        from .kernels import burden_performance

        s.town_perf, s.town_assessed = np.empty((s.B, s.T, D)), np.empty((s.B, s.T, D))
        burden_performance(
            s.prob_status,
            s.prob_cell,
            s.prob_difficulty,
            s.latent,
            s.ref_cell,
            STATUS_OPEN,
            STATUS_PAPER,
            s.town_perf,
            s.town_assessed,
        )
    else:
        s.town_perf = township_performance(s, cell_burden(s, paper_counts=True))
        s.town_assessed = township_performance(s, cell_burden(s, paper_counts=False))
    if s.mean_field_rows.any():  # the mean-field twin: citizens live in the county's average township
        on = s.mean_field_rows[:, None, None]
        s.town_perf = np.where(on, mean(s.town_perf, 1, keepdims=True), s.town_perf)
        s.town_assessed = np.where(on, mean(s.town_assessed, 1, keepdims=True), s.town_assessed)
    s.real_perf = mean(s.town_perf, 1)
    s.assessed_perf = mean(s.town_assessed, 1)


@dataclass(frozen=True)
class Trajectory2:
    t_start: int | None
    t_build: int | None
    t_activate: int | None
    t_deliver: int | None
    t_relapse: int | None
    relapsed: bool
    sustained: bool
    gap_closure: float
    score: float
    phase: list[str]


def _first(mask: np.ndarray, after: int) -> int | None:
    idx = np.flatnonzero(mask[after:])
    return int(after + idx[0]) if idx.size else None


def _run_of(mask: np.ndarray, n: int) -> np.ndarray:
    """True at t where mask holds at t and the n - 1 months before."""
    out = np.zeros(mask.size, dtype=bool)
    count = 0
    for t, m in enumerate(mask):
        count = count + 1 if m else 0
        out[t] = count >= n
    return out


def classify(series: Mapping[str, np.ndarray], params: Mapping[str, float] | None = None) -> Trajectory2:
    """Classify one Model 2 run into start–build–activate–deliver (启动—蓄力—激活—发力), on agent-level
    observables (docs/MODEL.md §6):
    - start: the top leader's reform signal (`drive`) is above the launch threshold and at least
      `start_engaged` departments are engaged;
    - build: after start, the capacity index has risen `build_gain` above its value at start;
    - activate: after build, the engaged share is at least `activation_share` and problems are solved
      faster over the last SOLVE_WINDOW (3) months than over the 3 before;
    - deliver: after activate, gap closure reaches `deliver_share` and holds `deliver_hold` months;
    - relapse (after deliver): the engaged share stays below `relapse_engaged` for `relapse_months`
      months, or the trailing `deliver_hold`-month gap closure falls `relapse_margin` below
      `deliver_share`. Sustained = all four phases in order and no relapse."""
    q = {**DEFAULTS, **(params or {})}
    perf = np.asarray(series["real_performance"], dtype=float)
    T = perf.size
    gap = gap_closure_series(perf, np.asarray(series["benchmark"], dtype=float))
    engaged = np.asarray(series["engaged_share"], dtype=float)
    n_engaged = np.rint(engaged * q["n_departments"])
    launched = np.asarray(series["drive"]) > np.asarray(series["inertia_threshold"])
    t_start = _first(launched & (n_engaged >= q["start_engaged"]), 1)
    t_build = t_activate = t_deliver = t_relapse = None
    if t_start is not None:
        cap = np.asarray(series["capacity_index"], dtype=float)
        t_build = _first(cap >= cap[t_start] + q["build_gain"], t_start)
    if t_build is not None:
        solved = np.asarray(series["problems_solved"], dtype=float)
        w = SOLVE_WINDOW
        faster = np.zeros(T, dtype=bool)
        if T > 2 * w:
            c = np.concatenate([[0.0], np.cumsum(solved)])
            recent = c[2 * w + 1 :] - c[w + 1 : -w]
            before = c[w + 1 : -w] - c[1 : -2 * w]
            faster[2 * w :] = recent > before
        t_activate = _first((engaged >= q["activation_share"]) & faster, max(t_build, 1))
    hold = int(q["deliver_hold"])
    if t_activate is not None:
        held = _run_of(gap >= q["deliver_share"], hold)
        t_end = _first(held, t_activate + hold - 1)
        t_deliver = None if t_end is None else t_end - hold + 1
    if t_deliver is not None:
        low = _run_of(engaged < q["relapse_engaged"], int(q["relapse_months"]))
        c = np.concatenate([[0.0], np.cumsum(gap)])
        trailing = np.full(T, np.inf)
        trailing[hold - 1 :] = (c[hold:] - c[:-hold]) / hold
        fell = trailing < q["deliver_share"] - q["relapse_margin"]
        t_relapse = _first(low | fell, t_deliver + hold)
    relapsed = t_relapse is not None
    marks = [t_start, t_build, t_activate, t_deliver]
    phase = [PHASES[sum(1 for m in marks if m is not None and m <= t)] for t in range(T)]
    n_phases = sum(m is not None for m in marks)
    final_gap = float(gap[-min(SCORE_WINDOW, T) :].mean())
    w_phase, w_gap, w_relapse = SCORE_WEIGHTS
    score = w_phase * n_phases + w_gap * float(clip(final_gap, 0.0, 1.0)) - w_relapse * relapsed
    return Trajectory2(
        t_start,
        t_build,
        t_activate,
        t_deliver,
        t_relapse,
        relapsed,
        t_deliver is not None and not relapsed,
        float(gap[-1]),
        float(clip(score, 0.0, 1.0)),
        phase,
    )
