"""The problem substrate (问题清单 / 工单): latent problems by township and domain, the listed pool,
work on listed problems, and performance as one minus the burden left unsolved (docs/MODEL.md §4
"Problems and performance"; paper §3(四) '将问题的发现和解决作为推进工作的核心准则').

Listing channels each give a hazard per cell of latent burden, shape (B, K); `list_new` turns their
sum into problems in free slots. Every reduction is row-wise (a run's numbers do not depend on the
batch): per-department sums use `np.bincount` over run-offset indices, which adds in slot order.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, ndtri

from ..npx import clip
from .state import (
    DIFFICULTY_SHAPE,
    MAX_NEW,
    SOURCES,
    SRC,
    STATUS_FREE,
    STATUS_OPEN,
    STATUS_PAPER,
    THIRD_DEPT_SHARE,
    D,
)

ECONOMY_CHANGE_CAP = 2.0  # arrivals count the economy's growth up to a tripling (a county from a very low start
# does not breed problems without bound; L County's economy grows by about 1.3 of its start)
_K = np.arange(MAX_NEW + 1)
_LOG_K_FACTORIAL = gammaln(_K + 1.0)


def by_dept(s, values: np.ndarray, dept: np.ndarray) -> np.ndarray:
    """Sum of per-slot `values` (B, P) by department index `dept` (B, P), shape (B, J)."""
    B, J = s.B, s.J
    idx = (np.arange(B)[:, None] * J + dept).ravel()
    return np.bincount(idx, weights=values.ravel(), minlength=B * J).reshape(B, J)


def by_cell(s, values: np.ndarray) -> np.ndarray:
    """Sum of per-slot `values` (B, P) by cell, shape (B, K)."""
    B, K = s.B, s.K
    idx = (np.arange(B)[:, None] * K + s.prob_cell).ravel()
    return np.bincount(idx, weights=values.ravel(), minlength=B * K).reshape(B, K)


def county_real(s) -> np.ndarray:
    """The county's real performance as its residents weigh it: need-weighted over the domains, shape
    (B,) (what launch's gap, brain drain's pull and the stall trend read)."""
    return (s.need_mean * s.real_perf).sum(axis=1)


def economic_activity(s, p) -> np.ndarray:
    """Arrivals' multiplier from economic activity, shape (B,): 1 + arrival_economy x the relative change
    of the economy's real performance since month 0 (1 in the spin-up, whose routine the arrivals
    balance; never below 0) (docs/MODEL.md §4; paper §3(二) 开发区和产业园区 '汇聚大量人流、物流、信息流、资金流')."""
    if s.routine_only:
        return np.ones(s.B)
    change = np.minimum(s.real_perf[:, 0] / np.maximum(s.economy_start, 1e-9) - 1.0, ECONOMY_CHANGE_CAP)
    return np.maximum(1.0 + p.arrival_economy[:, 0] * change, 0.0)


def arrive(s, p, r) -> None:
    """New latent problems arrive in every township and domain, more as the economy grows
    (`arrival_economy`), and unsolved problems are overtaken by events at a small hazard, counted
    (docs/MODEL.md §4: the stream of problems never stops, and it rises with economic activity)."""
    s.latent += s.arrival * economic_activity(s, p)[:, None]
    lost = p.problem_obsolescence[:, 0]
    s.latent *= 1.0 - lost[:, None]
    listed = s.prob_status != STATUS_FREE
    gone = listed & (r.u["obsolete"] < lost[:, None])
    s.obsolete = gone.sum(axis=1).astype(float)
    if s.problem_log is not None:
        from .management_execution import log_problems

        log_problems(s, gone, "overtaken")
    s.prob_status[gone] = STATUS_FREE


def cell_burden(s, paper_counts: bool = True) -> np.ndarray:
    """Unsolved burden by cell (latent + listed), shape (B, K); without `paper_counts`, problems
    closed on paper are left out (what assessment sees: Bevan & Hood 2006)."""
    keep = s.prob_status == STATUS_OPEN
    if paper_counts:
        keep = keep | (s.prob_status == STATUS_PAPER)
    return s.latent + by_cell(s, s.prob_difficulty * keep)


def township_performance(s, burden: np.ndarray) -> np.ndarray:
    """Performance by township and domain, 1 - burden / reference, shape (B, T, D); a county-wide
    problem weighs on every township, spread evenly (docs/MODEL.md §4)."""
    B, T = s.B, s.T
    town = burden[:, : T * D].reshape(B, T, D) + burden[:, None, T * D :] / T
    return clip(1.0 - town / s.ref_cell[:, None, None], 0.0, 1.0)


def _poisson_counts(mean: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Poisson counts by the inverse CDF of uniforms u: exact up to MAX_NEW, beyond it the normal
    approximation (only reached when a channel lists more than MAX_NEW problems in a month)."""
    lam = np.maximum(mean, 1e-300)[..., None]
    # the table need only reach past every row's u: the CDF only rises, so a longer table adds no
    # count (a run's counts do not depend on the batch); the full table when a row is not reached
    top = float(mean.max(initial=0.0))
    n = min(MAX_NEW + 1, int(top + 12.0 * np.sqrt(top)) + 24)
    while True:
        logpmf = _K[:n] * np.log(lam) - lam - _LOG_K_FACTORIAL[:n]
        cdf = np.cumsum(np.exp(logpmf), axis=-1)
        if n == MAX_NEW + 1 or np.all(cdf[..., -1] >= u):
            break
        n = MAX_NEW + 1
    exact = (cdf < u[..., None]).sum(axis=-1)
    big = np.rint(mean + np.sqrt(mean) * ndtri(clip(u, 1e-12, 1 - 1e-12)))
    return np.where(exact > MAX_NEW, np.maximum(big, MAX_NEW + 1), exact).astype(np.int64)


def _counts(s, p, r, hazards: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """How many latent problems each source lists: its hazard (S, B, K) times the latent burden
    gives the expected problems, counts are Poisson; problems that find no free slot stay latent
    and are counted (`pool_full`, `listing_overflow`). Returns the expected problems by source and
    cell (S, B, K), the counts (B, S), their totals (B,) and M, the largest total of the batch."""
    weight = clip(hazards, 0.0, 1.0) * np.maximum(s.latent, 0.0)[None]  # (S, B, K)
    expected = weight.sum(axis=2).T  # (B, S)
    counts = _poisson_counts(expected, r.u["list_counts"])  # (B, S)
    # more than a month's candidates, or than the free slots: every source keeps its share of what can
    # be taken, the rest stay latent and are counted (docs/MODEL.md §4: no problem dropped silently)
    free = s.prob_status == STATUS_FREE
    n_free = free.sum(axis=1)
    cap = np.minimum(s.max_new, n_free)
    total = counts.sum(axis=1)
    s.pool_full += total > n_free
    over = total > cap
    if over.any():
        kept = np.floor(counts * (cap / np.maximum(total, 1))[:, None]).astype(np.int64)
        counts = np.where(over[:, None], kept, counts)
        s.listing_overflow += np.where(over, total - counts.sum(axis=1), 0)
        total = counts.sum(axis=1)
    # candidates beyond every run's count are never used, so work on the first M only: a run's
    # numbers do not depend on M (its own candidates are the same), only the batch's cost does
    return weight, counts, total, max(int(total.max(initial=0)), 1)


def _difficulty(r, total: np.ndarray, M: int) -> np.ndarray:
    """Candidates' difficulty, Gamma(DIFFICULTY_SHAPE) with mean 1, as the mean of DIFFICULTY_SHAPE
    exponential draws, (B, M); 0 beyond a run's `total` (those candidates are not listed)."""
    u = clip(r.u["list_difficulty"][:, :, :M], 1e-300, 1.0)  # (B, DIFFICULTY_SHAPE, M); u < 1 always
    out = -np.log(u).sum(axis=1) / DIFFICULTY_SHAPE
    return np.where(np.arange(M)[None, :] < total[:, None], out, 0.0)


def list_new(s, p, r, hazards: np.ndarray) -> None:
    """List latent problems (`_counts`): cells drawn by expected weight, departments by domain (lead: a
    department of the domain; partners: any others), difficulty scaled down where a cell has less
    latent burden than asked of it. Plain NumPy: the twin of `list_new_compiled`."""
    B, K, J, P = s.B, s.K, s.J, s.P
    weight, counts, total, M = _counts(s, p, r, hazards)
    S = weight.shape[0]
    u_cell = r.u["list_cell"][:, :M]
    u_lead, u_cross, u_third = r.u["list_lead"][:, :M], r.u["list_cross"][:, :M], r.u["list_third"][:, :M]
    u_p1, u_p2 = r.u["list_partner1"][:, :M], r.u["list_partner2"][:, :M]
    cum = np.cumsum(counts, axis=1)  # (B, S)
    m = np.arange(M)
    source = (m[None, :, None] >= cum[:, None, :]).sum(axis=2)  # (B, M) source of candidate m
    valid = m[None, :] < total[:, None]
    src = np.minimum(source, S - 1)
    # the cell: categorical over this source's weights
    w = np.take_along_axis(np.transpose(weight, (1, 0, 2)), src[:, :, None], axis=1)  # (B, M, K)
    cw = np.cumsum(w, axis=2)
    u = u_cell * cw[:, :, -1]
    cell = np.minimum((cw <= u[:, :, None]).sum(axis=2), K - 1)
    # difficulty (Gamma, mean 1), scaled down where a cell has less latent burden than asked of it
    diff = _difficulty(r, total, M)
    diff = np.where(p.mean_field > 0, 1.0, diff)  # the mean-field twin: every problem of mean difficulty
    diff = np.where(valid, diff, 0.0)
    asked = np.zeros((B, K))
    rows = np.repeat(np.arange(B), M)
    np.add.at(asked, (rows, cell.ravel()), diff.ravel())
    scale = np.where(asked > 0, np.minimum(1.0, s.latent / np.maximum(asked, 1e-12)), 0.0)
    diff = diff * np.take_along_axis(scale, cell, axis=1)
    valid &= diff > 1e-6
    taken = np.zeros((B, K))
    np.add.at(taken, (rows, cell.ravel()), (diff * valid).ravel())
    s.latent = np.maximum(s.latent - taken, 0.0)
    # departments: the lead in the problem's domain, partners among the others
    domain = cell % D
    table = s.domain_table  # (D, max per domain), padded by repetition
    n_dom = s.domain_size[domain]
    lead = table[domain, (u_lead * n_dom).astype(np.intp)]
    cross = u_cross < p.cross_share
    third = cross & (u_third < THIRD_DEPT_SHARE) & (J > 2)
    k1 = (u_p1 * (J - 1)).astype(np.intp)
    k1 = k1 + (k1 >= lead)
    lo, hi = np.minimum(lead, k1), np.maximum(lead, k1)
    k2 = (u_p2 * max(J - 2, 1)).astype(np.intp)
    k2 = k2 + (k2 >= lo)
    k2 = k2 + (k2 >= hi)
    partner1 = np.where(cross & (J > 1), k1, -1)
    partner2 = np.where(third, k2, -1)
    # place the valid candidates, in order, into the free slots, in slot order
    free = s.prob_status == STATUS_FREE
    order = np.argsort(~free, axis=1, kind="stable")  # free slots first
    slot = np.take_along_axis(order, np.minimum(m[None, :], P - 1).repeat(B, axis=0), axis=1)
    b_idx, m_idx = np.nonzero(valid)
    sl = slot[b_idx, m_idx]
    s.prob_status[b_idx, sl] = STATUS_OPEN
    s.prob_cell[b_idx, sl] = cell[b_idx, m_idx]
    s.prob_lead[b_idx, sl] = lead[b_idx, m_idx]
    s.prob_partner[b_idx, sl, 0] = partner1[b_idx, m_idx]
    s.prob_partner[b_idx, sl, 1] = partner2[b_idx, m_idx]
    s.prob_difficulty[b_idx, sl] = diff[b_idx, m_idx]
    s.prob_progress[b_idx, sl] = 0.0
    s.prob_paper[b_idx, sl] = 0.0
    s.prob_age[b_idx, sl] = 0.0
    s.prob_source[b_idx, sl] = src[b_idx, m_idx]
    key = (src == SRC["diagnosis"]) | (src == SRC["evaluation"])  # 挂号督办: what leaders and assessment list
    s.prob_key[b_idx, sl] = key[b_idx, m_idx]
    s.listed = np.zeros((B, len(SOURCES)))
    np.add.at(s.listed, (b_idx, src[b_idx, m_idx]), 1.0)


def list_new_compiled(s, p, r, hazards: np.ndarray) -> None:
    """`list_new` by the compiled kernel (sim/model2/kernels.py); the same numbers."""
    from .kernels import list_place

    weight, counts, total, M = _counts(s, p, r, hazards)
    s.listed = np.empty((s.B, len(SOURCES)))
    u = r.u
    list_place(
        np.ascontiguousarray(np.transpose(weight, (1, 0, 2))),
        counts,
        _difficulty(r, total, M),
        u["list_cell"],
        u["list_lead"],
        u["list_cross"],
        u["list_third"],
        u["list_partner1"],
        u["list_partner2"],
        p.mean_field[:, 0] > 0,
        p.cross_share[:, 0],
        THIRD_DEPT_SHARE,
        s.latent,
        s.domain_table,
        s.domain_size,
        s.prob_status,
        s.prob_cell,
        s.prob_lead,
        s.prob_partner,
        s.prob_difficulty,
        s.prob_progress,
        s.prob_paper,
        s.prob_age,
        s.prob_source,
        s.prob_key,
        SRC["diagnosis"],
        SRC["evaluation"],
        STATUS_FREE,
        STATUS_OPEN,
        s.listed,
    )


def seed_pool(s, p, r) -> None:
    """Month 0: the ordinary list the county already has (about a month of routine work orders)."""
    h = np.zeros((len(SOURCES), s.B, s.K))
    with np.errstate(divide="ignore", invalid="ignore"):
        h[SRC["routine"]] = np.where(s.latent > 0, s.seed_listed / (s.latent + s.seed_listed), 0.0)
    s.latent = s.latent + s.seed_listed
    list_new(s, p, r, h)


def cross(s) -> np.ndarray:
    """Open problems that need more than one department, (B, P)."""
    return s.prob_partner[:, :, 0] >= 0
