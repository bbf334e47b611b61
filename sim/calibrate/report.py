"""`county-sim report DIR` on a calibration folder: report.md and report.html (figures embedded,
English or Chinese) with the design, run counts, seeds, what the patterns constrain, the held-back
patterns, and the robust answer from every ensemble analysis run on the same accepted.csv (a
`sweep --ensemble` analysed by `analyze`, a `compare --ensemble`, a `classifier --ensemble`) found
beside it under the same results folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .. import manifest as mf

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "# Calibration report: {name}",
        "design": "## Design",
        "prior": "- prior: {n} parameters ({groups}), uniform over each range below (Latin hypercube of {draws} draws)",
        "runs": "- runs: {draws} draws x {reps} seeds x {arms} scenarios (arms) = {sims} simulations of {steps} months"
        "; root seed {seed}; {seconds}",
        "targets": "- calibration targets: {targets}",
        "holdout": "- held back (validation only): {holdout}",
        "why": "Patterns 1-2 are what the paper observed in L County; 3-5 are its conclusions about why. A model "
        "tuned to the observed trajectory that also reproduces the conclusions has earned them (docs/calibration.md).",
        "accept": "## Accepted sets",
        "rate": "{acc} of {draws} draws are within the tolerance ({tol}; 0 means every target holds) ({rate}; 95% "
        "interval {lo}-{hi}). "
        "Convergence: the two halves of the draws give 5/50/95% posterior quantiles at most {shift} of a posterior "
        "90% width apart.",
        "constrained": "What the patterns constrain ({k} of {n} parameters; KS test of the accepted against the "
        "rejected draws, p < 0.01/{n}):",
        "none": "No parameter is constrained at this level: the targets leave every range open.",
        "validation": "## Held-back patterns",
        "val_head": "| pattern | role | accepted sets reproducing it on fresh seeds | 95% interval |"
        " on the calibration's seeds | prior draws |",
        "val_note": "The accepted sets are run again on seeds the selection never saw (as many as the acceptance used,"
        " after every replicate it saw): selecting "
        "on the targets also selects lucky seeds, and the held-back patterns compare with L County's own figures "
        "from those seeds.",
        "robust": "## Which couplings sustain the trajectory, across the accepted region",
        "no_robust": "No ensemble analysis of these accepted sets was found beside this folder. Run "
        "`county-sim sweep sobol_couplings_robust --ensemble {acc} --sets 20`, then `county-sim analyze` on it.",
        "whatif": "## What-if across the accepted region",
        "classifier": "## Classifier sensitivity across the accepted region",
        "rerun": "## Rerun one accepted set",
        "rerun_text": "Set K of `accepted.csv` with the scenario of your choice (the first seed of its draw shown):",
        "files": "## Files",
        "manifest": "## Manifest",
        "last": "last invocation: {new} runs simulated in {m} min on {where}, the rest read from the store",
        "n/a": "n/a (too few accepted draws in the first half)",
        "refine": "Two stages: every draw ran on {r1} seeds. The {screened} nearest the targets (stage-1 distance up"
        " to {cut}) and {lucky} drawn at random from the rest (each with probability {alpha}) ran on {r2} more,"
        " and a set is accepted on all {r}: {acc} are ({acc1} passed on the first {r1} seeds; {near} of the"
        " accepted were near misses at first; {out} came from outside the screen and weigh {w} each: lazy ABC,"
        " Prangle 2016). Estimated share of the posterior outside the screen: {share} (95% {lo}-{hi}); near 0"
        " means the screen was wide enough.",
        "smc": "ABC-SMC: {acc} weighted particles after {g} generations and {sims} simulations; final tolerance "
        "{eps:g} (asked {tol:g}).",
    },
    "zh": {
        "title": "# 校准报告：{name}",
        "design": "## 设计",
        "prior": "- 先验：{n} 个参数（{groups}），在下列区间内均匀分布（{draws} 个拉丁超立方抽样）",
        "runs": "- 运行：{draws} 组参数 × {reps} 个随机种子 × {arms} 个情景 = {sims} 次 {steps} 个月的模拟；"
        "根种子 {seed}；{seconds}",
        "targets": "- 校准目标：{targets}",
        "holdout": "- 保留（仅用于检验）：{holdout}",
        "why": "模式 1–2 是论文在 L 县观察到的事实；模式 3–5 是论文对其原因的结论。只按观察到的轨迹校准、"
        "却同样再现这些结论的模型，才算真正解释了结论（见 docs/calibration.md）。",
        "accept": "## 接受的参数组",
        "rate": "{draws} 组中有 {acc} 组在容差 {tol} 以内（0 表示全部目标模式成立）（{rate}；95% 区间 {lo}–{hi}）。"
        "收敛：前后两半抽样得到的后验 5/50/95% 分位数之差至多为后验 90% 区间宽度的 {shift}。",
        "constrained": "模式约束了哪些参数（{n} 个中的 {k} 个；接受组与被拒绝抽样比较的 KS 检验，p < 0.01/{n}）：",
        "none": "在此水平上没有参数受到约束：目标模式未收窄任何区间。",
        "validation": "## 保留模式的检验",
        "val_head": "| 模式 | 角色 | 接受组在新种子上再现该模式的比例 | 95% 区间 | 在校准所用种子上 | 先验抽样 |",
        "val_note": "接受的参数组在筛选时从未用过的随机种子上重新运行（种子数与接受时所用相同，"
        "排在筛选用过的全部重复之后）：按目标模式筛选参数组的同时也筛选了“幸运”的种子，"
        "而保留模式要与这些种子上 L 县自身的结果比较。",
        "robust": "## 在整个接受区域内，哪些耦合维持了轨迹",
        "no_robust": "此文件夹旁未找到对这些接受组的集成分析。请运行 "
        "`county-sim sweep sobol_couplings_robust --ensemble {acc} --sets 20`，再对其运行 `county-sim analyze`。",
        "whatif": "## 在接受区域内的政策假设比较",
        "classifier": "## 在接受区域内对轨迹判别阈值的敏感性",
        "rerun": "## 重跑某一接受组",
        "rerun_text": "以 `accepted.csv` 的第 K 组参数运行任一情景（下为其抽样的第一个种子）：",
        "files": "## 文件",
        "manifest": "## 运行清单（manifest）",
        "last": "最近一次运行新模拟 {new} 次，用时 {m} 分钟（{where}），其余读自已存结果",
        "n/a": "无法计算（前一半抽样中接受的参数组太少）",
        "refine": "两阶段：每组参数先用 {r1} 个随机种子运行。离目标最近的 {screened} 组（第一阶段距离不超过 {cut}），"
        "以及其余参数组中按概率 {alpha} 随机抽出的 {lucky} 组，再加 {r2} 个种子，按全部 {r} 个种子判断是否接受："
        "接受 {acc} 组（仅用前 {r1} 个种子时为 {acc1} 组；其中 {near} 组起初未达标；{out} 组来自筛选范围之外，"
        "每组权重 {w}：惰性 ABC，Prangle 2016）。后验落在筛选范围之外的估计比例为 {share}（95% 区间 {lo}–{hi}）；"
        "接近 0 说明筛选范围足够宽。",
        "smc": "ABC-SMC：经过 {g} 代、{sims} 次模拟，得到 {acc} 个加权粒子；最终容差 {eps:g}（要求 {tol:g}）。",
    },
}


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def _related(folder: Path) -> dict[str, list[Path]]:
    """Ensemble analyses elsewhere under folder's parent that used this folder's accepted.csv (same hash)."""
    acc = folder / "accepted.csv"
    if not acc.exists():
        return {}
    sha = mf.file_sha256(acc)
    found: dict[str, list[Path]] = {"robust": [], "compare": [], "classifier": []}
    root = folder.parent
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        if len(d.relative_to(root).parts) > 3:
            dirnames[:] = []
            continue
        dirnames[:] = [n for n in dirnames if not n.startswith("set_") and n != "analysis"]
        if "ensemble.json" in filenames:
            info = json.loads((d / "ensemble.json").read_text())
            if info.get("ensemble_sha256") == sha and (d / "analysis" / "robust.md").exists():
                found["robust"].append(d)
        elif "manifest.json" in filenames and d != folder:
            try:
                m = json.loads((d / "manifest.json").read_text())
            except ValueError:
                continue
            if m.get("ensemble_sha256") == sha:
                kind = "compare" if m.get("kind") == "compare_ensemble" else "classifier"
                found[kind].append(d)
    return {k: sorted(v) for k, v in found.items()}


def build_markdown(folder: Path, lang: str = "en") -> str:
    t = TEXT[lang]
    info = json.loads((folder / "calibration.json").read_text())
    manifest = json.loads((folder / "manifest.json").read_text())
    post = pd.read_csv(folder / "posterior.csv")
    val = pd.read_csv(folder / "validation.csv")
    conv = pd.read_csv(folder / "convergence.csv")
    groups = ", ".join(sorted(set(post["group"])))
    from .patterns import ARMS

    arms = len(ARMS) if info["model"] == "county_patterns" else 1
    minutes = manifest.get("seconds", 0) / 60
    where = f"{manifest.get('backend')} x{manifest.get('workers')}"
    seconds = t["last"].format(m=f"{minutes:.1f}", where=where, new=manifest.get("runs_new", "?"))
    out = [t["title"].format(name=info["experiment"]), "", t["design"], ""]
    out.append(t["prior"].format(n=len(post), groups=groups, draws=info["draws"]))
    out.append(
        t["runs"].format(
            draws=info["draws"],
            reps=info["replicates_per_draw"],
            arms=arms,
            steps=manifest.get("steps"),
            sims=info["draws"] * info["replicates_per_draw"] * arms,
            seed=info["root_seed"],
            seconds=seconds,
        )
    )
    sfx = "_zh" if lang == "zh" else ""
    targets, holdout = info.get(f"targets{sfx}", info["targets"]), info.get(f"holdout{sfx}", info["holdout"])
    out.append(t["targets"].format(targets="; ".join(f"**{k}** ({v})" for k, v in targets.items())))
    if holdout:
        out.append(t["holdout"].format(holdout="; ".join(f"**{k}** ({v})" for k, v in holdout.items())))
    out += ["", t["why"], "", t["accept"], ""]
    lo, hi = info["acceptance_interval"]
    if "generation" in conv:  # ABC-SMC: the tolerance generation by generation
        out.append(
            t["smc"].format(
                acc=info["accepted"],
                g=len(conv),
                sims=int(conv["simulations"].sum()),
                eps=conv["epsilon"].iloc[-1],
                tol=info["tolerance"],
            )
        )
        out += ["", "| generation | tolerance | simulations | acceptance |", "|---|---|---|---|"]
        out += [
            f"| {r.generation} | {r.epsilon:.4g} | {r.simulations} | {_pct(r.acceptance)} |" for r in conv.itertuples()
        ]
        shift = None
    else:
        shift = conv["max_quantile_shift"].iloc[-1]
    if shift is not None:
        out.append(
            t["rate"].format(
                acc=info["accepted"],
                draws=info["draws"],
                rate=_pct(info["acceptance_rate"]),
                lo=_pct(lo),
                hi=_pct(hi),
                tol=info["tolerance"],
                shift=f"{shift:.3f}",
            )
        )
    ref = info.get("refine")
    if ref:
        lo_o, hi_o = ref["outside_share_interval"]

        def frac(v: float) -> str:
            return f"{v:.2f}" if v == v else "-"

        out += [
            "",
            t["refine"].format(
                r1=ref["replicates_stage1"],
                r2=ref["replicates_added"],
                r=ref["replicates_stage1"] + ref["replicates_added"],
                screened=ref["screened"],
                cut=f"{ref['cut']:.3g}",
                lucky=ref["continued_outside"],
                alpha=f"{ref['continue']:g}",
                acc=ref["accepted"],
                acc1=ref["accepted_stage1"],
                near=ref["accepted_from_near_misses"],
                out=ref["accepted_outside"],
                w=f"{1 / ref['continue']:g}",
                share=frac(ref["outside_share"]),
                lo=frac(lo_o),
                hi=frac(hi_o),
            ),
        ]
    out.append("")
    con = post[post.get("constrained", pd.Series(False, index=post.index)).astype(bool)]
    if len(con):
        out.append(t["constrained"].format(k=len(con), n=len(post)))
        out += [
            "",
            "| parameter | prior | posterior median [5%, 95%] | 90% width / prior's | KS D |",
            "|---|---|---|---|---|",
        ]
        for r in con.itertuples():
            out.append(
                f"| `{r.parameter}` | [{r.prior_low:g}, {r.prior_high:g}] | {r.post_median:.3g} "
                f"[{r.post_q05:.3g}, {r.post_q95:.3g}] | {r.width_ratio:.2f} | {r.ks_d:.2f} |"
            )
    else:
        out.append(t["none"])
    out += [
        "",
        "![posterior](posterior.png)",
        "",
        "![pairs](pairs.png)",
        "",
        t["validation"],
        "",
        t["val_note"],
        "",
        t["val_head"],
        "|---|---|---|---|---|---|",
    ]

    def share(name: str, sets: str) -> str:
        row = val[(val["pattern"] == name) & (val["sets"] == sets)]
        if row.empty or not row.iloc[0]["n"] or row.iloc[0]["share"] != row.iloc[0]["share"]:
            return "-"
        return _pct(row.iloc[0]["share"])

    for name in [*info["targets"], *info["holdout"]]:
        a = val[(val["pattern"] == name) & (val["sets"] == "accepted")].iloc[0]
        ci = f"{_pct(a['ci_low'])}-{_pct(a['ci_high'])}" if a["n"] else "-"
        out.append(
            f"| {name} | {a['role']} | {a['reproduced']}/{a['n']} ({share(name, 'accepted')}) | {ci} | "
            f"{share(name, 'accepted, same seeds')} | {share(name, 'prior')} |"
        )
    out += ["", "![patterns](patterns.png)", ""]
    related = _related(folder)
    out += [t["robust"], ""]
    if related.get("robust"):
        for d in related["robust"]:
            rel = os.path.relpath(d, folder)
            out += [f"`{rel}` ({json.loads((d / 'ensemble.json').read_text())['experiment']}):", ""]
            text = d / "analysis" / ("robust.zh.md" if lang == "zh" else "robust.md")
            out += [text.read_text(encoding="utf-8").strip(), ""]
            out += [f"![robust]({rel}/analysis/robust_ST.png)", ""]
    else:
        out += [t["no_robust"].format(acc=folder / "accepted.csv"), ""]
    if related.get("compare"):
        out += [t["whatif"], ""]
        for d in related["compare"]:
            eff = pd.read_csv(d / "ensemble_effects.csv")
            rel = os.path.relpath(d, folder)
            out += [
                f"`{rel}`:",
                "",
                "| alternative | outcome | mean paired effect | 95% interval of the mean |"
                " effect across sets (10-90%) | sets better |",
                "|---|---|---|---|---|---|",
            ]
            for r in eff[
                eff["outcome"].isin(["sustained", "final_real_performance", "final_satisfaction"])
            ].itertuples():
                out.append(
                    f"| {r.variant} | {r.outcome} | {r.difference:+.4f} | [{r.ci_low:+.4f}, {r.ci_high:+.4f}] | "
                    f"[{r.set_q10:+.4f}, {r.set_q90:+.4f}] | {_pct(r.share_sets_better)} |"
                )
            out += ["", f"![effects]({rel}/ensemble_effects.png)", ""]
    if related.get("classifier"):
        out += [t["classifier"], ""]
        for d in related["classifier"]:
            rel = os.path.relpath(d, folder)
            out += [f"![classifier]({rel}/classifier.png)", ""]
    ps = folder / "prior_sensitivity"
    ps_md = ps / ("prior_sensitivity.zh.md" if lang == "zh" else "prior_sensitivity.md")
    if ps_md.exists():
        out += [
            ps_md.read_text(encoding="utf-8").strip(),
            "",
            "![prior sensitivity](prior_sensitivity/prior_sensitivity.png)",
            "",
        ]
    out += [t["rerun"], "", t["rerun_text"], "", "```sh"]
    acc = pd.read_csv(folder / "accepted.csv")
    if len(acc) and "run_seed" in acc:
        out.append(
            f"county-sim run l_county --params {folder / 'accepted.csv'} --row 0 --seed {int(acc['run_seed'].iloc[0])}"
        )
    elif len(acc):  # ABC-SMC keeps the model seed itself
        seed = int(acc["seed"].iloc[0])
        out.append(f"county-sim run l_county --params {folder / 'accepted.csv'} --row 0 --exact-seed {seed}")
    out += ["```", "", t["files"], ""]
    out += [f"- `{name}`" for name in info["files"]]
    out += ["", t["manifest"], "", "```json", json.dumps(info, indent=1, ensure_ascii=False)[:6000], "```", ""]
    return "\n".join(out)


def write_report(folder: Path, lang: str = "en") -> list[str]:
    from ..explore.report import write_markdown_and_html

    return write_markdown_and_html(folder, build_markdown(folder, lang), lang)
