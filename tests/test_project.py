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
def test_a_wheel_carries_the_scenarios_experiments_and_what_if_files(tmp_path):
    """Issue 12: after a normal (not editable) install, `load_scenario("l_county")`, the experiments and
    the what-if files are found. The wheel is built from this checkout and imported from its own
    files alone (python -S, so that the checkout's editable install cannot be what answers), from a
    folder that holds no scenarios of its own."""
    import subprocess
    import sys
    import sysconfig
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
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sim, sim.scenario as sc\n"
        "from sim.explore.experiment import load_experiment\n"
        "from sim.whatif import build_variants\n"
        f"assert sim.__file__.startswith({str(site)!r}), sim.__file__\n"
        "print(sc.SCENARIO_DIR)\n"
        "s = sim.load_scenario('l_county'); assert s.name == 'l_county'\n"
        "assert load_experiment('morris_screening').name == 'morris_screening'\n"
        "v = build_variants(['l_county+what_if/hotline_year_earlier', '+what_if/learning_visits'])\n"
        "assert len(v) == 2\n"
        "print(sorted(p.stem for p in sc.SCENARIO_DIR.glob('*.toml'))[:3])\n"
    )
    env = {"PYTHONPATH": f"{site}:{sysconfig.get_paths()['purelib']}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "_bundled/scenarios" in out.stdout
