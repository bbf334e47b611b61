"""Experiments: designs, resumable sweeps on local processes or Dask, sensitivity analysis,
trajectory discovery and reports (`county-sim sweep`, `analyze`, `report`)."""

from .design import Design, build_design, point_seed, run_seed
from .experiment import Experiment, load_experiment
from .runner import SweepOutcome, sweep

__all__ = [
    "Design",
    "Experiment",
    "SweepOutcome",
    "build_design",
    "load_experiment",
    "point_seed",
    "run_seed",
    "sweep",
]
