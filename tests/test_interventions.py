"""The intervention registry (issue 6): every kind documented and wired to a rule, acting only from
its month on, moving the state it touches in the documented direction, and validated like a
scenario key (ODD §3 scheduling, §7.1 interventions).

Runs are small (200 citizens, 64 cadres) and short; each test steps a batch of two runs, base and
variant, on the same seed, so a difference between them is the intervention's. Every kind is checked
on both engines: Model 2 (the default) and Model 1 (kept for old results), each with its own rules
(sim/model2/events.py and sim/rules/turnover.py).
"""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.interventions import GROUPS, INTERVENTIONS, LEVERS, START_ONLY, STATE_LEVERS
from sim.model import Engine, make_engine
from sim.record import MEASURES
from sim.rules.turnover import EVENT_RULES
from sim.scenario import EVENT_KINDS, Event, default_scenario
from tests import model1

SMALL = {"n_citizens": 200, "n_cadres": 64, "n_departments": 8, "n_townships": 4, "n_leaders": 3}
SEED = 7
T = 8  # the month interventions are scheduled in the tests
# Model 1: a county that starts late: low resolve and pressure until a higher-level visit at month 10,
# so that interventions at month 8 act before the start and its campaigns (months 11 and 12).
LATE = model1.default_scenario(**SMALL, steps=24, reform_resolve=0.3, assessment_pressure=0.3).with_interventions(
    [Event(10, "higher_level_visit", (("strength", 0.5),))]
)
EARLY = model1.default_scenario(**SMALL, steps=24)  # Model 1: starts in month 1
# Model 2 at these sizes and this seed: the first departments engage in month 18 and the leaders'
# campaigns follow when their diagnosis has listed enough problems (month 20), so month 8 is before both.
EARLY2 = default_scenario(**SMALL, steps=24)
#: the scenario each engine's generic tests run
BASE = {1: LATE, 2: EARLY2}


def event(month: int, kind: str, **values) -> Event:
    """An event with the kind's defaults filled in, as the loader does."""
    fields = INTERVENTIONS[kind].fields
    full = {k: f.default for k, f in fields.items() if f.default is not None} | values
    return Event(month, kind, tuple(sorted(full.items())))


def paired(base: sim.Scenario, *events: Event, months: int | None = None, seed: int = SEED) -> Engine:
    """A batch of two runs on one seed, row 0 the base and row 1 with the events, stepped `months`."""
    engine = Engine([base, base.with_interventions(list(events))], [seed, seed])
    for _ in range(base.steps if months is None else months):
        engine.step()
    return engine


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the registry ------------------------------------------------------------------------------------------


def test_every_kind_is_documented_and_has_a_rule():
    assert set(INTERVENTIONS) == set(EVENT_RULES)
    for name, k in INTERVENTIONS.items():
        assert k.name == name and k.meaning.strip() and k.zh.strip()
        assert "§" in k.source, f"{name}: cite the paper or the spec section"
        assert k.group in GROUPS, name
        assert k.touches, f"{name}: say which state it touches"
        for fname, f in k.fields.items():
            assert f.meaning.strip(), (name, fname)
            if not f.choices and f.default is not None and not f.scale:
                assert f.low <= f.default <= f.high, (name, fname)
        # the rule takes exactly the kind's fields (plus state, parameters, run index, generators)
        params = set(inspect.signature(EVENT_RULES[name]).parameters)
        assert params == {"s", "p", "b", "r", *k.fields}, (name, params)
        assert k.rule is EVENT_RULES[name]


def test_original_event_kinds_keep_their_fields():
    original = {
        "higher_level_visit": {"strength"},
        "rectification_campaign": {"strength"},
        "emancipation_campaign": {"strength"},
        "leadership_change": {"resolve", "public_value", "collaboration"},
    }
    for kind, fields in original.items():
        assert kind in EVENT_KINDS and fields <= set(INTERVENTIONS[kind].fields)
    assert INTERVENTIONS["leadership_change"].fields["resolve"].default is None  # still required
    # EVENT_KINDS keeps only kinds whose fields are plain numbers (it is drawn from in property tests)
    assert all(k.numeric for k in EVENT_KINDS.values())


def test_issue_kinds_exist():
    """Issue 6: lever set/add/ramp, campaign start/stop, channels, learning visit, resource shock or
    windfall, leadership change with a successor profile, institutionalisation."""
    for kind in (
        "set_lever",
        "add_lever",
        "ramp_lever",
        "rectification_campaign",
        "emancipation_campaign",
        "stop_campaigns",
        "open_channel",
        "close_channel",
        "learning_visit",
        "resource_shock",
        "leadership_change",
        "institutionalise",
    ):
        assert kind in INTERVENTIONS, kind


def test_levers_are_the_float_parameters_rules_read():
    for name in LEVERS:
        p = sim.PARAMS[name]
        assert p.kind == "float" and p.group in ("lever", "condition", "coupling", "rate")
    assert not set(LEVERS) & set(START_ONLY)
    assert set(STATE_LEVERS) <= set(LEVERS)
    for name in ("pm_strength", "fault_tolerance", "channel_openness", "k_ME_DI", "build_rate", "benchmark_growth"):
        assert name in LEVERS


# --- timing: nothing changes before month t ----------------------------------------------------------------------


@pytest.mark.parametrize("engine", sorted(BASE))
@pytest.mark.parametrize("kind", list(INTERVENTIONS))
def test_intervention_leaves_every_series_identical_before_its_month(kind, engine):
    """Every recorded measure equals the base's up to month t - 1 (the state before month t), and the
    intervention changes something from month t on; the two runs share one batch."""
    values = dict(INTERVENTIONS[kind].example)
    base = BASE[engine]
    results = sim.run_batch([base, base.with_interventions([event(T, kind, **values)])], [SEED, SEED], with_series=True)
    a = results[0].series[list(MEASURES)].to_numpy()
    b = results[1].series[list(MEASURES)].to_numpy()
    np.testing.assert_array_equal(a[:T], b[:T])
    assert np.abs(a[T:] - b[T:]).max() > 0.0, f"{kind} at month {T} changed nothing"


@pytest.mark.parametrize("engine", sorted(BASE))
def test_a_run_with_interventions_is_the_same_alone_and_in_a_batch(engine):
    base = BASE[engine]
    sc = base.with_interventions(
        [
            event(T, "ramp_lever", lever="performance_pay", value=0.9, months=5),
            event(T, "learning_visit", strength=1.0),
            event(T, "rectification_campaign", strength=1.0),
            event(12, "leadership_change", resolve=0.2),
        ]
    )
    alone = sim.run(sc, seed=SEED).series[list(MEASURES)].to_numpy()
    other = base.with_interventions([event(T + 2, "stop_campaigns")])
    batch = sim.run_batch([base, sc, other], [3, SEED, 5], with_series=True)[1].series[list(MEASURES)].to_numpy()
    np.testing.assert_array_equal(alone, batch)


# --- Model 1: direction of each kind's effect on the state it touches -------------------------------------------


def test_higher_level_visit_raises_drive():
    e = paired(LATE, event(T, "higher_level_visit", strength=0.4), months=T)
    assert e.s.event_drive[1] > e.s.event_drive[0] and e.s.drive[1] > e.s.drive[0] + 0.2


def test_rectification_campaign_raises_discipline():
    e = paired(LATE, event(T, "rectification_campaign", strength=1.0), months=T)
    assert e.s.cadre_discipline[1].mean() > e.s.cadre_discipline[0].mean() + 0.05


def test_emancipation_campaign_opens_and_lowers_inertia():
    e = paired(LATE, event(T, "emancipation_campaign", strength=1.0), months=T)
    assert e.s.openness[1] > e.s.openness[0]
    assert e.s.inertia_threshold[1] < e.s.inertia_threshold[0]
    assert e.s.cadre_motivation[1].mean() > e.s.cadre_motivation[0].mean()


def test_stop_campaigns_cancels_the_campaigns_that_follow_the_start():
    e = paired(LATE, event(T, "stop_campaigns"), months=13)
    assert e.s.started.all(), "both runs have started (month 10)"
    assert e.p.campaigns_follow_start[0, 0] == 1.0 and e.p.campaigns_follow_start[1, 0] == 0.0
    # the base ran its rectification (month 11) and emancipation (month 12); the variant did not
    assert e.s.cadre_discipline[1].mean() < e.s.cadre_discipline[0].mean()
    assert e.s.inertia_threshold[1] > e.s.inertia_threshold[0]
    # pending campaigns are cancelled too
    e = paired(LATE, event(11, "stop_campaigns"), months=11)
    assert (e.s.campaign_due[1] == -1).all() and e.s.campaign_due[0, 1] == 12


@pytest.mark.parametrize(
    ("lever", "value", "state"),
    [
        ("pm_strength", 1.0, "pm_monitoring"),
        ("training", 1.0, "cadre_competence"),
        ("channel_openness", 1.0, "voice_rate"),
    ],
)
def test_set_lever_sets_the_parameter_and_moves_its_state(lever, value, state):
    e = paired(EARLY, event(T, "set_lever", lever=lever, value=value), months=T + 6)
    assert getattr(e.p, lever)[1, 0] == value and getattr(e.p, lever)[0, 0] == sim.PARAMS[lever].default
    x = getattr(e.s, state)
    assert np.mean(x[1]) > np.mean(x[0]), (lever, state)


@pytest.mark.parametrize(("lever", "state"), list(STATE_LEVERS.items()))
def test_levers_that_seed_a_state_move_it_by_the_change(lever, state):
    base = EARLY if 1 in sim.PARAMS[lever].models else EARLY2  # leader_vision: Model 2 only
    e0 = paired(base, months=T - 1)
    before = float(getattr(e0.p, lever)[0, 0])
    delta = -0.2
    e = paired(base, event(T, "add_lever", lever=lever, delta=delta), months=T)
    assert getattr(e.p, lever)[1, 0] == pytest.approx(before + delta)
    x = getattr(e.s, state)
    assert np.mean(x[1]) < np.mean(x[0]) - 0.1, (lever, state)


def test_add_lever_adds_and_stays_in_range():
    e = paired(EARLY, event(T, "add_lever", lever="training", delta=0.3), months=T)
    assert e.p.training[1, 0] == pytest.approx(0.8)
    e = paired(EARLY, event(T, "add_lever", lever="shock_volatility", delta=0.5), months=T)
    assert e.p.shock_volatility[1, 0] == sim.PARAMS["shock_volatility"].high  # clipped to 0.5


def test_add_lever_direction_on_state():
    e = paired(EARLY, event(T, "add_lever", lever="training", delta=0.5), months=T + 6)
    assert e.s.cadre_competence[1].mean() > e.s.cadre_competence[0].mean()


def test_ramp_lever_moves_in_equal_steps_and_ends_at_the_value():
    k, target = 6, 0.9
    sc = EARLY.with_interventions([event(T, "ramp_lever", lever="performance_pay", value=target, months=k)])
    engine = Engine([sc], [SEED])
    seen = []
    for _ in range(T - 1 + k + 3):
        engine.step()
        seen.append(float(engine.p.performance_pay[0, 0]))
    start = sim.PARAMS["performance_pay"].default
    assert seen[: T - 1] == [start] * (T - 1)
    ramp = seen[T - 1 : T - 1 + k]
    np.testing.assert_allclose(ramp, start + (target - start) * np.arange(1, k + 1) / k, rtol=0, atol=1e-12)
    assert ramp[-1] == target and seen[T - 1 + k :] == [target] * 3
    # pay rises, so incentive-linked expected rewards rise (the state the lever acts on)
    e = paired(EARLY, event(T, "ramp_lever", lever="performance_pay", value=target, months=k), months=T + k)
    assert e.s.cadre_expected_reward[1].mean() > e.s.cadre_expected_reward[0].mean()


def test_open_channel_raises_voice_and_never_lowers_openness():
    closed = EARLY.with_overrides(channel_openness=0.1)
    e = paired(closed, event(T, "open_channel", openness=0.9), months=T)
    assert e.p.channel_openness[1, 0] == 0.9
    assert e.s.voice_rate[1] > e.s.voice_rate[0]
    e = paired(closed, event(T, "open_channel", openness=0.9), months=T + 12)
    assert e.s.public_value_clarity[1] > e.s.public_value_clarity[0]
    # "open" to a level below the current one changes nothing
    e = paired(EARLY, event(T, "open_channel", openness=0.2), months=T + 3)
    assert e.p.channel_openness[1, 0] == e.p.channel_openness[0, 0]
    np.testing.assert_array_equal(e.recorder.data[:, 0], e.recorder.data[:, 1])


def test_close_channel_lowers_voice_and_never_raises_openness():
    e = paired(EARLY, event(T, "close_channel", openness=0.0), months=T)
    assert e.p.channel_openness[1, 0] == 0.0 and e.s.voice_rate[1] < e.s.voice_rate[0]
    e = paired(EARLY, event(T, "close_channel", openness=0.95), months=T)
    assert e.p.channel_openness[1, 0] == e.p.channel_openness[0, 0]


def test_learning_visit_lifts_competence_capacity_openness_and_problems():
    e = paired(LATE, event(T, "learning_visit", strength=1.0), months=T)
    s = e.s
    assert s.cadre_competence[1].mean() > s.cadre_competence[0].mean()
    assert s.dept_capacity[1].mean() > s.dept_capacity[0].mean()
    assert s.openness[1] > s.openness[0] and s.problems_identified[1] > s.problems_identified[0]


@pytest.mark.parametrize("size", [-0.6, 0.6])
def test_resource_shock_and_windfall(size):
    e = paired(EARLY, event(T, "resource_shock", size=size), months=T)
    assert np.sign(e.s.resources[1] - e.s.resources[0]) == np.sign(size)
    e = paired(EARLY, event(T, "resource_shock", size=size), months=T + 60)
    gap = abs(e.s.resources[1] - e.s.resources[0])
    assert gap < 0.1, "resources return toward what the economy sustains"


def test_leadership_change_sets_the_profile_and_keeps_what_it_is_told():
    m = 14
    e = paired(EARLY, event(m, "leadership_change", resolve=0.1, public_value=0.9, keeps_practices=1.0), months=m)
    assert abs(e.s.leader_resolve[1].mean() - 0.1) < 0.1 and e.s.leader_resolve[0].mean() > 0.3
    assert e.s.leader_tenure[1].max() <= 1.0
    keeps = Engine(
        [EARLY.with_interventions([event(m, "leadership_change", resolve=0.4, keeps_practices=k)]) for k in (1.0, 0.0)],
        [SEED, SEED],
    )
    for _ in range(m):
        keeps.step()
    s = keeps.s
    assert s.public_value_clarity[0] > s.public_value_clarity[1]
    assert s.dept_practices[0].mean() > s.dept_practices[1].mean()
    assert s.action_base[0] > s.action_base[1]


def test_leadership_change_default_keeps_the_old_behaviour():
    """keeps_practices defaults to 0.5, the share the term turnover keeps, so old files give old numbers."""
    assert INTERVENTIONS["leadership_change"].fields["keeps_practices"].default == 0.5
    from sim.rules.turnover import FADE

    assert 1.0 - INTERVENTIONS["leadership_change"].fields["keeps_practices"].default == FADE


def test_institutionalise_turns_practices_into_rules():
    e = paired(EARLY, event(T, "institutionalise", share=1.0), months=T)
    assert e.s.institutionalisation[1] > e.s.institutionalisation[0] + 0.05
    assert e.s.institutionalisation[1] <= e.s.dept_practices[1].mean() + 1e-9


# --- Model 2: direction of each kind's effect on the state it touches -------------------------------------------


def paired2(*events: Event, months: int, base: sim.Scenario = EARLY2):
    """Model 2's engine: a batch of two runs on one seed, row 0 the base and row 1 with the events."""
    engine = make_engine([base, base.with_interventions(list(events))], [SEED, SEED])
    for _ in range(months):
        engine.step()
    return engine


def test_model2_higher_level_visit_is_a_pulse_of_drive():
    e = paired2(event(T, "higher_level_visit", strength=0.4), months=T)
    # the pulse is 0.4 at the start of the month and has faded by one month's retention at its end
    assert e.s.event_drive[0] == 0.0 and e.s.event_drive[1] > 0.3


def test_model2_rectification_replaces_the_laxest_and_raises_discipline():
    e = paired2(event(T, "rectification_campaign", strength=1.0), months=T)
    d = e.s.cadre_discipline.mean(axis=1)
    # at full strength everyone's discipline closes 30% of its headroom (RECTIFY_DISCIPLINE), so the
    # mean rises by at least 0.3 x (1 - 0.41) = 0.18 at a mean of about 0.41
    assert d[1] > d[0] + 0.15


def test_model2_emancipation_lowers_thresholds_and_fear_and_opens():
    e = paired2(event(T, "emancipation_campaign", strength=1.0), months=T)
    s = e.s
    # thresholds and fear fall by 30% at full strength (EMANCIPATE_*), less what faded within the month
    assert s.cadre_threshold[1].mean() < 0.8 * s.cadre_threshold[0].mean()
    assert s.inertia_threshold[1] < 0.8 * s.inertia_threshold[0]
    assert s.cadre_blame_fear[1].mean() < 0.8 * s.cadre_blame_fear[0].mean()
    assert s.openness[1] > s.openness[0] + 0.1


def test_model2_stop_campaigns_calls_off_the_campaigns_the_base_runs_later():
    e = paired2(event(T, "stop_campaigns"), months=T)
    assert not e.s.campaigns_done[0] and e.s.campaigns_done[1]
    assert e.p.campaigns_follow_start[0, 0] == 1.0 and e.p.campaigns_follow_start[1, 0] == 0.0
    e = paired2(event(T, "stop_campaigns"), months=24)
    # the base ran its rectification by month 24 (discipline up by about 0.1); the variant never did
    assert e.s.cadre_discipline[0].mean() > e.s.cadre_discipline[1].mean() + 0.05


def test_model2_learning_visit_brings_back_skills_practices_and_openness():
    e = paired2(event(T, "learning_visit", strength=1.0), months=T)
    s = e.s
    assert s.cadre_competence[1].mean() > s.cadre_competence[0].mean()
    assert s.dept_capacity[1].mean() > s.dept_capacity[0].mean()
    assert s.dept_practices[1].mean() > s.dept_practices[0].mean() + 0.03
    assert s.openness[1] > s.openness[0] + 0.05


def test_model2_institutionalise_turns_practices_into_rules():
    e = paired2(event(T, "institutionalise", share=1.0), months=T)
    # share 1 closes the whole gap: rules reach the practices (then both age together within the month)
    np.testing.assert_allclose(e.s.dept_rules[1], e.s.dept_practices[1], rtol=0, atol=1e-12)
    assert e.s.dept_rules[1].mean() > e.s.dept_rules[0].mean() + 0.01


def test_model2_leadership_change_puts_in_a_new_team():
    m = 14
    e = paired2(event(m, "leadership_change", resolve=0.1, public_value=0.9, keeps_practices=1.0), months=m)
    # dispositions are Beta draws around the asked resolve; the base team's stays near reform_resolve
    assert abs(e.s.leader_disposition[1].mean() - 0.1) < 0.1 and e.s.leader_disposition[0].mean() > 0.6
    assert e.s.leader_tenure[1].max() <= 1.0


@pytest.mark.parametrize("size", [-0.6, 0.6])
def test_model2_resource_shock_and_windfall(size):
    e = paired2(event(T, "resource_shock", size=size), months=T)
    assert np.sign(e.s.resources[1] - e.s.resources[0]) == np.sign(size)
    e = paired2(event(T, "resource_shock", size=size), months=T + 60)
    assert abs(e.s.resources[1] - e.s.resources[0]) < 0.1, "resources return toward what the economy sustains"


def test_model2_open_channel_sets_the_lever():
    closed = EARLY2.with_overrides(channel_openness=0.1)
    e = paired2(event(T, "open_channel", openness=0.9), months=T + 12, base=closed)
    assert e.p.channel_openness[0, 0] == 0.1 and e.p.channel_openness[1, 0] == 0.9
    assert e.s.voice_rate[1] > e.s.voice_rate[0]


# --- validation: interventions in scenario files ------------------------------------------------------------------


def error_of(path: Path) -> str:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path)
    msg = str(info.value)
    assert "\n" not in msg and str(path) in msg, msg
    return msg


def iv_file(tmp_path: Path, body: str) -> Path:
    return write(tmp_path, f"steps = 60\n[[interventions]]\nmonth = 5\n{body}\n")


@pytest.mark.parametrize(
    ("body", "parts"),
    [
        ('kind = "set_levr"', ["interventions[0].kind", "set_lever", "Did you mean 'set_lever'"]),
        ('kind = "set_lever"\nlever = "pm_strenght"\nvalue = 0.5', ["interventions[0].lever", "'pm_strength'"]),
        ('kind = "set_lever"\nlever = "initial_capacity"\nvalue = 0.5', ["interventions[0].lever", "month 0"]),
        ('kind = "set_lever"\nlever = "deliver_share"\nvalue = 0.5', ["interventions[0].lever", "classifier"]),
        ('kind = "set_lever"\nlever = "term_length"\nvalue = 30', ["interventions[0].lever", "float parameters only"]),
        ('kind = "set_lever"\nlever = 3\nvalue = 0.5', ["interventions[0].lever", "county-sim interventions"]),
        ('kind = "set_lever"\nlever = "shock_volatility"\nvalue = 0.8', ["value", "[0.0, 0.5]", "'shock_volatility'"]),
        ('kind = "set_lever"\nlever = "pm_strength"\nvalue = "high"', ["interventions[0].value", "number"]),
        ('kind = "set_lever"\nvalue = 0.5', ["interventions[0].lever", "required"]),
        ('kind = "add_lever"\nlever = "trust_loss_ratio"\ndelta = 12.0', ["delta", "[-9, 9]", "trust_loss_ratio"]),
        ('kind = "ramp_lever"\nlever = "training"\nvalue = 0.9\nmonths = 0', ["interventions[0].months", "integer"]),
        ('kind = "ramp_lever"\nlever = "training"\nvalue = 0.9\nmonths = 2.5', ["interventions[0].months", "integer"]),
        ('kind = "resource_shock"\nsize = 1.5', ["interventions[0].size", "[-1.0, 1.0]"]),
        ('kind = "resource_shock"', ["interventions[0].size", "required", "resource_shock"]),
        ('kind = "learning_visit"\nstrenght = 0.5', ["interventions[0].strenght", "Did you mean 'strength'"]),
        ('kind = "open_channel"\nopenness = true', ["interventions[0].openness", "[0.0, 1.0]"]),
        ('kind = ["open_channel"]', ["interventions[0].kind", "must be one of"]),
    ],
)
def test_bad_intervention_in_a_scenario(tmp_path, body, parts):
    msg = error_of(iv_file(tmp_path, body))
    for part in parts:
        assert part in msg, (part, msg)


def test_interventions_table_must_be_an_array(tmp_path):
    assert "[[interventions]]" in error_of(write(tmp_path, "interventions = 3\n"))


def test_interventions_and_events_merge_in_month_order(tmp_path):
    path = write(
        tmp_path,
        '[[events]]\nmonth = 9\nkind = "higher_level_visit"\n'
        '[[interventions]]\nmonth = 3\nkind = "ramp_lever"\nlever = "training"\nvalue = 0.9\n'
        '[[interventions]]\nmonth = 9\nkind = "learning_visit"\n',
    )
    sc = sim.load_scenario(path)
    assert [(e.month, e.kind) for e in sc.events] == [
        (3, "ramp_lever"),
        (9, "higher_level_visit"),
        (9, "learning_visit"),
    ]
    assert sc.events[0].get("months") == 12 and sc.events[0].get("lever") == "training"
    assert type(sc.events[0].get("months")) is int
