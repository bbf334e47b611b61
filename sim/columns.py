"""The data dictionary (issue 12): what every column of `series.csv`, `summary.csv` and
`problems.csv` means, in what unit, and how it is computed (docs/ODD.md §11 for Model 2).

`county-sim run` writes it beside its results as `columns.csv`; `county-sim explain NAME` prints an
entry (a column, or a parameter from the registry). Model 2's meanings; where Model 1 differs, the
entry says so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .params import DOMAINS


@dataclass(frozen=True)
class Column:
    name: str
    file: str  # series.csv, summary.csv or problems.csv
    meaning: str
    unit: str
    how: str


_LEVEL = "level 0-1"
_SHARE = "share 0-1"
_MONTH = "month (empty: never)"


def _c(file: str, name: str, meaning: str, unit: str, how: str) -> Column:
    return Column(name, file, meaning, unit, how)


_S, _Y, _P = "series.csv", "summary.csv", "problems.csv"

_ENTRIES: list[Column] = [
    # --- series.csv: identifiers -------------------------------------------------------------------
    _c(_S, "replicate", "replicate number within this results folder", "index from 0", "0, 1, ... in run order"),
    _c(_S, "seed", "the seed this replicate ran with", "integer", "sim.replicate_seed(root seed, replicate)"),
    _c(_S, "step", "month of the run (0: the state before month 1)", "month", "0 .. steps"),
    # --- performance ---------------------------------------------------------------------------------
    _c(
        _S,
        "real_performance",
        "the county's real performance: how little unsolved burden its people live with",
        _LEVEL,
        "need-weighted mean over domains of 1 - unsolved burden / reference_burden, per township (ODD §7.20)",
    ),
    _c(
        _S,
        "assessed_performance",
        "performance as the assessment sees it (closures made only on paper count as solved)",
        _LEVEL,
        "as real_performance, with paper closures counted as solved",
    ),
    *[
        _c(
            _S,
            f"real_performance_{d}",
            f"real performance in the {d.replace('_', ' ')} domain",
            _LEVEL,
            "mean over townships",
        )
        for d in DOMAINS
    ],
    *[
        _c(
            _S,
            f"assessed_performance_{d}",
            f"assessed performance in the {d.replace('_', ' ')} domain",
            _LEVEL,
            "mean over townships, paper closures counted as solved",
        )
        for d in DOMAINS
    ],
    _c(
        _S,
        "satisfaction",
        "citizens' satisfaction with the county government",
        _LEVEL,
        "mean over citizens; expectancy-disconfirmation on their own township's problems (ODD §7.21)",
    ),
    _c(_S, "trust", "citizens' trust in the county government", _LEVEL, "mean over citizens (ODD §7.23)"),
    _c(
        _S,
        "benchmark",
        "the developed neighbour county's performance",
        _LEVEL,
        "grows at benchmark_growth toward its frontier",
    ),
    _c(
        _S,
        "gap_closure",
        "share of the starting gap to the benchmark county closed so far",
        "share (can be < 0)",
        "(perf - perf at month 0) / (benchmark - perf at month 0), floored denominator (ODD §11.2)",
    ),
    _c(
        _S,
        "gaming_share",
        "how far assessed performance runs ahead of real performance",
        _SHARE,
        "clip((assessed - real) / assessed, 0, 1)",
    ),
    # --- drive and the five subsystems ------------------------------------------------------------
    _c(
        _S,
        "drive",
        "the top leader's reform signal (Model 1: the county's drive)",
        _LEVEL,
        "own resolve, assessment pressure, gap to the benchmark and pulses (ODD §7.3)",
    ),
    _c(
        _S,
        "inertia_threshold",
        "the launch threshold the reform signal must pass (等靠要)",
        _LEVEL,
        "inertia, lowered by the emancipation campaign",
    ),
    *[
        _c(
            _S,
            f"level_{k}",
            f"read-out level of the {name} subsystem (no rule reads it)",
            _LEVEL,
            "weighted mean of the subsystem's stocks (ODD §11.1)",
        )
        for k, name in (
            ("DI", "drive-input"),
            ("CL", "coordination-linkage"),
            ("GC", "guidance-change"),
            ("ME", "management-execution"),
            ("AI", "adaptation-interaction"),
        )
    ],
    _c(
        _S,
        "coupling_C",
        "coupling of the five subsystem levels: how even they are",
        _LEVEL,
        "geometric mean / arithmetic mean of the five levels",
    ),
    _c(_S, "coupling_T", "development of the five subsystems together", _LEVEL, "mean of the five levels"),
    _c(_S, "coupling_D", "coupling coordination degree", _LEVEL, "sqrt(coupling_C x coupling_T)"),
    # --- county stocks -------------------------------------------------------------------------------
    _c(
        _S,
        "resources",
        "resources at the county's disposal (funds, talent, land, policy)",
        _LEVEL,
        "own revenue from the economy plus what the action base, lobbying and outside visits bring (ODD §7.28)",
    ),
    _c(
        _S,
        "action_base",
        "the action base: incentive platform, task-force mechanism, resources brought in",
        _LEVEL,
        "built by committed leaders, fades unless rules hold it (ODD §7.27)",
    ),
    _c(
        _S,
        "problems_identified",
        "listed share of the county's unsolved burden (Model 1: a stock)",
        _SHARE,
        "difficulty of listed open and paper-closed problems / (that + hidden burden)",
    ),
    _c(
        _S,
        "pm_maturity",
        "maturity of performance management",
        _LEVEL,
        "built at pm_build x pm_strength while launched",
    ),
    _c(
        _S,
        "institutionalisation",
        "practices made standing rules (长效制度)",
        _LEVEL,
        "mean over departments of dept_rules",
    ),
    _c(
        _S,
        "public_value_clarity",
        "how clearly the county knows what citizens need",
        _LEVEL,
        "grows with citizens' voice and participation (ODD §7.25)",
    ),
    _c(_S, "openness", "the county's openness to learning and outside ideas", _LEVEL, "ODD §7.13"),
    _c(_S, "motivation", "cadres' motivation", _LEVEL, "mean over cadres"),
    _c(_S, "competence", "cadres' competence", _LEVEL, "mean over cadres"),
    _c(_S, "effort", "cadres' real effort (work that solves problems)", _LEVEL, "mean over cadres of real effort"),
    _c(_S, "tie_strength", "strength of ties between departments", _LEVEL, "mean over pairs of departments"),
    _c(_S, "silo", "departments' silo tendency (一亩三分地)", _LEVEL, "mean over departments"),
    _c(
        _S,
        "participation",
        "citizens' participation (deputies, proposals, visits)",
        _SHARE,
        "smoothed participation rate",
    ),
    _c(_S, "voice", "citizens who complained this month", _SHARE, "share of citizens"),
    _c(
        _S,
        "capacity_index",
        "the county's capacity to act",
        _LEVEL,
        "(action_base + mean competence + pm_maturity + tie_strength) / 4",
    ),
    _c(
        _S,
        "phase",
        "phase of the trajectory reached by this month",
        "none, start, build, activate or deliver",
        "the classifier on the series so far (ODD §11.2)",
    ),
    # --- Model 2's extra columns ---------------------------------------------------------------------
    _c(_S, "engaged_share", "departments engaged in reform (Model 2)", _SHARE, "engaged departments / all departments"),
    _c(_S, "backlog", "open problems on the list (Model 2)", "problems", "open, not closed on paper"),
    _c(_S, "backlog_cross", "open problems that need two or three departments (Model 2)", "problems", "count"),
    _c(_S, "problems_solved", "problems solved this month (Model 2)", "problems", "count"),
    _c(_S, "solved_cross", "cross-department problems solved this month (Model 2)", "problems", "count"),
    _c(_S, "task_forces", "task forces convened this month (Model 2)", "task forces", "count"),
    _c(_S, "mean_resolve", "leaders' mean reform resolve (Model 2)", _LEVEL, "mean over leaders"),
    _c(_S, "top_leader_resolve", "the top leader's (一把手) reform resolve (Model 2)", _LEVEL, "leader 0"),
    *[
        _c(_S, f"listed_{src}", f"problems listed this month through {what} (Model 2)", "problems", "count")
        for src, what in (
            ("routine", "ordinary work orders"),
            ("diagnosis", "leaders' front-line diagnosis"),
            ("complaint", "citizens' complaints"),
            ("evaluation", "evaluation findings"),
            ("comparison", "comparison with developed counties"),
            ("proposal", "deputies' proposals"),
        )
    ],
    _c(_S, "backlog_age", "mean age of open problems (Model 2)", "months", "mean over open problems"),
    _c(_S, "pool_full", "months in which the problem pool was full (Model 2)", "months", "cumulative since month 0"),
    _c(_S, "caught_gaming", "closures on paper caught this month (Model 2)", "problems", "count"),
    _c(_S, "obsolete", "listed problems overtaken by events this month (Model 2)", "problems", "count"),
    _c(_S, "wom_blocked", "word-of-mouth hearings outside the confidence bound (Model 2)", _SHARE, "this month"),
    # --- summary.csv ---------------------------------------------------------------------------------
    _c(_Y, "replicate", "replicate number within this results folder", "index from 0", "0, 1, ... in run order"),
    _c(
        _Y,
        "seed",
        "the seed this replicate ran with (reproduces it alone)",
        "integer",
        "sim.replicate_seed(root seed, replicate); county-sim run --exact-seed SEED",
    ),
    _c(
        _Y,
        "sustained",
        "the county went through start, build, activate and deliver and did not relapse",
        "true/false",
        "deliver reached and no relapse (ODD §11.2)",
    ),
    _c(
        _Y,
        "t_start",
        "month the start phase (启动) began: the top leader launched and departments engaged",
        _MONTH,
        "first month with drive > inertia_threshold and at least start_engaged departments engaged",
    ),
    _c(
        _Y,
        "t_build",
        "month the build phase (蓄力) began: capacity rising",
        _MONTH,
        "first month with capacity_index at least build_gain above its value at the start",
    ),
    _c(
        _Y,
        "t_activate",
        "month the activate phase (激活) began: engagement spread and solving accelerating",
        _MONTH,
        "first month with engaged_share >= activation_share and more problems solved than 3 months before",
    ),
    _c(
        _Y,
        "t_deliver",
        "month the deliver phase (发力) began: the gap to the benchmark closing and held",
        _MONTH,
        "first month beginning deliver_hold months with gap_closure >= deliver_share",
    ),
    _c(_Y, "final_real_performance", "real performance in the last month", _LEVEL, "series real_performance"),
    _c(
        _Y,
        "final_assessed_performance",
        "assessed performance in the last month",
        _LEVEL,
        "series assessed_performance",
    ),
    _c(_Y, "final_satisfaction", "citizens' satisfaction in the last month", _LEVEL, "series satisfaction"),
    _c(
        _Y,
        "gap_closure",
        "share of the starting gap to the benchmark closed by the last month",
        "share (can be < 0)",
        "series gap_closure in the last month",
    ),
    _c(
        _Y,
        "trajectory_score",
        "one number for how far and how well the county went",
        "score 0-1",
        "clip(0.1 x phases reached + 0.6 x mean gap_closure of the last 12 months - 0.2 x relapsed, 0, 1)",
    ),
    _c(_Y, "final_coupling_degree", "coupling coordination degree in the last month", _LEVEL, "series coupling_D"),
    _c(
        _Y,
        "t_relapse",
        "month the trajectory relapsed after delivery (Model 2)",
        _MONTH,
        "engagement below relapse_engaged for relapse_months, or the gap fell back (ODD §11.2)",
    ),
    _c(_Y, "final_engaged_share", "departments engaged in the last month (Model 2)", _SHARE, "series engaged_share"),
    _c(_Y, "final_backlog", "open problems on the list in the last month (Model 2)", "problems", "series backlog"),
    # --- problems.csv --------------------------------------------------------------------------------
    _c(_P, "replicate", "replicate number within this results folder", "index from 0", "as in summary.csv"),
    _c(_P, "seed", "the seed of the replicate", "integer", "as in summary.csv"),
    _c(
        _P,
        "status",
        "what became of the problem",
        "solved, overtaken, open or on_paper",
        "solved; overtaken by events; still open at the end; closed only on paper at the end",
    ),
    _c(_P, "month_closed", "month it was solved or overtaken", _MONTH, "empty while on the list"),
    _c(_P, "months_open", "months it was on the list", "months", "until closed, or until the end"),
    _c(_P, "township", "township it burdens", "index (-1: county-wide)", "cell of the hidden burden it came from"),
    _c(_P, "domain", "policy domain", "economy, public_services, infrastructure, administration", "its cell's domain"),
    _c(
        _P,
        "source",
        "the channel that listed it",
        "routine, diagnosis, complaint, evaluation, comparison, proposal",
        "ODD §7.7",
    ),
    _c(_P, "departments", "departments it needs", "1 to 3", "lead plus partners"),
    _c(_P, "lead", "the lead department", "department index", "a department of its domain"),
    _c(_P, "tie", "the lead's weakest tie to its partners when last worked", _LEVEL, "empty for one department"),
    _c(_P, "task_force", "whether a task force worked it", "true/false", "convened by leaders (ODD §7.5)"),
    _c(_P, "key", "a key action under supervision (挂号督办)", "true/false", "listed by diagnosis or evaluation"),
    _c(_P, "difficulty", "how much work it takes", "work units (mean 1)", "Gamma(2) draw, scaled to the burden left"),
]

# --- a calibration's tables (county-sim calibrate; docs/calibration.md) ------------------------------
_A, _ST, _PO, _V, _CV = "accepted.csv", "statistics.csv", "posterior.csv", "validation.csv", "convergence.csv"
_ENTRIES += [
    _c(_A, "row", "the accepted set's number (what --row takes)", "index from 0", "accepted sets in draw order"),
    _c(_A, "point", "the prior draw it came from", "index into the store's design", "Latin hypercube row"),
    _c(
        _A,
        "weight",
        "its weight in the posterior",
        "share (sums to 1)",
        "1 / accepted: rejection keeps draws as they are",
    ),
    _c(_A, "run_seed", "the --seed of its replicate 0", "integer", "SeedSequence(root, spawn_key=(point, 0))"),
    _c(_A, "seed", "(ABC-SMC) the model seed of its first replicate", "integer", "--exact-seed takes it"),
    _c(_A, "distance", "summed violation of the target patterns", "0 = every target holds", "sum of its v_ columns"),
    _c(
        _A,
        "v_<pattern>",
        "how far the set misses one pattern (targets and held-back ones)",
        "0 = holds; else the shortfall in the pattern's own units",
        "sim.calibrate.patterns: clause by clause, months as a share of the threshold (docs/calibration.md)",
    ),
    _c(_ST, "point", "the prior draw", "index", "one row per draw"),
    _c(_ST, "trap_sustain", "status_quo: share of seeds sustaining", _SHARE, "pattern 1 asks at most 0.05"),
    _c(_ST, "trap_within", "status_quo: share of seeds ending within 0.05 of the start", _SHARE, "pattern 1: 0.95"),
    _c(_ST, "lc_sustain", "l_county: share of seeds sustaining", _SHARE, "pattern 2 asks at least 2/3"),
    _c(_ST, "lc_start_median", "l_county: median start month", "month", "pattern 2 asks at most 12"),
    _c(_ST, "lc_activate_iqr", "l_county: interquartile range of the activation month", "months", "pattern 2: 3"),
    _c(
        _ST,
        "resolve_<r>_sustain",
        "l_county with reform_resolve r: share sustaining",
        _SHARE,
        "pattern 2: two neighbours 0.1 apart inside (0.1, 0.9)",
    ),
    _c(_ST, "lc_gain", "l_county: mean gain of real performance over the run", "level change", "final - month 0"),
    _c(_ST, "lc_real", "l_county: mean final real performance", _LEVEL, "over seeds"),
    _c(_ST, "nab_start", "no_action_base: share of seeds that start", _SHARE, "pattern 3 asks at least 0.5"),
    _c(_ST, "nab_sustain", "no_action_base: share sustaining", _SHARE, "pattern 3: at most a third of lc_sustain"),
    _c(_ST, "nab_real", "no_action_base: mean final real performance", _LEVEL, "pattern 3: clearly lower"),
    _c(_ST, "fp_sustain", "frozen_pm: share sustaining", _SHARE, "pattern 4: at most half of lc_sustain"),
    _c(_ST, "fp_real", "frozen_pm: mean final real performance", _LEVEL, "pattern 4: clearly lower"),
    _c(_ST, "lc_gap", "l_county: mean final assessed - real performance", "level difference", "pattern 5"),
    _c(_ST, "cc_gap", "closed_channels: mean final assessed - real", "level difference", "pattern 5: 2x lc, >= 0.05"),
    _c(_ST, "lc_sat", "l_county: mean final satisfaction", _LEVEL, "over seeds"),
    _c(_ST, "lc_sat_gain", "l_county: mean gain of satisfaction", "level change", "final - month 0"),
    _c(_ST, "cc_sat", "closed_channels: mean final satisfaction", _LEVEL, "pattern 5: clearly lower"),
    _c(_ST, "distance", "summed violation of the target patterns", "0 = every target holds", "as in accepted.csv"),
    _c(_ST, "accepted", "whether the draw was accepted", "true/false", "distance <= tolerance"),
    _c(
        _ST,
        "continued",
        "(with refine_replicates) whether the draw was run on the extra seeds",
        "true/false",
        "the refine_keep share nearest the targets on the first seeds, and the rest with probability"
        " refine_continue (lazy ABC)",
    ),
    _c(
        _ST,
        "distance_stage1",
        "(with refine_replicates) summed target violation on the first R seeds",
        "0 = every target holds",
        "distance is then the one over all R + R2 seeds for continued draws",
    ),
    _c(
        _A,
        "distance_stage1",
        "(with refine_replicates) summed target violation on the first R seeds",
        "0 = every target holds",
        "the screen; the set was accepted on distance, over R + R2 seeds",
    ),
    _c(_PO, "group", "its registry group", "rate, condition, ...", "sim.params"),
    _c(_PO, "default", "its registry default", "parameter's unit", "sim.params"),
    _c(_PO, "prior_mean", "mean of its prior draws", "parameter's unit", "over every draw"),
    _c(_PO, "post_mean", "mean over the accepted sets", "parameter's unit", "weighted equally"),
    _c(_PO, "post_sd", "standard deviation over the accepted sets", "parameter's unit", "ddof 1"),
    _c(_PO, "post_q05", "5% quantile over the accepted sets", "parameter's unit", "numpy quantile"),
    _c(_PO, "post_median", "median over the accepted sets", "parameter's unit", "numpy quantile"),
    _c(_PO, "post_q95", "95% quantile over the accepted sets", "parameter's unit", "numpy quantile"),
    _c(_PO, "parameter", "a varied parameter", "registry name", "`county-sim explain NAME`"),
    _c(_PO, "prior_low", "its prior's lower end", "parameter's unit", "[vary] range or default - spread"),
    _c(_PO, "prior_high", "its prior's upper end", "parameter's unit", "[vary] range or default + spread"),
    _c(_PO, "width_ratio", "posterior 90% interval width / prior's", "ratio", "< 1: the patterns narrow it"),
    _c(_PO, "ks_d", "Kolmogorov-Smirnov distance of accepted vs prior draws", "0-1", "scipy.stats.ks_2samp"),
    _c(_PO, "ks_p", "its p-value", "probability", "two-sided"),
    _c(_PO, "constrained", "whether the patterns constrain it", "true/false", "ks_p < 0.01 / parameters varied"),
    _c(_V, "pattern", "a pattern", "name", "docs/MODEL.md §7"),
    _c(_V, "role", "calibration target or held back", "target, holdout", "[calibrate] targets / holdout"),
    _c(
        _V,
        "sets",
        "which parameter sets, on which seeds",
        "accepted, accepted same seeds, prior, rejected",
        "accepted: the accepted sets run again on fresh seeds (the validation); accepted, same seeds: on the"
        " calibration's own; prior: every draw",
    ),
    _c(_V, "n", "number of those sets", "sets", "count"),
    _c(_V, "reproduced", "how many of them reproduce the pattern", "sets", "violation 0"),
    _c(_V, "share", "share of those sets reproducing the pattern", _SHARE, "its violation is 0"),
    _c(_V, "ci_low", "95% Wilson interval, lower end", _SHARE, "scipy binomtest"),
    _c(_V, "ci_high", "95% Wilson interval, upper end", _SHARE, "scipy binomtest"),
    _c(_CV, "draws", "which prior draws", "first half, second half, all", "draw order"),
    _c(_CV, "generation", "ABC-SMC generation", "index from 0", "pyabc population t"),
    _c(
        _CV, "epsilon", "the generation's tolerance on the summed target violation", "violation", "quantile of the last"
    ),
    _c(_CV, "simulations", "draws simulated in the generation", "draws", "pyabc samples"),
    _c(_CV, "particles", "draws accepted in the generation", "draws", "the population size"),
    _c(_CV, "acceptance", "particles / simulations", _SHARE, "per generation"),
    _c(
        _CV,
        "effective_size",
        "how many equally weighted particles the generation's weighted ones are worth",
        "particles",
        "1 / sum of squared normalised weights (Kish)",
    ),
    _c(_ST, "weight", "the particle's importance weight (ABC-SMC)", "share (sums to 1)", "pyabc"),
    _c(_CV, "n", "prior draws in that part", "draws", "count"),
    _c(_CV, "accepted", "accepted draws in that part", "draws", "count"),
    _c(_CV, "rate", "acceptance rate", _SHARE, "accepted / n"),
    _c(_CV, "rate_low", "95% Wilson interval of the rate, lower end", _SHARE, "scipy binomtest"),
    _c(_CV, "rate_high", "95% Wilson interval of the rate, upper end", _SHARE, "scipy binomtest"),
    _c(
        _CV,
        "median_quantile_shift",
        "median over parameters of the largest quantile move, first vs second half",
        "share of the posterior 90% width",
        "as max_quantile_shift",
    ),
    _c(
        _CV,
        "max_quantile_shift",
        "largest move of a posterior 5/50/95% quantile, first vs second half",
        "share of the posterior 90% width",
        "over parameters",
    ),
]

#: (file, name) -> Column
COLUMNS: dict[tuple[str, str], Column] = {(c.file, c.name): c for c in _ENTRIES}
FILES: tuple[str, ...] = (_S, _Y, _P, _A, _ST, _PO, _V, _CV)
#: every column name the dictionary explains (some, such as `seed`, in several files)
NAMES: tuple[str, ...] = tuple(dict.fromkeys(c.name for c in _ENTRIES))


def lookup(name: str) -> list[Column]:
    """Every entry of that name (a name such as `seed` is in several files)."""
    return [c for c in _ENTRIES if c.name == name]


def dictionary_csv(files: dict[str, list[str]]) -> str:
    """columns.csv for a results folder: one row per column actually written, file by file, in the
    files' column order (`files`: file name -> its columns)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "column", "meaning", "unit", "how"])
    for file, cols in files.items():
        for col in cols:
            c = COLUMNS[(file, col)]
            w.writerow([file, col, c.meaning, c.unit, c.how])
    return buf.getvalue()
