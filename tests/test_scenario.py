"""Scenarios and the parameter registry: defaults, validation, every bad-input message, every file loads.

A bad scenario must give one `ScenarioError` whose single-line message names the file, the key and
what is allowed (issue 2, "Bad input").
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import sim
from sim.params import DEFAULTS, PARAMS
from sim.scenario import SCENARIO_DIR, default_scenario

SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.toml"))
REQUIRED_SCENARIOS = (  # docs/MODEL.md §8
    "l_county",
    "status_quo",
    "developed_county",
    "pressure_only",
    "no_action_base",
    "frozen_pm",
    "closed_channels",
    "leadership_turnover",
)


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, **overrides) -> str:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path, **overrides)
    msg = str(info.value)
    assert "\n" not in msg, "the message must be one line"
    assert str(path) in msg, f"the message must name the file: {msg}"
    return msg


def assert_names(msg: str, *parts: str) -> None:
    for part in parts:
        assert part in msg, f"{part!r} not in message: {msg}"


# --- defaults -----------------------------------------------------------------------------------------


def test_default_scenario_has_every_parameter_at_its_default():
    sc = default_scenario()
    assert set(sc.params) == set(PARAMS)
    for name, spec in PARAMS.items():
        assert sc.params[name] == spec.default, name
    assert sc.steps == 120 and sc.events == ()


def test_minimal_file_gets_every_default(tmp_path):
    sc = sim.load_scenario(write(tmp_path, 'name = "minimal"\n[params]\ninertia = 0.55\n', "minimal.toml"))
    assert set(sc.params) == set(PARAMS)
    assert sc.params["inertia"] == 0.55
    assert {k: v for k, v in sc.params.items() if k != "inertia"} == {
        k: v for k, v in DEFAULTS.items() if k != "inertia"
    }
    assert sc.name == "minimal" and sc.steps == 120


def test_name_defaults_to_file_stem_and_values_are_coerced(tmp_path):
    sc = sim.load_scenario(write(tmp_path, "[params]\nn_leaders = 5\ninertia = 1\n", "stem_name.toml"))
    assert sc.name == "stem_name"
    assert type(sc.params["n_leaders"]) is int and sc.params["n_leaders"] == 5
    assert type(sc.params["inertia"]) is float and sc.params["inertia"] == 1.0


def test_events_are_parsed_sorted_and_defaults_filled(tmp_path):
    path = write(
        tmp_path,
        "steps = 100\n"
        '[[events]]\nmonth = 60\nkind = "leadership_change"\nresolve = 0.2\n'
        '[[events]]\nmonth = 3\nkind = "higher_level_visit"\n',
    )
    sc = sim.load_scenario(path)
    assert [(e.month, e.kind) for e in sc.events] == [(3, "higher_level_visit"), (60, "leadership_change")]
    assert 0.0 < sc.events[0].get("strength") <= 1.0  # default filled in
    assert sc.events[1].get("resolve") == 0.2
    assert {"public_value", "collaboration"} <= {k for k, _ in sc.events[1].values}


def test_load_by_name_and_overrides(tmp_path):
    if not (SCENARIO_DIR / "l_county.toml").exists():
        pytest.fail("scenarios/l_county.toml is missing")
    sc = sim.load_scenario("l_county", inertia=0.2, steps=48)
    assert sc.name == "l_county" and sc.params["inertia"] == 0.2 and sc.steps == 48


# --- bad input: parameters ------------------------------------------------------------------------------


def test_unknown_parameter_suggests_the_close_one(tmp_path):
    path = write(tmp_path, "[params]\nreform_resolv = 0.5\n")
    msg = error_of(path)
    assert_names(msg, "reform_resolv", "Did you mean 'reform_resolve'")


def test_unknown_parameter_without_close_match_points_to_the_list(tmp_path):
    msg = error_of(write(tmp_path, "[params]\nzzqx = 0.5\n"))
    assert_names(msg, "zzqx", "county-sim params")


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("inertia", "1.5", "[0.0, 1.0]"),
        ("inertia", "-0.1", "[0.0, 1.0]"),
        ("n_leaders", "0", "[1, 30]"),
        ("trust_loss_ratio", "0.5", "[1.0, 10.0]"),
        ("inertia", "nan", "[0.0, 1.0]"),
    ],
)
def test_out_of_range(tmp_path, key, value, allowed):
    msg = error_of(write(tmp_path, f"[params]\n{key} = {value}\n"))
    assert_names(msg, f"'{key}'", allowed, value)


@pytest.mark.parametrize(
    ("line", "key", "allowed"),
    [
        ('inertia = "high"', "inertia", "must be a number"),  # string for a float
        ("n_leaders = 7.5", "n_leaders", "must be an integer"),  # float for an int
        ("freeze_pm_maturity = 1", "freeze_pm_maturity", "true or false"),  # number for a bool
        ("freeze_pm_maturity = 0.0", "freeze_pm_maturity", "true or false"),
        ("inertia = true", "inertia", "must be a number"),  # bool for a float
        ("n_leaders = true", "n_leaders", "[1, 30]"),
        ("inertia = [0.5]", "inertia", "must be a number"),
    ],
)
def test_wrong_type(tmp_path, line, key, allowed):
    msg = error_of(write(tmp_path, f"[params]\n{line}\n"))
    assert_names(msg, f"'{key}'", allowed)


def test_integer_valued_float_for_an_int_is_accepted(tmp_path):
    sc = sim.load_scenario(write(tmp_path, "[params]\nn_leaders = 5.0\n"))
    assert sc.params["n_leaders"] == 5 and type(sc.params["n_leaders"]) is int


@pytest.mark.parametrize("steps", ["0", "1201", "12.5", '"ten"'])
def test_bad_steps(tmp_path, steps):
    msg = error_of(write(tmp_path, f"steps = {steps}\n"))
    assert_names(msg, "'steps'", "[1, 1200]")


def test_params_must_be_a_table(tmp_path):
    msg = error_of(write(tmp_path, "params = 3\n"))
    assert_names(msg, "'params'", "table")


def test_size_consistency(tmp_path):
    msg = error_of(write(tmp_path, "[params]\nn_departments = 20\nn_cadres = 10\n"))
    assert_names(msg, "'n_cadres'", "n_departments")
    msg = error_of(write(tmp_path, "[params]\nn_townships = 20\nn_citizens = 10\n"))
    assert_names(msg, "'n_citizens'", "n_townships")


# --- bad input: files and top level --------------------------------------------------------------------


def test_missing_file(tmp_path):
    msg = error_of(tmp_path / "nope.toml")
    assert_names(msg, "not found")


def test_missing_scenario_name_lists_known_ones():
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario("l_countyy")
    msg = str(info.value)
    assert "l_countyy" in msg and "not found" in msg
    if (SCENARIO_DIR / "l_county.toml").exists():
        assert "Did you mean 'l_county'" in msg


def test_unparsable_toml(tmp_path):
    msg = error_of(write(tmp_path, "[params\ninertia = = 0.5\n"))
    assert_names(msg, "not valid TOML")


def test_unknown_top_level_key(tmp_path):
    msg = error_of(write(tmp_path, "stpes = 100\n"))
    assert_names(msg, "'stpes'", "Did you mean 'steps'", "allowed:", "params", "events")


def test_parameter_at_top_level_is_pointed_to_params(tmp_path):
    msg = error_of(write(tmp_path, "inertia = 0.5\n"))
    assert_names(msg, "'inertia'", "[params]")


def test_name_must_be_a_string(tmp_path):
    msg = error_of(write(tmp_path, "name = 3\n"))
    assert_names(msg, "'name'", "string")


# --- bad input: events ------------------------------------------------------------------------------------


def event_file(tmp_path: Path, body: str, steps: int = 120) -> Path:
    return write(tmp_path, f"steps = {steps}\n[[events]]\n{body}\n")


def test_event_unknown_kind(tmp_path):
    msg = error_of(event_file(tmp_path, 'month = 3\nkind = "higher_level_visitt"'))
    assert_names(msg, "events[0].kind", "higher_level_visit", "leadership_change", "Did you mean 'higher_level_visit'")


def test_event_in_the_past(tmp_path):
    msg = error_of(event_file(tmp_path, 'month = 0\nkind = "higher_level_visit"'))
    assert_names(msg, "events[0].month", "past", "1..120")


def test_event_beyond_the_horizon(tmp_path):
    msg = error_of(event_file(tmp_path, 'month = 61\nkind = "higher_level_visit"', steps=60))
    assert_names(msg, "events[0].month", "beyond the horizon", "60")


def test_event_month_must_be_an_integer(tmp_path):
    msg = error_of(event_file(tmp_path, 'month = 3.5\nkind = "higher_level_visit"'))
    assert_names(msg, "events[0].month", "integer")


def test_event_unknown_field(tmp_path):
    msg = error_of(event_file(tmp_path, 'month = 3\nkind = "higher_level_visit"\nstrenght = 0.5'))
    assert_names(msg, "events[0].strenght", "allowed:", "strength", "Did you mean 'strength'")


def test_event_missing_required_field(tmp_path):
    msg = error_of(event_file(tmp_path, 'month = 60\nkind = "leadership_change"\npublic_value = 0.4'))
    assert_names(msg, "events[0].resolve", "required", "leadership_change")


def test_event_field_out_of_range(tmp_path):
    msg = error_of(event_file(tmp_path, 'month = 3\nkind = "higher_level_visit"\nstrength = 2.0'))
    assert_names(msg, "events[0].strength", "[0.0, 1.0]")


def test_event_index_names_the_right_event(tmp_path):
    path = write(
        tmp_path,
        '[[events]]\nmonth = 3\nkind = "higher_level_visit"\n[[events]]\nmonth = 5\nkind = "leadership_change"\n',
    )
    assert_names(error_of(path), "events[1].resolve")


def test_events_must_be_an_array_of_tables(tmp_path):
    assert_names(error_of(write(tmp_path, "events = 3\n")), "'events'", "[[events]]")
    assert_names(error_of(write(tmp_path, "events = [3]\n")), "events[0]", "month", "kind")


def test_steps_override_that_puts_an_event_beyond_the_horizon(tmp_path):
    path = event_file(tmp_path, 'month = 60\nkind = "higher_level_visit"')
    assert_names(error_of(path, steps=30), "beyond the horizon")
    sc = sim.load_scenario(path)
    with pytest.raises(sim.ScenarioError, match="beyond the horizon"):
        sc.with_overrides(steps=30)


# --- overrides ----------------------------------------------------------------------------------------------


def test_with_overrides_validates_like_a_file(tmp_path):
    path = write(tmp_path, "[params]\ninertia = 0.4\n")
    sc = sim.load_scenario(path)
    changed = sc.with_overrides(inertia=0.7, n_leaders=3)
    assert changed.params["inertia"] == 0.7 and changed.params["n_leaders"] == 3
    assert sc.params["inertia"] == 0.4, "the original is not modified"
    assert {k: v for k, v in changed.params.items() if k not in ("inertia", "n_leaders")} == {
        k: v for k, v in sc.params.items() if k not in ("inertia", "n_leaders")
    }
    for bad, part in [
        ({"inertia": 2.0}, "[0.0, 1.0]"),
        ({"reform_resolv": 0.5}, "Did you mean 'reform_resolve'"),
        ({"n_leaders": 2.5}, "integer"),
        ({"freeze_pm_maturity": 1}, "true or false"),
        ({"inertia": "x"}, "must be a number"),
        ({"steps": 0}, "'steps'"),
    ]:
        with pytest.raises(sim.ScenarioError) as info:
            sc.with_overrides(**bad)
        msg = str(info.value)
        assert str(path) in msg and part in msg and "\n" not in msg, msg


def test_load_scenario_overrides_are_validated(tmp_path):
    path = write(tmp_path, "[params]\ninertia = 0.4\n")
    assert_names(error_of(path, inertia=-1.0), "'inertia'", "[0.0, 1.0]")
    assert_names(error_of(path, reform_resolv=0.5), "Did you mean 'reform_resolve'")


def test_default_scenario_overrides_are_validated():
    assert default_scenario(inertia=0.9).params["inertia"] == 0.9
    with pytest.raises(sim.ScenarioError, match="inertia"):
        default_scenario(inertia=9.0)


# --- every scenario file ---------------------------------------------------------------------------------------


def test_scenario_files_exist():
    """Scenarios must exist: an empty directory fails here instead of skipping the loads below."""
    assert SCENARIO_FILES, f"no scenario files in {SCENARIO_DIR}"
    missing = set(REQUIRED_SCENARIOS) - {p.stem for p in SCENARIO_FILES}
    assert not missing, f"scenarios required by docs/MODEL.md §8 are missing: {sorted(missing)}"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_file_loads(path):
    sc = sim.load_scenario(path)
    assert sc.name == path.stem, "a scenario's name is its file name (results go to results/<name>/)"
    assert set(sc.params) == set(PARAMS)
    for e in sc.events:
        assert 1 <= e.month <= sc.steps
    assert sim.load_scenario(path.stem).content_hash() == sc.content_hash()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_file_says_which_paper_passage_it_represents(path):
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip())
    assert first.startswith("#"), "a scenario opens with a comment on the paper passage it represents"
    assert "§" in text, "the comment cites a section of the paper"


# --- the parameter registry ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_is_documented_and_default_in_range(name):
    p = PARAMS[name]
    assert p.name == name
    assert p.meaning.strip() and p.unit.strip() and p.source.strip()
    assert p.check(p.default) is None, p.check(p.default)
    if p.kind == "bool":
        assert isinstance(p.default, bool)
        return
    assert not isinstance(p.default, bool)
    assert p.low is not None and p.high is not None and math.isfinite(p.low) and math.isfinite(p.high)
    assert p.low < p.high
    assert p.low <= p.default <= p.high
    if p.kind == "int":
        assert isinstance(p.default, int) and isinstance(p.low, int) and isinstance(p.high, int)
    else:
        assert isinstance(p.default, float)


def test_couplings_are_unit_parameters():
    """The ten couplings of docs/MODEL.md §5, each in [0, 1] so that 0 cuts the channel."""
    assert len(sim.COUPLINGS) == 10
    for k in sim.COUPLINGS:
        assert PARAMS[k].group == "coupling" and (PARAMS[k].low, PARAMS[k].high) == (0.0, 1.0)
    assert {n for n, p in PARAMS.items() if p.group == "coupling"} == set(sim.COUPLINGS)


def test_spec_levers_exist():
    """The lever and condition names of the registry (docs/ODD.md §10), so scenarios and the app speak one language."""
    for name in (
        "reform_resolve",
        "assessment_pressure",
        "inertia",
        "resource_introduction",
        "fault_tolerance",
        "performance_pay",
        "promotion_by_merit",
        "pm_strength",
        "channel_openness",
        "learning_openness",
        "training",
        "benchmark_growth",
    ):
        assert name in PARAMS, name
    assert any(n.startswith("initial_") for n in PARAMS)


def test_an_event_on_a_lever_the_engine_does_not_read_is_refused(tmp_path):
    """A referee's find: `set_lever leader_vision` in a Model 1 scenario loaded and shifted Model 1's own
    vision array (which its convening reads), although the registry says only Model 2 reads the
    parameter. Now the file is refused with one line naming the event, the lever and the engine; the
    same event is accepted by Model 2."""
    path = tmp_path / "m1.toml"
    path.write_text(
        '[params]\nmodel_version = 1\n[[interventions]]\nmonth = 2\nkind = "set_lever"\n'
        'lever = "leader_vision"\nvalue = 0.9\n',
        encoding="utf-8",
    )
    with pytest.raises(sim.ScenarioError, match=r"changes 'leader_vision', which only model_version 2 reads"):
        sim.load_scenario(path)
    path.write_text(path.read_text(encoding="utf-8").replace("model_version = 1", "model_version = 2"), "utf-8")
    assert sim.load_scenario(path).events[0].kind == "set_lever"
