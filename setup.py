"""Build step the pyproject.toml cannot express: the wheel carries the shipped scenario, what-if and
experiment files (the repository's `scenarios/` and `experiments/`) inside the package, as
`sim/_bundled/<folder>`, so that `load_scenario("l_county")` works after any install, not only from
a checkout (issue 12). A checkout or an editable install reads the folders in place."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("scenarios", "experiments")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        for name in BUNDLED:
            target = Path(self.build_lib) / "sim" / "_bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})
