"""Experiment files through `county-sim validate`, and a sweep's series.csv: byte for byte what the
row-by-row writer it replaced wrote (kept here as the reference), in-process and on worker
processes, in memory that does not grow with the number of runs.

County runs here are small (12 months, 200 citizens, 64 cadres); the other stores are synthetic.
"""

from __future__ import annotations

import io
import math
import os
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim import cli
from sim.explore import load_experiment, sweep
from sim.explore import runner as explore_runner
from sim.explore.backends import ordered_map
from sim.explore.experiment import EXPERIMENT_DIR
from sim.explore.models import MODELS, PHASE_CODES, pack_series, unpack_series
from sim.explore.runner import PHASE_NAMES, export, write_series_csv
from sim.explore.store import STORE_NAME, Store
from sim.record import MEASURES

REPO = Path(__file__).resolve().parent.parent
SMALL_SET = "[set]\nn_citizens = 200\nn_cadres = 64\n"
SCENARIO_TOML = 'name = "tmp"\nsteps = 24\n\n[params]\nn_citizens = 200\n'
POLICY = REPO / "scenarios" / "what_if" / "learning_visits.toml"


def validate(capsys, *files: str | Path) -> tuple[int, list[str], list[str]]:
    """`county-sim validate FILES` in-process; (exit code, stdout lines, stderr lines)."""
    code = cli.main(["validate", *(str(f) for f in files)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def write(path: Path, text: str) -> Path:
    """`text` into `path`; returns the path."""
    path.write_text(text, encoding="utf-8")
    return path


# --- county-sim validate on experiment files ---------------------------------------------------

SHIPPED = sorted(EXPERIMENT_DIR.glob("*.toml"))


def test_five_experiments_ship():
    assert {p.stem for p in SHIPPED} >= {
        "sobol_couplings",
        "sobol_couplings_ci",
        "morris_screening",
        "grid_resolve_pm",
        "ishigami_check",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_experiment_validates(capsys, path):
    code, out, err = validate(capsys, path)
    assert code == 0, err
    assert err == []
    exp = load_experiment(path)
    assert len(out) == 1 and out[0].startswith(f"OK: experiment {exp.name} ({exp.method}, "), out


def test_shipped_experiments_validate_together_and_by_name(capsys):
    code, out, err = validate(capsys, *SHIPPED, "sobol_couplings")
    assert code == 0, err
    assert [line.split()[2] for line in out] == [*(p.stem for p in SHIPPED), "sobol_couplings"]
    assert out[-1] == (
        "OK: experiment sobol_couplings (sobol, 10 varied, 22528 points x 4 replicates = 90112 runs, 120 months)"
    )


LHS = 'scenario = "l_county"\n[design]\nmethod = "lhs"\nn = 8\n'
K = "[vary.k_ME_DI]\nrange = [0, 1]\n"
BAD = [
    # unknown keys, at the top, in [design], in a [vary] table; a misspelt [design] table
    ("replicatess = 2\n" + LHS + K, ["'replicatess'", "allowed: name, description", "Did you mean 'replicates'"]),
    (LHS + "levels = 3\n" + K, ["'design.levels'", "allowed: method, n"]),
    (LHS + "[vary.k_ME_DI]\nrnage = [0, 1]\n", ["'vary.k_ME_DI.rnage'", "allowed: range, values"]),
    (LHS + "[vary.k_ME_DJ]\nrange = [0, 1]\n", ["'vary.k_ME_DJ'", "Did you mean 'k_ME_DI'"]),
    ('scenario = "l_county"\n[desing]\nmethod = "lhs"\n' + K, ["'desing'", "Did you mean 'design'"]),
    # values out of range
    (LHS + "[vary.k_ME_DI]\nrange = [0, 1.5]\n", ["'vary.k_ME_DI.range'", "[0.0, 1.0]", "got [0, 1.5]"]),
    ("replicates = 0\n" + LHS + K, ["'replicates'", "integer [1, 10000]", "got 0"]),
    (LHS.replace("n = 8", "n = 1") + K, ["'design.n'", "integer [2, "]),
    (LHS + "[set]\nn_citizens = 5\n" + K, ["'n_citizens'", "[10, 100000]"]),
]


def test_every_mistake_of_an_experiment_is_reported_at_once(capsys, tmp_path):
    """Issue 12: a file with three mistakes (a top-level typo, a replicate count out of range, a varied
    parameter that does not exist) gets three error lines in one attempt, each naming the file and the
    key, exit 2, nothing written; a value in a valid [vary] table beside them is still checked."""
    body = (
        "replicatess = 2\nreplicates = 0\n"
        + LHS
        + "[vary.k_ME_DJ]\nrange = [0, 1]\n[vary.k_ME_DI]\nrange = [0, 1.5]\n[vary.k_CL_ME]\nrange = [0, 1]\n"
    )
    path = write(tmp_path / "bad.toml", body)
    code, out, err = validate(capsys, path)
    assert code == 2 and out == []
    assert all(line.startswith(f"county-sim: error: {path}: ") for line in err), err
    keys = ["'replicatess'", "'replicates'", "'vary.k_ME_DJ'", "'vary.k_ME_DI.range'"]
    assert len(err) == len(keys), err
    for key in keys:
        assert sum(key in line for line in err) >= 1, (key, err)
    assert not list(tmp_path.glob("results*"))


def test_every_mistake_of_a_scenario_is_reported_at_once(capsys, tmp_path):
    """A scenario with an unknown top-level key, two bad parameters and two bad events (one beyond the
    horizon, one with a lever value out of the lever's range): five lines, one attempt; and a policy
    file with an unknown key, a bad parameter and a bad intervention: three."""
    body = (
        'name = "bad"\ncolour = "red"\n[params]\nreform_resolv = 0.5\ninertia = 3\n'
        '[[events]]\nmonth = 500\nkind = "learning_visit"\n'
        '[[events]]\nmonth = 5\nkind = "set_lever"\nlever = "inertia"\nvalue = 9\n'
    )
    path = write(tmp_path / "bad.toml", body)
    code, out, err = validate(capsys, path)
    assert code == 2 and out == []
    keys = ["'colour'", "'reform_resolv'", "'inertia'", "'events[0].month'", "'events[1].value'"]
    assert len(err) == len(keys), err
    for key in keys:
        assert any(key in line for line in err), (key, err)
    policy = write(
        tmp_path / "policy.toml",
        'colour = "red"\n[params]\ninertia = 3\n[[interventions]]\nmonth = 5\nkind = "learning_vist"\n',
    )
    code, out, err = validate(capsys, policy)
    assert code == 2 and out == []
    keys = ["'colour'", "'inertia'", "'interventions[0].kind'"]
    assert len(err) == len(keys), err
    for key in keys:
        assert sum(key in line for line in err) == 1, (key, err)


@pytest.mark.parametrize(("body", "needles"), BAD)
def test_a_bad_experiment_is_one_error_line_naming_file_and_key_exit_2(capsys, tmp_path, body, needles):
    path = write(tmp_path / "bad.toml", body)
    code, out, err = validate(capsys, path)
    assert code == 2
    assert out == []
    assert len(err) == 1 and err[0].startswith(f"county-sim: error: {path}: "), err
    assert "Traceback" not in err[0]
    for needle in needles:
        assert needle in err[0], (needle, err[0])


def test_a_mix_of_good_and_bad_files_reports_each(capsys, tmp_path):
    good_scenario = write(tmp_path / "tmp.toml", SCENARIO_TOML)
    bad_scenario = write(tmp_path / "bad_scenario.toml", "[params]\ninertia = -1\n")
    bad_experiment = write(tmp_path / "bad_experiment.toml", LHS + "[vary.k_ME_DI]\nrange = [0, 1.5]\n")
    good_experiment = EXPERIMENT_DIR / "grid_resolve_pm.toml"
    code, out, err = validate(capsys, good_scenario, bad_experiment, good_experiment, POLICY, bad_scenario)
    assert code == 2
    assert out == [
        "OK: tmp (1 params set, 0 events, 24 months)",
        "OK: experiment grid_resolve_pm (grid, 2 varied, 36 points x 10 replicates = 360 runs, 120 months)",
        "OK: policy learning_visits (0 params set, 6 interventions)",
    ]
    assert len(err) == 2, err
    assert err[0].startswith(f"county-sim: error: {bad_experiment}: ") and "'vary.k_ME_DI.range'" in err[0]
    assert err[1].startswith(f"county-sim: error: {bad_scenario}: ") and "'inertia'" in err[1]


def test_files_without_experiment_keys_are_still_scenarios_and_policies(capsys, tmp_path):
    # `replicates` is an experiment's key too, but in a scenario file it is a slip of the scenario's
    # author: not reported as a half-written experiment (with the experiment's keys)
    slip = write(tmp_path / "slip.toml", SCENARIO_TOML.replace("steps = 24", "steps = 24\nreplicates = 3"))
    code, out, err = validate(capsys, slip, POLICY, "l_county")
    assert code == 2
    assert [line.split()[1] for line in out] == ["policy", "l_county"]
    assert len(err) == 1 and str(slip) in err[0] and "save_series" not in err[0], err
    # and it gets the scenario's error, not a policy loader's (which would blame a key it does have)
    assert "unknown top-level key 'replicates'" in err[0] and "policy" not in err[0], err


def test_a_bad_policy_gets_the_policy_error(capsys, tmp_path):
    bad = write(tmp_path / "badpol.toml", 'name = "p"\nquestion = "what if?"\nbogus = 1\n')
    code, out, err = validate(capsys, bad)
    assert code == 2 and out == []
    assert len(err) == 1 and "unknown top-level key 'bogus' in a policy file" in err[0], err


def test_ishigami_experiment_names_its_model(capsys):
    code, out, _ = validate(capsys, "ishigami_check")
    assert code == 0
    assert out == [
        "OK: experiment ishigami_check (sobol, 3 varied, 8192 points x 1 replicates = 8192 runs, model ishigami)"
    ]


# --- series.csv: the reference writer --------------------------------------------------------


def reference_write_series_csv(store: Store, f: Any) -> None:
    """`sim.explore.runner.write_series_csv` as it was up to commit a0ccd67 (row by row), verbatim:
    the bytes of series.csv are defined by it."""
    header = ["point", "replicate", "seed", "step", *MEASURES, "gap_closure", "phase"]
    f.write(",".join(header) + "\n")
    for point, rep, seed, blob in store.iter_series():
        numeric, phases = unpack_series(blob)
        lines = []
        for t in range(numeric.shape[0]):
            vals = ",".join(repr(float(x)) if x == x else "" for x in numeric[t])
            lines.append(f"{point},{rep},{seed},{t},{vals},{PHASE_NAMES[phases[t]]}\n")
        f.write("".join(lines))


def written(writer: Any, store: Store, path: Path, **kwargs: Any) -> bytes:
    """The bytes `writer(store, f)` writes into a file opened as `export` opens series.csv."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer(store, f, **kwargs)
    return path.read_bytes()


@pytest.fixture(scope="module")
def series_sweep(tmp_path_factory) -> Path:
    """A small sweep that saves series: 2 points x 3 replicates, 12 months; its results folder."""
    folder = tmp_path_factory.mktemp("series")
    path = write(
        folder / "ser.toml",
        f'name = "ser"\nscenario = "l_county"\nsteps = 12\nreplicates = 3\nseed = 11\nsave_series = true\n'
        f'{SMALL_SET}[design]\nmethod = "grid"\n[vary.k_ME_DI]\nvalues = [0.0, 1.0]\n',
    )
    sweep(load_experiment(path), folder / "o", workers=1, progress=False)
    return folder


def test_series_csv_of_a_sweep_is_byte_identical_to_the_reference(series_sweep, tmp_path):
    store = Store(series_sweep / "o" / STORE_NAME, readonly=True)
    try:
        expected = written(reference_write_series_csv, store, tmp_path / "ref.csv")
        assert written(write_series_csv, store, tmp_path / "new.csv") == expected
    finally:
        store.close()
    assert (series_sweep / "o" / "series.csv").read_bytes() == expected
    text = expected.decode()
    assert text.count("\n") == 1 + 2 * 3 * 13 and "\r" not in text
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == ["point", "replicate", "seed", "step", *MEASURES, "gap_closure", "phase"]


def test_export_on_worker_processes_writes_the_same_bytes(series_sweep, tmp_path, monkeypatch):
    monkeypatch.setattr(explore_runner, "SERIES_POOL_MIN", 0)  # a pool even for 6 runs
    monkeypatch.setattr(explore_runner, "SERIES_BATCH", 1)  # and one batch per run
    exp = load_experiment(series_sweep / "ser.toml")
    store = Store(series_sweep / "o" / STORE_NAME, readonly=True)
    try:
        assert export(exp, store, tmp_path, workers=2) == ["runs.csv", "series.csv"]
    finally:
        store.close()
    for name in ("runs.csv", "series.csv"):
        assert (tmp_path / name).read_bytes() == (series_sweep / "o" / name).read_bytes(), name


# --- series.csv on synthetic stores ----------------------------------------------------------

#: Floats whose repr is awkward: signed zero, infinities, the exponent switches at 1e-4 and 1e16,
#: subnormals, 17-digit values, integers beyond 2**53.
AWKWARD = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    1 / 3,
    2 / 3,
    1e-4,
    9.999999999999999e-05,
    1e-5,
    1e16,
    9999999999999998.0,
    1.5e16,
    1e300,
    -1e-300,
    5e-324,
    2.2250738585072014e-308,
    float(2**53 + 2),
    0.30000000000000004,
    123456.789,
    math.inf,
    -math.inf,
    math.pi,
]


def make_store(path: Path, runs: int, steps: int = 12, seed: int = 0, nan: bool = True) -> Store:
    """A county store holding `runs` runs' series of random and awkward values (and NaN in every
    third run if `nan`), one replicate per point, seeds up to 2**63 - 1; no simulation."""
    spec = MODELS["county"]
    store = Store(path, spec.outputs)
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**63 - 1, size=(runs, 1), dtype=np.int64)
    seeds[:1] = 2**63 - 1
    ids = [f"{i:032x}" for i in range(runs)]
    store.write_plan(["k_ME_DI"], ["float"], [(i / max(runs, 1),) for i in range(runs)], seeds, seeds, ids)
    columns = [*MEASURES, "gap_closure"]
    phase_names = list(PHASE_CODES)
    for start in range(0, runs, 64):
        chunk = ids[start : start + 64]
        blobs = []
        for i in range(start, start + len(chunk)):
            numeric = rng.random((steps + 1, len(columns))) * 10.0 ** rng.integers(-8, 8, (steps + 1, len(columns)))
            picks = rng.integers(0, numeric.size, len(AWKWARD))
            numeric.flat[picks] = AWKWARD
            if nan and i % 3 == 0:
                numeric.flat[rng.integers(0, numeric.size, 5)] = math.nan
            frame = pd.DataFrame(numeric, columns=columns)
            frame["phase"] = [phase_names[p] for p in rng.integers(0, len(phase_names), steps + 1)]
            blobs.append(pack_series(frame))
        store.add(chunk, [[0] * len(spec.outputs)] * len(chunk), None, blobs)
    return store


def test_awkward_values_nan_and_every_phase_are_byte_identical(tmp_path):
    store = make_store(tmp_path / STORE_NAME, runs=40)
    try:
        expected = written(reference_write_series_csv, store, tmp_path / "ref.csv")
        assert written(write_series_csv, store, tmp_path / "new.csv") == expected
    finally:
        store.close()
    text = expected.decode()
    for needle in (",,", ",-0.0,", ",inf,", ",-inf,", ",1e-05,", ",1e+16,", ",5e-324,", ",9223372036854775807,"):
        assert needle in text, needle  # the store exercised what it was built to exercise
    assert {line.rsplit(",", 1)[1] for line in text.splitlines()[1:]} == set(PHASE_NAMES)


def test_many_batches_on_worker_processes_are_written_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(explore_runner, "SERIES_POOL_MIN", 0)
    monkeypatch.setattr(explore_runner, "SERIES_BATCH", 3)  # 34 batches through a window of 4
    store = make_store(tmp_path / STORE_NAME, runs=100, steps=6)
    try:
        expected = written(reference_write_series_csv, store, tmp_path / "ref.csv")
        assert written(write_series_csv, store, tmp_path / "new.csv", workers=2) == expected
    finally:
        store.close()


def test_an_empty_store_writes_the_header_only(tmp_path):
    store = make_store(tmp_path / STORE_NAME, runs=0)
    try:
        expected = written(reference_write_series_csv, store, tmp_path / "ref.csv")
        assert written(write_series_csv, store, tmp_path / "new.csv", workers=2) == expected
    finally:
        store.close()
    assert expected.count(b"\n") == 1


def die_in_a_worker(item: tuple[int, int]) -> int:
    """item (parent pid, n): n squared, except that n = 5 kills the worker process it runs in."""
    parent, n = item
    if n == 5 and os.getpid() != parent:
        os._exit(1)
    return n * n


def test_ordered_map_survives_a_dead_worker_by_finishing_in_process():
    items = [(os.getpid(), n) for n in range(20)]
    assert list(ordered_map(die_in_a_worker, items, workers=2)) == [n * n for n in range(20)]


def test_memory_does_not_grow_with_the_number_of_runs(tmp_path):
    def peak(runs: int) -> int:
        store = make_store(tmp_path / f"{runs}.sqlite", runs=runs, steps=120, nan=False)
        try:
            tracemalloc.start()
            try:
                with open(os.devnull, "w", encoding="utf-8", newline="") as f:
                    write_series_csv(store, f)
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
        finally:
            store.close()

    small, large = peak(48), peak(384)
    # one batch of SERIES_BATCH runs is held at a time (about 6 MB here, with each run's text of
    # some 100 kB and its lines): 8x the runs may not cost more; all of it at once would be 37 MB
    assert large < small + 1_000_000, (small, large)
    assert large < 8 * explore_runner.SERIES_BATCH * 100_000, large


def test_sweep_help_states_the_default_chunk_size(capsys):
    from sim.cli import main
    from sim.explore.runner import DEFAULT_CHUNK

    assert main(["sweep", "--help"]) == 0
    assert f"default {DEFAULT_CHUNK}" in " ".join(capsys.readouterr().out.split())
