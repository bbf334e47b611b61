"""The command line: `county-sim run`, `validate`, `params`, and bad input (ODD: input and output).

Runs are small (24 months, 200 citizens, 64 cadres) so the file stays fast.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import cli
from sim.manifest import atomic_open
from sim.record import SUMMARY_EXTRA
from sim.report import plots
from tests.contract import FIXED_SERIES_COLUMNS

REPO = Path(__file__).resolve().parent.parent
SMALL = ["--steps", "24", "--set", "n_citizens=200", "--set", "n_cadres=64"]
VALID_TOML = """\
name = "tmp"
description = "a scenario written by the tests"
steps = 24

[params]
n_citizens = 200
n_cadres = 64

[[events]]
month = 3
kind = "higher_level_visit"
strength = 0.3
"""


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Call `county-sim` in-process; return (exit code, stdout, stderr)."""
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err: str, *needles: str) -> None:
    """stderr is exactly one `county-sim...: error:` line, without a traceback, containing needles."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("county-sim") and ": error: " in lines[0], err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """One small two-replicate run of l_county, shared by the read-only tests below."""
    out = tmp_path_factory.mktemp("run") / "l_county"
    code = cli.main(["run", "l_county", "--replicates", "2", "--seed", "7", *SMALL, "--out", str(out)])
    assert code == 0
    return out


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    """A valid scenario file in tmp_path (independent of the files in scenarios/)."""
    p = tmp_path / "tmp.toml"
    p.write_text(VALID_TOML, encoding="utf-8")
    return p


# --- run: the happy path -------------------------------------------------------------------


def test_run_writes_its_files_and_nothing_else(run_dir):
    """The four files every run writes, and (Model 2, the default engine) the problems of every replicate."""
    assert sorted(os.listdir(run_dir)) == sorted([*cli.OUTPUT_FILES, cli.PROBLEM_FILE, cli.COLUMNS_FILE])
    assert (run_dir / "trajectory.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    problems = pd.read_csv(run_dir / cli.PROBLEM_FILE)
    assert list(problems.columns[:2]) == ["replicate", "seed"] and set(problems["replicate"]) == {0, 1}


def test_a_model1_run_writes_the_four_files_beside_the_default_engines(capsys, tmp_path, monkeypatch):
    """Model 1 (kept for old results) writes the four files to results/<scenario>_model1/, so it never
    overwrites a Model 2 run's folder."""
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "run", "l_county", "--replicates", "1", *SMALL, "--set", "model_version=1")
    assert code == 0, err
    (folder,) = os.listdir(tmp_path / "results")
    assert folder == "l_county--n_citizens=200,n_cadres=64,steps=24_model1"
    assert sorted(os.listdir(tmp_path / "results" / folder)) == sorted([*cli.OUTPUT_FILES, cli.COLUMNS_FILE])
    columns = pd.read_csv(tmp_path / "results" / folder / cli.COLUMNS_FILE)
    assert set(columns["file"]) == {"series.csv", "summary.csv"}  # no problems.csv on Model 1


def test_series_csv_columns_and_rows(run_dir):
    df = pd.read_csv(run_dir / "series.csv")
    missing = [c for c in FIXED_SERIES_COLUMNS if c not in df.columns]
    assert not missing
    assert list(df.columns[:3]) == ["replicate", "seed", "step"]
    assert len(df) == 2 * 25  # two replicates, steps 0..24
    assert sorted(df["replicate"].unique()) == [0, 1]
    assert set(df["phase"]) <= set(sim.PHASES)
    assert df["seed"].nunique() == 2


def test_summary_csv_columns_and_integer_months(run_dir):
    df = pd.read_csv(run_dir / "summary.csv")
    assert list(df.columns) == ["replicate", *sim.SUMMARY_COLUMNS, *SUMMARY_EXTRA]  # Model 2 adds three
    assert len(df) == 2
    with open(run_dir / "summary.csv", newline="") as f:
        for row in csv.DictReader(f):
            for col in ("t_start", "t_build", "t_activate", "t_deliver", "t_relapse"):
                assert re.fullmatch(r"\d*", row[col]), (col, row[col])  # 12 or empty, never 12.0
            assert re.fullmatch(r"\d+", row["seed"])


def test_seed_column_reproduces_a_replicate_alone(run_dir):
    series = pd.read_csv(run_dir / "series.csv", dtype={"seed": "uint64"})
    rep1 = series[series["replicate"] == 1].reset_index(drop=True)
    seed = int(rep1["seed"].iloc[0])
    assert seed == sim.replicate_seed(7, 1)
    sc = sim.load_scenario("l_county", n_citizens=200, n_cadres=64)
    alone = sim.run(sc, seed=seed, steps=24).series
    for col in ("real_performance", "assessed_performance", "coupling_D", "satisfaction"):
        np.testing.assert_array_equal(rep1[col].to_numpy(), alone[col].to_numpy())  # exact: CSV round-trips
    assert list(rep1["phase"]) == list(alone["phase"])


def test_manifest_records_provenance(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    for key in (
        "version",
        "git_commit",
        "root_seed",
        "replicate_seeds",
        "steps",
        "overrides",
        "command",
        "started",
        "finished",
        "platform",
        "python",
        "mesa",
        "numpy",
        "scenario",
        "files",
    ):
        assert key in m, key
    assert m["version"] == sim.__version__
    assert m["root_seed"] == 7
    assert m["replicate_seeds"] == [sim.replicate_seed(7, r) for r in range(2)]
    assert m["steps"] == 24
    assert m["overrides"] == {"n_citizens": 200, "n_cadres": 64}
    assert m["command"][:3] == ["county-sim", "run", "l_county"]
    assert m["scenario"]["name"] == "l_county"
    expected = sim.load_scenario("l_county", steps=24, n_citizens=200, n_cadres=64).content_hash()
    assert m["scenario"]["content_hash"] == expected
    assert m["started"] <= m["finished"]
    assert m["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", m["git_commit"])
    assert set(m["files"]) == {"series.csv", "summary.csv", "trajectory.png", "problems.csv", "columns.csv"}
    assert m["model_version"] == 2


def test_run_prints_the_table(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "run", "l_county", "--replicates", "2", *SMALL, "--out", tmp_path / "o")
    assert code == 0
    for word in ("rep", "start", "build", "activate", "deliver", "sustained", "real", "assessed", "score"):
        assert word in out
    assert re.search(r"Sustained .*: \d+ of 2 replicates \(\d+%\)", out)


def test_set_override_changes_the_run_and_is_in_the_manifest(capsys, tmp_path, run_dir):
    out = tmp_path / "o"
    code, _, err = run_cli(
        capsys, "run", "l_county", "--replicates", "2", "--seed", "7", *SMALL, "--set", "k_ME_DI=0", "--out", out
    )
    assert code == 0, err
    m = json.loads((out / "manifest.json").read_text())
    assert m["overrides"]["k_ME_DI"] == 0
    assert m["scenario"]["params"]["k_ME_DI"] == 0.0
    base = pd.read_csv(run_dir / "series.csv")
    cut = pd.read_csv(out / "series.csv")
    assert not np.array_equal(base["real_performance"], cut["real_performance"])


def test_same_command_gives_byte_identical_csvs(capsys, tmp_path):
    argv = ["run", "l_county", "--replicates", "2", "--seed", "3", *SMALL]
    for name in ("a", "b"):
        assert run_cli(capsys, *argv, "--out", tmp_path / name)[0] == 0
    assert run_cli(capsys, *argv, "--out", tmp_path / "a")[0] == 0  # rerun into the same folder
    for f in ("series.csv", "summary.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert not [p for p in os.listdir(tmp_path / "a") if p.endswith(".tmp")]


def test_default_out_is_results_scenario_name(capsys, tmp_path, scenario_file, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "run", scenario_file.name)
    assert code == 0, err
    assert sorted(os.listdir(tmp_path / "results" / "tmp")) == sorted(
        [*cli.OUTPUT_FILES, cli.PROBLEM_FILE, cli.COLUMNS_FILE]
    )


# --- outcomes explained where they are read (issue 12) ----------------------------------------


def test_columns_csv_explains_every_column_written(run_dir):
    """The data dictionary beside the results has one row per column of each CSV, in the file's
    order, each with a meaning, a unit and how it is computed."""
    columns = pd.read_csv(run_dir / cli.COLUMNS_FILE, keep_default_na=False)
    assert list(columns.columns) == ["file", "column", "meaning", "unit", "how"]
    for name in ("series.csv", "summary.csv", "problems.csv"):
        header = list(pd.read_csv(run_dir / name, nrows=0).columns)
        assert list(columns.loc[columns["file"] == name, "column"]) == header, name
    assert (columns[["meaning", "unit", "how"]] != "").all().all()


def test_explain_prints_a_column_and_a_parameter_and_refuses_a_typo(capsys):
    code, out, _ = run_cli(capsys, "explain", "trajectory_score", "k_ME_DI")
    assert code == 0
    assert "summary.csv: one number for how far" in out and "0.6 x mean gap_closure" in out
    assert "parameter (coupling)" in out and "default 0.7" in out
    code, out, err = run_cli(capsys, "explain", "gap_closure", "trajectry_score")
    assert code == 2 and out == ""  # every name is checked before anything is printed
    assert_one_error_line(err, "trajectry_score", "Did you mean 'trajectory_score'")


def test_the_printed_table_says_what_its_columns_are(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "run", "l_county", "-r", "2", *SMALL, "--out", tmp_path / "o")
    assert code == 0
    assert "gap_closed: share of the starting gap" in out and "score: 0.1 a phase reached" in out
    assert "county-sim explain NAME" in out


def test_scenarios_lists_every_scenario_and_policy_file(capsys):
    from sim.scenario import SCENARIO_DIR

    code, out, _ = run_cli(capsys, "scenarios")
    assert code == 0
    lines = out.splitlines()
    for path in SCENARIO_DIR.glob("*.toml"):
        desc = sim.load_scenario(path).description
        assert any(line.startswith(path.stem + " ") and desc in line for line in lines), path.stem
    for path in (SCENARIO_DIR / "what_if").glob("*.toml"):
        assert any(line.startswith(f"what_if/{path.stem} ") for line in lines), path.stem


# --- results are never lost or silently replaced (issue 12) -----------------------------------


def test_a_second_run_with_overrides_does_not_touch_the_first(capsys, tmp_path, monkeypatch):
    """The default folder names what differs from the scenario file, so a run with --set lands
    beside the plain run, whose files stay byte for byte as they were."""
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "run", "l_county", "-r", "2", "--steps", "12")[0] == 0
    first = tmp_path / "results" / "l_county--steps=12"
    before = {f: (first / f).read_bytes() for f in os.listdir(first)}
    code, _, err = run_cli(capsys, "run", "l_county", "--steps", "12", "--set", "k_ME_DI=0", "--set", "n_cadres=64")
    assert code == 0, err
    assert sorted(os.listdir(tmp_path / "results")) == [
        "l_county--k_ME_DI=0,n_cadres=64,steps=12",
        "l_county--steps=12",
    ]
    assert {f: (first / f).read_bytes() for f in os.listdir(first)} == before
    # the same run again rewrites its own folder (make demo stays repeatable) with the same bytes
    assert run_cli(capsys, "run", "l_county", "-r", "2", "--steps", "12")[0] == 0
    for name in ("series.csv", "summary.csv", "problems.csv"):
        assert (first / name).read_bytes() == before[name]


def test_another_runs_folder_is_refused_without_overwrite(capsys, tmp_path):
    out = tmp_path / "o"
    assert run_cli(capsys, "run", "l_county", "-r", "2", *SMALL, "--out", out)[0] == 0
    before = (out / "summary.csv").read_bytes()
    code, stdout, err = run_cli(capsys, "run", "l_county", "-r", "3", *SMALL, "--out", out)
    assert code == 2 and stdout == ""
    assert_one_error_line(err, str(out), "another job", "--overwrite")
    assert (out / "summary.csv").read_bytes() == before
    code, _, err = run_cli(capsys, "run", "l_county", "-r", "3", *SMALL, "--out", out, "--overwrite")
    assert code == 0, err
    assert len(pd.read_csv(out / "summary.csv")) == 3
    # a compare into a run's folder is refused too (it would replace summary.csv with another layout)
    code, _, err = run_cli(capsys, "compare", "l_county", ":k_ME_DI=0", "-r", "2", *SMALL, "--out", out)
    assert code == 2
    assert_one_error_line(err, "another job", "--overwrite")


def test_an_uncreatable_out_fails_before_any_run(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for bad in ("/proc/county-sim-test/x", str(blocker / "sub")):
        code, stdout, err = run_cli(capsys, "run", "l_county", "-r", "2", *SMALL, "--out", bad)
        assert code == 2 and stdout == "", (bad, stdout)  # no table: nothing ran
        assert_one_error_line(err, "--out")


def test_a_sweep_into_another_experiments_folder_is_refused(capsys, tmp_path):
    def exp(name: str) -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(
            f'name = "{name}"\nscenario = "l_county"\nsteps = 6\nreplicates = 1\nseed = 1\n'
            '[set]\nn_citizens = 100\nn_cadres = 32\n[design]\nmethod = "grid"\nlevels = 2\n'
            "[vary.reform_resolve]\nrange = [0.2, 0.9]\n",
            encoding="utf-8",
        )
        return path

    out = tmp_path / "sweep"
    assert run_cli(capsys, "sweep", exp("one"), "--workers", "1", "--out", out)[0] == 0
    assert run_cli(capsys, "sweep", exp("one"), "--workers", "1", "--out", out)[0] == 0  # resumes its own
    before = (out / "runs.csv").read_bytes()
    code, _, err = run_cli(capsys, "sweep", exp("two"), "--workers", "1", "--out", out)
    assert code == 2
    assert_one_error_line(err, "experiment 'one'", "--fresh")
    assert (out / "runs.csv").read_bytes() == before
    code, _, err = run_cli(capsys, "sweep", exp("two"), "--workers", "1", "--out", "/proc/county-sim-test/x")
    assert code == 2  # an unwritable folder fails before any run
    assert_one_error_line(err, "--out", "cannot write")


# --- bad input: one line, exit 2, nothing written --------------------------------------------

BAD_FILES = {
    "unknown key": ("[params]\nreform_resolv = 0.5\n", ["reform_resolv", "Did you mean 'reform_resolve'"]),
    "out of range": ("[params]\nreform_resolve = 1.5\n", ["reform_resolve", "[0.0, 1.0]", "1.5"]),
    "wrong type": ('[params]\nreform_resolve = "high"\n', ["reform_resolve", "number", "'high'"]),
    "bool for number": ("[params]\nn_cadres = true\n", ["n_cadres"]),
    "unparsable": ("name = \n[params\n", ["not valid TOML"]),
    "event in the past": ('[[events]]\nmonth = 0\nkind = "higher_level_visit"\n', ["events[0].month", "past"]),
    "event beyond horizon": (
        'steps = 24\n[[events]]\nmonth = 25\nkind = "higher_level_visit"\n',
        ["events[0].month", "horizon", "24"],
    ),
    "unknown event kind": ('[[events]]\nmonth = 2\nkind = "higher_level_vist"\n', ["kind", "higher_level_visit"]),
    "param at top level": ("reform_resolve = 0.5\n", ["reform_resolve", "[params]"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_scenario_file(capsys, tmp_path, case):
    text, needles = BAD_FILES[case]
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "x"
    code, stdout, err = run_cli(capsys, "run", bad, "--out", out)
    assert code == 2
    assert_one_error_line(err, str(bad), *needles)
    assert not (tmp_path / "out").exists()
    assert stdout == ""


def test_missing_file(capsys, tmp_path):
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "run", tmp_path / "nope.toml", "--out", out)
    assert code == 2
    assert_one_error_line(err, "nope.toml", "not found")
    assert not out.exists()


def test_unknown_scenario_name_suggests(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", "l_countyy", "--out", tmp_path / "out")
    assert code == 2
    assert_one_error_line(err, "not found", "l_county")
    assert not (tmp_path / "out").exists()


BAD_OPTIONS = {
    "unknown --set key": (["--set", "reform_resolv=0.5"], ["--set", "reform_resolv", "Did you mean 'reform_resolve'"]),
    "--set out of range": (["--set", "inertia=2"], ["--set", "inertia"]),
    "--set wrong type": (["--set", "inertia=high"], ["--set", "inertia", "'high'"]),
    "--set without =": (["--set", "inertia"], ["--set", "KEY=VALUE"]),
    "--steps too many": (["--steps", "100000"], ["steps"]),
    "--steps before an event": (["--steps", "2"], ["horizon"]),
    "--steps zero": (["--steps", "0"], ["--steps"]),
    "--seed negative": (["--seed", "-1"], ["--seed"]),
    "--seed not an int": (["--seed", "1.5"], ["--seed"]),
    "--replicates zero": (["--replicates", "0"], ["--replicates"]),
    "--replicates not an int": (["--replicates", "many"], ["--replicates"]),
    "unknown option": (["--sed", "1"], ["--sed"]),
}


@pytest.mark.parametrize("case", list(BAD_OPTIONS))
def test_bad_option(capsys, tmp_path, scenario_file, case):
    extra, needles = BAD_OPTIONS[case]
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "run", scenario_file, *extra, "--out", out)
    assert code == 2
    assert_one_error_line(err, *needles)
    assert not out.exists()
    assert stdout == ""


def test_out_is_a_file(capsys, tmp_path, scenario_file):
    f = tmp_path / "taken"
    f.write_text("x")
    code, _, err = run_cli(capsys, "run", scenario_file, "--out", f)
    assert code == 2
    assert_one_error_line(err, "--out")
    assert f.read_text() == "x"


def test_bad_input_in_a_real_process(tmp_path):
    """The installed entry point path: a real exit code, one stderr line, no traceback."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[params]\nreform_resolv = 0.5\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(bad), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    assert_one_error_line(proc.stderr, "Did you mean 'reform_resolve'")
    assert not (tmp_path / "out").exists()


def test_interrupted_run_writes_nothing(capsys, tmp_path, scenario_file, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
        yield  # a generator, like the real one

    monkeypatch.setattr(sim.runner, "iter_replicates", interrupted)
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "run", scenario_file, "--out", out)
    assert code == 130
    assert "Traceback" not in err
    assert not out.exists()


def test_atomic_open_leaves_the_old_file_on_failure(tmp_path):
    target = tmp_path / "f.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_open(target) as f:
        f.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f.csv"]
    with atomic_open(target) as f:
        f.write("new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["f.csv"]


# --- validate and params ---------------------------------------------------------------------


def test_validate_ok(capsys, scenario_file):
    code, out, err = run_cli(capsys, "validate", scenario_file)
    assert code == 0, err
    assert out.strip() == "OK: tmp (2 params set, 1 events, 24 months)"


def test_validate_named_scenario(capsys):
    code, out, _ = run_cli(capsys, "validate", "l_county")
    assert code == 0
    assert out.startswith("OK: l_county (")


def test_validate_failing(capsys, tmp_path, scenario_file):
    bad = tmp_path / "bad.toml"
    bad.write_text("[params]\ninertia = -1\n")
    code, out, err = run_cli(capsys, "validate", scenario_file, bad)
    assert code == 2
    assert out.startswith("OK: tmp")
    assert_one_error_line(err, "bad.toml", "inertia")


def test_params_markdown_lists_every_parameter(capsys):
    code, out, _ = run_cli(capsys, "params", "--markdown")
    assert code == 0
    lines = out.strip().splitlines()
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
    assert len(lines) == 2 + len(sim.PARAMS)
    for name in sim.PARAMS:
        assert f"| {name} |" in out, name


def test_params_text_lists_every_parameter(capsys):
    code, out, _ = run_cli(capsys, "params")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["name", "group", "default", "range", "unit"]
    names = {line.split()[0] for line in lines[2:] if line.strip()}
    assert names == set(sim.PARAMS)


def test_help_and_no_command(capsys):
    assert run_cli(capsys, "--help")[0] == 0
    code, _, err = run_cli(capsys)
    assert code == 2
    assert_one_error_line(err)


# --- the figure ------------------------------------------------------------------------------


def synthetic_series(replicates: int = 20, steps: int = 120) -> pd.DataFrame:
    """A batch shaped like series.csv: rising performance and levels, phases advancing."""
    rng = np.random.default_rng(0)
    frames = []
    t = np.arange(steps + 1)
    for r in range(replicates):
        real = 0.3 + 0.4 * (1 - np.exp(-t / (40 + 5 * rng.random())))
        cols = {
            "replicate": r,
            "seed": r,
            "step": t,
            "real_performance": real,
            "assessed_performance": real + 0.05,
            "benchmark": 0.75 + 0.001 * t,
        }
        for i, k in enumerate(sim.SUBSYSTEMS):
            cols[f"level_{k}"] = np.clip(0.1 + 0.1 * i + 0.004 * t + 0.02 * rng.standard_normal(t.size), 0, 1)
        cols.update(coupling_C=np.full(t.size, 0.95), coupling_T=0.3 + 0.003 * t, coupling_D=0.5 + 0.002 * t)
        marks = np.searchsorted([3 + r % 3, 10, 40, 70], t, side="right")
        cols["phase"] = [sim.PHASES[k] for k in marks]
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def test_modal_phase_and_spans():
    df = synthetic_series(3, 80)
    phase = plots.modal_phase(df)
    assert phase.loc[0] == "none" and phase.loc[80] == "deliver"
    spans = plots.phase_spans(phase)
    assert [s[0] for s in spans] == list(sim.PHASES)
    assert spans[0][1] == -0.5 and spans[-1][2] == 80.5


def test_figure_is_fast_and_valid(tmp_path):
    df = synthetic_series(20, 120)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plots.CJKFontWarning)
        plots.trajectory_figure(df.head(10), tmp_path / "warm.png")  # imports matplotlib
        t0 = time.perf_counter()
        plots.trajectory_figure(df, tmp_path / "t.png")
        elapsed = time.perf_counter() - t0
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    assert elapsed < 4.0  # ~0.4 s measured; the bound leaves room for a busy machine


def test_figure_falls_back_to_english_without_cjk_font(tmp_path, monkeypatch, capsys, scenario_file):
    monkeypatch.setattr(plots, "find_cjk_font", lambda: None)
    with pytest.warns(plots.CJKFontWarning, match="fonts-noto-cjk"):
        plots.trajectory_figure(synthetic_series(2, 30), tmp_path / "t.png", lang="zh")
    assert (tmp_path / "t.png").exists()
    code, _, err = run_cli(capsys, "run", scenario_file, "--steps", "12", "--out", tmp_path / "o")
    assert code == 0
    warn_lines = [line for line in err.splitlines() if "warning" in line]
    assert len(warn_lines) == 1, err
    assert warn_lines[0].startswith("county-sim: warning: no CJK font")


@pytest.mark.skipif(plots.find_cjk_font() is None, reason="no CJK font installed (Debian: fonts-noto-cjk)")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figure_with_cjk_font_has_no_missing_glyphs(tmp_path, lang):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plots.trajectory_figure(synthetic_series(2, 30), tmp_path / "t.png", lang=lang)
    assert not [w for w in caught if "missing" in str(w.message).lower()], [str(w.message) for w in caught]


def test_figure_rejects_unknown_language(tmp_path):
    with pytest.raises(ValueError, match="lang"):
        plots.trajectory_figure(synthetic_series(1, 10), tmp_path / "t.png", lang="fr")


def test_exact_seed_reproduces_a_seed_column_value(tmp_path):
    """`--exact-seed` runs one replicate with exactly that model seed, as sim.run does."""
    out = tmp_path / "exact"
    code = cli.main(["run", "l_county", "--exact-seed", "987654321", "--steps", "12", "--out", str(out)])
    assert code == 0
    written = pd.read_csv(out / "series.csv")
    direct = sim.run("l_county", seed=987654321, steps=12).series
    assert (written["seed"] == 987654321).all()
    assert np.array_equal(written["real_performance"].to_numpy(), direct["real_performance"].to_numpy())
    assert json.loads((out / "manifest.json").read_text())["root_seed"] is None


def test_exact_seed_with_several_replicates_is_refused(tmp_path, capsys):
    out = tmp_path / "refused"
    assert cli.main(["run", "l_county", "--exact-seed", "1", "-r", "2", "--out", str(out)]) == 2
    assert "--exact-seed" in capsys.readouterr().err
    assert not out.exists()
