"""Property-based tests (hypothesis): for parameter draws across the whole declared ranges, the state
stays finite and every level stays in [0, 1] (issue 2: "state stays within bounds and finite for
random parameter draws across the whole declared ranges").

Every non-size parameter is drawn across its full [low, high] (bools too; hypothesis favours the
ends of a range, which is where bounds break). The behavioural sizes that do not change array shapes
much (term length, citizens' ties) are drawn too; the agent counts are small for speed. Random
events are added so that visits, campaigns and leadership changes are covered as well.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.model import BOUNDED, Cadre, Citizen, CountyModel, Department, Leader
from sim.params import PARAMS
from sim.record import MEASURES
from sim.scenario import EVENT_KINDS, Event
from tests.model1 import default_scenario  # Model 1 is tested on Model 1

STEPS = 36
SIZES = {
    "n_citizens": 100,
    "n_cadres": 48,
    "n_departments": 8,
    "n_townships": 4,
    "n_leaders": 3,
    "model_version": 1,
}
SIZES2 = {**SIZES, "model_version": 2, "problem_slots": 120}  # Model 2 also has a problem pool
DRAWN_SIZES = ("term_length", "citizen_ties", "spin_up")  # sizes that are behaviour, not array shapes


def param_strategy(name: str) -> st.SearchStrategy:
    p = PARAMS[name]
    if p.kind == "bool":
        return st.booleans()
    if p.kind == "int":
        return st.integers(min_value=int(p.low), max_value=int(p.high))
    return st.floats(min_value=float(p.low), max_value=float(p.high), allow_nan=False, allow_infinity=False)


#: reproducible property runs: the same examples every time, no example database, no deadline
PROPERTY_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
DRAWN = [n for n, p in PARAMS.items() if p.group != "size"] + list(DRAWN_SIZES)


def draws(engine: int) -> st.SearchStrategy:
    """Every drawn parameter that `engine` reads (a scenario may not set one its engine ignores)."""
    return st.fixed_dictionaries({name: param_strategy(name) for name in DRAWN if engine in PARAMS[name].models})


PARAM_DRAWS = draws(1)


@st.composite
def events(draw) -> tuple[Event, ...]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(sorted(EVENT_KINDS)))
        values = {
            key: draw(st.floats(min_value=f.low, max_value=f.high, allow_nan=False))
            for key, f in EVENT_KINDS[kind].fields.items()
        }
        out.append(Event(draw(st.integers(1, STEPS)), kind, tuple(sorted(values.items()))))
    return tuple(sorted(out, key=lambda e: e.month))


def check_state(s, bounded) -> None:
    """Every float state array is finite, and the `bounded` ones stay in [0, 1]."""
    for name, x in vars(s).items():
        if isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating):
            assert np.all(np.isfinite(x)), f"state array {name} is not finite"
    for name in bounded:
        x = getattr(s, name)
        assert x.min() >= 0.0 and x.max() <= 1.0, f"{name} in [{x.min()}, {x.max()}]"


def stepped(sc, seed: int) -> CountyModel:
    """The scenario's model (no Mesa agents) stepped to its horizon."""
    model = CountyModel(sc, seed=seed, build_agents=False)
    for _ in range(sc.steps):
        model.step()
    return model


def check_run(model: CountyModel) -> None:
    data = model.engine.recorder.data[: model.engine.recorder.n, 0]
    assert data.shape == (STEPS + 1, len(MEASURES))
    bad = [MEASURES[i] for i in np.flatnonzero(~np.isfinite(data).all(axis=0))]
    assert not bad, f"non-finite measures: {bad}"
    # every measure is designed as a level or share in [0, 1]
    low = [MEASURES[i] for i in np.flatnonzero(data.min(axis=0) < 0.0)]
    high = [MEASURES[i] for i in np.flatnonzero(data.max(axis=0) > 1.0)]
    assert not low and not high, f"below 0: {low}; above 1: {high}"
    s = model.engine.s
    check_state(s, BOUNDED)
    # budget shares stay a distribution; effort and the leaders' vision stay levels
    np.testing.assert_allclose(s.dept_budget_share.sum(axis=1), 1.0, rtol=1e-9)
    assert s.dept_budget_share.min() >= 0.0
    for name in ("cadre_effort", "leader_vision"):
        x = getattr(s, name)
        assert x.min() >= 0.0 and x.max() <= 1.0, name


def check_run2(model: CountyModel) -> None:
    """Model 2: every measure finite, levels and shares in [0, 1], counts non-negative, every float
    state array finite and the bounded ones in [0, 1]."""
    from sim.model2.engine import BOUNDED as BOUNDED2
    from sim.model2.readout import EXTRA, NAMES

    data = model.engine.recorder.data[: model.engine.recorder.n, 0]
    assert data.shape[0] == STEPS + 1
    assert np.isfinite(data).all(), [NAMES[i] for i in np.flatnonzero(~np.isfinite(data).all(axis=0))]
    shares = data[:, : len(MEASURES)]
    assert shares.min() >= 0.0 and shares.max() <= 1.0, [
        MEASURES[i] for i in np.flatnonzero((shares.min(axis=0) < 0) | (shares.max(axis=0) > 1))
    ]
    assert data[:, len(MEASURES) :].min() >= 0.0, EXTRA
    s = model.engine.s
    check_state(s, BOUNDED2)
    assert (s.latent >= 0).all()


@settings(max_examples=600, **PROPERTY_SETTINGS)
@given(params=PARAM_DRAWS, evs=events(), seed=st.integers(0, 2**32 - 1))
def test_state_bounded_and_finite_across_parameter_ranges(params, evs, seed):
    check_run(stepped(dataclasses.replace(default_scenario(**SIZES, **params, steps=STEPS), events=evs), seed))


@settings(max_examples=150, **PROPERTY_SETTINGS)
@given(params=draws(2), evs=events(), seed=st.integers(0, 2**32 - 1))
def test_model2_state_bounded_and_finite_across_parameter_ranges(params, evs, seed):
    """The same for Model 2 (see check_run2)."""
    check_run2(stepped(dataclasses.replace(default_scenario(**SIZES2, **params, steps=STEPS), events=evs), seed))


def test_every_non_size_parameter_is_drawn():
    drawn = set(DRAWN)
    assert {n for n, p in PARAMS.items() if p.group != "size"} <= drawn
    assert set(PARAMS) - drawn == set(SIZES2), "every other size is fixed small above"


EXTREME_SIZES = [
    {"n_departments": 4, "n_leaders": 1, "citizen_ties": 0, "n_townships": 1, "n_cadres": 4, "n_citizens": 10},
    {"n_departments": 4, "n_leaders": 1, "citizen_ties": 0, "n_townships": 1, "n_cadres": 48, "n_citizens": 100},
    {"n_departments": 5, "n_leaders": 2, "citizen_ties": 30, "n_townships": 10, "n_cadres": 5, "n_citizens": 10},
    {"n_departments": 4, "n_leaders": 1, "citizen_ties": 1, "n_townships": 3, "n_cadres": 7, "n_citizens": 11},
]


@pytest.mark.parametrize("engine", [1, 2])
@pytest.mark.parametrize("sizes", EXTREME_SIZES, ids=lambda d: "-".join(f"{k[2:]}{v}" for k, v in d.items()))
def test_extreme_small_sizes_run(sizes, engine):
    sc = default_scenario(**sizes, term_length=12, steps=STEPS, model_version=engine)
    res = sim.run(sc, seed=3)
    assert len(res.series) == STEPS + 1
    (check_run if engine == 1 else check_run2)(res.model)
    for cls, key in (
        (Leader, "n_leaders"),
        (Department, "n_departments"),
        (Cadre, "n_cadres"),
        (Citizen, "n_citizens"),
    ):
        assert len(res.model.agents_by_type[cls]) == sizes[key]
