"""Subsystem levels, the coupling coordination degree, and the trajectory classifier.

The classifier is a pure function of a run's series (docs/MODEL.md §6): no model state, no randomness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .params import DEFAULTS
from .rules import leaders_mean
from .rules.management_execution import pm_maturity

PHASES: tuple[str, ...] = ("none", "start", "build", "activate", "deliver")
PHASES_ZH: dict[str, str] = {"none": "未启动", "start": "启动", "build": "蓄力", "activate": "激活", "deliver": "发力"}
GROWTH_WINDOW = 6  # months over which performance growth is measured for activation


def subsystem_levels(s) -> np.ndarray:
    """The five subsystem levels U_k in [0, 1], computed bottom-up from agent states, shape (B, 5);
    each level weighs the factors the paper groups into that subsystem (paper §4(一), Figure 4).

    DI: drive, action base, identified problems. CL: collaborative leadership, tie strength, absence
    of silo. GC: public-value clarity, cadres' internalised value, practices. ME: PM maturity,
    effort, competence, responsibility clarity. AI: openness and citizens' participation.
    """
    J = s.dept_ties.shape[1]
    ties = s.dept_ties.sum(axis=(1, 2)) / (J * (J - 1))
    collab = leaders_mean(s, s.leader_collaboration * (0.5 + 0.5 * s.leader_vision))[:, 0]
    di = 0.4 * s.drive + 0.4 * s.action_base + 0.2 * s.problems_identified
    cl = 0.3 * collab + 0.4 * ties + 0.3 * (1.0 - s.dept_silo.mean(axis=1))
    gc = 0.35 * s.public_value_clarity + 0.35 * s.cadre_public_value.mean(axis=1) + 0.3 * s.dept_practices.mean(axis=1)
    me = (
        0.4 * pm_maturity(s)
        + 0.15 * s.cadre_effort.mean(axis=1)
        + 0.15 * s.cadre_competence.mean(axis=1)
        + 0.3 * s.dept_clarity.mean(axis=1)
    )
    ai = 0.5 * s.openness + 0.5 * s.participation_rate
    return np.clip(np.stack([di, cl, gc, me, ai], axis=1), 0.0, 1.0)


def coupling_degree(levels: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Coupling coordination degree (耦合协调度) of the five levels along the last axis:
    C = [prod U / mean(U)^n]^(1/n), T = sum a_k U_k, D = sqrt(C T) (docs/MODEL.md §4; the degree as
    used in Chinese regional studies since Liao Chongbin 1999, 热带地理 19(2))."""
    u = np.maximum(levels, 1e-9)
    n = u.shape[-1]
    a = np.full(n, 1.0 / n) if weights is None else np.asarray(weights)
    c = np.exp(np.log(u).mean(axis=-1)) / u.mean(axis=-1)  # geometric over arithmetic mean
    t = (u * a).sum(axis=-1)
    return c, t, np.sqrt(c * t)


@dataclass(frozen=True)
class Trajectory:
    t_start: int | None
    t_build: int | None
    t_activate: int | None
    t_deliver: int | None
    relapsed: bool
    sustained: bool
    gap_closure: float
    score: float
    phase: list[str]  # phase reached at each step


def gap_closure_series(perf: np.ndarray, benchmark: np.ndarray) -> np.ndarray:
    """Share of the starting gap to the (moving) benchmark closed at each step."""
    gap0 = max(benchmark[0] - perf[0], 1e-9)
    return (perf - perf[0]) / np.maximum(benchmark - perf[0], gap0 * 0.1)


def _first(mask: np.ndarray, after: int) -> int | None:
    idx = np.flatnonzero(mask[after:])
    return int(after + idx[0]) if idx.size else None


def classify(series: Mapping[str, np.ndarray], params: Mapping[str, float] | None = None) -> Trajectory:
    """Classify one run into start–build–activate–deliver (启动—蓄力—激活—发力) from its series.

    Needs the series `drive`, `inertia_threshold`, `motivation`, `capacity_index`,
    `real_performance`, `benchmark` and `level_DI` … `level_AI`, indexed by step 0..T.
    - start: drive has crossed the inertia threshold and mean motivation has left its baseline;
    - build: after start, the capacity index has risen by `build_gain` over its value at start;
    - activate: after build, at least `activation_count` levels are at or above
      `activation_threshold` while performance grows faster over the last 6 months than in the
      6 before (growth accelerates);
    - deliver: after activate, gap closure reaches `deliver_share` and holds for `deliver_hold` months;
    - relapse: after delivery, the mean gap closure of the last `deliver_hold` months falls below
      `deliver_share - relapse_margin`.
    Sustained = all four phases in order and no relapse.
    """
    q = {**DEFAULTS, **(params or {})}
    perf = np.asarray(series["real_performance"], dtype=float)
    T = perf.size
    gap = gap_closure_series(perf, np.asarray(series["benchmark"], dtype=float))

    crossed = np.maximum.accumulate(np.asarray(series["drive"]) > np.asarray(series["inertia_threshold"]))
    motivation = np.asarray(series["motivation"], dtype=float)
    t_start = _first(crossed & (motivation >= motivation[0] + q["motivation_departure"]), 1)

    t_build = t_activate = t_deliver = None
    if t_start is not None:
        cap = np.asarray(series["capacity_index"], dtype=float)
        t_build = _first(cap >= cap[t_start] + q["build_gain"], t_start)
    if t_build is not None:
        levels = np.stack([np.asarray(series[f"level_{k}"]) for k in ("DI", "CL", "GC", "ME", "AI")], axis=1)
        active = (levels >= q["activation_threshold"]).sum(axis=1) >= q["activation_count"]
        w = GROWTH_WINDOW
        recent = np.full(T, -np.inf)
        before = np.full(T, np.inf)
        if T > 2 * w:
            recent[2 * w :] = perf[2 * w :] - perf[w:-w]
            before[2 * w :] = perf[w:-w] - perf[: -2 * w]
        accel = (recent > before) & (recent > 0)
        t_activate = _first(active & accel, max(t_build, 2 * w))
    hold = int(q["deliver_hold"])
    if t_activate is not None:
        reached = gap >= q["deliver_share"]
        # holds: reached for `hold` consecutive months starting here (all within the horizon)
        held = np.array([reached[t : t + hold].all() and t + hold <= T for t in range(T)])
        t_deliver = _first(held, t_activate)
    relapsed = False
    if t_deliver is not None:
        tail = gap[max(t_deliver, T - hold) :]
        relapsed = bool(tail.mean() < q["deliver_share"] - q["relapse_margin"])
    reached_all = t_deliver is not None
    sustained = reached_all and not relapsed
    marks = [t_start, t_build, t_activate, t_deliver]
    phase = []
    for t in range(T):
        k = sum(1 for m in marks if m is not None and m <= t)
        phase.append(PHASES[k])
    n_phases = sum(m is not None for m in marks)
    final_gap = float(gap[-min(12, T) :].mean())
    score = 0.1 * n_phases + 0.6 * float(np.clip(final_gap, 0.0, 1.0)) - 0.2 * relapsed
    return Trajectory(
        t_start,
        t_build,
        t_activate,
        t_deliver,
        relapsed,
        sustained,
        float(gap[-1]),
        float(np.clip(score, 0.0, 1.0)),
        phase,
    )
