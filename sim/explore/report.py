"""`county-sim report DIR`: one Markdown report (and the same as HTML) of a sweep: design, run
counts, seeds, indices, figures, discovery rules and the manifest, for an appendix."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from .. import manifest as mf
from .sensitivity import ANALYSIS_DIR, analyze_dir

#: The report's fixed text in English and Chinese (`county-sim report DIR --lang zh`); tables keep
#: their column names (they are the CSV files' columns), figures their English labels.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "# Experiment report: {name}",
        "design": "## Design",
        "method": "- method: **{method}** {design}",
        "model": "- model: {model} ({version})",
        "base": "- base scenario: `{scen}` ({path}), {steps} months",
        "fixed": "- fixed for every run: {fixed}",
        "varied_head": "| parameter | varied over | distribution |",
        "runs": "## Runs and seeds",
        "points": "- points: {points}; replicates per point: {replicates}; runs: {stored} stored of {planned} planned",
        "root": "- root seed: {root}. {derivation}",
        "last": "- last sweep: {new} runs run, {old} already stored, backend {backend} x{workers}, chunks of {chunk}, {seconds} s",
        "share": "- share of runs that sustain the trajectory: {share}",
        "rows": "Every run is a row of `runs.csv` (point, replicate, run_seed, seed, varied values, outputs).",
        "rerun": "Any run can be rerun alone and gives the same numbers; the first one:",
        "noise_head": "## Outputs and replicate noise",
        "noise": (
            "Indices are computed on the replicate means of each point. The noise share is the within-point "
            "(between-replicate) variance over the total variance of the output across all runs: the part "
            "of the variation no parameter explains; `noise_share_of_means` is the same for the replicate "
            "means the indices are computed on."
        ),
        "sums": (
            "Sum of first-order indices {s1} ± {s1c}; sum of total-order indices {st} ± {stc}; sum of ST - S1 "
            "(interactions, counted once per parameter taking part) {i} ± {ic} (95% bootstrap). "
        ),
        "corrected": (
            "Replicate noise is {eta} of the variance of the replicate means; it would lower each S1 by the "
            "factor 1 - noise and raise each ST by about the noise share, so the indices shown are corrected "
            "for it (those of the mean response; Hart, Alexanderian & Gremaud 2017). The uncorrected ones are "
            "the columns S1_raw and ST_raw (sums {s1r} and {st_raw}). "
        ),
        "uncorrected": (
            "With one replicate per point, replicate noise (if the model has any) cannot be measured: it would "
            "lower each S1 and raise each ST by its share of the variance. "
        ),
        "interactions": "ST - S1 is each parameter's share in interactions with the other {n}.",
        "convergence": (
            "Convergence (first N/2 base samples vs all N): the three largest ST in {order} order; the whole "
            "ranking by ST {ranking}; largest change in an ST {change}."
        ),
        "same": "the same",
        "different": "a different",
        "changed": "changed",
        "unchanged": "unchanged",
        "region": "## Which region of parameter space sustains the trajectory",
        "prim": (
            "Box rules found by PRIM (peeling, pasting, covering) over the runs; coverage is the share of all "
            "sustaining runs inside the box, density the share of the box's runs that sustain (against {share} "
            "of all runs)."
        ),
        "rule": "{i}. `{rule}` covers {coverage} of the sustaining runs at {density} density ({n} runs in the box).",
        "no_rule_all": "No rule: every run, or none, sustains the trajectory.",
        "no_rule": (
            "No readable rule (at most four conditions, covering at least 10% of the sustaining runs at three "
            "times the base rate) separates the sustaining runs."
        ),
        "significance": (
            "How much each restriction of the first rule adds: the rule's density with and without it, and the "
            "one-sided binomial quasi-p-value that it adds nothing (screening figures: the rule was chosen on "
            "the same runs)."
        ),
        "stability": (
            "Stability: PRIM on {n} random halves of the runs found a first rule over exactly the same "
            "parameters in {same} of them; the share of halves whose first rule restricts each parameter:"
        ),
        "manifest": "## Manifest",
    },
    "zh": {
        "title": "# 实验报告: {name}",
        "design": "## 实验设计",
        "method": "- 方法: **{method}** {design}",
        "model": "- 模型: {model} ({version})",
        "base": "- 基准情景: `{scen}` ({path}), {steps} 个月",
        "fixed": "- 每次运行固定: {fixed}",
        "varied_head": "| 参数 | 取值范围 | 分布 |",
        "runs": "## 运行与随机种子",
        "points": "- 设计点: {points}; 每点重复: {replicates}; 运行: 已存 {stored} / 计划 {planned}",
        "root": "- 根种子: {root}. {derivation}",
        "last": "- 最近一次扫描: 新运行 {new} 次, 已存 {old} 次, 后端 {backend} x{workers}, 每块 {chunk} 次, {seconds} 秒",
        "share": "- 维持完整轨迹的运行比例: {share}",
        "rows": "每次运行是 `runs.csv` 的一行 (设计点、重复、run_seed、seed、参数取值、输出)。",
        "rerun": "任何一次运行都可单独重跑并得到相同的数值; 第一次运行:",
        "noise_head": "## 输出与重复噪声",
        "noise": (
            "指数按每个设计点的重复均值计算。噪声份额 = 点内 (重复之间) 方差 / 全部运行的总方差, 即任何参数都"
            "解释不了的变异; `noise_share_of_means` 是指数所用重复均值的同一比例。"
        ),
        "sums": (
            "一阶指数之和 {s1} ± {s1c}; 总效应指数之和 {st} ± {stc}; ST - S1 之和 (交互作用, 每个参与参数计一次) "
            "{i} ± {ic} (95% 自助法区间)。"
        ),
        "corrected": (
            "重复噪声占重复均值方差的 {eta}; 它会使每个 S1 乘以 (1 - 噪声份额)、每个 ST 约增加噪声份额, 因此表中"
            "指数已做校正 (均值响应的指数; Hart, Alexanderian & Gremaud 2017)。未校正值见 S1_raw 与 ST_raw 列 "
            "(之和 {s1r} 与 {st_raw})。"
        ),
        "uncorrected": "每点只有一次重复, 无法测量重复噪声 (若模型有噪声, 它会降低 S1、抬高 ST)。",
        "interactions": "ST - S1 是每个参数与其余 {n} 个参数交互作用的份额。",
        "convergence": "收敛 (前 N/2 个基样本对全部 N 个): 最大的三个 ST 顺序{order}; ST 的完整排序{ranking}; ST 的最大变化 {change}。",
        "same": "相同",
        "different": "不同",
        "changed": "有变化",
        "unchanged": "不变",
        "region": "## 参数空间的哪个区域能维持轨迹",
        "prim": (
            "PRIM (剥离、粘贴、覆盖) 找到的盒子规则; 覆盖率 = 盒内维持轨迹的运行占全部维持运行的比例, 密度 = 盒内"
            "运行中维持轨迹的比例 (全部运行为 {share})。"
        ),
        "rule": "{i}. `{rule}` 覆盖 {coverage} 的维持运行, 密度 {density} (盒内 {n} 次运行)。",
        "no_rule_all": "无规则: 全部运行 (或没有运行) 维持轨迹。",
        "no_rule": "没有可读的规则 (至多四个条件、覆盖至少 10% 的维持运行、达到基准比例三倍) 能区分维持的运行。",
        "significance": (
            "第一条规则每个限制的作用: 有无该限制时规则的密度, 以及该限制毫无作用的单侧二项拟 p 值 "
            "(筛选用: 规则是在同一批运行上选出的)。"
        ),
        "stability": "稳定性: 在 {n} 个随机的半数运行上重做 PRIM, 有 {same} 得到参数完全相同的第一条规则; 各参数被第一条规则限制的比例:",
        "manifest": "## 运行记录 (Manifest)",
    },
}


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


def _pct(v: float | None) -> str:
    return "-" if v is None or v != v else f"{100 * v:.0f}%"


def build_markdown(folder: Path, lang: str = "en") -> str:
    """The report's Markdown text in `lang` ("en" or "zh"; figures linked relative to `folder`)."""
    t = TEXT[lang]
    a = folder / ANALYSIS_DIR
    summary = json.loads(_read(a / "analysis.json") or "{}")
    manifest = json.loads(_read(folder / "manifest.json") or "{}")
    exp = manifest.get("experiment", {})
    lines: list[str] = [t["title"].format(name=summary.get("experiment", folder.name)), ""]
    if exp.get("description"):
        lines += [exp["description"], ""]

    lines += [t["design"], ""]
    method = summary.get("method", exp.get("method", "?"))
    scen = (manifest.get("scenario") or {}).get("name")
    lines += [
        t["method"].format(method=method, design=json.dumps(exp.get("design", {}))),
        t["model"].format(model=exp.get("model", "county"), version=manifest.get("model_version", "?")),
    ]
    if scen:
        path = (manifest.get("scenario") or {}).get("path")
        lines.append(t["base"].format(scen=scen, path=path, steps=manifest.get("steps")))
    if exp.get("fixed"):
        lines.append(t["fixed"].format(fixed=", ".join(f"{k} = {v}" for k, v in exp["fixed"].items())))
    lines += ["", t["varied_head"], "| --- | --- | --- |"]
    for v in exp.get("varied", []):
        over = f"values {v['values']}" if v.get("values") else f"[{v.get('low')}, {v.get('high')}]"
        lines.append(f"| {v['name']} | {over} | {v.get('distribution', 'grid levels')} |")
    lines.append("")

    lines += [t["runs"], ""]
    lines += [
        t["points"].format(
            points=summary.get("points"),
            replicates=summary.get("replicates"),
            stored=summary.get("runs_stored"),
            planned=summary.get("runs_planned"),
        ),
        t["root"].format(root=manifest.get("root_seed"), derivation=manifest.get("seed_derivation", "")),
        t["last"].format(
            new=manifest.get("runs_new"),
            old=manifest.get("runs_already_stored"),
            backend=manifest.get("backend"),
            workers=manifest.get("workers"),
            chunk=manifest.get("chunk_size"),
            seconds=manifest.get("seconds"),
        ),
    ]
    if "sustained_share" in summary:
        lines.append(t["share"].format(share=_pct(summary["sustained_share"])))
    lines += ["", t["rows"]]
    example = rerun_command(folder, manifest)
    if example:
        lines += [t["rerun"], "", "```sh", example, "```"]
    lines.append("")

    lines += [t["noise_head"], "", t["noise"], "", _read(a / "noise.md"), ""]

    nan = float("nan")
    for output, entry in summary.get("outputs", {}).items():
        if not any(k in entry for k in ("sobol", "morris")) and not (a / f"grid_{output}.png").exists():
            continue
        lines += [f"## {output}", ""]
        if "sobol" in entry:
            eta = entry.get("noise_share_of_means", nan)
            d = len(entry["sobol"])
            text = t["sums"].format(
                s1=f"{entry['sum_S1']:.3f}",
                s1c=f"{entry.get('sum_S1_conf', nan):.3f}",
                st=f"{entry.get('sum_ST', nan):.3f}",
                stc=f"{entry.get('sum_ST_conf', nan):.3f}",
                i=f"{entry.get('sum_ST_minus_S1', nan):.3f}",
                ic=f"{entry.get('sum_ST_minus_S1_conf', nan):.3f}",
            )
            if entry.get("noise_corrected"):
                text += t["corrected"].format(
                    eta=_pct(eta),
                    s1r=f"{entry.get('sum_S1_raw', nan):.3f}",
                    st_raw=f"{entry.get('sum_ST_raw', nan):.3f}",
                )
            else:
                text += t["uncorrected"]
            text += t["interactions"].format(n=d - 1)
            lines += [
                text,
                "",
                _read(a / f"sobol_{output}.md"),
                "",
                f"![S1 and ST of {output}]({ANALYSIS_DIR}/sobol_{output}.png)",
                "",
            ]
            if (a / f"s2_{output}.png").exists():
                lines += [f"![S2 of {output}]({ANALYSIS_DIR}/s2_{output}.png)", ""]
            lines += [
                t["convergence"].format(
                    order=t["different"] if entry.get("top3_changed_half_vs_full") else t["same"],
                    ranking=t["changed"] if entry.get("ranking_changed_half_vs_full") else t["unchanged"],
                    change=f"{entry.get('max_abs_change_ST', nan):.3f}",
                ),
                "",
                _read(a / f"convergence_{output}.md"),
                "",
            ]
        if "morris" in entry:
            lines += [
                _read(a / f"morris_{output}.md"),
                "",
                f"![Morris {output}]({ANALYSIS_DIR}/morris_{output}.png)",
                "",
            ]
        if (a / f"grid_{output}.png").exists():
            lines += [f"![{output} over the grid]({ANALYSIS_DIR}/grid_{output}.png)", ""]

    if "discovery" in summary:
        lines += [t["region"], "", t["prim"].format(share=_pct(summary.get("sustained_share"))), ""]
        if summary["discovery"]:
            for i, b in enumerate(summary["discovery"], 1):
                lines.append(
                    t["rule"].format(
                        i=i,
                        rule=b["rule"],
                        coverage=_pct(b["coverage"]),
                        density=_pct(b["density"]),
                        n=b["runs_in_box"],
                    )
                )
        else:
            share = summary.get("sustained_share")
            lines.append(t["no_rule_all"] if share in (0.0, 1.0) else t["no_rule"])
        lines.append("")
        if summary.get("discovery_significance"):
            lines += [t["significance"], "", _read(a / "discovery_significance.md"), ""]
        stab = summary.get("discovery_stability")
        if stab:
            same = _pct(stab["same_parameters"])
            lines += [
                t["stability"].format(n=stab["resamples"], same=same),
                "",
                _read(a / "discovery_stability.md"),
                "",
            ]
        if (a / "discovery_tradeoff.png").exists():
            lines += [f"![PRIM trade-off]({ANALYSIS_DIR}/discovery_tradeoff.png)", ""]
        if (a / "envelopes.png").exists():
            lines += [f"![trajectory envelopes]({ANALYSIS_DIR}/envelopes.png)", ""]

    lines += [t["manifest"], "", "```json", json.dumps(manifest, indent=2, ensure_ascii=False), "```", ""]
    return "\n".join(lines)


def rerun_command(folder: Path, manifest: dict[str, Any]) -> str | None:
    """The `county-sim run` command that reruns the first run of runs.csv alone (None without a scenario)."""
    import pandas as pd

    scenario = manifest.get("scenario")
    runs = folder / "runs.csv"
    if not scenario or not runs.exists():
        return None
    row = pd.read_csv(runs, nrows=1)
    if row.empty:
        return None
    exp = manifest.get("experiment", {})
    sets = dict(exp.get("fixed", {}))
    for v in exp.get("varied", []):
        value = row[v["name"]].iloc[0]
        sets[v["name"]] = bool(value) if isinstance(value, bool | np.bool_) else value.item()
    args = [f"--set {k}={str(v).lower() if isinstance(v, bool) else repr(v)}" for k, v in sets.items()]
    from ..scenario import SCENARIO_DIR

    path = Path(scenario.get("path") or scenario["name"])
    name = path.stem if path.parent.resolve() == SCENARIO_DIR.resolve() else str(path)
    return f"county-sim run {name} --steps {manifest.get('steps')} --seed {int(row['run_seed'].iloc[0])} " + " ".join(
        args
    )


def _image(match: re.Match, folder: Path | None) -> str:
    """An image, embedded as a data URI when its file is in `folder` (the page then stands alone:
    it can be mailed or attached to a paper without its analysis folder), else linked."""
    alt, src = match.group(1), match.group(2)
    path = folder / html.unescape(src) if folder is not None else None
    if path is not None and path.is_file() and path.suffix.lower() == ".png":
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'<img alt="{alt}" src="data:image/png;base64,{data}">'
    return f'<img alt="{alt}" src="{src}">'


def _inline(text: str, folder: Path | None = None) -> str:
    """Inline Markdown (code, bold, images, links) to HTML; images in `folder` are embedded."""
    out = html.escape(text, quote=False)
    out = re.sub(r"!\[([^\]]*)\]\(([^)]+)\)", lambda m: _image(m, folder), out)
    out = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', out)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def markdown_to_html(md: str, title: str, folder: Path | None = None, lang: str = "en") -> str:
    """The small Markdown subset this report uses (headings, paragraphs, lists, tables, images,
    fenced code) as a standalone HTML page: images found in `folder` are embedded, and the manifest
    (a fenced block under "## Manifest") is folded into a <details> element."""
    body: list[str] = []
    lines = md.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            block = "<pre><code>" + html.escape("\n".join(lines[i + 1 : j])) + "</code></pre>"
            if body and body[-1].startswith("<h2>") and "Manifest" in body[-1]:
                block = f"<details><summary>manifest.json ({j - i - 1} lines)</summary>{block}</details>"
            body.append(block)
            i = j + 1
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{_inline(line[level:].strip(), folder)}</h{level}>")
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in re.split(r"(?<!\\)\|", lines[i].strip())[1:-1]])
                i += 1
            head, body_rows = rows[0], [r for r in rows[2:]]
            t = ["<table>", "<tr>" + "".join(f"<th>{_inline(c, folder)}</th>" for c in head) + "</tr>"]
            t += [
                "<tr>" + "".join(f"<td>{_inline(c.replace(chr(92) + '|', '|'), folder)}</td>" for c in r) + "</tr>"
                for r in body_rows
            ]
            body.append("\n".join([*t, "</table>"]))
            continue
        elif re.match(r"^(- |\d+\. )", line):
            tag = "ul" if line.startswith("- ") else "ol"
            items = []
            while i < len(lines) and re.match(r"^(- |\d+\. )", lines[i]):
                items.append("<li>" + _inline(re.sub(r"^(- |\d+\. )", "", lines[i]), folder) + "</li>")
                i += 1
            body.append(f"<{tag}>" + "".join(items) + f"</{tag}>")
            continue
        elif line.strip():
            body.append(f"<p>{_inline(line, folder)}</p>")
        i += 1
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}img{max-width:100%}pre{background:#f6f6f6;padding:1em;"
        "overflow:auto;font-size:85%}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
        f"<style>{style}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def write_report(folder: Path, reanalyse: bool = False, lang: str = "en") -> list[str]:
    """Write report.md and report.html into `folder` in `lang` ("en" or "zh"), analysing first if the
    analysis is missing or older than the last sweep (its manifest)."""
    done = folder / ANALYSIS_DIR / "analysis.json"
    manifest = folder / "manifest.json"
    stale = not done.exists() or (manifest.exists() and manifest.stat().st_mtime > done.stat().st_mtime)
    if reanalyse or stale:
        analyze_dir(folder)
    return write_markdown_and_html(folder, build_markdown(folder, lang), lang)


def write_markdown_and_html(folder: Path, md: str, lang: str = "en") -> list[str]:
    """report.md and the same as a standalone report.html (figures in `folder` embedded), atomically;
    the page's title is the Markdown's first heading."""
    with mf.atomic_open(folder / "report.md", "w", encoding="utf-8", newline="\n") as f:
        f.write(md)
    title: Any = md.split("\n", 1)[0].lstrip("# ")
    with mf.atomic_open(folder / "report.html", "w", encoding="utf-8", newline="\n") as f:
        f.write(markdown_to_html(md, title, folder, lang))
    return ["report.md", "report.html"]
