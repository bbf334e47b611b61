"""Model 1's tests run Model 1.

Since the cut-over (issue 10) the default engine is Model 2. Model 1 stays runnable with
`model_version = 1` for users of old results, and its tests keep checking it: the modules that test
Model 1 import `default_scenario` and `load_scenario` from here, which pin `model_version = 1`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.scenario import Scenario
from sim.scenario import default_scenario as _default_scenario
from sim.scenario import load_scenario as _load_scenario

V1 = {"model_version": 1}


def default_scenario(**overrides: Any) -> Scenario:
    """The default scenario on Model 1 (`model_version = 1`)."""
    return _default_scenario(**{**V1, **overrides})


def load_scenario(path: str | Path, **overrides: Any) -> Scenario:
    """A scenario file on Model 1 (`model_version = 1`)."""
    return _load_scenario(path, **{**V1, **overrides})
