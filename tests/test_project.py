"""Research-software conventions a citing researcher looks for (issue 12): CITATION.cff and
CHANGELOG.md exist, agree with the package version, and cite the paper the model formalises."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

import sim

ROOT = Path(__file__).resolve().parent.parent


def test_one_version_everywhere():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert project["version"] == sim.__version__ == cff["version"]


def test_citation_cites_the_software_and_the_paper():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors", "type", "license", "date-released"):
        assert cff.get(key), key
    assert cff["type"] == "software" and cff["license"] == "MIT"
    paper = [r for r in cff["references"] if r["type"] == "article"]
    assert len(paper) == 1
    assert [a["family-names"] for a in paper[0]["authors"]] == ["Bao", "Liu"]
    assert paper[0]["year"] == 2025 and "L County" in paper[0]["title"]


def test_changelog_opens_with_this_version_and_says_what_changed_in_results():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", text, flags=re.MULTILINE)
    assert versions and versions[0][0] == sim.__version__
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert versions[0][1] == str(cff["date-released"])
    top = text.split("\n## ")[1]
    assert "### Results change" in top or "### Results unchanged" in top, "say whether results changed"


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_runs_l_county_outside_the_checkout(tmp_path):
    """Issue 12: a wheel built from this checkout carries every shipped scenario, what-if and experiment
    file; installed (not editable) into a fresh venv, its `county-sim run l_county` works from a folder
    outside the checkout, and so do an experiment and the what-if files by name. The venv gets the
    wheel only; its dependencies come from this interpreter's site-packages through a .pth line, which
    does not run that folder's own .pth files, so the checkout's editable install cannot answer."""
    import subprocess
    import sys
    import sysconfig
    import venv
    import zipfile

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "-q", "-w", str(tmp_path / "dist")],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("county_sim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tomls = [p for d in ("scenarios", "experiments") for p in (root / d).rglob("*.toml")]
    shipped = {f"sim/_bundled/{p.relative_to(root).as_posix()}" for p in tomls}
    assert shipped <= names, sorted(shipped - names)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(
        [str(env_dir / "bin" / "county-sim"), "run", "l_county", "--replicates", "2", "--steps", "24"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert (work / "results" / "l_county--steps=24" / "summary.csv").is_file(), list(work.rglob("*"))
    code = (
        "import sim, sim.scenario as sc\n"
        "from sim.explore.experiment import load_experiment\n"
        "from sim.whatif import build_variants\n"
        f"assert sim.__file__.startswith({site!r}), sim.__file__\n"
        "assert '_bundled' in str(sc.SCENARIO_DIR), sc.SCENARIO_DIR\n"
        "assert load_experiment('morris_screening').name == 'morris_screening'\n"
        "assert len(build_variants(['l_county+what_if/hotline_year_earlier', '+what_if/learning_visits'])) == 2\n"
    )
    out = subprocess.run([str(python), "-c", code], cwd=work, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
