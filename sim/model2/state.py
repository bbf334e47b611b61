"""Model 2's state as arrays with a leading batch axis B (structure of arrays; ENGINEERING.md).

Agents: leaders (L), departments (J), cadres (N), citizens (C). Problems: a pool of P slots per run.
Places: T townships x D domains, plus one county-wide row, so K = (T + 1) x D cells of latent burden.
Names that Model 1 used keep their meaning where they still have one (`leader_resolve`,
`cadre_motivation`, `dept_ties`, ...), so that the Mesa agents stay views onto the same names.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv, ndtr, ndtri

from ..npx import clip
from ..params import DOMAINS
from ..state import NEED_CONCENTRATION, Pars, Rand, blocks

D = len(DOMAINS)
#: problem sources, in the order of the `listed_<source>` columns (docs/MODEL.md §4)
SOURCES: tuple[str, ...] = ("routine", "diagnosis", "complaint", "evaluation", "comparison", "proposal")
SRC = {name: i for i, name in enumerate(SOURCES)}
MAX_NEW = 96  # at least this many candidate new problems a month per run (a fifth of the pool if larger);
# more are left latent and counted in `listing_overflow`, never lost
THIRD_DEPT_SHARE = 1.0 / 3.0  # of cross-department problems, the share needing three departments
DIFFICULTY_SHAPE = 2  # Gamma shape of problem difficulty (mean 1): most are routine, a few hard; an integer,
# so a difficulty is the mean of that many exponential draws (exact, and cheaper than an inverse CDF)
INITIAL_LISTED_MONTHS = 1.0  # the starting list holds about a month of ordinary work orders
LEADER_CONC = 20.0  # Beta concentration of leaders' dispositions around the scenario's resolve
ATTR_CONC = 12.0  # Beta concentration of cadres' and departments' starting attributes
LEADER_MEAN = 0.5  # leaders' collaborative skill: the middle of the scale (Model 1)
LEADER_PV_LEAD = 0.2  # leaders start 0.2 above cadres in public-value commitment (Model 1)
CITIZEN_TRUST_MEAN, CITIZEN_VOICE_MEAN, CITIZEN_PARTICIPATION_MEAN = 0.35, 0.5, 0.3  # (Model 1)
CITIZEN_CONC = 4.0  # citizens differ more than cadres in their propensities (Model 1)
THRESHOLD_MOTIVATION_CORR = -0.5  # cadres who need more to engage are less motivated (Gaussian copula)
STATUS_FREE, STATUS_OPEN, STATUS_PAPER = 0, 1, 2
#: what a newcomer cadre brings, drawn fresh (Beta around the scenario's condition)
FRESH: tuple[str, ...] = ("threshold", "motivation", "competence", "discipline", "blame_fear")
FRESH_SLOTS = 16  # newcomers a run draws for from its monthly block (more draw from its generator after it)
BLAME_FEAR_MEAN = 0.5  # cadres' mean blame fear (不敢为) before any fault tolerance (Model 1)


def beta_draw(u: np.ndarray, mean: np.ndarray | float, conc: float | np.ndarray) -> np.ndarray:
    """Beta(mean*conc, (1-mean)*conc) by its inverse CDF of uniforms u (one draw per uniform): a draw
    moves smoothly with a mean that is a parameter, so common random numbers carry across a sweep."""
    m = clip(mean, 0.02, 0.98)
    return betaincinv(m * conc, (1.0 - m) * conc, clip(u, 1e-12, 1.0 - 1e-12))


def sampled_beta(gens, mean: float, conc: float, n: int) -> np.ndarray:
    """n draws of Beta(mean*conc, (1-mean)*conc) per run from the run's own generator, shape (B, n)."""
    return np.stack([g.beta(mean * conc, (1.0 - mean) * conc, n) for g in gens])


def neighbours_numpy(uu, cross, township, start, size, any_other_township: bool) -> np.ndarray:
    """Word-of-mouth ties from their uniforms (B, C, k) in plain NumPy: the twin of the compiled
    kernel `kernels.neighbours` that State2 uses, which the tests compare with it."""
    C = township.size
    own_start, own_size = start[township], size[township]
    step = (uu * np.maximum(own_size - 1, 1)[None, :, None]).astype(np.intp)
    local = own_start[None, :, None] + ((np.arange(C) - own_start)[None, :, None] + 1 + step) % own_size[None, :, None]
    anyone = (uu * C).astype(np.intp)
    nb = np.where(cross & any_other_township, anyone, local)
    return np.where(nb == np.arange(C)[None, :, None], local, nb)


def portfolios(n_leaders: int, n_departments: int) -> np.ndarray:
    """The supervising leader (分管) of each department: leaders 1..L-1 share the departments round
    the domains; the top leader (0) supervises directly only when the team has one member."""
    if n_leaders == 1:
        return np.zeros(n_departments, dtype=np.intp)
    return 1 + blocks(n_departments, n_leaders - 1).astype(np.intp)


class State2:
    """All state of B runs of Model 2."""

    def __init__(self, p: Pars, rand: Rand):
        B, L, J, N, C, T = p.B, p.n_leaders, p.n_departments, p.n_cadres, p.n_citizens, p.n_townships
        P = p.problem_slots
        K = (T + 1) * D
        self.B, self.t = B, 0
        self.mean_field_rows = p.mean_field[:, 0] > 0  # the mean-field twin's runs (pattern 8)
        self.routine_only = False  # the spin-up before month 1: no reform
        self.L, self.J, self.N, self.C, self.T, self.P, self.K = L, J, N, C, T, P, K
        self.max_new = max(MAX_NEW, P // 5)
        gens = rand.gens

        def u(*shape):
            return rand.random(*shape)

        # --- structure (shared by the batch) -------------------------------------------------------
        self.dept_domain = np.arange(J) % D
        self.dept_leader = portfolios(L, J)
        self.portfolio_size = np.bincount(self.dept_leader, minlength=L).astype(float)
        # each leader's share of its portfolio in each domain (the top leader goes to every domain)
        self.portfolio_domains = np.zeros((L, D))
        for leader in range(L):
            mine = self.dept_domain[self.dept_leader == leader]
            self.portfolio_domains[leader] = np.bincount(mine, minlength=D) / len(mine) if len(mine) else 1.0 / D
        if L > 1:
            self.portfolio_domains[0] = 1.0 / D
        self.portfolio_members = [np.flatnonzero(self.dept_leader == leader) for leader in range(L)]
        self.domain_depts = [np.flatnonzero(self.dept_domain == d) for d in range(D)]
        self.domain_size = np.bincount(self.dept_domain, minlength=D)
        width = int(self.domain_size.max())
        # (D, width): the departments of each domain, padded by repeating them (draws index < size)
        self.domain_table = np.stack([np.resize(idx, width) for idx in self.domain_depts])
        self.cadre_dept = blocks(N, J).astype(np.intp)
        self.dept_start = np.searchsorted(self.cadre_dept, np.arange(J))
        self.dept_size = np.bincount(self.cadre_dept, minlength=J).astype(float)
        self.citizen_township = blocks(C, T).astype(np.intp)
        self.town_size = np.bincount(self.citizen_township, minlength=T).astype(float)

        # --- leaders ------------------------------------------------------------------------------
        self.leader_disposition = beta_draw(u(L), p.reform_resolve, LEADER_CONC)
        self.leader_resolve = self.leader_disposition.copy()
        self.leader_vision = beta_draw(u(L), p.leader_vision, ATTR_CONC)
        self.leader_public_value = beta_draw(u(L), np.clip(p.initial_public_value + LEADER_PV_LEAD, 0, 1), ATTR_CONC)
        self.leader_collaboration = beta_draw(u(L), LEADER_MEAN, ATTR_CONC)
        self.leader_tenure = np.zeros((B, L))
        stagger = p.stagger_terms > 0  # (B, 1)
        # staggered: the top leader serves the full term, the others' first terms end one by one
        offset = np.where(stagger & (np.arange(L) > 0), np.ceil(p.term_length * np.arange(L) / L), p.term_length)
        self.leader_term_end = offset.astype(float)  # month at whose end the term runs out
        self.leader_wins = np.zeros((B, L))
        self.leader_attention = np.zeros((B, L))  # supervising attention x resolve, for the read-outs

        # --- county --------------------------------------------------------------------------------
        self.launched = np.zeros(B, dtype=bool)  # the top leader has committed (the county's launch)
        self.leader_committed = np.zeros((B, L), dtype=bool)
        self.drive = np.zeros(B)
        self.inertia_threshold = p.inertia[:, 0].copy()
        self.event_drive = np.zeros(B)
        self.campaigns_done = np.zeros(B, dtype=bool)  # leaders' own campaigns, once per team
        self.resources = p.initial_resources[:, 0].copy()
        self.resource_shock = np.zeros(B)
        self.action_base = p.initial_action_base[:, 0].copy()
        self.pm_maturity = p.initial_pm_maturity[:, 0].copy()
        self.openness = p.initial_openness[:, 0].copy()
        self.public_value_clarity = p.initial_public_value[:, 0].copy()
        self.participation_rate = np.zeros(B)
        self.voice_rate = np.zeros(B)
        self.benchmark = p.benchmark_performance[:, 0].copy()
        self.task_forces = np.zeros(B)
        self.visits = np.zeros((B, J), dtype=bool)

        # --- departments -----------------------------------------------------------------------------
        self.dept_capacity = beta_draw(u(J), p.initial_capacity, ATTR_CONC)
        self.dept_silo = beta_draw(u(J), p.initial_silo, ATTR_CONC)
        raw = u(J, J) * 2.0 * p.initial_ties[:, :, None]  # uniform on [0, 2 x initial_ties]: mean initial_ties
        ties = np.clip(np.triu(raw, 1), 0.0, 1.0)
        self.dept_ties = ties + np.transpose(ties, (0, 2, 1))
        self.dept_engaged = np.zeros((B, J), dtype=bool)
        self.dept_signal = np.zeros((B, J))
        self.dept_pressure = np.zeros((B, J))
        self.dept_practices = np.full((B, J), 0.05)
        self.dept_rules = np.zeros((B, J))  # institutionalised practices (standing rules)
        self.dept_score = np.zeros((B, J))  # reported closures, smoothed (what assessment sees)
        self.dept_output = np.zeros((B, J))  # real solved difficulty this month
        self.dept_reported = np.zeros((B, J))  # reported closures this month (real + on paper)
        self.dept_solved_recent = np.zeros((B, J))

        # --- cadres: a reform threshold (等靠要) negatively correlated with motivation ------------------
        z1, z2 = ndtri(np.clip(u(N), 1e-12, 1 - 1e-12)), ndtri(np.clip(u(N), 1e-12, 1 - 1e-12))
        rho = THRESHOLD_MOTIVATION_CORR
        self.cadre_base_threshold = beta_draw(ndtr(z1), p.inertia * p.threshold_scale, p.threshold_concentration)
        self.cadre_threshold = self.cadre_base_threshold.copy()
        self.cadre_motivation = beta_draw(ndtr(rho * z1 + np.sqrt(1 - rho * rho) * z2), p.initial_motivation, ATTR_CONC)
        self.cadre_base_motivation = self.cadre_motivation.copy()
        self.cadre_competence = beta_draw(u(N), p.initial_competence, ATTR_CONC)
        self.cadre_discipline = beta_draw(u(N), p.initial_discipline, ATTR_CONC)
        self.cadre_base_discipline = self.cadre_discipline.copy()
        self.cadre_blame_fear = sampled_beta(gens, BLAME_FEAR_MEAN, ATTR_CONC, N)  # a constant mean, as citizens
        self.cadre_base_blame_fear = self.cadre_blame_fear.copy()
        self.cadre_public_value = beta_draw(u(N), p.initial_public_value, ATTR_CONC)
        self.cadre_record = np.zeros((B, N))
        self.cadre_effort = np.zeros((B, N))  # real + gaming
        self.cadre_real_effort = np.zeros((B, N))
        self.cadre_gaming = np.zeros((B, N))
        self.cadre_tenure = np.zeros((B, N))
        # each department's head: its first cadre to begin with (seniority)
        self.dept_head = np.broadcast_to(self.dept_start, (B, J)).copy()

        # --- citizens ---------------------------------------------------------------------------------
        self.citizen_needs = np.stack([g.dirichlet(NEED_CONCENTRATION, C) for g in gens])
        self.need_mean = self.citizen_needs.mean(axis=1)
        self.citizen_expectation = np.zeros((B, C))
        self.citizen_satisfaction = np.zeros((B, C))
        # citizens' propensities have constant means, so no parameter moves them and the generator's own
        # Beta sampler serves (the inverse CDF above costs about 1 us a draw; citizens are most draws)
        self.citizen_trust = sampled_beta(gens, CITIZEN_TRUST_MEAN, ATTR_CONC, C)
        self.citizen_voice_propensity = sampled_beta(gens, CITIZEN_VOICE_MEAN, CITIZEN_CONC, C)
        self.citizen_participation_propensity = sampled_beta(gens, CITIZEN_PARTICIPATION_MEAN, CITIZEN_CONC, C)
        self.citizen_neighbours = self._neighbours(p, rand)
        self.complaints = np.zeros((B, T, D))  # share of each township's residents complaining, by domain

        # --- problems: latent burden by cell, the listed pool ------------------------------------------
        hardship = np.exp(p.township_inequality * ndtri(np.clip(u(T), 1e-12, 1 - 1e-12)))
        self.town_hardship = hardship / hardship.mean(axis=1, keepdims=True)  # (B, T), mean 1
        self.ref_cell = p.reference_burden[:, 0]  # (B,) burden per township cell at which performance is 0
        self._initial_burden(p)
        self.prob_status = np.zeros((B, P), dtype=np.int8)
        self.prob_cell = np.zeros((B, P), dtype=np.intp)
        self.prob_lead = np.zeros((B, P), dtype=np.intp)
        self.prob_partner = np.full((B, P, 2), -1, dtype=np.intp)
        self.prob_difficulty = np.ones((B, P))
        self.prob_progress = np.zeros((B, P))
        self.prob_paper = np.zeros((B, P))
        self.prob_age = np.zeros((B, P))
        self.prob_source = np.zeros((B, P), dtype=np.int8)
        self.prob_key = np.zeros((B, P), dtype=bool)
        self.prob_taskforce = np.zeros((B, P), dtype=bool)
        self.prob_tie = np.full((B, P), -1.0)  # -1: not yet worked, or one department
        self.problem_log: list[dict] | None = None  # a list once `Engine2.log_problems()` is called
        # what each month measures about problems
        self.listed = np.zeros((B, len(SOURCES)))
        self.solved = np.zeros(B)
        self.solved_cross = np.zeros(B)
        self.obsolete = np.zeros(B)
        self.caught = np.zeros(B)
        self.pool_full = np.zeros(B)  # months the pool was full so far
        self.listing_overflow = np.zeros(B)  # candidates beyond the month's room or the free slots, left latent

    def _neighbours(self, p: Pars, rand: Rand) -> np.ndarray:
        """Word-of-mouth ties: each citizen has `citizen_ties` others, a share `cross_township_ties`
        of them drawn from the whole county (so about one in T of those lands in the citizen's own
        township), the rest in the own township (Deffuant et al. 2000 on a clustered network)."""
        B, C, T, k = p.B, p.n_citizens, p.n_townships, p.citizen_ties
        if k == 0:
            return np.zeros((B, C, 0), dtype=np.intp)
        from .kernels import neighbours

        start = np.searchsorted(self.citizen_township, np.arange(T))
        uu = rand.random(C, k)
        cross = rand.random(C, k) < p.cross_township_ties[:, :, None]
        out = np.empty((B, C, k), dtype=np.intp)
        neighbours(uu, cross, self.citizen_township, start, self.town_size.astype(np.intp), T > 1, out)
        return out

    def _initial_burden(self, p: Pars) -> None:
        """Latent burden per cell at the starting performance, and the arrivals that hold it there
        against ordinary listing and obsolescence (the trap is the starting county's routine balance)."""
        B, T = self.B, self.T
        total = (1.0 - p.initial_performance[:, 0]) * self.ref_cell  # per township cell, (B,)
        cw = p.countywide_share[:, 0]
        town = total[:, None, None] * (1.0 - cw)[:, None, None] * self.town_hardship[:, :, None] * np.ones(D)
        county = np.repeat((total * cw * T)[:, None], D, axis=1)  # county-wide burden, spread over T townships
        self.latent = np.concatenate([town.reshape(B, T * D), county], axis=1)  # (B, K)
        keep = 1.0 - INITIAL_LISTED_MONTHS * p.routine_listing[:, 0]
        self.latent *= keep[:, None]
        self.seed_listed = self.latent * (INITIAL_LISTED_MONTHS * p.routine_listing)  # listed at month 0
        # arrivals balance what ordinary listing takes from the latent stock and what is overtaken by
        # events, so a county without reform stays where it is in expectation (pattern 1)
        self.arrival = p.routine_listing * self.latent + p.problem_obsolescence * (self.latent + self.seed_listed)
