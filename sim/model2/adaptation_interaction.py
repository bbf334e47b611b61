"""Adaptation–interaction (适应—互动): openness grows with leadership that opens channels (k_CL_AI);
departments go on learning visits to developed counties that raise skills and, through k_AI_DI, name
gaps as problems; competent cadres leave an unattractive county; heads are chosen by merit or
seniority (paper §3(三); §3(六) '能者上、平者让、庸者下'; Li & Zhou 2005; March 1991).
"""

from __future__ import annotations

import numpy as np

from ..npx import clip, mean
from .management_execution import to_cadres
from .problems import county_real
from .state import ATTR_CONC, BLAME_FEAR_MEAN, FRESH, beta_draw

BENCHMARK_SKILL = 0.85  # competence and capacity of the developed counties visited (Model 1)
VISIT_COMPETENCE = 0.05  # a visit closes 5% of the visitors' competence gap to the benchmark (Model 1)
VISIT_CAPACITY = 0.025  # ... and 2.5% of the department's capacity gap (Model 1)
VISIT_PRACTICE = 0.05  # ... and brings practices seen elsewhere
OPENNESS_SPEED = 0.04  # monthly share of the gap to the openness target closed (Model 1)
OPENNESS_FROM_LEARNING = 0.5  # openness a fully committed, fully learning team reaches above the start (Model 1)
OPENNESS_FROM_CONVENING = 0.4  # openness leaders' convening adds at full k_CL_AI (Model 1)
BRAIN_DRAIN_SCALE = 2.0  # the most competent cadre of an unattractive county leaves at twice brain_drain (Model 1)
ATTRACTION_WEIGHTS = (0.4, 0.3, 0.3)  # resources, performance, pay in the county's pull on talent (Model 1)
STALL_MEMORY = 12.0  # the top leader judges progress over about a year (the trend's memory and tenure, months)


def openness(s, p, r) -> None:
    """Openness follows committed leaders' learning openness and, through k_CL_AI, leaders who convene
    across departments and layers (paper §3(三) '打通…沟通渠道'; 营造宽松开放的工作环境)."""
    convening = np.minimum(1.0, s.task_forces / max(s.J, 1))
    target = (
        p.initial_openness[:, 0]
        + OPENNESS_FROM_LEARNING * p.learning_openness[:, 0] * mean(s.leader_attention, 1)
        + OPENNESS_FROM_CONVENING * p.k_CL_AI[:, 0] * convening
    )
    s.openness += OPENNESS_SPEED * (clip(target, 0.0, 1.0) - s.openness)


def learning(s, p, r) -> None:
    """Departments go on learning visits at a rate set by openness and learning openness: their cadres'
    competence and their capacity move toward the developed county's, they bring back practices
    (paper §3(三) '带着干部…跑了发达的市，让他们去看'; March 1991 exploration)."""
    chance = p.visit_rate * s.openness[:, None] * p.learning_openness
    s.visits = r.u["visit"] < chance  # (B, J)
    v = s.visits
    s.dept_capacity += VISIT_CAPACITY * v * np.maximum(0.0, BENCHMARK_SKILL - s.dept_capacity)
    s.dept_practices += VISIT_PRACTICE * v * (1.0 - s.dept_practices)
    cv = to_cadres(s, v.astype(float))
    s.cadre_competence += VISIT_COMPETENCE * cv * np.maximum(0.0, BENCHMARK_SKILL - s.cadre_competence)


def comparison_hazard(s, p) -> np.ndarray:
    """Outside comparison (k_AI_DI): a visiting department sees its domain's gaps, a hazard per cell
    (B, K) in the visitors' domains (paper §3(三) '与发达县区对比找出短板')."""
    by_domain = np.stack([mean(s.visits[:, idx], 1) for idx in s.domain_depts], axis=1)
    return p.comparison_listing * p.k_AI_DI * np.tile(by_domain, (1, s.T + 1))


def brain_drain(s, p, r) -> None:
    """Competent cadres leave an unattractive county; newcomers take their posts with fresh draws
    (paper §3(三) 高素质人才的流失)."""
    a_res, a_perf, a_pay = ATTRACTION_WEIGHTS
    real = county_real(s)
    attract = a_res * s.resources + a_perf * real + a_pay * p.performance_pay[:, 0] * s.pm_maturity
    leave = r.u["leaving"] < p.brain_drain * s.cadre_competence * (1.0 - attract)[:, None] * BRAIN_DRAIN_SCALE
    if leave.any():
        replace_cadres(s, p, r, leave)


def fresh_uniforms(r, gone: np.ndarray) -> dict[str, np.ndarray]:
    """Uniforms for the newcomers in the posts `gone` (B, N), attribute by attribute: a run's k-th
    leaver of the month takes column k of its `fresh` block (FRESH_SLOTS of them; few cadres leave
    in a month); any beyond draw from the run's own generator after the month's block, so a run's
    stream never depends on the batch."""
    out = {key: np.zeros(gone.shape) for key in FRESH}
    rank = np.cumsum(gone, axis=1) - 1  # (B, N): the leaver's place among its run's leavers this month
    block = r.u["fresh"]  # (B, len(FRESH), FRESH_SLOTS)
    slots = block.shape[2]
    b_idx, n_idx = np.nonzero(gone & (rank < slots))
    for i, key in enumerate(FRESH):
        out[key][b_idx, n_idx] = block[b_idx, i, rank[b_idx, n_idx]]
    for b in np.flatnonzero((gone & (rank >= slots)).any(axis=1)):
        posts = np.flatnonzero(gone[b] & (rank[b] >= slots))
        draws = r.gens[b].random((len(FRESH), posts.size))
        for i, key in enumerate(FRESH):
            out[key][b, posts] = draws[i]
    return out


def fresh_values(r, gone: np.ndarray, b_idx: np.ndarray, n_idx: np.ndarray) -> np.ndarray:
    """`fresh_uniforms` at the posts (b_idx, n_idx) = np.nonzero(gone) only, shape (len(FRESH), posts),
    the block's part by the compiled kernel (the same uniforms; the tests compare the two)."""
    from .kernels import fresh_from_block

    out = np.empty((len(FRESH), b_idx.size))
    beyond = np.empty(b_idx.size, dtype=np.bool_)
    fresh_from_block(gone, r.u["fresh"], out, beyond)
    if beyond.any():  # more leavers than the block's slots: the run's own generator, post by post in order
        for b in np.unique(b_idx[beyond]):
            at = np.flatnonzero(beyond & (b_idx == b))
            out[:, at] = r.gens[b].random((len(FRESH), at.size))
    return out


def replace_cadres(s, p, r, gone: np.ndarray, u: dict[str, np.ndarray] | None = None) -> None:
    """Newcomers in the posts `gone` (B, N), with fresh draws of threshold, motivation, competence,
    discipline and blame fear, the county's current public value and no record (docs/MODEL.md §4 Cadres:
    newcomers with fresh draws). `u` gives the uniforms (B, N) by attribute (default: `fresh_uniforms`)."""
    b_idx, n_idx = np.nonzero(gone)
    if u is None:
        drawn = fresh_values(r, gone, b_idx, n_idx)
    else:
        drawn = np.stack([u[key][b_idx, n_idx] for key in FRESH]) if b_idx.size else np.empty((len(FRESH), 0))
    mean = {
        "threshold": (p.inertia * p.threshold_scale)[b_idx, 0],
        "motivation": p.initial_motivation[b_idx, 0],
        "competence": p.initial_competence[b_idx, 0],
        "discipline": p.initial_discipline[b_idx, 0],
        "blame_fear": np.full(b_idx.size, BLAME_FEAR_MEAN),
    }
    for i, key in enumerate(FRESH):
        conc = p.threshold_concentration[b_idx, 0] if key == "threshold" else ATTR_CONC
        value = beta_draw(drawn[i], mean[key], conc)
        getattr(s, f"cadre_{key}")[b_idx, n_idx] = value
        base = getattr(s, f"cadre_base_{key}", None)
        if base is not None:
            base[b_idx, n_idx] = value
    s.cadre_public_value[b_idx, n_idx] = s.public_value_clarity[b_idx]
    s.cadre_record[b_idx, n_idx] = 0.0
    s.cadre_tenure[b_idx, n_idx] = 0.0
    # a newcomer has not worked yet: no effort until next month's `effort` (so none of its predecessor's
    # work shows in this month's read-outs or makes it a role model)
    s.cadre_real_effort[b_idx, n_idx] = 0.0
    s.cadre_gaming[b_idx, n_idx] = 0.0
    s.cadre_effort[b_idx, n_idx] = 0.0
    head_gone = np.take_along_axis(gone, s.dept_head, axis=1)
    if head_gone.any():
        appoint_heads(s, p, r, head_gone)


def appoint_heads(s, p, r, posts: np.ndarray) -> None:
    """Fill the head posts `posts` (B, J): with chance promotion_by_merit the department's cadre with
    the best record, otherwise its longest-serving cadre (Li & Zhou 2005; paper §3(二) 凭实绩用人)."""
    merit = r.u["merit"] < p.promotion_by_merit
    best = _argmax_in_dept(s, s.cadre_record)
    senior = _argmax_in_dept(s, s.cadre_tenure)
    s.dept_head = np.where(posts, np.where(merit, best, senior), s.dept_head)


def _argmax_in_dept_numpy(s, x: np.ndarray) -> np.ndarray:
    """Index of the first cadre with the largest x in each department, shape (B, J) (plain NumPy: the
    twin of `_argmax_in_dept`, which the tests compare with it)."""
    top = np.maximum.reduceat(x, s.dept_start, axis=1)
    hit = x >= to_cadres(s, top)
    return np.minimum.reduceat(np.where(hit, np.arange(s.N), s.N), s.dept_start, axis=1)


def _argmax_in_dept_compiled(s, x: np.ndarray) -> np.ndarray:
    """Index of the first cadre with the largest x in each department, shape (B, J), by the compiled
    kernel (sim/model2/kernels.py; a head appointment pays two of these for the whole batch)."""
    from .kernels import argmax_in_blocks

    out = np.empty((s.B, s.J), dtype=np.intp)
    argmax_in_blocks(x, s.dept_start, out)
    return out


_argmax_in_dept = _argmax_in_dept_compiled  # every run's path (the tests swap in the NumPy twin)


def head_turnover(s, p, r) -> None:
    """Head posts come up for appointment at a hazard: with promotion by merit the best record takes
    it (and so the head's threshold changes), otherwise seniority, which usually keeps the incumbent
    (selection: Li & Zhou 2005)."""
    posts = r.u["head_turnover"] < p.head_turnover
    if posts.any():
        appoint_heads(s, p, r, posts)


def fade_campaigns(s, p, r) -> None:
    """What a campaign changed in cadres (thresholds, discipline, blame fear) fades back to their own
    baselines unless the county's rules hold it (docs/MODEL.md §2: nothing is permanent by fiat)."""
    fade = p.campaign_fade * to_cadres(s, 1.0 - s.dept_rules)  # each cadre's own department's rules hold it
    s.cadre_threshold += fade * (s.cadre_base_threshold - s.cadre_threshold)
    s.cadre_discipline += fade * (s.cadre_base_discipline - s.cadre_discipline)
    s.cadre_blame_fear += fade * (s.cadre_base_blame_fear - s.cadre_blame_fear)
    _fade_inertia(s, p)


def _fade_inertia(s, p) -> None:
    """The launch threshold fades back to the county's inertia unless its rules hold it."""
    s.inertia_threshold += (
        p.campaign_fade[:, 0] * (1.0 - mean(s.dept_rules, 1)) * (p.inertia[:, 0] - s.inertia_threshold)
    )


def fade_campaigns_compiled(s, p, r) -> None:
    """`fade_campaigns` with the cadres' part by the compiled kernel (sim/model2/kernels.py); the same
    numbers."""
    from .kernels import fade_to_base

    fade_to_base(
        p.campaign_fade[:, 0],
        s.dept_rules,
        s.cadre_dept,
        s.cadre_threshold,
        s.cadre_base_threshold,
        s.cadre_discipline,
        s.cadre_base_discipline,
        s.cadre_blame_fear,
        s.cadre_base_blame_fear,
    )
    _fade_inertia(s, p)


def stall(s, p, r) -> None:
    """The top leader watches the year's trend of real performance; a leader a year or more in office
    whose trend has fallen below `stall_progress` sees progress stalled, and an open leadership goes
    out to diagnose again next month (paper §4(二) '动态纠偏…持续识别和分析绩效差距'; §3(五) 一线工作法)."""
    real = county_real(s)
    s.progress_trend += (real - s.last_real - s.progress_trend) / STALL_MEMORY
    s.last_real = real
    # the average starts at 0 in month 0: divide by the weight its months carry so far, so that a
    # year's steady gain reads as that gain, not as a stall (Adam's bias correction: Kingma & Ba 2015)
    trend = s.progress_trend / (1.0 - (1.0 - 1.0 / STALL_MEMORY) ** max(s.t, 1))
    settled = s.leader_tenure[:, 0] >= STALL_MEMORY
    s.stalled = s.launched & settled & (trend < p.stall_progress[:, 0])  # launched is false in the spin-up


def rediagnosis(s, p) -> np.ndarray:
    """Front-line diagnosis's multiplier, shape (B,): 1, or 1 + rediagnosis_gain x openness when the
    top leader has seen progress stall (an open leadership re-diagnoses: docs/MODEL.md §4 Adaptation)."""
    return 1.0 + p.rediagnosis_gain[:, 0] * s.openness * s.stalled
