"""`county-sim calibrate` (issue 11): rejection ABC on the sweep store, checked on a model whose
posterior is analytic, then on the county model at test size (structure, not tuned numbers)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim import cli
from sim.calibrate import patterns as pt
from sim.calibrate.cli import scaled
from sim.calibrate.params_file import load_param_row
from sim.explore import load_experiment
from sim.explore.models import NORMAL_N, NORMAL_OBSERVED, NORMAL_TOLERANCE
from sim.params import PARAMS

# --- the analytic check ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def normal_check(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("normal") / "cal"
    assert cli.main(["calibrate", "calibrate_normal_check", "--out", str(out), "--workers", "1"]) == 0
    return out


def test_calibrate_recovers_an_analytic_posterior(normal_check):
    """xbar ~ N(mu, 1/25) with a uniform prior on mu in [-3, 3] and acceptance |xbar - 1| <= 0.02: the
    ABC posterior is N(1, 1/25) convolved with U(-0.02, 0.02), SD sqrt(0.04 + 0.02^2 / 3) = 0.2003,
    and the acceptance probability is about 2 x 0.02 / 6 = 0.67% (32768 draws: 218 expected, binomial
    SD 14.7). The run is deterministic (seed 11), so each bound below is a fixed statistical claim:
    - acceptance count within 3 binomial SDs of 218;
    - posterior mean within 4 standard errors (SD / sqrt(n)) of 1: a wrong centre by 0.06 fails;
    - posterior SD within 20% of 0.2003 (its standard error is about 0.2 / sqrt(2n) = 4.6% at n = 237,
      so 20% is 4 standard errors; a posterior as wide as the likelihood of 10 observations fails);
    - a KS test of the accepted mu against the analytic posterior does not reject at 0.001."""
    acc = pd.read_csv(normal_check / "accepted.csv")
    n = len(acc)
    expected = 32768 * 2 * NORMAL_TOLERANCE / 6
    assert abs(n - expected) <= 3 * np.sqrt(expected * (1 - expected / 32768)), n
    sd = np.sqrt(1 / NORMAL_N + NORMAL_TOLERANCE**2 / 3)
    assert abs(acc["mu"].mean() - NORMAL_OBSERVED) <= 4 * sd / np.sqrt(n)
    assert abs(acc["mu"].std(ddof=1) / sd - 1) <= 0.20
    assert stats.kstest(acc["mu"], stats.norm(NORMAL_OBSERVED, sd).cdf).pvalue > 0.001
    assert np.allclose(acc["weight"], 1 / n)
    assert (acc["distance"] == 0).all() and list(acc["row"]) == list(range(n))


def test_calibrate_reports_the_unidentifiable_parameter_as_free(normal_check):
    """`nuisance` enters nothing: its accepted values are draws from its uniform prior (KS against U(0, 1)
    does not reject at 0.001) and posterior.csv calls it unconstrained while `mu`, whose 90% interval
    is a tenth of the prior's (0.66 of 6), is constrained."""
    post = pd.read_csv(normal_check / "posterior.csv").set_index("parameter")
    assert bool(post.loc["mu", "constrained"]) and post.loc["mu", "width_ratio"] < 0.2
    assert not bool(post.loc["nuisance", "constrained"]) and post.loc["nuisance", "width_ratio"] > 0.8
    acc = pd.read_csv(normal_check / "accepted.csv")
    assert stats.kstest(acc["nuisance"], "uniform").pvalue > 0.001
    info = json.loads((normal_check / "calibration.json").read_text())
    assert info["constrained"] == ["mu"] and info["accepted"] == len(acc) and info["draws"] == 32768
    assert info["version"] == sim.__version__  # the source's version, not an editable install's stale metadata


def test_rejection_sampling_converges(normal_check):
    """The first and the second half of the draws give the same posterior: 5/50/95% quantiles within half
    a posterior 90% width of each other (with ~118 accepted a half, the Monte Carlo error of a 5%
    quantile difference is about 0.1 of that width; 0.5 would be halves telling different stories),
    and their acceptance rates do not differ by a two-sided Fisher test at 0.001."""
    conv = pd.read_csv(normal_check / "convergence.csv").set_index("draws")
    assert list(conv.index) == ["first half", "second half", "all"]
    assert conv.loc["all", "max_quantile_shift"] < 0.5
    table = [
        [conv.loc[h, "accepted"], conv.loc[h, "n"] - conv.loc[h, "accepted"]] for h in ("first half", "second half")
    ]
    assert stats.fisher_exact(table).pvalue > 0.001


NORMAL_REFINE = """
name = "normal_refine"
model = "normal_mean"
replicates = 1
seed = 11

[design]
method = "lhs"
n = 32768

[vary.mu]
range = [-3.0, 3.0]

[vary.nuisance]
range = [0.0, 1.0]

[calibrate]
targets = ["mean"]
refine_replicates = 3
refine_keep = 0.25
refine_continue = 0.05
"""


def _weighted_mean_sd(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    w = w / w.sum()
    m = float(np.sum(w * x))
    return m, float(np.sqrt(np.sum(w * (x - m) ** 2))), 1.0 / float(np.sum(w**2))


def test_refinement_recovers_the_posterior_of_the_pooled_seeds(tmp_path, normal_check):
    """Two stages on the normal-mean model: 1 seed for every draw; 3 more for the quarter nearest the
    target and, outside it, for each draw with probability 0.05 (weight 20 if accepted); acceptance on
    the mean over all 4 (100 observations). The ABC posterior is then N(1, 1/100) widened by the
    kernel: SD sqrt(0.01 + 0.02^2 / 3) = 0.1007, half the one-stage SD.
    - weighted mean within 4 SE and SD within 20% of that (SE of an SD at n_eff ~ 200 is ~5%, so 20% is
      4 SE; the one-stage posterior, SD 0.2003, fails by a factor of 2);
    - the screen (|xbar_1 - 1| up to ~0.77, four stage-1 SDs from any set the posterior holds) holds
      nearly all of it: no continued draw from outside passes, so the estimated mass outside is 0;
    - the first stage equals the one-stage calibration draw for draw (same seed, same design)."""
    path = tmp_path / "normal_refine.toml"
    path.write_text(NORMAL_REFINE)
    out = tmp_path / "cal"
    assert cli.main(["calibrate", str(path), "--out", str(out), "--workers", "1"]) == 0
    acc = pd.read_csv(out / "accepted.csv")
    sd = np.sqrt(0.04 / 4 + NORMAL_TOLERANCE**2 / 3)
    m, s_, n_eff = _weighted_mean_sd(acc["mu"].to_numpy(), acc["weight"].to_numpy())
    assert abs(m - NORMAL_OBSERVED) <= 4 * sd / np.sqrt(n_eff)
    assert abs(s_ / sd - 1) <= 0.20, s_
    assert stats.kstest(acc["mu"], stats.norm(NORMAL_OBSERVED, sd).cdf).pvalue > 0.001
    info = json.loads((out / "calibration.json").read_text())
    ref = info["refine"]
    assert ref["screened"] == 8192 and ref["replicates_added"] == 3
    assert ref["simulated_runs"] == 3 * (8192 + ref["continued_outside"])
    assert abs(ref["continued_outside"] - 0.05 * 24576) < 4 * np.sqrt(0.05 * 0.95 * 24576)
    assert ref["accepted_outside"] == 0 and ref["outside_share"] == 0 and ref["accepted"] == len(acc)
    st = pd.read_csv(out / "statistics.csv")
    one = pd.read_csv(normal_check / "statistics.csv")
    assert np.array_equal(st["distance_stage1"].to_numpy(), one["distance"].to_numpy())
    assert (st["accepted"] <= st["continued"]).all()
    assert (acc["distance"] == 0).all() and "distance_stage1" in acc
    cols = pd.read_csv(out / "columns.csv")
    assert set(cols[cols["file"] == "statistics.csv"]["column"]) == set(st.columns)
    assert "Two stages: every draw ran on 1 seeds" in (out / "report.md").read_text(encoding="utf-8")


def test_a_narrow_screen_is_flagged_and_its_weights_keep_the_posterior(tmp_path):
    """The same with a screen far too narrow (keep 0.002, widened to twice the stage-1 acceptance:
    |xbar_1 - 1| up to ~0.045, while a set the posterior holds has xbar_1 ~ N(mu, 0.2^2)), continuing
    the rest with probability 0.2 (weight 5). About four fifths of the posterior lies outside the
    screen: the estimate says so (> 0.5), and the weighted accepted sets are still centred on the
    analytic posterior (mean within 4 SE at their effective size): what lazy ABC promises."""
    path = tmp_path / "narrow.toml"
    path.write_text(NORMAL_REFINE.replace("0.25", "0.002").replace("= 0.05", "= 0.2"))
    out = tmp_path / "cal"
    assert cli.main(["calibrate", str(path), "--out", str(out), "--workers", "1"]) == 0
    ref = json.loads((out / "calibration.json").read_text())["refine"]
    assert ref["outside_share"] > 0.5 and ref["outside_share_interval"][0] > 0.3, ref
    acc = pd.read_csv(out / "accepted.csv")
    assert not np.allclose(acc["weight"], acc["weight"].iloc[0])  # accepted from outside weigh 5 times more
    sd = np.sqrt(0.04 / 4 + NORMAL_TOLERANCE**2 / 3)
    m, _, n_eff = _weighted_mean_sd(acc["mu"].to_numpy(), acc["weight"].to_numpy())
    assert abs(m - NORMAL_OBSERVED) <= 4 * sd / np.sqrt(n_eff), (m, n_eff)
    val = pd.read_csv(out / "validation.csv")
    same = val[val["sets"] == "accepted, same seeds"].iloc[0]
    assert same["share"] == pytest.approx(1.0) and same["n"] < len(acc)  # weighted: effective size


@pytest.fixture(scope="module")
def normal_half(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("normal_half") / "cal"
    argv = ["calibrate", "calibrate_normal_check", "--out", str(out), "--workers", "1", "--prior-scale", "0.5"]
    assert cli.main(argv) == 0
    return out


def test_prior_sensitivity_tells_a_decided_parameter_from_a_free_one(normal_check, normal_half, capsys):
    """The normal-mean calibration again with both ranges halved about their defaults (mu: [-3, 3] ->
    [-1.5, 1.5], still holding the whole likelihood N(1, 0.2^2); nuisance: [0, 1] -> [0.25, 0.75]).
    - mu's posterior does not depend on the prior: its 90% width keeps within Monte Carlo error, so its
      elasticity is near 0 (|e| < 0.4: with ~240 and ~440 accepted draws a 90% width has an SE of about
      7%, so log(width ratio) / log(0.5) has an SE of about 0.14 and 0.4 is ~3 SE);
    - nuisance's posterior is its prior, so its width halves with it: elasticity near 1 (> 0.8, same SE);
    - acceptance doubles (the prior's mass near mu = 1 doubles): 415 or so against 237, ratio within
      1.5-2.5 (binomial SDs of 15-20 on each count);
    - the report of the reference calibration gains the section."""
    ps = normal_check / "ps"
    assert cli.main(["prior-sensitivity", str(normal_check), str(normal_half), "--out", str(ps)]) == 0
    table = pd.read_csv(ps / "prior_sensitivity.csv")
    half = table[table["prior_scale"] == 0.5].set_index("parameter")
    assert half.loc["mu", "prior_ratio"] == pytest.approx(0.5) and half.loc["nuisance", "prior_ratio"] == 0.5
    assert abs(half.loc["mu", "elasticity"]) < 0.4, half.loc["mu", "elasticity"]
    assert half.loc["nuisance", "elasticity"] > 0.8, half.loc["nuisance", "elasticity"]
    assert half.loc["mu", "verdict"] == "decided by the patterns"
    assert half.loc["nuisance", "verdict"] == "set by the prior"
    summary = pd.read_csv(ps / "prior_sensitivity_summary.csv").set_index("prior_scale")
    assert 1.5 < summary.loc[0.5, "accepted"] / summary.loc[1.0, "accepted"] < 2.5
    assert (ps / "prior_sensitivity.png").stat().st_size > 10_000
    assert "## 先验敏感性" in (ps / "prior_sensitivity.zh.md").read_text(encoding="utf-8")
    manifest = json.loads((ps / "manifest.json").read_text())
    assert manifest["kind"] == "prior_sensitivity" and manifest["finished"]
    assert "mu" in capsys.readouterr().out
    # the same job again writes over its own files; the reference's report is rewritten without --out
    assert cli.main(["prior-sensitivity", str(normal_check), str(normal_half), "--out", str(ps)]) == 0
    assert pd.read_csv(ps / "prior_sensitivity.csv").equals(table)


def _fake_calibration(folder: Path, scale: float, ranges: dict, samples: dict) -> Path:
    """A calibration folder written by hand (the files prior-sensitivity reads) for county_patterns."""
    folder.mkdir(parents=True)
    name = "cal" if scale == 1 else f"cal_prior{scale:g}"
    n = len(next(iter(samples.values())))
    info = {
        "experiment": name,
        "model": "county_patterns",
        "sampler": "rejection",
        "draws": 1000,
        "targets": {"trap": ""},
        "holdout": {},
        "tolerance": 0.0,
        "replicates_per_draw": 8,
        "root_seed": 1,
        "accepted": n,
        "acceptance_rate": n / 1000,
        "acceptance_interval": [0.0, 1.0],
        "constrained": [],
        "prior_scale": scale,
    }
    (folder / "calibration.json").write_text(json.dumps(info))
    rows = []
    for p, (lo, hi) in ranges.items():
        q05, q50, q95 = np.quantile(samples[p], [0.05, 0.5, 0.95])
        rows.append(
            dict(parameter=p, group="rate", default=PARAMS[p].default, prior_low=lo, prior_high=hi, post_q05=q05,
                 post_median=q50, post_q95=q95, width_ratio=(q95 - q05) / (hi - lo), ks_p=0.5, constrained=False)
        )  # fmt: skip
    pd.DataFrame(rows).to_csv(folder / "posterior.csv", index=False)
    pd.DataFrame(
        [dict(pattern="trap", role="target", sets="accepted", n=n, reproduced=n, share=1.0, ci_low=0.9, ci_high=1.0)]
    ).to_csv(folder / "validation.csv", index=False)
    pd.DataFrame({"row": range(n), "weight": 1.0 / n, **samples}).to_csv(folder / "accepted.csv", index=False)
    return folder


def test_prior_sensitivity_counts_integers_and_refuses_what_it_cannot_judge(tmp_path, capsys):
    """- an integer parameter's widths count its values: [30, 90] halved to [45, 75] is 31/61 of the
      prior, not 30/60;
    - a range the registry clips (resources 0.15-0.45 halved about a default near its end to a range
      only 6% narrower) says nothing: "prior barely changed", no elasticity;
    - a posterior of width 0 at one scale gives no elasticity and the verdict "undetermined";
    - a calibration with fewer than 30 accepted sets is refused by name."""
    rng = np.random.default_rng(3)
    n = 200
    base = {
        "term_length": rng.integers(40, 80, n),
        "initial_resources": rng.uniform(0.2, 0.4, n),
        "build_rate": rng.uniform(0.04, 0.08, n),
    }
    half = {
        "term_length": rng.integers(50, 70, n),
        "initial_resources": rng.uniform(0.2, 0.4, n),
        "build_rate": np.full(n, 0.06),
    }
    r1 = {"term_length": (30, 90), "initial_resources": (0.15, 0.45), "build_rate": (0.03, 0.09)}
    r2 = {"term_length": (45, 75), "initial_resources": (0.15, 0.433), "build_rate": (0.045, 0.075)}
    a = _fake_calibration(tmp_path / "a", 1.0, r1, base)
    b = _fake_calibration(tmp_path / "b", 0.5, r2, half)
    assert cli.main(["prior-sensitivity", str(a), str(b), "--out", str(tmp_path / "ps")]) == 0
    t = pd.read_csv(tmp_path / "ps" / "prior_sensitivity.csv")
    t = t[t["prior_scale"] == 0.5].set_index("parameter")
    assert t.loc["term_length", "prior_ratio"] == pytest.approx(31 / 61)
    assert not t.loc["initial_resources", "prior_changed"]
    assert t.loc["initial_resources", "verdict"] == "prior barely changed"
    assert np.isnan(t.loc["initial_resources", "elasticity"])
    assert np.isnan(t.loc["build_rate", "elasticity"]) and t.loc["build_rate", "verdict"] == "undetermined"
    thin = _fake_calibration(tmp_path / "c", 0.5, r2, {k: v[:20] for k, v in half.items()})
    capsys.readouterr()
    assert cli.main(["prior-sensitivity", str(a), str(thin), "--out", str(tmp_path / "ps2")]) == 2
    err = capsys.readouterr().err
    assert "only 20 accepted sets" in err and str(thin) in err and not (tmp_path / "ps2").exists()


def test_prior_sensitivity_refuses_what_is_not_one_calibration(normal_check, normal_half, tmp_path, capsys):
    """Folders that are not one calibration at different scales get one error line and exit 2."""
    cases = [
        ([str(normal_check)], "at least two"),
        ([str(normal_check), str(tmp_path / "nowhere")], "no such folder"),
        ([str(normal_half), str(normal_half)], "exactly one calibration at prior scale 1"),
        ([str(normal_check), str(tmp_path)], "missing calibration.json"),
    ]
    for folders, needle in cases:
        out = tmp_path / "ps"
        assert cli.main(["prior-sensitivity", *folders, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert needle in err and err.count("error:") == 1, err
        assert not out.exists()


@pytest.mark.slow
def test_calibration_is_the_same_on_dask_and_resumes(normal_check, tmp_path, capsys):
    """The sampler is deterministic given the store: a Dask run gives byte-identical accepted sets, and a
    second run into the same folder runs nothing and writes the same file."""
    expected = (normal_check / "accepted.csv").read_bytes()
    out = tmp_path / "dask"
    assert cli.main(["calibrate", "calibrate_normal_check", "--out", str(out), "--backend", "dask", "-j", "2"]) == 0
    assert (out / "accepted.csv").read_bytes() == expected
    capsys.readouterr()
    assert cli.main(["calibrate", "calibrate_normal_check", "--out", str(out), "-j", "1"]) == 0
    assert "(0 run now, 32768 already stored)" in capsys.readouterr().out
    assert (out / "accepted.csv").read_bytes() == expected


# --- the patterns as distances -----------------------------------------------------------------


def _stats(**over) -> pd.DataFrame:
    """One set of pattern statistics at which every pattern holds with some room."""
    row = {
        "trap_sustain": 0.0,
        "trap_within": 1.0,
        "lc_sustain": 1.0,
        "lc_start_median": 6.0,
        "lc_activate_iqr": 5.0,
        "resolve_0.4_sustain": 0.0,
        "resolve_0.5_sustain": 0.3,
        "resolve_0.6_sustain": 0.6,
        "resolve_0.7_sustain": 1.0,
        "lc_gain": 0.4,
        "lc_real": 0.75,
        "nab_start": 1.0,
        "nab_sustain": 0.1,
        "nab_real": 0.55,
        "fp_sustain": 0.2,
        "fp_real": 0.55,
        "lc_gap": 0.01,
        "cc_gap": 0.08,
        "lc_sat": 0.7,
        "lc_sat_gain": 0.3,
        "cc_sat": 0.5,
    }
    row.update(over)
    return pd.DataFrame([row])


@pytest.mark.parametrize(
    ("pattern", "over", "miss"),
    [
        ("trap", {"trap_sustain": 0.15}, 0.10),  # 15% sustain against at most 5%
        ("trap", {"trap_within": 0.80}, 0.15),  # 80% within 0.05 against 95%
        ("start", {"lc_sustain": 0.5}, 1 / 6),  # half against two thirds
        ("start", {"lc_start_median": 18.0}, 0.5),  # six months late, as a share of the 12 allowed
        ("start", {"lc_activate_iqr": 1.5}, 0.5),  # half the 3-month spread asked
        # a step: 0, 0, 1, 1 has no two neighbours inside (0.1, 0.9); the nearest pair misses by 0.1 + 0.1
        ("start", {"resolve_0.5_sustain": 0.0, "resolve_0.6_sustain": 1.0}, 0.2),
        ("prerequisites", {"nab_sustain": 0.5}, 0.5 - 1 / 3),
        ("prerequisites", {"nab_real": 0.73}, 0.03 + 0.08),  # lower by 0.02: 0.03 short of 0.05, 0.08 of 0.1
        ("pm_tool", {"fp_sustain": 0.7}, 0.2),
        ("public_value", {"cc_gap": 0.03}, 0.02),  # at least 0.05
        ("public_value", {"lc_gap": 0.05}, 0.02),  # twice L County's: 0.10 against 0.08
        ("public_value", {"cc_sat": 0.68}, 0.03 + 0.055),  # lower by 0.02: 0.03 short of 0.05, 0.055 of 0.075
    ],
)
def test_violation_is_the_amount_each_pattern_is_missed(pattern, over, miss):
    """Zero where the pattern holds; where one clause is missed, exactly that amount (in its units, months
    as a share of the threshold), so that the distance says how far a set is from each pattern."""
    for p in pt.COUNTY_PATTERNS.values():
        assert p.violation(_stats())[0] == 0.0, p.name
    got = pt.COUNTY_PATTERNS[pattern].violation(_stats(**over))[0]
    assert got == pytest.approx(miss, abs=1e-12)


# --- the county model at test size --------------------------------------------------------------


@pytest.fixture(scope="module")
def county_ci(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("county") / "cal"
    assert cli.main(["calibrate", "calibrate_patterns_ci", "--out", str(out), "--workers", "2"]) == 0
    return out


def test_county_calibration_structure(county_ci):
    """24 prior draws x 3 seeds x 9 arms. Every accepted set's distance is its summed target violation
    and within the tolerance; every rejected set's is beyond it; the held-back patterns' reproduction
    rates are reported for the accepted sets with a Wilson interval that covers them."""
    exp = load_experiment("calibrate_patterns_ci")
    acc = pd.read_csv(county_ci / "accepted.csv")
    st = pd.read_csv(county_ci / "statistics.csv")
    assert len(st) == 24
    d = st["v_trap"] + st["v_start"]
    assert np.allclose(st["distance"], d)
    assert (st["accepted"] == (d <= 0.5)).all()
    assert len(acc) == int(st["accepted"].sum()) >= 1  # with this tolerance and seed, some sets pass
    assert (acc["distance"] <= 0.5).all()
    assert set(exp.names) <= set(acc.columns)
    val = pd.read_csv(county_ci / "validation.csv")
    held = val[(val["role"] == "holdout") & (val["sets"] == "accepted")]
    assert set(held["pattern"]) == {"prerequisites", "pm_tool", "public_value"}
    assert (held["n"] == len(acc)).all()
    for name in ("prerequisites", "pm_tool", "public_value"):  # the rates are the accepted sets' own
        fresh = val[(val["pattern"] == name) & (val["sets"] == "accepted")].iloc[0]["share"]
        same = val[(val["pattern"] == name) & (val["sets"] == "accepted, same seeds")].iloc[0]["share"]
        assert fresh == pytest.approx((acc[f"fresh_v_{name}"] <= 0).mean())
        assert same == pytest.approx((acc[f"v_{name}"] <= 0).mean())
    info = json.loads((county_ci / "calibration.json").read_text())
    assert info["targets"].keys() == {"trap", "start"} and info["accepted"] == len(acc)
    md = (county_ci / "report.md").read_text(encoding="utf-8")
    assert "## Held-back patterns" in md and "--params" in md and "| public_value | holdout |" in md
    cols = pd.read_csv(county_ci / "columns.csv")
    assert set(cols[cols["file"] == "accepted.csv"]["column"]) == set(acc.columns)
    for name in ("posterior.png", "pairs.png", "patterns.png", "manifest.json"):
        assert (county_ci / name).stat().st_size > 0


def test_later_stages_resume_after_an_interruption(tmp_path, monkeypatch):
    """The refinement's and the fresh check's runs (`abc.run_sets`) keep each chunk as it finishes: a
    stage interrupted after two chunks keeps those two, the rerun evaluates only the others, and the
    result equals an uninterrupted run's; a new key (other sets or seeds) starts over."""
    from sim.calibrate import abc
    from sim.explore import backends

    exp = load_experiment("calibrate_normal_check")
    thetas = [(0.1 * i, 0.5) for i in range(40)]
    seeds = [[1000 + 10 * i + r for r in range(7)] for i in range(40)]  # 280 runs: 3 chunks of 128
    whole = abc.run_sets(exp, thetas, seeds, tmp_path / "a", "k1")
    assert len(whole) == 280 and not (tmp_path / "a").exists()  # removed once complete

    evaluated: list[int] = []
    real = backends.make_backend

    def counting(name, workers, scheduler=None):
        b = real(name, workers, scheduler)
        inner = b.results

        def results(tasks):
            for task, res in inner(tasks):
                evaluated.append(task.index)
                yield task, res
                if stop and len(evaluated) == 2:
                    raise KeyboardInterrupt

        b.results = results
        return b

    monkeypatch.setattr(backends, "make_backend", counting)
    stop = True
    with pytest.raises(KeyboardInterrupt):
        abc.run_sets(exp, thetas, seeds, tmp_path / "b", "k1")
    assert sorted(p.name for p in (tmp_path / "b").glob("chunk_*.npy")) == ["chunk_000000.npy", "chunk_000001.npy"]
    stop, evaluated[:] = False, []
    again = abc.run_sets(exp, thetas, seeds, tmp_path / "b", "k1")
    assert evaluated == [2]
    pd.testing.assert_frame_equal(again, whole)
    stop = True
    with pytest.raises(KeyboardInterrupt):
        abc.run_sets(exp, thetas, seeds, tmp_path / "c", "k1")
    stop, evaluated[:] = False, []
    abc.run_sets(exp, thetas, seeds, tmp_path / "c", "k2")  # another key: nothing kept is reused
    assert evaluated == [0, 1, 2]
    # chunk files are named by position: a folder cut at another chunk size is not read at this one's
    stop, evaluated[:] = True, []
    with pytest.raises(KeyboardInterrupt):
        abc.run_sets(exp, thetas, seeds, tmp_path / "d", "k1")
    monkeypatch.setattr(abc, "STAGE_CHUNK", 64)
    stop, evaluated[:] = False, []
    resized = abc.run_sets(exp, thetas, seeds, tmp_path / "d", "k1")
    assert evaluated == [0, 1, 2, 3, 4]  # 280 runs in chunks of 64, none taken from the old folder
    pd.testing.assert_frame_equal(resized, whole)


@pytest.mark.slow
def test_county_refinement_pools_the_seeds_a_longer_run_would_have(county_ci, tmp_path):
    """calibrate_patterns_ci with a second stage (2 more seeds for the quarter of draws nearest the
    targets) gives, for every screened draw, exactly the statistics of the same design run with 5
    replicates from the start: the extra seeds are replicates 3 and 4 of those draws, not new ones.
    Its first stage is the one-stage calibration's store (same runs, copied), and a draw is accepted on
    the pooled distance alone."""
    import shutil

    from sim.calibrate import abc
    from sim.explore.experiment import EXPERIMENT_DIR
    from sim.explore.runner import sweep
    from sim.explore.store import STORE_NAME, Store

    src = (Path(EXPERIMENT_DIR) / "calibrate_patterns_ci.toml").read_text()
    path = tmp_path / "calibrate_patterns_ci.toml"
    path.write_text(src + "refine_replicates = 2\nrefine_keep = 0.25\n")
    out = tmp_path / "cal"
    out.mkdir()
    shutil.copy(county_ci / STORE_NAME, out / STORE_NAME)
    assert cli.main(["calibrate", str(path), "--out", str(out), "--workers", "2"]) == 0
    st = pd.read_csv(out / "statistics.csv").set_index("point")
    one = pd.read_csv(county_ci / "statistics.csv").set_index("point")
    assert np.array_equal(st["distance_stage1"].to_numpy(), one["distance"].to_numpy())
    screened = st.index[st["continued"]]
    assert len(screened) >= 6  # ceil(0.25 x 24), ties at the cut kept
    assert (st.loc[~st["continued"], "distance"] == st.loc[~st["continued"], "distance_stage1"]).all()
    assert (st["accepted"] == (st["distance"] <= 0.5)).all()

    exp5 = dataclasses.replace(load_experiment(path), replicates=5)
    sweep(exp5, tmp_path / "five", workers=2, progress=False)
    store = Store(tmp_path / "five" / STORE_NAME, readonly=True)
    try:
        _, runs = abc.point_table(exp5, store)
    finally:
        store.close()
    five = abc.distances(exp5, runs)
    cols = [c for c in five.columns if c in st.columns]
    pd.testing.assert_frame_equal(st.loc[screened, cols], five.loc[screened, cols], check_dtype=False)
    assert not np.array_equal(one.loc[screened, "lc_real"], five.loc[screened, "lc_real"])  # 5 seeds are not 3


def test_an_accepted_set_run_alone_reproduces_its_statistics(county_ci, tmp_path):
    """The first accepted set, each arm run alone with `sim.run` on the stored seeds (not in the
    calibration's batch), gives bit-identical pattern statistics; and `county-sim run l_county --params
    accepted.csv --row 0 --exact-seed S` gives the stored L County run."""
    acc = pd.read_csv(county_ci / "accepted.csv")
    runs = pd.read_csv(county_ci / "runs.csv")
    point = int(acc["point"].iloc[0])
    mine = runs[runs["point"] == point].sort_values("replicate")
    theta = load_param_row(county_ci / "accepted.csv", 0)
    assert set(theta) == set(load_experiment("calibrate_patterns_ci").names)
    exp = load_experiment("calibrate_patterns_ci")
    base = pt.PatternBase(exp.scenario, {}, exp.steps)
    rows = []
    for seed in mine["seed"]:
        row = {"point": point}
        for arm, sc in zip(pt.ARMS, pt.arm_scenarios(base), strict=True):
            res = sim.run(sc.with_overrides(**theta), seed=int(seed))
            s = res.summary
            first = res.series.iloc[0]
            values = {
                "sustained": s["sustained"],
                "t_start": s["t_start"],
                "t_activate": s["t_activate"],
                "real0": first["real_performance"],
                "real": s["final_real_performance"],
                "assessed": s["final_assessed_performance"],
                "sat0": first["satisfaction"],
                "sat": s["final_satisfaction"],
            }
            for f in arm.fields:
                row[f"{arm.name}.{f}"] = np.nan if values[f] is None else float(values[f])
        rows.append(row)
    alone = pt.county_statistics(pd.DataFrame(rows))
    stored = pd.read_csv(county_ci / "statistics.csv").set_index("point").loc[[point], alone.columns]
    pd.testing.assert_frame_equal(alone.reset_index(drop=True), stored.reset_index(drop=True), check_exact=True)

    out = tmp_path / "one"
    seed = int(mine["seed"].iloc[0])
    argv = ["run", "l_county", "--params", str(county_ci / "accepted.csv"), "--row", "0", "--exact-seed", str(seed)]
    assert cli.main([*argv, "--out", str(out)]) == 0
    summary = pd.read_csv(out / "summary.csv")
    assert summary["final_real_performance"].iloc[0] == pytest.approx(mine["l_county.real"].iloc[0], abs=1e-12)


# --- priors and bad input -----------------------------------------------------------------------


def test_vary_all_is_every_rate_and_condition_model2_reads_but_the_arms_keys():
    """The calibration's prior in one line: every rate and condition Model 2 reads, default +-50%
    clipped to the registry's range, minus what a pattern's scenario sets (one value would erase it)."""
    exp = load_experiment("calibrate_patterns")
    want = {
        n
        for n, p in PARAMS.items()
        if 2 in p.models and p.group in ("rate", "condition") and p.kind != "bool" and n not in pt.arm_keys()
    }
    assert set(exp.names) == want
    assert {"initial_action_base", "reform_resolve"} <= pt.arm_keys()
    for v in exp.varied:
        p = PARAMS[v.name]
        assert v.low == pytest.approx(max(p.low, 0.5 * p.default) if p.kind == "float" else v.low)
        assert v.low <= p.default <= v.high


def test_prior_scale_halves_and_doubles_about_the_default():
    """--prior-scale S moves each end to default + S x (end - default), clipped to the registry."""
    exp = load_experiment("calibrate_patterns")
    half, double = scaled(exp, 0.5), scaled(exp, 2.0)
    assert half.name == "calibrate_patterns_prior0.5" and double.name == "calibrate_patterns_prior2"
    for v, h, d in zip(exp.varied, half.varied, double.varied, strict=True):
        p = PARAMS[v.name]
        if p.kind == "float":
            assert h.low == pytest.approx(p.default - 0.5 * (p.default - v.low))
            assert h.high == pytest.approx(p.default + 0.5 * (v.high - p.default))
            assert d.low == pytest.approx(max(p.low, p.default - 2 * (p.default - v.low)))
            assert d.high == pytest.approx(min(p.high, p.default + 2 * (v.high - p.default)))


CAL = 'model = "county_patterns"\nscenario = "l_county"\n[design]\nmethod = "lhs"\nn = 4\n'
TARGETS = '[calibrate]\ntargets = ["trap"]\n'
RATE = "[vary.build_rate]\nrange = [0.03, 0.09]\n"
BAD = [
    (CAL + RATE + '[calibrate]\ntargets = ["trapp"]\n', "trapp", "Did you mean 'trap'"),
    (CAL + RATE + '[calibrate]\ntargets = ["trap"]\nholdout = ["trap"]\n', "holdout", "also a target"),
    (
        CAL.replace("lhs", "sobol").replace("n = 4", "n = 8")
        + RATE
        + "[vary.stock_decay]\nrange = [0, 0.1]\n"
        + TARGETS,
        "design.method",
        "lhs",
    ),
    (CAL + "[vary.reform_resolve]\nrange = [0.5, 0.9]\n" + TARGETS, "reform_resolve", "do not vary or fix"),
    (CAL + '[vary_all]\ngroups = ["size"]\n' + TARGETS, "vary_all.groups", "rate"),
    (CAL + '[vary_all]\ngroups = ["rate"]\nspred = 1\n' + TARGETS, "spred", "spread"),
    ('scenario = "l_county"\n[design]\nmethod = "lhs"\nn = 4\n' + RATE + TARGETS, "calibrate", "county_patterns"),
    (CAL + RATE, "no [calibrate] table", "targets"),
    (CAL + RATE + TARGETS + 'sampler = "smx"\n', "calibrate.sampler", "Did you mean 'smc'"),
    (CAL + RATE + TARGETS + "population = 100\n", "calibrate.population", 'only for sampler = "smc"'),
    # 20 particles cannot give a full-rank kernel over the many rates vary_all varies (see smc.check)
    (
        CAL + '[vary_all]\ngroups = ["rate"]\n' + TARGETS + 'sampler = "smc"\npopulation = 20\n',
        "calibrate.population",
        "varied parameters",
    ),
    (CAL + RATE + TARGETS + "refine_replicates = 0\n", "calibrate.refine_replicates", "[1, 10000]"),
    (CAL + RATE + TARGETS + "refine_replicates = 8\nrefine_keep = 1.5\n", "calibrate.refine_keep", "(0, 1]"),
    (CAL + RATE + TARGETS + "refine_keep = 0.2\n", "calibrate.refine_keep", "needs refine_replicates"),
    (
        CAL + RATE + TARGETS + 'sampler = "smc"\nrefine_replicates = 8\n',
        "calibrate.refine_replicates",
        'only for sampler = "rejection"',
    ),
]


@pytest.mark.parametrize(("body", "needle1", "needle2"), BAD)
def test_bad_calibration_is_one_error_exit_2_nothing_written(tmp_path, capsys, body, needle1, needle2):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n' + body, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["calibrate", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("county-sim: error: "), err
    assert str(path) in err[0] and needle1 in err[0] and needle2 in err[0], err[0]
    assert not out.exists()


def test_bad_params_file_or_row(tmp_path, capsys):
    good = tmp_path / "sets.csv"
    good.write_text("row,build_rate,distance\n0,0.05,0\n", encoding="utf-8")
    cases = [
        (["--params", str(tmp_path / "none.csv"), "--row", "0"], "file not found"),
        (["--params", str(good), "--row", "3"], "has no row 3"),
        (["--params", str(good)], "go together"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("row,build_rate\n0,fast\n", encoding="utf-8")
    cases.append((["--params", str(bad), "--row", "0"], "column 'build_rate': not a number"))
    out = tmp_path / "out"
    for extra, needle in cases:
        assert cli.main(["run", "l_county", *extra, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert needle in err, err
        assert not out.exists()


# --- the coupling question across the accepted region -------------------------------------------

TINY_SOBOL = """scenario = "l_county"
replicates = 1
seed = 3
outputs = ["sustained", "final_real_performance"]
[design]
method = "sobol"
n = 8
second_order = false
[vary.k_ME_DI]
range = [0.0, 1.0]
[vary.k_ME_GC]
range = [0.0, 1.0]
"""


def test_sweep_ensemble_runs_the_design_at_each_accepted_set(county_ci, tmp_path, capsys):
    """`sweep --ensemble accepted.csv --sets 2` runs the design once per set with that set's values
    fixed (a stored run equals `sim.run` with the set, the design's values and the run's seed), and
    `analyze` classes every coupling by how often its total index reaches 0.05 across the sets."""
    from sim.calibrate import ensemble

    exp_path = tmp_path / "tiny.toml"
    exp_path.write_text('name = "tiny"\n' + TINY_SOBOL, encoding="utf-8")
    table = county_ci / "accepted.csv"
    assert len(pd.read_csv(table)) >= 2  # the CI calibration accepts 5 sets at its seed 11
    out = tmp_path / "ens"
    assert (
        cli.main(["sweep", str(exp_path), "--ensemble", str(table), "--sets", "2", "--out", str(out), "-j", "1"]) == 0
    )
    info = json.loads((out / "ensemble.json").read_text())
    assert info["rows"] == [0, 1] and info["varied"] == ["k_ME_DI", "k_ME_GC"]
    runs = pd.read_csv(ensemble.set_folder(out, 1) / "runs.csv")
    assert len(runs) == 8 * 4
    one = runs.iloc[5]
    theta = load_param_row(table, 1)
    sc = load_experiment(exp_path).scenario.with_overrides(**theta, k_ME_DI=one["k_ME_DI"], k_ME_GC=one["k_ME_GC"])
    alone = sim.run(sc, seed=int(one["seed"])).summary
    assert alone["final_real_performance"] == pytest.approx(one["final_real_performance"], abs=1e-12)

    capsys.readouterr()
    assert cli.main(["analyze", str(out), "--resamples", "50"]) == 0
    printed = capsys.readouterr().out
    assert "accepted parameter sets, robustly" in printed
    robust = pd.read_csv(out / "analysis" / "robust_sobol.csv")
    assert set(robust["parameter"]) == {"k_ME_DI", "k_ME_GC"}
    for r in robust.itertuples():
        want = (
            "robust"
            if r.share_matters >= 0.9
            else "never"
            if r.share_negligible >= 0.9
            else "never shown"
            if r.share_matters == 0
            else "some sets"
        )
        assert r.verdict == want
    by = pd.read_csv(out / "analysis" / "sobol_by_set.csv")
    for r in robust.itertuples():  # a set counts as "matters" only with the interval above 0.05
        one = by[(by["output"] == r.output) & (by["parameter"] == r.parameter)]
        assert r.share_matters == pytest.approx(((one["ST"] - one["ST_conf"].fillna(0)) >= 0.05).mean())
    by_set = pd.read_csv(out / "analysis" / "sobol_by_set.csv")
    assert set(by_set["set"]) == {0, 1}
    assert (out / "analysis" / "robust_ST.png").stat().st_size > 0


def test_robust_classes_each_coupling_by_its_intervals_across_sets():
    """Four classes from each set's 95% interval against 0.05 (ensemble.MATTERS_ST), over 10 sets:
    above it in 9 sets is robust; below it in 9 is never; above it in no set but below it in only 5
    is "never shown" (the interval straddles 0.05 in the rest: nothing shows it matters, nothing
    shows it does not); above it in 1 set is "some sets". The paragraph names the class."""
    from sim.calibrate import ensemble

    def rows(name, st, conf):
        return [
            {"set": k, "output": "y", "parameter": name, "S1": 0.0, "ST": a, "ST_conf": c}
            for k, (a, c) in enumerate(zip(st, conf, strict=True))
        ]

    sobol = pd.DataFrame(
        rows("robust", [0.5] * 9 + [0.06], [0.1] * 10)  # 0.5 - 0.1 >= 0.05 in 9 sets
        + rows("never", [0.01] * 9 + [0.2], [0.03] * 10)  # 0.01 + 0.03 < 0.05 in 9 sets
        + rows("shown", [0.01] * 5 + [0.03] * 5, [0.03] * 5 + [0.1] * 5)  # below in 5, straddling in 5
        + rows("some", [0.3] + [0.03] * 9, [0.1] * 10)  # above in 1 set
    )
    summary = ensemble._robust(sobol).set_index("parameter")
    assert summary["verdict"].to_dict() == {
        "robust": "robust",
        "never": "never",
        "shown": "never shown",
        "some": "some sets",
    }
    assert summary.loc["shown", "share_matters"] == 0.0 and summary.loc["shown", "share_negligible"] == 0.5
    text = ensemble.robust_paragraph(summary.reset_index(), pd.DataFrame(), pd.DataFrame(), 10)
    assert "Never shown to matter" in text and "shown (median ST 0.02" in text
    zh = ensemble.robust_paragraph(summary.reset_index(), pd.DataFrame(), pd.DataFrame(), 10, lang="zh")
    assert "未显示起作用" in zh and "shown（ST 中位数 0.02" in zh


def test_bad_ensemble_requests(county_ci, tmp_path, capsys):
    exp_path = tmp_path / "tiny.toml"
    exp_path.write_text('name = "tiny"\n' + TINY_SOBOL, encoding="utf-8")
    clash = tmp_path / "clash.csv"
    clash.write_text("row,k_ME_DI\n0,0.5\n", encoding="utf-8")
    out = tmp_path / "out"
    cases = [
        (["--sets", "2"], "--sets needs --ensemble"),
        (["--ensemble", str(county_ci / "accepted.csv"), "--sets", "999"], "accepted sets"),
        (["--ensemble", str(tmp_path / "none.csv")], "file not found"),
        (["--ensemble", str(clash), "--sets", "1"], "sets k_ME_DI, which"),
    ]
    for extra, needle in cases:
        assert cli.main(["sweep", str(exp_path), *extra, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert needle in err, err
        assert not out.exists()


def test_compare_across_the_accepted_region(county_ci, tmp_path, capsys):
    """`compare BASE ALT --ensemble accepted.csv --sets 2`: each set's effect is the paired mean
    difference that `compare` gives at that set alone; the pooled effect is their mean, inside its
    interval; the share of sets better counts the sets whose effect favours the alternative."""
    from sim.whatif.compare import compare
    from sim.whatif.variants import build_variants

    table = county_ci / "accepted.csv"
    out = tmp_path / "ce"
    argv = ["compare", "l_county", "l_county+what_if/learning_visits", "--ensemble", str(table), "--sets", "2"]
    assert cli.main([*argv, "-r", "4", "--seed", "5", "--bootstrap", "200", "--out", str(out)]) == 0
    assert "sets better" in capsys.readouterr().out
    pooled = pd.read_csv(out / "ensemble_effects.csv").set_index(["variant", "outcome"])
    by_set = pd.read_csv(out / "ensemble_by_set.csv")
    theta = load_param_row(table, 1)
    variants = build_variants(["l_county", "l_county+what_if/learning_visits"], sets=[], steps=None)
    alone = [dataclasses.replace(v, scenario=v.scenario.with_overrides(**theta)) for v in variants]
    res = compare(alone, seed=5, replicates=4, n_boot=100).differences.set_index("outcome")
    mine = by_set[(by_set["set"] == 1)].set_index("outcome")
    for outcome in ("final_real_performance", "sustained", "final_satisfaction"):
        assert mine.loc[outcome, "difference"] == pytest.approx(res.loc[outcome, "difference"], abs=1e-12)
        d = by_set[by_set["outcome"] == outcome]["difference"]
        row = pooled.loc[(by_set["variant"].iloc[0], outcome)]
        assert row["difference"] == pytest.approx(d.mean(), abs=1e-12)
        assert row["ci_low"] <= row["difference"] <= row["ci_high"]
        better = +1 if outcome != "assessment_gap" else -1
        assert row["share_sets_better"] == pytest.approx((better * d > 0).mean())
    assert (out / "ensemble_effects.png").stat().st_size > 0
    assert cli.main(["compare", "l_county", "status_quo", "--sets", "3", "--out", str(tmp_path / "x")]) == 2
    assert "--sets needs --ensemble" in capsys.readouterr().err


# --- classifier sensitivity --------------------------------------------------------------------


def test_classifier_sensitivity(tmp_path, capsys):
    """Each threshold at 5 levels over default x (0.5 .. 1.5): at the default level the share sustaining
    is the runs' own (`sim.run_batch` on the same seeds), and a run that delivers at the highest
    deliver_share also delivers at the default (its gap closure held above the higher bar), so the
    share reaching deliver never rises from the default to the highest level."""
    from sim.calibrate.classifier import levels_of, thresholds

    out = tmp_path / "clf"
    assert cli.main(["classifier", "l_county", "-r", "12", "--seed", "4", "--out", str(out)]) == 0
    assert "deliver_share" in capsys.readouterr().out
    table = pd.read_csv(out / "classifier.csv")
    assert set(table["threshold"]) == set(thresholds(2)) and len(thresholds(2)) == 8
    own = np.mean(
        [
            r.summary["sustained"]
            for r in sim.run_batch([sim.load_scenario("l_county")] * 12, [sim.replicate_seed(4, r) for r in range(12)])
        ]
    )
    defaults = table[table["is_default"]]
    assert len(defaults) == 8 and np.allclose(defaults["share_sustained"], own)
    ds = table[table["threshold"] == "deliver_share"].set_index("level")["share_deliver"]
    assert ds.loc[0.75] <= ds.loc[0.5]
    assert levels_of("deliver_hold") == [3, 4, 6, 8, 9] and levels_of("deliver_share") == [
        0.25,
        0.375,
        0.5,
        0.625,
        0.75,
    ]
    assert (out / "classifier.png").stat().st_size > 0


def test_calibration_report_in_chinese_embeds_its_figures_and_finds_the_ensemble(county_ci, tmp_path, capsys):
    """`county-sim report DIR --lang zh` on a calibration folder: Chinese headings, the figures embedded
    in the HTML page, and the robust answer of an ensemble analysis run beside it on the same
    accepted.csv (found by the file's hash)."""
    import shutil

    cal = tmp_path / "results" / "cal"
    shutil.copytree(county_ci, cal)
    exp_path = tmp_path / "tiny.toml"
    exp_path.write_text('name = "tiny"\n' + TINY_SOBOL, encoding="utf-8")
    ens = tmp_path / "results" / "tiny+accepted"
    argv = ["sweep", str(exp_path), "--ensemble", str(cal / "accepted.csv"), "--sets", "2", "--out", str(ens)]
    assert cli.main([*argv, "-j", "1"]) == 0
    assert cli.main(["analyze", str(ens), "--resamples", "50"]) == 0
    assert cli.main(["report", str(cal), "--lang", "zh"]) == 0
    md = (cal / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# 校准报告") and "## 保留模式的检验" in md
    assert "在 2 个接受的参数组上" in md and "../tiny+accepted/analysis/robust_ST.png" in md
    page = (cal / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 4 and 'lang="zh-CN"' in page


def test_vary_all_full_range_groups_span_the_registry(tmp_path):
    """`full_range` groups span the registry's whole range; the others default -+ spread."""
    path = tmp_path / "m.toml"
    path.write_text(
        'name = "m"\nscenario = "l_county"\n[design]\nmethod = "morris"\ntrajectories = 2\n'
        '[vary_all]\ngroups = ["coupling", "rate"]\nspread = 0.25\nfull_range = ["coupling"]\n',
        encoding="utf-8",
    )
    exp = load_experiment(path)
    got = {v.name: (v.low, v.high) for v in exp.varied}
    assert got["k_ME_DI"] == (PARAMS["k_ME_DI"].low, PARAMS["k_ME_DI"].high)
    assert got["build_rate"] == pytest.approx((0.045, 0.075))  # 0.06 -+ 25%
    path.write_text(path.read_text().replace('full_range = ["coupling"]', 'full_range = ["lever"]'), encoding="utf-8")
    with pytest.raises(sim.ScenarioError, match="full_range"):
        load_experiment(path)


# --- ABC-SMC (pyabc) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def normal_smc(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("smc") / "cal"
    assert cli.main(["calibrate", "calibrate_normal_smc", "--out", str(out), "--workers", "1"]) == 0
    return out


def _resampled(acc: pd.DataFrame, column: str, n: int, seed: int) -> np.ndarray:
    """An equal-weight sample of weighted particles (multinomial), for two-sample tests."""
    rng = np.random.default_rng(seed)
    return rng.choice(acc[column].to_numpy(), size=n, p=acc["weight"].to_numpy() / acc["weight"].sum())


def test_abc_smc_recovers_the_analytic_posterior_and_agrees_with_rejection(normal_smc, normal_check):
    """pyabc's ABC-SMC on the normal-mean model reaches tolerance 0 (every particle within 0.02 of the
    observed mean) and its weighted particles have the analytic posterior: mean within 4 standard
    errors of 1 (effective sample size from the weights), SD within 20% of 0.2003. Against the
    rejection sampler's accepted draws of the same model, a two-sample KS test (SMC particles resampled
    by weight, 237 of them, as many as rejection accepted) does not reject at 0.001."""
    acc = pd.read_csv(normal_smc / "accepted.csv")
    conv = pd.read_csv(normal_smc / "convergence.csv")
    assert conv["epsilon"].iloc[-1] == 0.0 and (acc["distance"] == 0).all() and len(acc) == 300
    assert conv["epsilon"].is_monotonic_decreasing
    w = acc["weight"].to_numpy()
    assert w.sum() == pytest.approx(1.0)
    n_eff = 1 / np.sum(w**2)
    # convergence.csv's effective size is the kept particles' when every particle of the last
    # generation is kept (tolerance 0 reached: all 300 within it), and a generation's never exceeds 300
    assert conv["effective_size"].iloc[-1] == pytest.approx(n_eff, rel=1e-9)
    assert (conv["effective_size"] <= 300 + 1e-9).all() and (conv["effective_size"] >= 1).all()
    mean = float(np.sum(w * acc["mu"]))
    sd = float(np.sqrt(np.sum(w * (acc["mu"] - mean) ** 2)))
    want = np.sqrt(1 / NORMAL_N + NORMAL_TOLERANCE**2 / 3)
    assert abs(mean - NORMAL_OBSERVED) <= 4 * want / np.sqrt(n_eff)
    assert abs(sd / want - 1) <= 0.20
    rejection = pd.read_csv(normal_check / "accepted.csv")["mu"]
    assert stats.ks_2samp(_resampled(acc, "mu", len(rejection), 1), rejection).pvalue > 0.001
    post = pd.read_csv(normal_smc / "posterior.csv").set_index("parameter")
    assert bool(post.loc["mu", "constrained"]) and not bool(post.loc["nuisance", "constrained"])
    # every particle is run again on seeds the sampler never saw, as the rejection sampler's accepted
    # sets are: on its own seeds each is within 0.02 of the observed mean; on a fresh one a particle at
    # the posterior's centre is within it with probability about 2 x 0.02 / (0.2 sqrt(2 pi)) = 0.08, so
    # a share near 1 would mean the "fresh" seeds were the old ones
    val = pd.read_csv(normal_smc / "validation.csv").set_index("sets")
    assert val.loc["accepted, same seeds", "share"] == pytest.approx(1.0)
    assert val.loc["accepted", "share"] < 0.25 and "fresh_v_mean" in acc


def test_abc_smc_whose_weights_degenerate_stops_with_one_line_and_keeps_its_generations(tmp_path, capsys, monkeypatch):
    """On the county's 84 parameters pyabc's kernel density underflowed to 0 in generation 2, a weight
    became infinite and pyabc raised AssertionError with a traceback. Here the first generation runs for
    real and pyabc then raises that same error: the command must exit 2 with one line that names the
    generation, the last complete generation's effective size and the rejection sampler, and keep the
    complete generation in smc.db (a resume can read it)."""
    import pyabc

    real = pyabc.ABCSMC.run

    def run_then_fail(self, *args, **kwargs):
        real(self, *args, **{**kwargs, "max_nr_populations": 1})
        raise AssertionError("The population total weight nan is not normalized.")

    monkeypatch.setattr(pyabc.ABCSMC, "run", run_then_fail)
    out = tmp_path / "cal"
    assert cli.main(["calibrate", "calibrate_normal_smc", "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("county-sim: error: "), err
    assert "stopped in generation 1" in err[0] and "effective size" in err[0] and 'sampler = "rejection"' in err[0]
    assert pyabc.History(f"sqlite:///{out / 'smc.db'}", _id=1).max_t == 0


@pytest.mark.slow
@pytest.mark.statistical
def test_abc_smc_on_two_workers_agrees_with_one(normal_smc, tmp_path):
    """On two worker processes pyabc schedules draws dynamically, so its particles differ from the
    single-worker run's: both must recover the analytic posterior of mu, and agree with each other.

    Statistics. The last population's importance weights can be heavy-tailed: a particle proposed
    far into the tail of the previous population gets a large weight, and a weighted SD follows it
    (with the earlier range-space sampler it once failed CI at +45% of 0.2003). The weighted median
    and interquartile range (the calibration's own weighted quantiles, `abc._wquantile`) do not
    follow one particle. Over 20 two-worker runs of the logit-space sampler measured on 2026-12-02
    (`county-sim calibrate calibrate_normal_smc --workers 2`, 34 s each) the median was
    1.002 on average, SD 0.020 across runs, range 0.944-1.031; the IQR / 1.349 was -0.2% of 0.2003
    on average, SD 7.1%, range -12% to +13%; the weighted SD was 5% low on average (SD 7%); the
    effective size was 218 of 300 at the median run and 57 at the worst.

    Thresholds: medians within 0.09 of 1 (4.5 SDs of that spread) and of each other within 0.13
    (4.6 SDs of a difference of two), the IQR scale within 35% of 0.2003 (about 5 SDs, 2.6 times the
    largest of the 20). They catch two workers that ignore the data (prior SD 1.73) or stop
    generations early; the weights themselves are checked on the single-worker run, whose code path
    after sampling is the same. (The earlier range-space sampler's effective sizes were so small, 26
    of 300 once, that a two-sample KS test between two of its runs failed CI at p = 3e-5; the Dask
    test below uses that test on the logit-space sampler, whose p-values were measured.)"""
    out = tmp_path / "two"
    assert cli.main(["calibrate", "calibrate_normal_smc", "--out", str(out), "--workers", "2"]) == 0
    want = np.sqrt(1 / NORMAL_N + NORMAL_TOLERANCE**2 / 3)
    from sim.calibrate.abc import _wquantile

    def quartiles(acc: pd.DataFrame) -> np.ndarray:
        return _wquantile(acc["mu"].to_numpy(), acc["weight"].to_numpy() / acc["weight"].sum(), [0.25, 0.5, 0.75])

    one, two = (quartiles(pd.read_csv(d / "accepted.csv")) for d in (normal_smc, out))
    for q25, median, q75 in (one, two):
        assert abs(median - NORMAL_OBSERVED) <= 0.09
        assert abs((q75 - q25) / 1.349 / want - 1) <= 0.35
    assert abs(one[1] - two[1]) <= 0.13


# --- review fixes: NaN distances, weighted KS, weighted ensembles, clashes ---------------------------


def test_a_violation_that_cannot_be_computed_is_never_accepted():
    """A NaN violation (a statistic with no runs behind it) makes the distance infinite, not 0, in both
    samplers; the other draws keep their summed violation."""
    from sim.calibrate.abc import target_distance
    from sim.calibrate.smc import _distance

    st = pd.concat([_stats(lc_real=float("nan")), _stats(fp_sustain=0.7)], ignore_index=True)
    for name, p in pt.COUNTY_PATTERNS.items():
        st[f"v_{name}"] = p.violation(st)
    assert np.isnan(st["v_pm_tool"].iloc[0])
    d = target_distance(st, ["trap", "pm_tool"])
    assert d[0] == np.inf and d[1] == pytest.approx(0.2)
    assert _distance(["pm_tool"])(st.iloc[0].to_dict(), {}) == np.inf


def test_weighted_ks_matches_scipy_for_equal_weights_and_sees_a_shift():
    from sim.calibrate.abc import weighted_ks

    rng = np.random.default_rng(0)
    y, x = rng.uniform(size=200), rng.uniform(size=3000)
    d, _ = weighted_ks(y, np.full(200, 1 / 200), x)
    assert d == pytest.approx(stats.ks_2samp(y, x).statistic, abs=1e-12)
    # weights that tilt a uniform sample toward 1 (density 2u): D near its population value 0.25
    w = y / y.sum()
    d, p = weighted_ks(y, w, x)
    assert 0.15 < d < 0.35 and p < 1e-3


def test_two_weighted_samples_ks_matches_scipy_and_the_one_sided_weighting():
    """weighted_ks2 with equal weights on both sides is scipy's two-sample KS (D exactly, p the
    asymptotic one); tilting one side is seen. (weighted_ks is this with one side equal-weighted.)"""
    from sim.calibrate.agree import weighted_ks2

    rng = np.random.default_rng(1)
    y, x = rng.uniform(size=150), rng.uniform(size=400)
    wy, wx = np.full(150, 1 / 150), np.full(400, 1 / 400)
    d, p = weighted_ks2(y, wy, x, wx)
    ref = stats.ks_2samp(y, x, method="asymp")
    # scipy's "asymp" p is kstwo(D, round(n_eff)), ours the limiting kstwobign(D sqrt(n_eff)): a few % apart
    assert d == pytest.approx(ref.statistic, abs=1e-12) and p == pytest.approx(ref.pvalue, rel=0.05)
    tilt = y / y.sum()
    d, p = weighted_ks2(y, tilt, x, wx)
    assert d > 0.15 and p < 1e-3


def test_posterior_agreement_of_rejection_and_smc_and_a_planted_shift(normal_check, normal_smc, tmp_path, capsys):
    """The rejection sampler and ABC-SMC on the normal-mean model target the same posterior: neither
    parameter differs at the Bonferroni level, and mu's KS distance is small (below 0.25: two samples of
    effective sizes about 250 and 237 drawn from one distribution exceed D = 0.25 with probability
    below 1e-5). The toy has one pattern, a target, reproduced by every accepted set of
    both on the seeds they were accepted on. Shifting SMC's mu by 0.3 (1.5 posterior SDs) is found;
    nuisance, untouched, still agrees. A copy at another prior range is refused with one line."""
    out = tmp_path / "agree"
    assert cli.main(["posterior-agreement", str(normal_check), str(normal_smc), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "0 of 2 parameters differ" in printed
    table = pd.read_csv(out / "agreement.csv").set_index("parameter")
    assert not table["differ"].any() and table.loc["mu", "ks_d"] < 0.25
    assert abs(table.loc["mu", "median_shift"]) < 0.02  # of a prior width of 6: within 0.12 of each other
    pats = pd.read_csv(out / "agreement_patterns.csv").set_index("pattern")
    assert pats.loc["mean", "a_same"] == 1.0 and pats.loc["mean", "b_same"] == pytest.approx(1.0)
    for name in ("agreement.png", "agreement.md", "agreement.zh.md", "manifest.json"):
        assert (out / name).stat().st_size > 0
    assert "**0 of 2 parameters differ**" in (out / "agreement.md").read_text()

    shifted = tmp_path / "shifted"
    shutil.copytree(normal_smc, shifted)
    acc = pd.read_csv(shifted / "accepted.csv")
    acc["mu"] += 0.3
    acc.to_csv(shifted / "accepted.csv", index=False)
    out2 = tmp_path / "agree2"
    assert cli.main(["posterior-agreement", str(normal_check), str(shifted), "--out", str(out2)]) == 0
    table = pd.read_csv(out2 / "agreement.csv").set_index("parameter")
    assert bool(table.loc["mu", "differ"]) and not bool(table.loc["nuisance", "differ"])
    assert table.loc["mu", "median_shift"] == pytest.approx(0.3 / 6, abs=0.02)

    post = pd.read_csv(shifted / "posterior.csv")
    post.loc[post["parameter"] == "mu", "prior_low"] = -1.5
    post.to_csv(shifted / "posterior.csv", index=False)
    capsys.readouterr()
    assert cli.main(["posterior-agreement", str(normal_check), str(shifted), "--out", str(tmp_path / "a3")]) == 2
    err = capsys.readouterr().err
    assert "'mu'" in err and "prior range" in err and not (tmp_path / "a3").exists()


@pytest.mark.slow
@pytest.mark.statistical
def test_abc_smc_on_dask_agrees_with_one_worker_by_a_two_sample_test(normal_smc, tmp_path):
    """Issue 11: where the sampler schedules its draws dynamically (pyabc on Dask), a two-sample test
    shows that the posteriors agree. Dask's particles differ from one worker's; posterior-agreement's
    weighted KS distance (at effective sizes) must be small for both parameters, and mu's median near
    the analytic 1.

    Statistics, measured on 2026-12-02 over 20 runs on two worker processes (pyabc's process pool
    schedules draw by draw as its Dask sampler does) against the one-worker run: no parameter differed
    in 40 tests (smallest p 0.033, against the corrected 0.005; if p were uniform a false alarm would
    come once in about 100 runs); mu's D was 0.094 on average (SD 0.025, at most 0.13), so below 0.2
    is 4 SDs above its mean. Between SMC runs these p-values are roughly uniform (mean 0.38 for mu):
    with the logit-space sampler's effective sizes (about 220 of 300) the particles' dependence no
    longer makes the test reject correct runs."""
    out = tmp_path / "dask"
    assert cli.main(["calibrate", "calibrate_normal_smc", "--out", str(out), "--backend", "dask", "-j", "2"]) == 0
    assert pd.read_csv(out / "convergence.csv")["epsilon"].iloc[-1] == 0.0
    agree = tmp_path / "agree"
    assert cli.main(["posterior-agreement", str(normal_smc), str(out), "--out", str(agree)]) == 0
    table = pd.read_csv(agree / "agreement.csv").set_index("parameter")
    # The KS distance, not its p-value: a Dask run is not reproducible, and a p-value test at
    # family-wise 1% fails correct runs at its own rate. CI met one (2026-12-02: mu's D 0.158, p 0.004,
    # under load beside other test files), so the bound is on D at 4 SDs above the 20 runs' mean,
    # which a sampler that draws from another posterior exceeds (the nuisance rate, which the data do
    # not constrain, is held to the same bound).
    assert (table["ks_d"] < 0.2).all(), table
    assert abs(table.loc["mu", "b_median"] - NORMAL_OBSERVED) <= 0.09  # 4.5 SDs of the medians' spread


def test_an_ensemble_of_weighted_particles_is_drawn_by_weight(tmp_path):
    from sim.calibrate.ensemble import rows_of

    table = tmp_path / "acc.csv"
    w = np.array([0.0, 0.0, 0.5, 0.0, 0.5])
    pd.DataFrame({"row": range(5), "weight": w, "build_rate": 0.05}).to_csv(table, index=False)
    assert sorted(rows_of(table, 2)) == [2, 4]
    pd.DataFrame({"row": range(5), "weight": 0.2, "build_rate": 0.05}).to_csv(table, index=False)
    assert rows_of(table, None) == [0, 1, 2, 3, 4] and rows_of(table, 2) == [0, 1]


def test_compare_ensemble_refuses_a_variant_that_sets_a_calibrated_parameter(county_ci, tmp_path, capsys):
    argv = ["compare", "l_county", "l_county:build_rate=0.05", "--ensemble", str(county_ci / "accepted.csv")]
    assert cli.main([*argv, "--sets", "2", "--out", str(tmp_path / "o")]) == 2
    assert "sets build_rate, which every accepted set sets too" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_pattern_named_twice_is_refused(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n' + CAL + RATE + '[calibrate]\ntargets = ["trap", "trap"]\n', encoding="utf-8")
    assert cli.main(["calibrate", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "names a pattern twice" in capsys.readouterr().err
