"""Export a sweep's store in the file format of the EMA Workbench's `save_results`, so that
`ema_workbench.load_results(path)` reads it (issue 12): a `.tar.gz` holding `experiments.csv` (one
row per run: the varied parameters, `seed`, `replicate`, and EMA's own `scenario`, `policy` and
`model` columns), one `<outcome>.cls` file per outcome (EMA's ScalarOutcome layout: one value per
line, no header; a phase never reached is empty, which EMA reads as NaN; `sustained` is 0 or 1)
and `metadata.json` (the outcome classes and the experiments' dtypes). Written without EMA
installed, in EMA 2.x's format (save_results, VERSION 0.1); the tests read it back with EMA.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

from .. import manifest as mf
from ..scenario import ScenarioError
from .sensitivity import Loaded

EMA_FORMAT_VERSION = 0.1  # ema_workbench.util.utilities.save_results' VERSION
EXPORT_NAME = "ema_results.tar.gz"


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0  # the same store gives the same bytes
    archive.addfile(info, io.BytesIO(data))


def ema_frames(folder: Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The sweep's runs as EMA's (experiments, outcomes): experiments in run order (point, replicate)."""
    data = Loaded(folder)
    if data.stored == 0:
        raise ScenarioError(f"{folder}: the store holds no runs yet (run `county-sim sweep` first)")
    runs = data.runs.sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)
    experiments = runs[[*data.names, "seed", "replicate"]].copy()
    experiments["seed"] = experiments["seed"].astype("int64")
    experiments["replicate"] = experiments["replicate"].astype("int64")
    experiments["scenario"] = pd.Categorical(runs["point"].astype(str))
    experiments["policy"] = pd.Categorical(["none"] * len(runs))
    experiments["model"] = pd.Categorical([data.info["model"]] * len(runs))
    outcomes = {o: runs[o].astype("float64").to_numpy() for o in data.info["outputs"]}
    return experiments, outcomes


def export_ema(folder: Path, path: Path | None = None) -> Path:
    """Write the sweep in `folder` as EMA results (default `folder/ema_results.tar.gz`); returns the path."""
    experiments, outcomes = ema_frames(folder)
    path = path or folder / EXPORT_NAME
    metadata = {
        "version": EMA_FORMAT_VERSION,
        "outcomes": [["ScalarOutcome", name, f"{name}.cls"] for name in outcomes],
        "experiments": {k: v.name for k, v in experiments.dtypes.to_dict().items()},
    }
    with (
        mf.atomic_open(path, "wb") as f,
        gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz,  # mtime 0: the same store, the same bytes
        tarfile.open(fileobj=gz, mode="w") as archive,
    ):
        _add(archive, "experiments.csv", experiments.to_csv(header=True, index=False).encode("utf-8"))
        for name, values in outcomes.items():
            text = pd.DataFrame(values).to_csv(header=False, index=False, float_format=None)
            _add(archive, f"{name}.cls", text.encode("utf-8"))
        _add(archive, "metadata.json", json.dumps(metadata).encode("utf-8"))
    return path
