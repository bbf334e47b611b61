"""Research-software conventions a citing researcher looks for (issue 12): CITATION.cff and
CHANGELOG.md exist, agree with the package version, and cite the paper the model formalises."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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
