"""Entities and state, scheduling, couplings, events, reproducibility (ODD: entities, processes,
scheduling; issue 2: reproducibility and the batch engine).

Runs use small sizes and short horizons where the property does not need the defaults.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.model import BOUNDED, STEP_RULES, Cadre, Citizen, CountyModel, Department, Leader
from sim.record import MEASURES
from sim.scenario import EVENT_KINDS, Event
from tests.contract import FIXED_SERIES_COLUMNS
from tests.model1 import default_scenario, load_scenario  # Model 1 is tested on Model 1

SMALL = {"n_citizens": 200, "n_cadres": 64, "n_departments": 8, "n_townships": 4, "n_leaders": 3}


def with_events(sc: sim.Scenario, *events: tuple[int, str, dict]) -> sim.Scenario:
    """The scenario with events added (kind defaults filled in as the loader does)."""
    evs = []
    for month, kind, values in events:
        full = {k: f.default for k, f in EVENT_KINDS[kind].fields.items()} | values
        evs.append(Event(month, kind, tuple(sorted(full.items()))))
    return dataclasses.replace(sc, events=tuple(sorted(evs, key=lambda e: e.month)))


def measures(res: sim.RunResult) -> np.ndarray:
    return res.series[list(MEASURES)].to_numpy()


def first_difference(a: np.ndarray, b: np.ndarray) -> str:
    """'step t, measure m (a vs b)' for the first recorded value that differs, or '' if none."""
    bad = np.argwhere(~((a == b) | (np.isnan(a) & np.isnan(b))))
    if not bad.size:
        return ""
    t = bad[0, 0]
    names = [MEASURES[m] for m in bad[bad[:, 0] == t, 1]]
    m = bad[0, 1]
    return f"first difference at step {t}: {names} (e.g. {MEASURES[m]}: {a[t, m]!r} vs {b[t, m]!r})"


DEFAULT = default_scenario()
P = DEFAULT.params


@pytest.fixture(scope="module")
def model() -> CountyModel:
    return CountyModel(DEFAULT, seed=1)


# --- entities and state --------------------------------------------------------------------------------


def test_agent_counts(model):
    p = P
    for cls, key in (
        (Leader, "n_leaders"),
        (Department, "n_departments"),
        (Cadre, "n_cadres"),
        (Citizen, "n_citizens"),
    ):
        agents = model.agents_by_type[cls]
        assert len(agents) == p[key], cls.__name__
        assert sorted(a.index for a in agents) == list(range(p[key]))
    assert len(model.agents) == sum(p[k] for k in ("n_leaders", "n_departments", "n_cadres", "n_citizens"))


def test_agent_counts_follow_the_scenario():
    m = CountyModel(default_scenario(**SMALL), seed=2)
    for cls, key in (
        (Leader, "n_leaders"),
        (Department, "n_departments"),
        (Cadre, "n_cadres"),
        (Citizen, "n_citizens"),
    ):
        assert len(m.agents_by_type[cls]) == SMALL[key]


def test_agents_are_views_onto_the_arrays():
    m = CountyModel(default_scenario(**SMALL), seed=3)
    s = m.engine.s
    cadre = next(a for a in m.agents_by_type[Cadre] if a.index == 5)
    cadre.motivation = 0.9
    assert s.cadre_motivation[0, cadre.index] == 0.9
    s.cadre_competence[0, cadre.index] = 0.123
    assert cadre.competence == 0.123

    leader = next(a for a in m.agents_by_type[Leader] if a.index == 1)
    leader.resolve = 0.11
    assert s.leader_resolve[0, 1] == 0.11
    dept = next(a for a in m.agents_by_type[Department] if a.index == 2)
    dept.capacity = 0.77
    assert s.dept_capacity[0, 2] == 0.77
    citizen = next(a for a in m.agents_by_type[Citizen] if a.index == 7)
    citizen.trust = 0.66
    assert s.citizen_trust[0, 7] == 0.66


def test_a_write_through_an_agent_reaches_the_rules():
    """Setting an agent's attribute changes what the vectorised rules compute next step."""
    sc = default_scenario(**SMALL)
    a, b = CountyModel(sc, seed=3), CountyModel(sc, seed=3)
    next(c for c in a.agents_by_type[Cadre] if c.index == 5).motivation = 0.99
    a.step()
    b.step()
    effort_a = next(c for c in a.agents_by_type[Cadre] if c.index == 5).effort
    effort_b = next(c for c in b.agents_by_type[Cadre] if c.index == 5).effort
    assert effort_a > effort_b


def test_agents_are_heterogeneous(model):
    """Each agent has its own state: not every cadre (or citizen) is the same."""
    assert len({round(c.motivation, 12) for c in model.agents_by_type[Cadre]}) > 10
    assert len({round(c.voice_propensity, 12) for c in model.agents_by_type[Citizen]}) > 10
    assert len({tuple(np.round(c.needs, 12)) for c in model.agents_by_type[Citizen]}) > 10


def test_top_leader_is_unique(model):
    assert sum(a.is_top_leader for a in model.agents_by_type[Leader]) == 1


def test_department_domains_cover_all_domains(model):
    assert {d.domain for d in model.agents_by_type[Department]} == set(sim.DOMAINS)
    smallest = CountyModel(default_scenario(**{**SMALL, "n_departments": 4}), seed=1)
    assert {d.domain for d in smallest.agents_by_type[Department]} == set(sim.DOMAINS)


def test_every_department_has_cadres(model):
    depts = {c.department for c in model.agents_by_type[Cadre]}
    assert depts == set(range(P["n_departments"]))


def assert_ties_well_formed(ties: np.ndarray) -> None:
    np.testing.assert_array_equal(ties, ties.T)
    np.testing.assert_array_equal(np.diag(ties), 0.0)
    assert np.all((ties >= 0.0) & (ties <= 1.0))


def test_department_ties_symmetric_zero_diagonal_before_and_after_steps():
    m = CountyModel(default_scenario(**SMALL), seed=4)
    assert_ties_well_formed(m.engine.s.dept_ties[0])
    before = m.engine.s.dept_ties[0].copy()
    for _ in range(24):
        m.step()
        assert_ties_well_formed(m.engine.s.dept_ties[0])
    assert not np.array_equal(before, m.engine.s.dept_ties[0]), "ties should change as leaders convene"
    dept = next(a for a in m.agents_by_type[Department] if a.index == 0)
    np.testing.assert_array_equal(dept.ties, m.engine.s.dept_ties[0, 0])


def test_citizens_neighbours_live_in_the_same_township(model):
    s = model.engine.s
    nb = s.citizen_neighbours[0]
    k = P["citizen_ties"]
    assert nb.shape == (P["n_citizens"], k)
    own = s.citizen_township[:, None]
    np.testing.assert_array_equal(s.citizen_township[nb], np.broadcast_to(own, nb.shape))
    assert not np.any(nb == np.arange(nb.shape[0])[:, None]), "a citizen is not its own neighbour"
    towns = {c.township for c in model.agents_by_type[Citizen]}
    assert towns == set(range(P["n_townships"]))


def test_month_increments():
    m = CountyModel(default_scenario(**SMALL, steps=5), seed=5)
    assert m.month == 0 and m.running
    for t in range(1, 6):
        m.step()
        assert m.month == t
    assert not m.running, "the model stops at the scenario's horizon"
    assert len(m.series()["drive"]) == 6


def test_state_stays_bounded_with_defaults():
    m = CountyModel(default_scenario(**SMALL, steps=60), seed=6)
    for _ in range(60):
        m.step()
    for name in BOUNDED:
        x = getattr(m.engine.s, name)
        assert np.all(np.isfinite(x)) and x.min() >= 0.0 and x.max() <= 1.0, name


# --- series -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_default() -> sim.RunResult:
    return sim.run(DEFAULT, seed=11)


def test_series_has_the_fixed_columns(run_default):
    cols = set(run_default.series.columns)
    missing = [c for c in FIXED_SERIES_COLUMNS if c not in cols]
    assert not missing, missing
    assert set(MEASURES) <= cols


def test_series_rows_and_summary(run_default):
    df = run_default.series
    T = DEFAULT.steps
    assert len(df) == T + 1
    np.testing.assert_array_equal(df["step"], np.arange(T + 1))
    assert (df["seed"] == 11).all() and (df["replicate"] == 0).all()
    assert set(df["phase"]) <= set(sim.PHASES)
    assert set(run_default.summary) == set(sim.SUMMARY_COLUMNS)
    assert run_default.summary["seed"] == 11
    assert run_default.summary["final_real_performance"] == df["real_performance"].iloc[-1]


# --- reproducibility -----------------------------------------------------------------------------------------


def test_same_seed_same_series(run_default):
    again = sim.run(default_scenario(), seed=11)
    pd.testing.assert_frame_equal(run_default.series, again.series, check_exact=True)
    assert run_default.summary == again.summary


def test_different_seeds_different_series(run_default):
    other = sim.run(default_scenario(), seed=12)
    assert not np.array_equal(measures(run_default), measures(other))


def test_replicate_seed_is_deterministic():
    seeds = [sim.replicate_seed(42, r) for r in range(5)]
    assert seeds == [sim.replicate_seed(42, r) for r in range(5)]
    assert len(set(seeds)) == 5
    assert sim.replicate_seed(43, 0) != seeds[0]
    for x in seeds:
        assert type(x) is int and 0 <= x < 2**63


def test_replicate_reproduced_alone_from_its_seed():
    sc = default_scenario(**SMALL, steps=36)
    reps = list(sim.iter_replicates(sc, seed=7, replicates=3))
    assert len({r.summary["seed"] for r in reps}) == 3
    for r, res in enumerate(reps):
        seed = res.summary["seed"]
        assert seed == sim.replicate_seed(7, r)
        assert (res.series["replicate"] == r).all()
        alone = sim.run(sc, seed=seed)
        cols = [c for c in res.series.columns if c != "replicate"]
        pd.testing.assert_frame_equal(res.series[cols], alone.series[cols], check_exact=True)
        assert res.summary == alone.summary


def test_run_replicates_matches_iter_replicates():
    sc = default_scenario(**SMALL, steps=24)
    series, summary = sim.run_replicates(sc, seed=3, replicates=2)
    assert list(summary["replicate"]) == [0, 1]
    assert list(summary["seed"]) == [sim.replicate_seed(3, r) for r in range(2)]
    assert len(series) == 2 * 25


def _batch_scenarios() -> list[tuple[sim.Scenario, int]]:
    # default sizes: with few leaders or departments per domain, sums in a different order can
    # still happen to round alike and hide a batch dependence
    base = default_scenario()
    return [
        (base, 101),
        (base.with_overrides(reform_resolve=0.3, inertia=0.7, k_ME_DI=0.0), 202),
        (
            with_events(
                base.with_overrides(channel_openness=0.2),
                (2, "higher_level_visit", {"strength": 0.4}),
                (20, "leadership_change", {"resolve": 0.3}),
            ),
            303,
        ),
        (base.with_overrides(freeze_pm_maturity=True, pm_strength=0.9), 101),
    ]


def test_batch_engine_matches_single_runs_bit_for_bit():
    """Run b of a batch gives exactly the numbers it gives alone (the speed work relies on it)."""
    T = 60
    pairs = _batch_scenarios()
    batch = sim.Engine([sc for sc, _ in pairs], [seed for _, seed in pairs], T)
    for _ in range(T):
        batch.step()
    problems = []
    for b, (sc, seed) in enumerate(pairs):
        alone = sim.Engine([sc], [seed], T)
        for _ in range(T):
            alone.step()
        a, c = batch.recorder.data[:, b], alone.recorder.data[:, 0]
        assert a.shape == c.shape == (T + 1, len(MEASURES))
        if not np.array_equal(a, c):
            problems.append(f"run {b}: {first_difference(a, c)}")
    assert not problems, "; ".join(problems)


def test_batch_engine_matches_county_model():
    """The single-run CountyModel is the batch engine with B = 1: same numbers as sim.run."""
    sc = default_scenario(**SMALL, steps=30)
    engine = sim.Engine([sc], [9], 30)
    for _ in range(30):
        engine.step()
    res = sim.run(sc, seed=9)
    np.testing.assert_array_equal(engine.recorder.data[:, 0], measures(res))


# --- scheduling ------------------------------------------------------------------------------------------------

SUBSYSTEM_ORDER = (
    "drive–input",
    "coordination–linkage",
    "guidance–change",
    "management–execution",
    "adaptation–interaction",
    "outputs",
    "citizens",
    "turnover",
)
RULE_MODULE = {
    "drive–input": "sim.rules.drive_input",
    "coordination–linkage": "sim.rules.coordination_linkage",
    "guidance–change": "sim.rules.guidance_change",
    "management–execution": "sim.rules.management_execution",
    "adaptation–interaction": "sim.rules.adaptation_interaction",
    "outputs": "sim.rules.management_execution",  # output is an execution rule, run after adaptation
    "citizens": "sim.rules.citizens",
    "turnover": "sim.rules.turnover",
}


def test_step_rules_follow_the_subsystem_order():
    names = [name for name, _ in STEP_RULES]
    blocks = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    assert tuple(blocks) == SUBSYSTEM_ORDER, "each subsystem once, as one block, in the order of docs/ODD_model1.md"
    for name, rule in STEP_RULES:
        assert rule.__module__ == RULE_MODULE[name], f"{rule.__name__} is a {name} rule"
        assert (rule.__doc__ or "").strip(), f"{rule.__name__} needs a docstring citing its source"


def test_engine_steps_the_rules_in_that_order():
    calls: list[str] = []

    @contextlib.contextmanager
    def timer(name):
        calls.append(name)
        yield

    engine = sim.Engine([default_scenario(**SMALL)], [1], 3)
    engine.step(timer=timer)
    assert calls == [name for name, _ in STEP_RULES]


# --- couplings ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def coupling_base() -> np.ndarray:
    return measures(sim.run(default_scenario(steps=60), seed=21))


@pytest.mark.parametrize("k", sim.COUPLINGS)
def test_cutting_a_coupling_changes_the_run(coupling_base, k):
    """Each named channel exists: cutting it (k = 0) changes the series materially for the same seed."""
    cut = measures(sim.run(default_scenario(steps=60, **{k: 0.0}), seed=21))
    assert np.all(np.isfinite(cut))
    diff = np.abs(cut - coupling_base).max()
    assert diff > 1e-3, f"{k} = 0 changes nothing beyond {diff:.2g}"


# --- events -------------------------------------------------------------------------------------------------------


def test_higher_level_visit_raises_drive_at_its_month():
    sc = default_scenario(**SMALL, steps=12, reform_resolve=0.2, assessment_pressure=0.2)
    visit = with_events(sc, (3, "higher_level_visit", {"strength": 0.3}))
    a = sim.run(visit, seed=31).series["drive"].to_numpy()
    b = sim.run(sc, seed=31).series["drive"].to_numpy()
    np.testing.assert_array_equal(a[:3], b[:3])  # nothing happens before the visit
    assert a[3] > b[3] + 0.15, (a[3], b[3])


def test_higher_level_visit_from_a_file(tmp_path: Path):
    path = tmp_path / "visit.toml"
    path.write_text(
        "steps = 12\n[params]\nreform_resolve = 0.2\nassessment_pressure = 0.2\nn_citizens = 200\n"
        'n_cadres = 64\nn_departments = 8\n[[events]]\nmonth = 5\nkind = "higher_level_visit"\nstrength = 0.3\n',
        encoding="utf-8",
    )
    sc = load_scenario(path)
    a = sim.run(sc, seed=32).series["drive"].to_numpy()
    b = sim.run(dataclasses.replace(sc, events=()), seed=32).series["drive"].to_numpy()
    np.testing.assert_array_equal(a[:5], b[:5])
    assert a[5] > b[5] + 0.15


@pytest.mark.parametrize("resolve", [0.15, 0.95])
def test_leadership_change_sets_resolve(resolve):
    m = 30
    sc = with_events(
        default_scenario(**SMALL, steps=40, reform_resolve=0.55), (m, "leadership_change", {"resolve": resolve})
    )
    model = CountyModel(sc, seed=41)
    for _ in range(m):
        model.step()
    assert model.month == m
    leaders = list(model.agents_by_type[Leader])
    mean = np.mean([a.resolve for a in leaders])
    assert abs(mean - resolve) < 0.1, (mean, resolve)
    assert all(a.months_in_office <= 1 for a in leaders), "a new team has just taken office"


def test_leadership_change_differs_from_no_change():
    sc = default_scenario(**SMALL, steps=40)
    changed = with_events(sc, (20, "leadership_change", {"resolve": 0.05}))
    a = sim.run(changed, seed=42).series
    b = sim.run(sc, seed=42).series
    pd.testing.assert_frame_equal(a.iloc[:20], b.iloc[:20], check_exact=True)
    assert a["drive"].iloc[25] < b["drive"].iloc[25]


def test_campaigns_follow_the_start():
    """With campaigns on, the start raises discipline a month later; switched off, it does not."""
    sc = default_scenario(**SMALL, steps=12, inertia=0.2)
    on = CountyModel(sc, seed=51)
    off = CountyModel(sc.with_overrides(campaigns_follow_start=False), seed=51)
    for _ in range(4):
        on.step()
        off.step()
    assert on.engine.s.started[0] and off.engine.s.started[0]
    assert on.engine.s.cadre_discipline.mean() > off.engine.s.cadre_discipline.mean()
