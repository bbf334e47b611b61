"""Experiment files (`experiments/*.toml`): the base scenario, the parameters varied, the design,
replicates and root seed, the outputs analysed. Validated like scenarios: every problem is one
`ScenarioError` naming the file, the key and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..params import Param
from ..scenario import (
    DEFAULT_STEPS,
    Problems,
    Scenario,
    ScenarioError,
    load_scenario,
    read_toml,
    shipped_dir,
    suggest,
)
from .models import MODELS, ModelSpec

EXPERIMENT_DIR = shipped_dir("experiments")
TOP_LEVEL_KEYS = (
    "name",
    "description",
    "model",
    "scenario",
    "steps",
    "replicates",
    "seed",
    "outputs",
    "save_series",
    "set",
    "design",
    "vary",
    "vary_all",
    "calibrate",
)
#: Top-level keys that only an experiment has (no scenario or policy file takes them): a file with
#: any of them is an experiment (`county-sim validate` tells the kinds of file apart by them).
EXPERIMENT_KEYS = ("design", "vary", "scenario", "model")
METHODS = ("grid", "lhs", "sobol", "morris")
DESIGN_KEYS: dict[str, tuple[str, ...]] = {
    "grid": ("method", "levels"),
    "lhs": ("method", "n"),
    "sobol": ("method", "n", "second_order"),
    "morris": ("method", "trajectories", "levels", "optimal_trajectories"),
}
DISTRIBUTIONS = ("uniform", "triangular", "truncnorm")
VARY_KEYS = ("range", "values", "levels", "distribution", "mode", "mean", "sd")
VARY_ALL_KEYS = ("groups", "spread", "exclude", "full_range")
#: Registry groups `[vary_all]` may name: the uncertain parameters (sizes, switches and the
#: classifier's thresholds are not uncertain model inputs).
VARY_ALL_GROUPS = ("lever", "condition", "coupling", "rate")
CALIBRATE_KEYS = (
    "targets",
    "holdout",
    "tolerance",
    "sampler",
    "population",
    "generations",
    "refine_replicates",
    "refine_keep",
    "refine_continue",
)
SAMPLERS = ("rejection", "smc")
MAX_RUNS = 10_000_000


@dataclass(frozen=True)
class Varied:
    """One varied parameter: a range (with a distribution) or explicit values (grids)."""

    name: str
    kind: str  # float, int, bool
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    distribution: str = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None


@dataclass(frozen=True)
class Experiment:
    """A validated experiment."""

    name: str
    path: str
    description: str
    model: str
    scenario: Scenario | None
    steps: int
    replicates: int
    seed: int
    outputs: tuple[str, ...]
    save_series: bool
    fixed: dict[str, Any]
    method: str
    design: dict[str, Any]
    varied: tuple[Varied, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    #: `[calibrate]`: targets and held-back patterns, tolerance (None for a plain sweep)
    calibration: dict[str, Any] | None = None

    @property
    def spec(self) -> ModelSpec:
        """The model this experiment evaluates."""
        return MODELS[self.model]

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the varied parameters, in file order."""
        return tuple(v.name for v in self.varied)

    def content_hash(self) -> str:
        """Hash of everything that defines the runs (not the name or description)."""
        blob = json.dumps(
            {
                "model": self.model,
                "scenario": self.scenario.content_hash() if self.scenario else None,
                "steps": self.steps,
                "replicates": self.replicates,
                "seed": self.seed,
                "fixed": self.fixed,
                "method": self.method,
                "design": self.design,
                "varied": [v.__dict__ for v in self.varied],
                "save_series": self.save_series,
            },
            sort_keys=True,
            default=list,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def resolve_experiment(name_or_path: str | Path) -> Path:
    """An experiment name (`sobol_couplings`) or a path to a TOML file."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists() or "/" in str(name_or_path):
        return p
    return EXPERIMENT_DIR / f"{name_or_path}.toml"


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _int(where: str, key: str, v: Any, low: int, high: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < low or (high is not None and v > high):
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ScenarioError(f"{where}: key '{key}' must be an integer {bound} (got {v!r})")
    return v


def _check_keys(where: str, prefix: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            raise ScenarioError(
                f"{where}: unknown key '{prefix}{key}'; allowed: {', '.join(allowed)}.{suggest(key, allowed)}"
            )


def _varied(where: str, name: str, raw: Any, p: Param, method: str) -> Varied:
    key = f"vary.{name}"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: key '{key}' must be a table with 'range' = [low, high] or 'values' = [...]")
    _check_keys(where, f"{key}.", raw, VARY_KEYS)
    rng = f"[{p.low}, {p.high}]"
    if p.group == "classifier":
        raise ScenarioError(
            f"{where}: key '{key}': '{name}' is a classifier threshold, not a model parameter; vary model parameters"
        )
    if "values" in raw:
        if method != "grid":
            raise ScenarioError(
                f"{where}: key '{key}.values' is only for method = \"grid\"; {method} needs 'range' = [low, high]"
            )
        if "range" in raw:
            raise ScenarioError(f"{where}: key '{key}': give 'range' or 'values', not both")
        values = raw["values"]
        if not isinstance(values, list) or not values:
            raise ScenarioError(f"{where}: key '{key}.values' must be a non-empty array")
        out = []
        for v in values:
            problem = p.check(v)
            if problem:
                raise ScenarioError(f"{where}: key '{key}.values' {problem}")
            out.append(p.coerce(v))
        if len(set(out)) != len(out):
            raise ScenarioError(f"{where}: key '{key}.values' has duplicates ({values!r})")
        return Varied(name, p.kind, values=tuple(out))
    if p.kind == "bool":
        raise ScenarioError(
            f"{where}: key '{key}': '{name}' is true/false; it can be varied only in a grid, "
            "with values = [false, true]"
        )
    if "range" not in raw:
        raise ScenarioError(f"{where}: key '{key}' needs 'range' = [low, high] (allowed within {rng})")
    r = raw["range"]
    if not (isinstance(r, list) and len(r) == 2 and all(_is_num(x) for x in r)):
        raise ScenarioError(f"{where}: key '{key}.range' must be [low, high], two numbers within {rng} (got {r!r})")
    low, high = float(r[0]), float(r[1])
    if not low < high:
        raise ScenarioError(f"{where}: key '{key}.range' must have low < high (got {r!r})")
    if low < p.low or high > p.high:
        raise ScenarioError(
            f"{where}: key '{key}.range' must lie within {rng}, the registry's range for '{name}' (got {r!r})"
        )
    if p.kind == "int" and math.floor(high) < math.ceil(low):
        raise ScenarioError(f"{where}: key '{key}.range' contains no integer (got {r!r})")
    dist = raw.get("distribution", "uniform")
    if dist not in DISTRIBUTIONS:
        raise ScenarioError(
            f"{where}: key '{key}.distribution' must be one of {', '.join(DISTRIBUTIONS)} (got {dist!r})."
            + suggest(str(dist), DISTRIBUTIONS)
        )
    if method == "grid" and dist != "uniform":
        raise ScenarioError(f"{where}: key '{key}.distribution': a grid takes evenly spaced levels; drop it")
    mode = mean = sd = None
    for extra, needed_by in (("mode", "triangular"), ("mean", "truncnorm"), ("sd", "truncnorm")):
        if extra in raw and dist != needed_by:
            raise ScenarioError(f"{where}: key '{key}.{extra}' is only for distribution = \"{needed_by}\"")
    if dist == "triangular":
        mode = raw.get("mode")
        if not _is_num(mode) or not low <= mode <= high:
            raise ScenarioError(f"{where}: key '{key}.mode' must be a number in [{low}, {high}] (got {mode!r})")
        mode = float(mode)
    if dist == "truncnorm":
        mean, sd = raw.get("mean"), raw.get("sd")
        if not _is_num(mean) or not low <= mean <= high:
            raise ScenarioError(f"{where}: key '{key}.mean' must be a number in [{low}, {high}] (got {mean!r})")
        if not _is_num(sd) or sd <= 0:
            raise ScenarioError(f"{where}: key '{key}.sd' must be a positive number (got {sd!r})")
        mean, sd = float(mean), float(sd)
    if "levels" in raw:
        if method != "grid":
            raise ScenarioError(f"{where}: key '{key}.levels' is only for method = \"grid\"")
        levels = _int(where, f"{key}.levels", raw["levels"], 2, 1000)
        return Varied(name, p.kind, low, high, values=_grid_levels(p, low, high, levels))
    if method == "grid":
        return Varied(name, p.kind, low, high)  # levels from [design].levels
    return Varied(name, p.kind, low, high, None, dist, mode, mean, sd)


def _vary_all(
    where: str,
    raw: Any,
    spec: ModelSpec,
    scenario: Scenario | None,
    fixed: dict[str, Any],
    named: set[str],
    method: str,
) -> list[Varied]:
    """`[vary_all]`: every parameter of the named registry groups that the runs' engine reads, over its
    default -spread .. +spread (relative), clipped to the registry's range, or over the registry's whole
    range for the groups in `full_range`; parameters varied by name, fixed in [set], listed in `exclude`
    or set by a model's own arms are left out."""
    key = "vary_all"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: key '{key}' must be a table with groups = [...] (and spread, exclude)")
    _check_keys(where, f"{key}.", raw, VARY_ALL_KEYS)
    if method == "grid":
        raise ScenarioError(f'{where}: key \'{key}\' samples ranges; use method = "lhs", "sobol" or "morris"')
    groups = raw.get("groups")
    if not isinstance(groups, list) or not groups or not all(g in VARY_ALL_GROUPS for g in groups):
        raise ScenarioError(
            f"{where}: key '{key}.groups' must be a non-empty array of {', '.join(VARY_ALL_GROUPS)} (got {groups!r})"
        )
    spread = raw.get("spread", 0.5)
    if not _is_num(spread) or not 0 < spread <= 10:
        raise ScenarioError(
            f"{where}: key '{key}.spread' must be a number in (0, 10], relative to the default (got {spread!r})"
        )
    full = raw.get("full_range", [])
    if not isinstance(full, list) or not all(g in groups for g in full):
        raise ScenarioError(
            f"{where}: key '{key}.full_range' must be an array of groups from 'groups' ({', '.join(groups)}) "
            f"varied over the registry's whole range (got {full!r})"
        )
    exclude = raw.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        raise ScenarioError(f"{where}: key '{key}.exclude' must be an array of parameter names")
    for x in exclude:
        if x not in spec.params:
            raise ScenarioError(
                f"{where}: key '{key}.exclude': unknown parameter '{x}'.{suggest(x, list(spec.params))}"
            )
    engine = int(scenario.params["model_version"]) if scenario is not None else None
    skip = set(named) | set(fixed) | set(exclude) | set(spec.extra.get("arm_keys", frozenset)())
    out = []
    for p in spec.params.values():
        if p.group not in groups or p.name in skip or p.kind == "bool":
            continue
        if engine is not None and engine not in p.models:
            continue
        d = float(p.default)
        if d == 0 or p.group in full:
            low, high = p.low, p.high
        else:
            low, high = max(p.low, d - spread * abs(d)), min(p.high, d + spread * abs(d))
        if p.kind == "int":
            low, high = math.ceil(low), math.floor(high)
        if not low < high:
            continue
        out.append(Varied(p.name, p.kind, round(float(low), 12), round(float(high), 12)))
    if not out:
        raise ScenarioError(f"{where}: key '{key}' selects no parameter (groups {groups}, minus exclude and [vary])")
    return out


def _calibration(where: str, raw: Any, spec: ModelSpec, method: str | None) -> dict[str, Any]:
    """`[calibrate]`: the patterns to calibrate on, those held back to validate, and the tolerance."""
    key = "calibrate"
    patterns = spec.extra.get("patterns")
    if not patterns:
        with_patterns = [m for m, s in MODELS.items() if s.extra.get("patterns")]
        raise ScenarioError(
            f"{where}: key '{key}': model '{spec.name}' has no patterns; calibrate one of {', '.join(with_patterns)}"
        )
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: key '{key}' must be a table with targets = [...] (and holdout, tolerance)")
    _check_keys(where, f"{key}.", raw, CALIBRATE_KEYS)
    problems = Problems()
    if method is not None and method != "lhs":
        problems.messages.append(
            f"{where}: key 'design.method': a calibration draws its prior sample by method = \"lhs\" (got {method!r})"
        )
    lists = {}
    for name in ("targets", "holdout"):
        got = raw.get(name, [] if name == "holdout" else None)
        if not isinstance(got, list) or not all(isinstance(x, str) for x in got) or (name == "targets" and not got):
            problems.messages.append(
                f"{where}: key '{key}.{name}' must be {'a non-empty' if name == 'targets' else 'an'} array of"
                f" pattern names from {', '.join(patterns)}"
            )
            got = []
        for x in got:
            if x not in patterns:
                problems.messages.append(
                    f"{where}: key '{key}.{name}': unknown pattern '{x}'; allowed: {', '.join(patterns)}."
                    + suggest(x, list(patterns))
                )
        lists[name] = [x for x in got if x in patterns]
    for name in ("targets", "holdout"):
        if len(set(lists[name])) != len(lists[name]):
            problems.messages.append(f"{where}: key '{key}.{name}' names a pattern twice ({lists[name]!r})")
    both = set(lists["targets"]) & set(lists["holdout"])
    if both:
        problems.messages.append(
            f"{where}: key '{key}.holdout': {', '.join(sorted(both))} is also a target; a held-back pattern validates"
        )
    tol = raw.get("tolerance", 0.0)
    if not _is_num(tol) or tol < 0:
        problems.messages.append(f"{where}: key '{key}.tolerance' must be a number >= 0 (got {tol!r})")
        tol = 0.0
    sampler = raw.get("sampler", "rejection")
    out = {"targets": lists["targets"], "holdout": lists["holdout"], "tolerance": float(tol), "sampler": sampler}
    if sampler not in SAMPLERS:
        problems.messages.append(
            f"{where}: key '{key}.sampler' must be one of {', '.join(SAMPLERS)} (got {sampler!r})."
            + suggest(str(sampler), SAMPLERS)
        )
    elif sampler == "smc":
        out["population"] = problems.check(_int, where, f"{key}.population", raw.get("population", 200), 10, 100_000)
        out["generations"] = problems.check(_int, where, f"{key}.generations", raw.get("generations", 10), 1, 1000)
    else:
        for extra in ("population", "generations"):
            if extra in raw:
                problems.messages.append(f"{where}: key '{key}.{extra}' is only for sampler = \"smc\"")
        if "refine_replicates" in raw:
            out["refine_replicates"] = problems.check(
                _int, where, f"{key}.refine_replicates", raw["refine_replicates"], 1, 10_000
            )
            keep = raw.get("refine_keep", 0.1)
            if not _is_num(keep) or not 0 < keep <= 1:
                problems.messages.append(
                    f"{where}: key '{key}.refine_keep' must be a share in (0, 1] of the draws to refine (got {keep!r})"
                )
            else:
                out["refine_keep"] = float(keep)
            alpha = raw.get("refine_continue", 0.05)
            if not _is_num(alpha) or not 0 < alpha <= 1:
                problems.messages.append(
                    f"{where}: key '{key}.refine_continue' must be a probability in (0, 1] with which a draw"
                    f" outside the screen also gets the extra seeds (got {alpha!r})"
                )
            else:
                out["refine_continue"] = float(alpha)
        else:
            for extra in ("refine_keep", "refine_continue"):
                if extra in raw:
                    problems.messages.append(f"{where}: key '{key}.{extra}' needs refine_replicates (the seeds to add)")
    if sampler == "smc":
        for extra in ("refine_replicates", "refine_keep", "refine_continue"):
            if extra in raw:
                problems.messages.append(f"{where}: key '{key}.{extra}' is only for sampler = \"rejection\"")
    problems.done()
    return out


def _grid_levels(p: Param, low: float, high: float, levels: int) -> tuple[Any, ...]:
    """Evenly spaced levels from low to high (ints rounded, duplicates dropped)."""
    step = (high - low) / (levels - 1)
    raw = [low + i * step for i in range(levels - 1)] + [high]
    if p.kind == "int":
        out: list[Any] = []
        for v in raw:
            iv = round(v)
            if iv not in out:
                out.append(iv)
        return tuple(out)
    return tuple(round(v, 12) for v in raw)


def _scenario_of(
    where: str, data: dict[str, Any], spec: ModelSpec, model: str, fixed: dict[str, Any], misspelt: set[str]
) -> tuple[Scenario | None, int]:
    """An experiment's base scenario with its [set] and steps applied, and its horizon; (None, steps)
    for a model without scenarios, or when a misspelt `scenario` key was already reported."""
    steps_raw = data.get("steps")
    if not spec.needs_scenario:
        if "scenario" in data:
            raise ScenarioError(f"{where}: key 'scenario': model '{model}' takes no scenario; remove it")
        if fixed:
            raise ScenarioError(f"{where}: key 'set': model '{model}' takes no fixed parameters; remove it")
        return None, _int(where, "steps", steps_raw if steps_raw is not None else 1, 1, 1200)
    if "scenario" not in data:
        if "scenario" in misspelt:
            return None, DEFAULT_STEPS
        raise ScenarioError(f"{where}: key 'scenario' is required: a name from scenarios/ or a TOML file")
    sc_name = data["scenario"]
    if not isinstance(sc_name, str):
        raise ScenarioError(f"{where}: key 'scenario' must be a scenario name or a path (got {sc_name!r})")
    sc_path = Path(sc_name)
    if sc_path.suffix == ".toml" and not sc_path.is_absolute() and not sc_path.exists():
        beside = Path(where).parent / sc_path
        if beside.exists():
            sc_name = str(beside)
    try:
        loaded = load_scenario(sc_name)
    except ScenarioError as e:
        raise e.prefixed(f"{where}: key 'scenario': ") from None
    over = dict(fixed)
    if steps_raw is not None:
        over["steps"] = steps_raw
    scenario = loaded.with_overrides(where=f"{where}: key 'set'", **over) if over else loaded
    return scenario, scenario.steps


def _design(where: str, design: dict[str, Any], method: str) -> dict[str, Any]:
    """The [design] table of a known method, checked (every mistake at once)."""
    problems = Problems()
    problems.check(_check_keys, where, "design.", design, DESIGN_KEYS[method])
    dz: dict[str, Any] = {"method": method}
    if method == "grid":
        if "levels" in design:
            dz["levels"] = problems.check(_int, where, "design.levels", design["levels"], 2, 1000, default=2)
    elif method == "lhs":
        dz["n"] = problems.check(_int, where, "design.n", design.get("n"), 2, MAX_RUNS, default=2)
    elif method == "sobol":
        n = problems.check(_int, where, "design.n", design.get("n"), 2, 2**20, default=2)
        if n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            problems.messages.append(
                f"{where}: key 'design.n' must be a power of two for Sobol' sequences "
                f"(got {n}; try {lower} or {2 * lower})"
            )
        dz["n"] = n
        so = design.get("second_order", True)
        if not isinstance(so, bool):
            problems.messages.append(f"{where}: key 'design.second_order' must be true or false (got {so!r})")
        dz["second_order"] = so
    else:
        dz["trajectories"] = problems.check(
            _int, where, "design.trajectories", design.get("trajectories"), 2, 100_000, default=2
        )
        dz["levels"] = problems.check(_int, where, "design.levels", design.get("levels", 4), 2, 100, default=4)
        if dz["levels"] % 2:
            problems.messages.append(f"{where}: key 'design.levels' must be even for Morris (got {dz['levels']})")
        if "optimal_trajectories" in design:
            dz["optimal_trajectories"] = problems.check(
                _int,
                where,
                "design.optimal_trajectories",
                design["optimal_trajectories"],
                2,
                dz["trajectories"] - 1,
            )
    problems.done()
    return dz


def load_experiment(path: str | Path) -> Experiment:
    """Load and validate an experiment file (or a name from `experiments/`)."""
    p = resolve_experiment(path)
    return parse_experiment(read_toml(p, "experiments", EXPERIMENT_DIR), str(p), default_name=p.stem)


def parse_experiment(data: dict[str, Any], where: str, default_name: str = "experiment") -> Experiment:
    """Validate the parsed TOML of an experiment; `where` names it in errors. Every mistake is reported
    at once (one ScenarioError with all of them); checks that need earlier values run once those are good."""
    problems = Problems()
    misspelt = set()  # required tables named under a misspelling: reported once, as the misspelling
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = suggest(key, TOP_LEVEL_KEYS)
            misspelt.update(difflib.get_close_matches(key, list(TOP_LEVEL_KEYS), n=1, cutoff=0.6))
            problems.messages.append(
                f"{where}: unknown top-level key '{key}'; allowed: {', '.join(TOP_LEVEL_KEYS)}.{hint}"
            )
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        problems.messages.append(
            f"{where}: key 'name' must be a non-empty string usable as a folder name (got {name!r})"
        )
        name = default_name
    model = data.get("model", "county")
    if model not in MODELS:
        problems.messages.append(
            f"{where}: key 'model' must be one of {', '.join(MODELS)} (got {model!r})." + suggest(str(model), MODELS)
        )
        problems.done()  # the rest is checked against the model's parameters and outputs
    spec = MODELS[model]

    fixed = data.get("set", {})
    if not isinstance(fixed, dict):
        problems.messages.append(f"{where}: key 'set' must be a table of parameter = value applied to every run")
        fixed = {}
    scenario, steps = problems.check(
        _scenario_of, where, data, spec, model, fixed, misspelt, default=(None, DEFAULT_STEPS)
    )

    replicates = problems.check(_int, where, "replicates", data.get("replicates", 1), 1, 10_000, default=1)
    seed = problems.check(_int, where, "seed", data.get("seed", 0), 0, 2**63 - 1, default=0)
    save_series = data.get("save_series", False)
    if not isinstance(save_series, bool):
        problems.messages.append(f"{where}: key 'save_series' must be true or false (got {save_series!r})")
    elif save_series and not spec.has_series:
        problems.messages.append(f"{where}: key 'save_series': model '{model}' has no series")

    outputs = data.get("outputs", list(spec.default_outputs))
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        problems.messages.append(
            f"{where}: key 'outputs' must be a non-empty array of names from {', '.join(spec.outputs)}"
        )
        outputs = list(spec.default_outputs)
    for o in outputs:
        if o not in spec.outputs:
            problems.messages.append(
                f"{where}: key 'outputs' has unknown output '{o}'; allowed: {', '.join(spec.outputs)}."
                + suggest(o, spec.outputs)
            )
    if len(set(outputs)) != len(outputs):
        problems.messages.append(f"{where}: key 'outputs' lists an output twice ({outputs!r})")

    design = data.get("design")
    method = None
    dz: dict[str, Any] = {}
    if design is None and "design" in misspelt:
        pass
    elif not isinstance(design, dict):
        problems.messages.append(
            f"{where}: key 'design' is required: a table with method = one of {', '.join(METHODS)}"
        )
    elif design.get("method") not in METHODS:
        problems.messages.append(
            f"{where}: key 'design.method' must be one of {', '.join(METHODS)} (got {design.get('method')!r})."
            + suggest(str(design.get("method")), METHODS)
        )
    else:
        method = design["method"]
        dz = problems.check(_design, where, design, method, default={"method": method})

    vary = data.get("vary")
    varied = []
    if not isinstance(vary, dict) or not vary:
        if vary is None and "vary_all" in data:
            vary = {}
        elif not (vary is None and "vary" in misspelt):
            problems.messages.append(
                f"{where}: key 'vary' is required: one table per varied parameter, e.g. [vary.k_ME_DI]"
            )
        vary = {}
    for pname, raw in vary.items():
        if pname not in spec.params:
            problems.messages.append(
                f"{where}: key 'vary.{pname}': unknown parameter '{pname}'.{suggest(pname, list(spec.params))}"
                + (" Run `county-sim params` for the allowed keys." if model == "county" else "")
            )
            continue
        if pname in fixed:
            problems.messages.append(f"{where}: key 'vary.{pname}': '{pname}' is also fixed in [set]; keep one")
            continue
        if method is not None:
            v = problems.check(_varied, where, pname, raw, spec.params[pname], method)
            if v is not None:
                varied.append(v)
    if "vary_all" in data and method is not None:
        varied.extend(
            problems.check(
                _vary_all,
                where,
                data["vary_all"],
                spec,
                scenario,
                fixed,
                {v.name for v in varied} | set(vary),
                method,
                default=[],
            )
        )
    calibration = None
    if "calibrate" in data:
        calibration = problems.check(_calibration, where, data["calibrate"], spec, method, default=None)
    arm_keys = spec.extra.get("arm_keys", frozenset)()
    for key in sorted(arm_keys & (set(fixed) | {v.name for v in varied})):
        problems.messages.append(
            f"{where}: '{key}' is set by the patterns' own scenarios (model '{model}'); do not vary or fix it"
        )
    problems.done()  # what follows combines the keys checked above
    if method == "grid":
        for v in varied:
            if v.values is None and "levels" not in dz:
                problems.messages.append(
                    f"{where}: key 'vary.{v.name}' has a range but no levels: set 'levels' there or in [design]"
                )
        problems.done()
        varied = [
            v
            if v.values is not None
            else Varied(
                v.name, v.kind, v.low, v.high, values=_grid_levels(spec.params[v.name], v.low, v.high, dz["levels"])
            )
            for v in varied
        ]
    if method in ("sobol", "morris") and len(varied) < 2:
        raise ScenarioError(f"{where}: key 'vary': {method} needs at least two varied parameters")
    if scenario is not None:
        problems.check(_check_size_combinations, where, scenario, varied, spec)
        problems.check(_check_engine_reads, where, scenario, varied)
        problems.check(_check_engine_outputs, where, scenario, outputs, varied)
        problems.done()

    exp = Experiment(
        name=name,
        path=where,
        description=str(data.get("description", "")),
        model=model,
        scenario=scenario,
        steps=steps,
        replicates=replicates,
        seed=seed,
        outputs=tuple(outputs),
        save_series=save_series,
        fixed=dict(fixed),
        method=method,
        design=dz,
        varied=tuple(varied),
        raw=data,
        calibration=calibration,
    )
    from .design import n_points

    total = n_points(exp) * replicates
    if total > MAX_RUNS:
        raise ScenarioError(f"{where}: the design has {total} runs; at most {MAX_RUNS} are allowed")
    return exp


def _check_engine_reads(where: str, scenario: Scenario, varied: list[Varied]) -> None:
    """Every varied parameter is read by the engine the runs use (varying one it ignores would measure
    nothing); the error names what replaces it."""
    from ..params import PARAMS
    from ..scenario import REPLACED_BY

    if any(v.name == "model_version" for v in varied):
        return
    engine = int(scenario.params["model_version"])
    for v in varied:
        spec = PARAMS.get(v.name)
        if spec is not None and engine not in spec.models:
            raise ScenarioError(
                f"{where}: key 'vary.{v.name}' is read only by model_version {','.join(map(str, spec.models))};"
                f" the runs use model_version {engine}: {REPLACED_BY.get(v.name, 'nothing reads it there')}"
            )


def _check_engine_outputs(where: str, scenario: Scenario, outputs: list[str], varied: list[Varied]) -> None:
    """Model 1 does not compute Model 2's extra outputs (they would be empty for every run)."""
    from ..record import SUMMARY_EXTRA

    if any(v.name == "model_version" for v in varied) or int(scenario.params["model_version"]) != 1:
        return
    for o in outputs:
        if o in SUMMARY_EXTRA:
            raise ScenarioError(
                f"{where}: key 'outputs': '{o}' is computed only by model_version 2; the runs use model_version 1"
            )


def _check_size_combinations(where: str, scenario: Scenario, varied: list[Varied], spec: ModelSpec) -> None:
    """The agent-count constraints (n_cadres >= n_departments, ...) hold at the corners of the ranges."""
    sized = [v for v in varied if spec.params[v.name].group == "size"]
    if not sized:
        return
    import itertools

    choices = [v.values if v.values is not None else (math.ceil(v.low), math.floor(v.high)) for v in sized]
    for combo in itertools.product(*choices):
        over = dict(zip((v.name for v in sized), (int(x) for x in combo), strict=True))
        scenario.with_overrides(where=f"{where}: key 'vary' (at {over})", **over)
