"""Scenarios: a TOML file of parameter values and scheduled events, validated against the registry.

Every error is one `ScenarioError` whose message names the file, the key and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .interventions import INTERVENTIONS, LEVERS, EventField, EventKind, lever_problem
from .params import DEFAULTS, PARAMS


def shipped_dir(name: str) -> Path:
    """Where a folder the project ships (`scenarios`, `experiments`) is: in place in a checkout or an
    editable install (the folder beside `pyproject.toml`), else the copy an installed wheel carries
    inside the package, `sim/_bundled/<name>` (setup.py puts it there)."""
    here = Path(__file__).resolve().parent
    if (here.parent / "pyproject.toml").is_file() and (here.parent / name).is_dir():
        return here.parent / name
    return here / "_bundled" / name


SCENARIO_DIR = shipped_dir("scenarios")
DEFAULT_STEPS = 120
MAX_STEPS = 1200
TOP_LEVEL_KEYS = ("name", "description", "paper", "steps", "params", "events", "interventions")
#: Scheduled tables: `[[events]]` (the original name) and `[[interventions]]` take the same kinds.
SCHEDULE_KEYS = ("events", "interventions")


#: What Model 2 has instead of a Model 1 name that lost its meaning (issue 10: a one-line error that
#: names the replacement); and the converse for Model 2's own parameters.
REPLACED_BY: dict[str, str] = {
    "resolve_fatigue": "resolve follows each leader's disposition, small wins, pulses and the term"
    " (resolve_adjust, win_gain, term_end_drop)",
    "performance_lag": "performance is the burden left unsolved (work_rate, problem_obsolescence, reference_burden)",
    "motivation_departure": "the start is read from commitment and engaged departments (start_engaged)",
    "activation_threshold": "activation is read from the engaged share (activation_share)",
    "activation_count": "activation is read from the engaged share (activation_share)",
}


class ScenarioError(ValueError):
    """Bad input. Each message is one line: file, key, what is allowed. A validation that found several
    mistakes raises one ScenarioError with all of them (`messages`; `str()` puts one per line), so that
    a file with three mistakes needs one attempt, not three."""

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))

    def prefixed(self, prefix: str) -> ScenarioError:
        """The same mistakes, each message after `prefix` (for a file that names another)."""
        return ScenarioError([f"{prefix}{m}" for m in self.messages])


_BAD = object()  # what `Problems.check` returns for a value that failed its check


class Problems:
    """Collects the ScenarioErrors of one validation so that every mistake is reported at once:
    `value = problems.check(fn, *args)` returns fn's result, or `default` after noting its error;
    `done()` raises them all."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def check(self, fn, *args: Any, default: Any = None, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ScenarioError as e:
            self.messages.extend(e.messages)
            return default

    def done(self) -> None:
        if self.messages:
            raise ScenarioError(list(dict.fromkeys(self.messages)))


#: The kinds whose fields are all plain numbers, under their old name (the four original event kinds
#: and the numeric interventions); every kind in `INTERVENTIONS` may be scheduled in a file.
EVENT_KINDS: dict[str, EventKind] = {k.name: k for k in INTERVENTIONS.values() if k.numeric}


@dataclass(frozen=True)
class Event:
    """One scheduled intervention: its month, kind (a key of `INTERVENTIONS`) and field values."""

    month: int
    kind: str
    values: tuple[tuple[str, float | int | str], ...]

    def get(self, key: str) -> float | int | str:
        return dict(self.values)[key]


@dataclass(frozen=True)
class Scenario:
    name: str
    params: dict[str, Any]
    steps: int = DEFAULT_STEPS
    events: tuple[Event, ...] = ()
    description: str = ""
    paper: str = ""
    path: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    file_keys: tuple[str, ...] = ()  # the parameters the file itself sets, in its order

    def with_overrides(self, where: str | None = None, **overrides: Any) -> Scenario:
        """A copy with parameters (or `steps`) changed, validated like a file; errors name `where`
        (default: the scenario's file)."""
        scen = _build(
            self.name,
            {**self.params, **overrides},
            self.steps,
            self.events,
            self.description,
            self.paper,
            self.path,
            {**self.overrides, **overrides},
            where=where or self.path or "<overrides>",
        )
        return replace(scen, file_keys=self.file_keys)

    def with_interventions(self, events: tuple[Event, ...] | list[Event], where: str | None = None) -> Scenario:
        """A copy with more scheduled events (after this scenario's own in the same month), checked
        against the horizon; errors name `where` (default: the scenario's file)."""
        merged = sorted((*self.events, *events), key=lambda e: e.month)
        scen = _build(
            self.name,
            dict(self.params),
            self.steps,
            merged,
            self.description,
            self.paper,
            self.path,
            dict(self.overrides),
            where=where or self.path or "<interventions>",
        )
        return replace(scen, file_keys=self.file_keys)

    def content_hash(self) -> str:
        blob = json.dumps(
            {"params": self.params, "steps": self.steps, "events": [e.__dict__ for e in self.events]},
            sort_keys=True,
            default=list,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def suggest(key: str, allowed: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _check_param(where: str, key: str, value: Any) -> Any:
    if key == "steps":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STEPS:
            raise ScenarioError(f"{where}: key 'steps' must be an integer in [1, {MAX_STEPS}] (got {value!r})")
        return value
    if key not in PARAMS:
        raise ScenarioError(
            f"{where}: unknown parameter '{key}'.{suggest(key, list(PARAMS))}"
            " Run `county-sim params` for the allowed keys."
        )
    problem = PARAMS[key].check(value)
    if problem:
        raise ScenarioError(f"{where}: key '{key}' {problem}")
    return PARAMS[key].coerce(value)


def _check_field(where: str, tag: str, f: EventField, v: Any) -> float | int | str:
    """One field value, checked against its type and range (lever-relative ranges are checked later)."""
    if f.lever:
        problem = lever_problem(v)
        if problem:
            hint = suggest(v, LEVERS) if isinstance(v, str) and v not in PARAMS else ""
            raise ScenarioError(f"{where}: key '{tag}' {problem}.{hint}")
        return v
    if f.choices:
        if not isinstance(v, str) or v not in f.choices:
            hint = suggest(v, f.choices) if isinstance(v, str) else ""
            raise ScenarioError(f"{where}: key '{tag}' must be one of {', '.join(f.choices)} (got {v!r}).{hint}")
        return v
    if f.integer:
        if isinstance(v, bool) or not isinstance(v, int) or not f.low <= v <= f.high:
            raise ScenarioError(f"{where}: key '{tag}' must be an integer in [{f.low}, {f.high}] (got {v!r})")
        return int(v)
    if f.scale:
        if isinstance(v, bool) or not isinstance(v, int | float) or v != v or abs(v) == float("inf"):
            raise ScenarioError(f"{where}: key '{tag}' must be a number ({f.describe()}) (got {v!r})")
        return float(v)
    if isinstance(v, bool) or not isinstance(v, int | float) or not f.low <= v <= f.high:
        raise ScenarioError(f"{where}: key '{tag}' must be a number in [{f.low}, {f.high}] (got {v!r})")
    return float(v)


def _check_lever_values(where: str, tag: str, values: dict[str, Any]) -> None:
    """Values whose range is the named lever's: `value` inside it, `delta` within its width."""
    lever = values.get("lever")
    if lever is None:
        return
    spec = PARAMS[lever]
    for key, v in values.items():
        if key == "delta":
            width = float(spec.high) - float(spec.low)
            if not -width <= v <= width:
                raise ScenarioError(
                    f"{where}: key '{tag}.{key}' must be in [{-width:g}, {width:g}] for lever '{lever}'"
                    f" (its range is [{spec.low}, {spec.high}]) (got {v!r})"
                )
        elif key == "value":
            problem = spec.check(v)
            if problem:
                raise ScenarioError(f"{where}: key '{tag}.{key}' {problem} for lever '{lever}'")


def _parse_event(where: str, i: int, raw: Any, steps: int, table: str = "events") -> Event:
    tag = f"{table}[{i}]"
    noun = "event" if table == "events" else "intervention"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: key '{tag}' must be a table with 'month' and 'kind'")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in INTERVENTIONS:
        raise ScenarioError(
            f"{where}: key '{tag}.kind' must be one of {', '.join(INTERVENTIONS)} (got {kind!r})."
            + suggest(str(kind), list(INTERVENTIONS))
            + " Run `county-sim interventions` for their fields."
        )
    month = raw.get("month")
    if isinstance(month, bool) or not isinstance(month, int):
        raise ScenarioError(f"{where}: key '{tag}.month' must be an integer month in [1, {steps}] (got {month!r})")
    if month < 1:
        raise ScenarioError(f"{where}: key '{tag}.month' is in the past: months run 1..{steps} (got {month})")
    if month > steps:
        raise ScenarioError(f"{where}: key '{tag}.month' is beyond the horizon of {steps} months (got {month})")
    spec = INTERVENTIONS[kind]
    values: dict[str, Any] = {}
    bad: set[str] = set()
    problems = Problems()
    for key, v in raw.items():
        if key in ("kind", "month"):
            continue
        if key not in spec.fields:
            allowed = ["month", "kind", *spec.fields]
            problems.messages.append(
                f"{where}: unknown key '{tag}.{key}' for a {kind} {noun}; allowed: {', '.join(allowed)}."
                + suggest(key, allowed)
            )
            continue
        values[key] = problems.check(_check_field, where, f"{tag}.{key}", spec.fields[key], v, default=_BAD)
        if values[key] is _BAD:
            bad.add(key)
    for key, f in spec.fields.items():
        if key not in values:
            if f.default is None:
                problems.messages.append(f"{where}: key '{tag}.{key}' is required for a {kind} {noun} ({f.meaning})")
            values[key] = f.default
    if "lever" not in bad:  # a value is checked against its lever's range only when the lever is known
        problems.check(_check_lever_values, where, tag, {k: v for k, v in values.items() if k not in bad})
    problems.done()
    return Event(month, kind, tuple(sorted(values.items())))


def parse_schedule(where: str, raw: Any, steps: int, table: str = "events") -> list[Event]:
    """The `[[events]]` or `[[interventions]]` array of a file, validated and sorted by month (stable)."""
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: key '{table}' must be an array of tables ([[{table}]])")
    problems = Problems()
    events = [problems.check(_parse_event, where, i, e, steps, table) for i, e in enumerate(raw)]
    problems.done()
    return sorted(events, key=lambda e: e.month)


def _build(name, params, steps, events, description, paper, path, overrides, where) -> Scenario:
    problems = Problems()
    if "steps" in params:
        steps = params.pop("steps")
    steps = problems.check(_check_param, where, "steps", steps, default=MAX_STEPS)
    full = dict(DEFAULTS)
    bad: set[str] = set()
    for key, value in params.items():
        checked = problems.check(_check_param, where, key, value, default=_BAD)
        if checked is _BAD:
            bad.add(key)
        else:
            full[key] = checked
    for e in events:
        if e.month > steps:
            problems.messages.append(
                f"{where}: an event ({e.kind}) at month {e.month} is beyond the horizon of {steps} months"
            )
    engine = int(full["model_version"])
    for e in events:  # a lever the engine does not read would change nothing, or the wrong engine's state
        lever = dict(e.values).get("lever")
        if isinstance(lever, str) and lever in PARAMS and engine not in PARAMS[lever].models:
            problems.messages.append(
                f"{where}: an event ({e.kind}, month {e.month}) changes '{lever}', which only model_version"
                f" {','.join(map(str, PARAMS[lever].models))} reads; in model_version {engine}"
                f" {REPLACED_BY.get(lever, 'nothing reads it')}"
            )
    for key, spec in PARAMS.items():  # a name the engine does not read: say what replaces it
        if key not in bad and engine not in spec.models and full[key] != spec.default:
            problems.messages.append(
                f"{where}: key '{key}' is read only by model_version {','.join(map(str, spec.models))};"
                f" in model_version {engine} {REPLACED_BY.get(key, 'nothing reads it')}"
            )
    if full["n_cadres"] < full["n_departments"]:
        problems.messages.append(
            f"{where}: key 'n_cadres' must be at least n_departments ({full['n_departments']})"
            " so that every department has staff"
        )
    if full["n_citizens"] < full["n_townships"]:
        problems.messages.append(f"{where}: key 'n_citizens' must be at least n_townships ({full['n_townships']})")
    problems.done()
    return Scenario(name, full, steps, tuple(events), description, paper, path, dict(overrides))


def resolve_path(name_or_path: str | Path) -> Path:
    """A scenario name (`l_county`) or a path to a TOML file."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists() or "/" in str(name_or_path):
        return p
    return SCENARIO_DIR / f"{name_or_path}.toml"


def read_toml(p: Path, what: str, directory: Path) -> dict[str, Any]:
    """Parse a TOML file; a missing file names the known `what`s in `directory`; one-line errors."""
    where = str(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = sorted(x.stem for x in directory.glob("*.toml"))
        raise ScenarioError(
            f"{where}: file not found. Known {what}: {', '.join(known)}.{suggest(p.stem, known)}"
        ) from None
    except OSError as e:
        raise ScenarioError(f"{where}: cannot read file ({e.strerror})") from None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError(f"{where}: not valid TOML ({e})") from None


def load_scenario(path: str | Path, **overrides: Any) -> Scenario:
    """Load and validate a scenario file (or a name from `scenarios/`); keyword overrides win."""
    p = resolve_path(path)
    where = str(p)
    data = read_toml(p, "scenarios", SCENARIO_DIR)
    problems = Problems()
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            if key in PARAMS:
                hint = f" Parameters go under [params]: put '{key}' there."
            else:
                hint = suggest(key, TOP_LEVEL_KEYS)
            problems.messages.append(
                f"{where}: unknown top-level key '{key}'; allowed: {', '.join(TOP_LEVEL_KEYS)}.{hint}"
            )
    params = data.get("params", {})
    if not isinstance(params, dict):
        problems.messages.append(f"{where}: key 'params' must be a table of parameter = value")
        params = {}
    steps = data.get("steps", DEFAULT_STEPS)
    if "steps" in overrides:
        steps = overrides.pop("steps")
    steps = problems.check(_check_param, where, "steps", steps, default=MAX_STEPS)
    events: list[Event] = []
    for table in SCHEDULE_KEYS:
        events += problems.check(parse_schedule, where, data.get(table, []), steps, table, default=[])
    events.sort(key=lambda e: e.month)
    name = data.get("name", p.stem)
    if not isinstance(name, str):
        problems.messages.append(f"{where}: key 'name' must be a string")
        name = p.stem
    scen = problems.check(
        _build,
        name,
        dict(params),
        steps,
        events,
        str(data.get("description", "")),
        str(data.get("paper", "")),
        where,
        {},
        where,
    )
    problems.done()
    scen = replace(scen, file_keys=tuple(params))
    if overrides:
        scen = scen.with_overrides(**overrides)
    return scen


def default_scenario(**overrides: Any) -> Scenario:
    """The registry defaults with no events (useful in tests); `load_scenario('l_county')` is the baseline."""
    scen = Scenario("defaults", dict(DEFAULTS))
    return scen.with_overrides(**overrides) if overrides else scen


def parse_set(where: str, items: list[str]) -> dict[str, Any]:
    """Parse `KEY=VALUE` strings from the command line with TOML value syntax."""
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError(f"{where}: --set '{item}' must look like KEY=VALUE")
        key, raw = item.split("=", 1)
        key = key.strip()
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        out[key] = value
    return out
