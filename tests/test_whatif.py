"""Policy what-if (issue 6): policy files, variant specifications, paired comparisons on common random
numbers, the shipped worked comparisons, and `county-sim compare` / `county-sim interventions`.

Comparisons in this file use few replicates and, except where a shipped comparison is checked as it
ships, small counties and short horizons.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import cli
from sim.interventions import INTERVENTIONS
from sim.scenario import SCENARIO_DIR
from sim.whatif import build_variants, compare, load_policy, parse_spec
from sim.whatif.cli import OUTPUT_FILES
from sim.whatif.compare import OUTCOMES, bootstrap_ci
from sim.whatif.variants import WHAT_IF_DIR

REPO = Path(__file__).resolve().parent.parent
SMALL_SETS = ["n_citizens=200", "n_cadres=64", "n_departments=8", "n_townships=4", "n_leaders=3"]
SMALL = ["--steps", "36", *(x for s in SMALL_SETS for x in ("--set", s))]
POLICY_FILES = sorted(WHAT_IF_DIR.glob("*.toml"))

#: The four worked comparisons of the README, as `county-sim compare` arguments.
WORKED = {
    "hotline": [
        "as happened (month 13)=l_county+what_if/hotline_as_happened",
        "a year earlier (month 1)=l_county+what_if/hotline_year_earlier",
    ],
    "fault_tolerance": [
        "pay with fault tolerance=l_county+what_if/pay_reform_with_fault_tolerance",
        "pay without fault tolerance=l_county+what_if/pay_reform_without_fault_tolerance",
    ],
    "learning": [
        "closed to learning=l_county+what_if/closed_to_learning",
        "six learning visits=+what_if/learning_visits",
        "learning culture (L County)=l_county",
    ],
    "successor": [
        "successor keeps practices=l_county+what_if/successor_keeps_practices",
        "successor drops practices=l_county+what_if/successor_drops_practices",
        "drops, rules made at month 49=l_county+what_if/successor_drops_practices"
        "+what_if/institutionalise_before_handover",
    ],
}


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- variant specifications ------------------------------------------------------------------------------------


def test_parse_spec_parts():
    s = parse_spec("l_county")
    assert (s.label, s.scenario, s.policies, s.overrides) == (None, "l_county", (), {})
    s = parse_spec("early=l_county+what_if/a+b.toml:fault_tolerance=0.1,training=0.8")
    assert s.label == "early" and s.scenario == "l_county" and s.policies == ("what_if/a", "b.toml")
    assert s.overrides == {"fault_tolerance": 0.1, "training": 0.8}
    s = parse_spec("l_county:k_ME_DI=0")
    assert s.label is None and s.overrides == {"k_ME_DI": 0}
    s = parse_spec("+what_if/learning_visits")
    assert s.scenario is None and s.policies == ("what_if/learning_visits",)
    s = parse_spec(":k_ME_DI=0")
    assert s.scenario is None and s.overrides == {"k_ME_DI": 0}
    s = parse_spec("no fault tolerance (0.1)=l_county:fault_tolerance=0.1")
    assert s.label == "no fault tolerance (0.1)" and s.scenario == "l_county"


@pytest.mark.parametrize(
    ("text", "part"),
    [("l_county:", "nothing after ':'"), ("l_county+", "empty policy"), ("l_county:k", "KEY=VALUE"), ("", "empty")],
)
def test_parse_spec_errors(text, part):
    with pytest.raises(sim.ScenarioError, match=re.escape(part)):
        parse_spec(text)


def test_variants_apply_policies_overrides_and_sets_in_order():
    base, alt, rel = build_variants(
        [
            "l_county+what_if/hotline_as_happened",
            "l_county+what_if/hotline_year_earlier:channel_openness=0.2",
            ":inertia=0.5",
        ],
        sets=["training=0.9"],
    )
    assert base.scenario.params["channel_openness"] == 0.1  # from the policy
    assert alt.scenario.params["channel_openness"] == 0.2  # the variant's own override wins
    assert {v.scenario.params["training"] for v in (base, alt, rel)} == {0.9}  # --set in every variant
    assert rel.scenario.params["inertia"] == 0.5 and rel.scenario.params["channel_openness"] == 0.1
    assert [(e.month, e.kind) for e in base.added] == []
    assert [(e.month, e.kind) for e in alt.added] == [(1, "open_channel")]
    assert [(e.month, e.kind) for e in alt.removed] == [(13, "open_channel")]
    assert rel.added == () and rel.removed == ()
    assert base.label == "l_county+hotline_as_happened" and rel.label == "l_county+hotline_as_happened:inertia=0.5"


def test_duplicate_labels_are_made_unique():
    a, b = build_variants(["l_county", "l_county"])
    assert a.label == "l_county" and b.label == "l_county (2)"


# --- policy files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", POLICY_FILES, ids=[p.stem for p in POLICY_FILES])
def test_shipped_policy_loads_and_cites_the_paper(path):
    pol = load_policy(path)
    assert pol.name == path.stem, "a policy's name is its file name"
    assert pol.description and pol.description_zh and pol.question and pol.question_zh
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("#") and "§" in text and "§" in pol.paper
    assert load_policy(f"what_if/{path.stem}") == pol  # by name, from anywhere


def test_at_least_four_worked_comparisons_with_their_files():
    assert len(WORKED) >= 4
    used = {tok for specs in WORKED.values() for s in specs for tok in parse_spec(s).policies}
    assert {f"what_if/{p.stem}" for p in POLICY_FILES} == used, "every shipped policy is used by a comparison"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ('[[events]]\nmonth = 3\nkind = "learning_visit"\n', ["'events'", "[[interventions]]"]),
        ("steps = 12\n", ["'steps'", "--steps"]),
        ("qestion = 'x'\n", ["'qestion'", "Did you mean 'question'"]),
        ("[params]\nfault_tolerance = 2.0\n", ["'fault_tolerance'", "[0.0, 1.0]"]),
        ("[params]\nsteps = 12\n", ["params.steps", "--steps"]),
        ('name = "x"\n', ["at least one [[interventions]]"]),
        ("[[interventions]]\nmonth = 3\n", ["interventions[0].kind", "must be one of"]),
        ('[[interventions]]\nmonth = 3\nkind = "set_lever"\nlever = "fault_tolerence"\nvalue = 1\n', ["tolerance'"]),
        ("description = 3\n", ["'description'", "string"]),
        ("[[interventions\n", ["not valid TOML"]),
    ],
)
def test_bad_policy_file(tmp_path, text, parts):
    path = write(tmp_path, text)
    with pytest.raises(sim.ScenarioError) as info:
        load_policy(path)
    msg = str(info.value)
    assert "\n" not in msg and str(path) in msg, msg
    for part in parts:
        assert part in msg, (part, msg)


def test_policy_beyond_the_horizon_names_the_policy(tmp_path):
    path = write(tmp_path, '[[interventions]]\nmonth = 100\nkind = "learning_visit"\n')
    with pytest.raises(sim.ScenarioError) as info:
        build_variants([f"l_county+{path}"], steps=60)
    assert str(path) in str(info.value) and "beyond the horizon of 60 months" in str(info.value)


def test_missing_policy_lists_the_shipped_ones():
    with pytest.raises(sim.ScenarioError) as info:
        build_variants(["l_county+what_if/hotline_earlier"])
    assert "not found" in str(info.value) and "what_if/hotline_year_earlier" in str(info.value)


def test_policy_in_place_of_a_scenario_says_where_it_goes():
    with pytest.raises(sim.ScenarioError, match=r"is a policy file, not a scenario.*l_county\+"):
        build_variants(["what_if/learning_visits"])


def test_variants_must_share_the_horizon(tmp_path):
    short = write(tmp_path, "steps = 24\n", "short.toml")
    with pytest.raises(sim.ScenarioError, match="one horizon"):
        build_variants(["l_county", str(short)])
    assert len(build_variants(["l_county", str(short)], steps=24)) == 2


# --- common random numbers ---------------------------------------------------------------------------------------


def test_comparing_a_scenario_with_itself_gives_exactly_zero_for_every_replicate():
    variants = build_variants(["l_county+what_if/learning_visits", "l_county+what_if/learning_visits"], SMALL_SETS, 36)
    result = compare(variants, seed=11, replicates=6, n_boot=200)
    a, b = (result.summary[result.summary["variant"] == v.label].reset_index(drop=True) for v in variants)
    pd.testing.assert_frame_equal(a.drop(columns="variant"), b.drop(columns="variant"), check_exact=True)
    for m in result.series[variants[0].label]:
        np.testing.assert_array_equal(result.series[variants[0].label][m], result.series[variants[1].label][m])
    d = result.differences
    assert len(d) == len(OUTCOMES)
    assert (d["difference"].fillna(0.0) == 0.0).all()
    assert (d["ci_low"].fillna(0.0) == 0.0).all() and (d["ci_high"].fillna(0.0) == 0.0).all()
    assert (d["share_better"].fillna(0.0) == 0.0).all() and (d["share_worse"].fillna(0.0) == 0.0).all()
    for o in OUTCOMES:
        x = result.values(variants[0].label, o.name)
        y = result.values(variants[1].label, o.name)
        np.testing.assert_array_equal(x, y)  # replicate by replicate, not only on average
    # without pairing the same runs give a non-zero interval for a continuous outcome
    real = d[d["outcome"] == "final_real_performance"].iloc[0]
    assert real["unpaired_ci_width"] > 0.0


def test_every_variant_runs_on_the_same_seeds():
    variants = build_variants(["l_county", ":fault_tolerance=0.1"], SMALL_SETS, 24)
    result = compare(variants, seed=5, replicates=4, n_boot=200)
    seeds = [sim.replicate_seed(5, r) for r in range(4)]
    assert result.seeds == seeds
    for v in variants:
        rows = result.summary[result.summary["variant"] == v.label]
        assert [int(s) for s in rows["seed"]] == seeds
        # each run is the run `county-sim run` would give for that seed
        alone = sim.run(v.scenario, seed=seeds[2]).summary
        row = rows[rows["replicate"] == 2].iloc[0]
        assert row["final_real_performance"] == alone["final_real_performance"]


def test_bootstrap_pairing_narrows_the_interval_of_correlated_arms():
    rng = np.random.default_rng(0)
    common = rng.normal(0.5, 0.1, 40)
    lo, hi, ulo, uhi = bootstrap_ci(common, common + 0.01, 500, np.random.default_rng(1))
    assert lo == pytest.approx(0.01) and hi == pytest.approx(0.01)
    assert uhi - ulo > 0.02


#: 40 paired replicates: the paired 95% intervals of final real performance are then about +-0.01
#: wide (measured at 100 replicates: +-0.005 to +-0.015), well inside the margins asserted below.
WORKED_REPLICATES = 40


@pytest.fixture(scope="module")
def worked():
    """The four shipped comparisons as they ship (full county, 120 months), 40 replicates each."""
    return {
        name: compare(build_variants(specs), seed=0, replicates=WORKED_REPLICATES, n_boot=500)
        for name, specs in WORKED.items()
    }


def test_paired_intervals_are_narrower_than_unpaired_on_the_shipped_comparisons(worked):
    for name, result in worked.items():
        d = result.differences
        for outcome in ("final_real_performance", "final_assessed_performance", "final_satisfaction", "gap_closure"):
            for _, row in d[d["outcome"] == outcome].iterrows():
                assert row["ci_width"] < row["unpaired_ci_width"], (name, row["variant"], outcome)


def test_worked_comparisons_point_the_way_the_readme_says(worked):
    def diff(name: str, variant: int, outcome: str = "final_real_performance") -> pd.Series:
        r = worked[name]
        d = r.differences
        return d[(d["variant"] == r.variants[variant].label) & (d["outcome"] == outcome)].iloc[0]

    # Effect sizes measured at 100 replicates (README table); the margins below are a third to a half
    # of them, so that an effect of the sign the README states but half its size still passes.
    # The hotline's year moves where the county ends by less than 0.01 (measured -0.002 [-0.008, +0.003]):
    # complaints list problems a year sooner, but ten years of listing wash the head start out.
    hotline = diff("hotline", 1)
    assert -0.02 < hotline["ci_low"] and hotline["ci_high"] < 0.02
    # Pay without fault tolerance: blame fear keeps departments out (measured -0.117, delivery +12.5 months)
    pay = diff("fault_tolerance", 1)
    assert pay["ci_high"] < -0.05 and diff("fault_tolerance", 1, "t_deliver")["difference"] > 5
    # Learning: six visits and the standing culture each add about 0.058 (measured)
    assert diff("learning", 1)["ci_low"] > 0.02 and diff("learning", 2)["ci_low"] > 0.02
    # Successor: dropping the practices costs 0.033 (measured); rules made at month 49 recover more than
    # three quarters of it (measured: all of it and 0.021 more, since rules do not fade as practices do)
    drops, ruled = diff("successor", 1), diff("successor", 2)
    assert drops["ci_high"] < -0.01
    assert ruled["difference"] - drops["difference"] > 0.75 * abs(drops["difference"]), "rules keep most"


# --- the command line -----------------------------------------------------------------------------------------------


def test_compare_writes_the_report_and_prints_the_table(capsys, tmp_path):
    out = tmp_path / "cmp"
    code, stdout, err = run_cli(
        capsys, "compare", "l_county", "no fault tolerance=:fault_tolerance=0.1", "-r", "4", "--out", str(out), *SMALL
    )
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert "no fault tolerance vs l_county (4 paired replicates)" in stdout
    assert "final real performance" in stdout and "CI width paired / unpaired" in stdout
    # the console says which numbers are medians and which are means (issue 12)
    assert "Phase columns: median month" in stdout and "Base and variant: means over replicates" in stdout
    md = (out / "report.md").read_text(encoding="utf-8")
    for heading in ("# Policy what-if:", "## Variants", "## Interventions and when", "## Differences from the base"):
        assert heading in md
    assert "](trajectories.png)" in md and "](forest.png)" in md and "What the model leaves out" in md
    assert "2 variants x 4 replicates = 8 runs of 36 months" in md
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 2 and "<table>" in html
    for png in ("trajectories.png", "forest.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs["outcome"]) == {o.name for o in OUTCOMES} and set(diffs["variant"]) == {"no fault tolerance"}
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 8 and set(summary["variant"]) == {"l_county", "no fault tolerance"}
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["replicate_seeds"] == [sim.replicate_seed(0, r) for r in range(4)]
    assert [v["label"] for v in man["variants"]] == ["l_county", "no fault tolerance"]
    assert man["variants"][1]["scenario"]["params"]["fault_tolerance"] == 0.1
    assert set(man["files"]) == set(OUTPUT_FILES) - {"manifest.json"}


def test_compare_report_in_chinese(capsys, tmp_path):
    out = tmp_path / "zh"
    code, stdout, err = run_cli(
        capsys,
        "compare",
        "l_county+what_if/hotline_as_happened",
        "l_county+what_if/hotline_year_earlier",
        "-r",
        "3",
        "--lang",
        "zh",
        "--out",
        str(out),
        *SMALL,
    )
    assert code == 0, err
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "# 政策情景推演: 如果L县提前一年开通12345热线" in md
    for heading in ("## 方案", "## 干预措施及时间", "## 与基准方案的差异", "## 模型没有包含的内容"):
        assert heading in md
    assert "开放民意渠道" in md and "结果指标" in stdout


BAD_COMPARE = {
    "bad policy lever": ["l_county", "l_county+{bad_lever}"],
    "policy not TOML": ["l_county", "+{not_toml}"],
    "policy beyond horizon": ["l_county", "+what_if/successor_drops_practices", "--steps", "48"],
    "missing policy": ["l_county", "l_county+what_if/nope"],
    "bad override": ["l_county", "l_county:fault_tolerance=2"],
    "unknown parameter": ["l_county", ":fault_tolerence=0.1"],
    "unknown scenario": ["l_countee", "l_county"],
    "base relative": ["+what_if/learning_visits", "l_county"],
    "policy as scenario": ["l_county", "what_if/learning_visits"],
    "one replicate": ["l_county", "l_county", "-r", "1"],
    "few resamples": ["l_county", "l_county", "--bootstrap", "5"],
    "empty question": ["l_county", "l_county", "--question", " "],
    "bad --set": ["l_county", "l_county", "--set", "n_leaders=0"],
}


@pytest.mark.parametrize("case", list(BAD_COMPARE))
def test_bad_compare_input_exits_2_and_writes_nothing(capsys, tmp_path, case):
    bad_lever = write(
        tmp_path, '[[interventions]]\nmonth = 3\nkind = "set_lever"\nlever = "initial_capacity"\nvalue = 0.5\n'
    )
    not_toml = write(tmp_path, "[[interventions]\nmonth = 3\n", "not_toml.toml")
    args = [a.format(bad_lever=bad_lever, not_toml=not_toml) for a in BAD_COMPARE[case]]
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "compare", *args, "--out", str(out))
    assert code == 2, (case, err)
    assert re.match(r"county-sim( compare)?: error: ", err) and err.count("\n") == 1, err
    assert not out.exists(), "nothing is written on bad input"


def test_compare_out_is_a_file(capsys, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = run_cli(capsys, "compare", "l_county", "l_county", "--out", str(target))
    assert code == 2 and "not a folder" in err


def test_interventions_lists_every_kind(capsys):
    code, out, _ = run_cli(capsys, "interventions")
    assert code == 0
    for name, k in INTERVENTIONS.items():
        assert name in out and k.zh in out
        for f in k.fields:
            assert f"- {f}:" in out
    assert "pm_strength [0, 1]" in out and "initial_capacity" in out
    code, md, _ = run_cli(capsys, "interventions", "--markdown")
    assert code == 0 and md.count("| `") >= len(INTERVENTIONS)


def test_readme_documents_the_worked_comparisons():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Policy what-if") : readme.index("## Tests")]
    for specs in WORKED.values():
        for s in specs:
            assert s in section, s
    assert (SCENARIO_DIR / "what_if").is_dir()
