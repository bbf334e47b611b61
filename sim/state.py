"""The agents' state as NumPy arrays: one array per attribute per agent type (structure of arrays).

Every array has a leading batch axis B (runs stepped together; B = 1 for a single `CountyModel`).
Per-run parameters are (B, 1) columns so that they broadcast over agents. Structure (who belongs to
which department or township) is identical across a batch; all heterogeneity is in the values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import ndtri

from .npx import clip
from .params import DOMAINS, PARAMS, SIZE_PARAMS
from .scenario import Scenario

N_DOMAINS = len(DOMAINS)
TOP_LEADER_WEIGHT = 3.0  # the top leader (一把手) counts three times an ordinary member: paper §3(四)
HISTORY = 13  # months of overall performance kept for stall detection (one year plus the current month)
# Citizens' need weights over (economy, public services, infrastructure, administration): Dirichlet with
# public services weighted most, as in the paper's account of 民生 demands (§3(一) 群众所思、所想、所盼)
NEED_CONCENTRATION = np.array([1.0, 2.4, 1.6, 1.0])


class Pars:
    """Per-run parameter values: sizes as ints shared by the batch, the rest as (B, 1) float columns."""

    def __init__(self, scenarios: Sequence[Scenario]):
        first = scenarios[0].params
        for name in SIZE_PARAMS:
            values = {sc.params[name] for sc in scenarios}
            if len(values) != 1:
                raise ValueError(f"a batch must share '{name}' (got {sorted(values)})")
            setattr(self, name, int(first[name]))
        self.B = len(scenarios)
        for name, spec in PARAMS.items():
            if spec.group == "size":
                continue
            setattr(self, name, np.array([[float(sc.params[name])] for sc in scenarios]))

    def __getattr__(self, name: str) -> np.ndarray:  # for type checkers; real values set in __init__
        raise AttributeError(name)


class Rand:
    """One `numpy.random.Generator` per run; every draw returns a (B, *shape) array.

    The month's draws come as one block per run (`begin_month`): one generator call per run and
    month instead of one per rule keeps a batch of many runs from paying a Python call per run per
    rule, and a run's stream does not depend on the other runs in its batch.
    """

    def __init__(self, gens: Sequence[np.random.Generator], layout: dict[str, tuple[int, ...]] | None = None):
        self.gens = list(gens)
        self.layout = dict(layout or {})
        self.u: dict[str, np.ndarray] = {}
        self._planned: tuple | None = None

    def _plan(self) -> tuple[int, list[tuple[str, tuple[int, ...], int, int]]]:
        """The block's width and each name's columns, worked out once per layout (a run of one pays
        every Python step of `begin_month` each month)."""
        if self._planned is None or self._planned[0] is not self.layout:
            cols, start = [], 0
            for name, shape in self.layout.items():
                n = math.prod(shape)
                cols.append((name, (len(self.gens), *shape), start, start + n))
                start += n
            self._planned = (self.layout, start, cols)
        return self._planned[1], self._planned[2]

    def begin_month(self) -> None:
        """Draw this month's uniforms in [0, 1): `self.u[name]` has shape (B, *layout[name])."""
        total, cols = self._plan()
        block = np.empty((len(self.gens), total))
        for g, row in zip(self.gens, block, strict=True):
            g.random(out=row)  # the same stream as g.random(total), without a copy into the block
        for name, shape, start, stop in cols:
            self.u[name] = block[:, start:stop].reshape(shape)

    def normal(self, name: str, scale: float) -> np.ndarray:
        """This month's standard-normal draws for `name` (inverse CDF of its uniforms), times scale."""
        return scale * ndtri(clip(self.u[name], 1e-12, 1.0 - 1e-12))

    def random(self, *shape: int) -> np.ndarray:
        out = np.empty((len(self.gens), *shape))
        for g, row in zip(self.gens, out, strict=True):
            g.random(out=row)  # the stream of g.random(shape), without a copy into a stacked array
        return out

    def integers(self, low: int, high: int, *shape: int) -> np.ndarray:
        return np.stack([g.integers(low, high, shape) for g in self.gens])


def blocks(n_items: int, n_groups: int) -> np.ndarray:
    """Group index of each item when n_items are split into n_groups contiguous, near-equal blocks."""
    return (np.arange(n_items) * n_groups) // n_items


def _beta(rand: Rand, mean: np.ndarray, n: int, conc: float = 12.0) -> np.ndarray:
    """Heterogeneous levels around a per-run mean: Beta(mean*conc, (1-mean)*conc), shape (B, n)."""
    m = np.clip(mean, 0.02, 0.98)
    a, b = m * conc, (1.0 - m) * conc
    out = np.empty((len(rand.gens), n))
    for i, g in enumerate(rand.gens):
        out[i] = g.beta(a[i, 0], b[i, 0], n)
    return out


def month_layout(p: Pars) -> dict[str, tuple[int, ...]]:
    """The random draws each month, by the rule that uses them (the order fixes the streams)."""
    J, N, C = p.n_departments, p.n_cadres, p.n_citizens
    return {
        "resource_shock": (1,),  # drive_input.resources
        "meetings": (J, J),  # coordination_linkage.convene
        "motivation_noise": (N,),  # management_execution.cadres
        "leaving": (N,),  # adaptation_interaction.brain_drain
        "hearing": (C,),  # citizens.word_of_mouth
        "voice": (C,),  # citizens.voice_and_participation
        "joining": (C,),  # citizens.voice_and_participation
    }


class State:
    """All state of B runs. Attribute names say what a thing is in the paper's language."""

    def __init__(self, p: Pars, rand: Rand):
        B, L, J, N, C, T = p.B, p.n_leaders, p.n_departments, p.n_cadres, p.n_citizens, p.n_townships
        self.B = B
        self.t = 0
        # --- structure (shared by the batch) -------------------------------------------
        self.leader_weight = np.ones(L)
        self.leader_weight[0] = TOP_LEADER_WEIGHT
        self.leader_weight /= self.leader_weight.sum()
        self.dept_domain = np.arange(J) % N_DOMAINS
        self.domain_order = np.argsort(self.dept_domain, kind="stable")  # departments grouped by domain
        self.domain_start = np.searchsorted(self.dept_domain[self.domain_order], np.arange(N_DOMAINS))
        self.domain_size = np.bincount(self.dept_domain, minlength=N_DOMAINS).astype(float)
        self.cadre_dept = blocks(N, J)
        self.dept_start = np.searchsorted(self.cadre_dept, np.arange(J))
        self.dept_size = np.diff(np.append(self.dept_start, N)).astype(float)
        self.citizen_township = blocks(C, T)
        self.town_start = np.searchsorted(self.citizen_township, np.arange(T))
        self.town_size = np.diff(np.append(self.town_start, C))

        # --- leaders ---------------------------------------------------------------------
        self.leader_resolve = _beta(rand, p.reform_resolve, L, 20.0)
        self.leader_vision = _beta(rand, np.full((B, 1), 0.5), L)
        self.leader_public_value = _beta(rand, p.initial_public_value + 0.2, L)
        self.leader_collaboration = _beta(rand, np.full((B, 1), 0.5), L)
        self.leader_tenure = np.zeros((B, L))

        # --- departments -----------------------------------------------------------------
        self.dept_capacity = _beta(rand, p.initial_capacity, J)
        self.dept_budget_share = np.full((B, J), 1.0 / J)
        self.dept_silo = _beta(rand, p.initial_silo, J)
        self.dept_clarity = _beta(rand, np.full((B, 1), 0.3), J)
        raw = rand.random(J, J) * 2.0 * p.initial_ties[:, :, None]
        ties = np.clip(np.triu(raw, 1), 0.0, 1.0)
        self.dept_ties = ties + np.transpose(ties, (0, 2, 1))  # symmetric, zero diagonal
        self.dept_practices = np.full((B, J), 0.05)
        self.dept_output = np.zeros((B, J))
        self.dept_reported = np.zeros((B, J))
        self.dept_gaming = np.zeros((B, J))

        # --- cadres ----------------------------------------------------------------------
        self.cadre_motivation = _beta(rand, p.initial_motivation, N)
        self.cadre_baseline_motivation = self.cadre_motivation.copy()
        self.cadre_competence = _beta(rand, p.initial_competence, N)
        self.cadre_discipline = _beta(rand, p.initial_discipline, N)
        self.cadre_blame_fear = _beta(rand, np.full((B, 1), 0.5), N)
        self.cadre_public_value = _beta(rand, p.initial_public_value, N)
        self.cadre_effort = np.zeros((B, N))
        self.cadre_real_effort = np.zeros((B, N))
        self.cadre_misdirected = np.zeros((B, N))
        self.cadre_expected_reward = np.zeros((B, N))

        # --- citizens ----------------------------------------------------------------------
        self.citizen_needs = np.stack([g.dirichlet(NEED_CONCENTRATION, C) for g in rand.gens])
        self.citizen_township_access = 0.8 + 0.4 * rand.random(T)  # township service access
        self.citizen_expectation = np.zeros((B, C))
        self.citizen_satisfaction = np.zeros((B, C))
        self.citizen_trust = _beta(rand, np.full((B, 1), 0.35), C)
        self.citizen_voice_propensity = _beta(rand, np.full((B, 1), 0.5), C, 4.0)
        self.citizen_participation_propensity = _beta(rand, np.full((B, 1), 0.3), C, 4.0)
        k = p.citizen_ties
        size = self.town_size[self.citizen_township]  # (C,)
        start = self.town_start[self.citizen_township]
        offs = rand.integers(1, 1 << 30, C, max(k, 1))
        own = np.arange(C) - start
        nb = (
            start[None, :, None]
            + (own[None, :, None] + offs % np.maximum(size - 1, 1)[None, :, None] + 1) % size[None, :, None]
        )
        self.citizen_neighbours = nb if k > 0 else nb[:, :, :0]
        self.need_mean = self.citizen_needs.mean(axis=1)  # (B, 4): what the public values

        # --- county ------------------------------------------------------------------------
        self.resources = p.initial_resources[:, 0].copy()
        self.resource_shock = np.zeros(B)
        self.action_base = p.initial_action_base[:, 0].copy()
        self.problems_identified = np.full(B, 0.1)
        self.pm_monitoring = p.initial_pm_maturity[:, 0].copy()
        self.pm_incentive = p.initial_pm_maturity[:, 0].copy()
        self.pm_feedback = p.initial_pm_maturity[:, 0].copy()
        econ = np.zeros(N_DOMAINS)
        econ[0] = 1.0
        self.priorities_start = (1 - p.economy_bias) * self.need_mean + p.economy_bias * econ
        self.priorities = self.priorities_start.copy()
        self.indicator_weights = self.priorities.copy()  # assessment starts as leaders' priorities
        self.institutionalisation = np.zeros(B)
        self.public_value_clarity = p.initial_public_value[:, 0].copy()
        self.openness = p.initial_openness[:, 0].copy()
        self.drive = np.zeros(B)
        self.active = np.zeros(B)
        self.inertia_threshold = p.inertia[:, 0].copy()
        self.event_drive = np.zeros(B)
        self.started = np.zeros(B, dtype=bool)
        self.campaign_due = np.full((B, 2), -1)  # month of pending rectification / emancipation
        self.real_perf = np.repeat(p.initial_performance, N_DOMAINS, axis=1)
        self.assessed_perf = self.real_perf.copy()
        self.benchmark = p.benchmark_performance[:, 0].copy()
        self.participation_rate = np.zeros(B)
        self.voice_rate = np.zeros(B)
        self.voiced = np.zeros((B, N_DOMAINS))
        self.perf_history = np.repeat(p.initial_performance, HISTORY, axis=1)
        self.output_scale = np.ones((B, 1))
        self.levels = np.zeros((B, 5))
