"""Every text the classroom app shows, in English and Chinese.

`t(key, lang)` gives a label; `param_label`, `measure_label`, `phase_label` and `subsystem_label`
name model quantities in the paper's terms (the Chinese terms come from the parameter registry and
the paper); `scenario_info` and `SUBSYSTEM_INFO` are the info tab: what the paper says (a brief
quotation with its section of Bao & Liu 2025), what the model does, and questions for students.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import COUPLINGS, PARAMS, SUBSYSTEM_NAMES, SUBSYSTEMS
from ..trajectory import PHASES_ZH

LANGS: tuple[str, ...] = ("en", "zh")
LANG_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}

#: UI labels: key -> (English, Chinese).
UI: dict[str, tuple[str, str]] = {
    "title": ("County performance improvement: a classroom model", "县级政府绩效改进:课堂模型"),
    "subtitle": (
        "After Bao & Liu (2025), the practice of L County",
        "依据包国宪、刘璎(2025)《协同与耦合:欠发达地区县级政府绩效何以改进?——基于L县的实践》",
    ),
    "language": ("Language", "语言"),
    "controls": ("Run", "运行"),
    "scenario": ("Scenario", "情景"),
    "seed": ("Seed", "随机种子"),
    "seed_error": ("The seed must be a whole number ≥ 0", "随机种子须为不小于0的整数"),
    "step": ("Step", "单步"),
    "play": ("Play", "运行"),
    "pause": ("Pause", "暂停"),
    "reset": ("Reset", "重置"),
    "speed": ("Speed (months per second)", "速度(每秒月数)"),
    "levers": ("Levers", "政策杠杆"),
    "couplings": ("Couplings between subsystems", "子系统间的耦合"),
    "pending": (
        "Changed settings apply when you press Reset.",
        "修改的设置在按“重置”后生效。",
    ),
    "month": ("Month", "月份"),
    "month_of": ("Month {month} of {steps}", "第 {month} 个月 / 共 {steps} 个月"),
    "phase_now": ("Phase", "阶段"),
    "reached_in": ("month {month}", "第 {month} 月"),
    "not_reached": ("not yet", "尚未达到"),
    "finished": ("The run has reached its horizon. Press Reset to start again.", "已到模拟期末。按“重置”重新开始。"),
    "tab_performance": ("Performance", "绩效"),
    "tab_subsystems": ("Subsystems", "子系统"),
    "tab_network": ("Departments", "部门网络"),
    "tab_distributions": ("Cadres & citizens", "干部与群众"),
    "tab_whatif": ("What if", "假如……"),
    "tab_info": ("Info", "说明"),
    "monitors": ("Monitors", "监测"),
    "drive_vs_threshold": ("Drive vs inertia threshold", "驱动力与惰性阈值"),
    "engaged_departments": ("Departments engaged in reform", "投身改革的部门"),
    "k_of_n": ("{k} of {n}", "{n} 个中的 {k} 个"),
    "plot_performance": ("Real vs assessed performance, satisfaction, trust", "真实与考核绩效、满意度、信任"),
    "plot_subsystems": ("Five subsystem levels and coupling coordination degree D", "五个子系统水平与耦合协调度D"),
    "plot_drive": ("Drive vs inertia threshold", "驱动力与惰性阈值"),
    "network_title": (
        "Department network: edges by tie strength, nodes coloured by real output",
        "部门网络:连线粗细为联系强度,节点颜色为真实产出",
    ),
    "output": ("real output", "真实产出"),
    "motivation_hist": ("Cadres: motivation and competence", "干部:积极性与能力"),
    "satisfaction_town": ("Citizens' satisfaction by township", "各乡镇群众满意度"),
    "township": ("township", "乡镇"),
    "cadres": ("cadres", "干部人数"),
    "level": ("level (0–1)", "水平(0–1)"),
    "value": ("value", "取值"),
    "whatif_intro": (
        "Run the same seed twice to the horizon: once with the settings on the left (baseline) and once "
        "with one lever changed. The seed is the same, so every difference is the lever's, not chance's.",
        "用同一随机种子运行两次直到期末:一次用左侧设置(基线),一次只改变一个杠杆。"
        "种子相同,所以两者的差别全部来自这个杠杆,而不是偶然。",
    ),
    "whatif_lever": ("Lever to change", "要改变的杠杆"),
    "whatif_value": ("New value", "新取值"),
    "whatif_run": ("Run both", "运行对比"),
    "baseline": ("baseline", "基线"),
    "variant": ("changed", "改变后"),
    "whatif_table_measure": ("measure", "指标"),
    "whatif_none": ("Press “Run both” to compare.", "按“运行对比”查看比较。"),
    "sustained": ("sustained the trajectory", "持续完成改进轨迹"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "final": ("final", "期末"),
    "phase_month": ("month {phase} began", "{phase}开始月份"),
    "info_scenario": ("This scenario", "本情景"),
    "info_subsystems": ("The five subsystems", "五个子系统"),
    "info_paper": ("What the paper says", "论文怎么说"),
    "info_model": ("What the model does", "模型怎么做"),
    "info_questions": ("Questions for students", "思考题"),
    "info_file": ("Scenario file", "情景文件"),
    "paper_ref": (
        "Bao Guoxian & Liu Ying (2025), Journal of Lanzhou University (Social Sciences), no. 4. "
        "Quotations are from the Chinese original; § numbers are its sections.",
        "包国宪、刘璎(2025),《兰州大学学报(社会科学版)》第4期。引文出自原文,§为原文章节。",
    ),
    "months": ("months", "月"),
}


def t(key: str, lang: str = "en", **fmt: object) -> str:
    """The label `key` in `lang` ("en" or "zh"), formatted with `fmt`."""
    en, zh = UI[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


#: The levers the app has sliders for (docs/MODEL.md §5), then the ten couplings.
LEVERS: tuple[str, ...] = (
    "reform_resolve",
    "assessment_pressure",
    "fault_tolerance",
    "pm_strength",
    "channel_openness",
    "learning_openness",
)
SLIDERS: tuple[str, ...] = LEVERS + COUPLINGS

_LEVER_EN: dict[str, str] = {
    "reform_resolve": "Reform resolve",
    "assessment_pressure": "Assessment pressure",
    "fault_tolerance": "Fault tolerance",
    "pm_strength": "Performance-management strength",
    "channel_openness": "Citizens' channel openness",
    "learning_openness": "Learning openness",
}


def param_label(name: str, lang: str = "en") -> str:
    """A slider's label: the lever's name, or for a coupling 'DI→CL' and its channel."""
    p = PARAMS[name]
    if name in COUPLINGS:
        _, src, dst = name.split("_")
        if lang == "zh":
            return f"{src}→{dst} {p.zh}"
        return f"{src}→{dst}: {p.meaning.split(' (Model 1')[0]}"  # the app runs Model 2
    if lang == "zh":
        return p.zh
    return _LEVER_EN.get(name, name.replace("_", " ").capitalize())


#: Measures shown in the app: name -> (English, Chinese).
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "real_performance": ("real performance", "真实绩效"),
    "assessed_performance": ("assessed performance", "考核绩效"),
    "benchmark": ("benchmark county", "标杆县"),
    "satisfaction": ("satisfaction", "群众满意度"),
    "trust": ("trust", "政府信任"),
    "drive": ("drive", "驱动力"),
    "inertia_threshold": ("inertia threshold", "惰性阈值"),
    "resources": ("resources", "资源"),
    "pm_maturity": ("PM maturity", "绩效管理成熟度"),
    "gaming_share": ("gaming share", "数据注水比例"),
    "coupling_D": ("coupling coordination degree D", "耦合协调度D"),
    "gap_closure": ("gap to benchmark closed", "与标杆差距的缩小比例"),
    "trajectory_score": ("trajectory score", "轨迹得分"),
    "final_real_performance": ("real performance", "真实绩效"),
    "final_assessed_performance": ("assessed performance", "考核绩效"),
    "final_satisfaction": ("satisfaction", "群众满意度"),
    "final_coupling_degree": ("coupling coordination degree D", "耦合协调度D"),
    "motivation": ("motivation", "干部积极性"),
    "competence": ("competence", "干部能力"),
    **{f"level_{k}": SUBSYSTEM_NAMES[k] for k in SUBSYSTEMS},
}


def measure_label(name: str, lang: str = "en") -> str:
    en, zh = MEASURE_LABELS[name]
    return zh if lang == "zh" else en


def phase_label(phase: str, lang: str = "en") -> str:
    """start–build–activate–deliver (启动—蓄力—激活—发力); 'none' before the start."""
    if lang == "zh":
        return PHASES_ZH[phase]
    return "not started" if phase == "none" else phase


def subsystem_label(key: str, lang: str = "en") -> str:
    en, zh = SUBSYSTEM_NAMES[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Info:
    """One info card: the paper (section, brief quotation, gloss), the model, questions."""

    section: str
    quote: str  # the paper's words, in Chinese
    paper: tuple[str, str]  # (English, Chinese) what the paper says
    model: tuple[str, str]
    questions: tuple[tuple[str, str], ...]


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


SUBSYSTEM_INFO: dict[str, Info] = {
    "DI": Info(
        "§4(一); §3(一)–(二)",
        "“问题的识别和诊断”与政府绩效改进“行动基础”的搭建相连接,成为……必要性投入",
        (
            "Competition between counties and a new leadership's change of mind create pressure that "
            "triggers improvement; diagnosing problems and building an action base (talent, funds, land, "
            "policy; an incentive platform; task forces) are the inputs. Together they take the first step.",
            "县域竞争和主政领导观念转变形成的压力触发绩效改进;问题的识别诊断与“行动基础”(人才、资金、"
            "土地、政策,激励平台,工作专班)构成必要投入,二者形成“驱动—投入”子系统,迈出改进的第一步。",
        ),
        (
            "Each leader compares its reform signal (its own resolve, the top leader's if that one has committed, "
            "assessment pressure, the gap to the benchmark county, and pulses such as a higher-level visit) with "
            "the launch threshold (等靠要) and commits or not; the top leader's commitment is the county's start. A "
            "committed leadership diagnoses problems at the front line (hidden problems are listed), builds the "
            "action base and brings in resources. Resources raise departments' work capacity (k_DI_ME), the "
            "action base lets leaders hold more task forces (k_DI_CL), and outside comparison lists problems and "
            "brings resources (k_AI_DI).",
            "每位领导把自己的改革信号(个人决心、一把手已投身时一把手的决心、考核压力、与标杆县的差距,以及上级视"
            "察等冲击)与启动阈值(“等靠要”)比较,决定是否投身改革;一把手投身即全县启动。投身改革的领导班子深"
            "入一线诊断问题(隐藏的问题被列入清单),搭建行动基础并引入资源。资源提高部门的工作能"
            "力(k_DI_ME),行动基础让领导能同时召集更多专班(k_DI_CL),对外比较找出问题并带来资"
            "源(k_AI_DI)。",
        ),
        (
            (
                "Watch drive and the inertia threshold on the monitor. What has to happen for the county to start?",
                "观察监测图中的驱动力和惰性阈值:县要启动改进,需要发生什么?",
            ),
            (
                "Open teach_drive_input: the county starts, but does it deliver? Why is a start not yet improvement?",
                "打开 teach_drive_input 情景:县启动了,但发力了吗?为什么启动还不等于改进?",
            ),
        ),
    ),
    "CL": Info(
        "§3(四); §4(一)",
        "“遇到难题了,领导就召集相关部门,十几个部门开会解决……一次不行两次、两次不行三次。”",
        (
            "The top leader's vision and convening power (collaborative leadership) and the capacity to link "
            "departments around concrete tasks overcome the 'own plot' (一亩三分地) silo and make scarce "
            "resources go further.",
            "一把手的战略眼光与统筹能力(协同领导)和围绕具体任务的联动能力相辅相成,打破“一亩三分地”,"
            "使有限资源得到最大化利用。",
        ),
        (
            "A problem that needs several departments moves at a slow solo pace unless a task force works it. "
            "Leaders, whose attention is limited, convene task forces on the most pressing cross-department "
            "problems; joint work strengthens the ties between the departments involved, and unused ties fade. "
            "Task forces and strong ties speed cross-department problems up (k_CL_ME); the lead department's silo "
            "slows them, less so where cadres share public values (k_GC_CL). Leaders who convene also open the "
            "county up (k_CL_AI). The Departments tab draws the network.",
            "需要多个部门的问题,若没有专班推进,只能按单个部门的慢节奏前进。领导注意力有限,就最紧迫的跨部门问题"
            "召集专班;共同工作加强相关部门之间的联系,不用的联系会衰减。专班和强联系加快跨部门问题的解"
            "决(k_CL_ME);牵头部门的本位主义拖慢进度,干部共享公共价值时拖累较小(k_GC_CL)。善于"
            "召集的领导也使全县更开放(k_CL_AI)。“部门网络”页画出这张网络。",
        ),
        (
            (
                "Step the model and watch the department network. Which domains link first?",
                "单步运行并观察部门网络:哪些领域的部门先联系起来?",
            ),
            (
                "In the What-if tab, set k_CL_ME to 0. What does linkage need from the other subsystems to pay off?",
                "在“假如……”页把 k_CL_ME 设为0。联动要产生效果,还需要其他子系统提供什么?",
            ),
        ),
    ),
    "GC": Info(
        "§3(一); §4(一)",
        "提炼符合自身需求的公共价值不但能持续纠正并预防绩效偏差,更能从根源上转变其绩效观和改进思路",
        (
            "Public value gathered from citizens (the 12345 hotline, satisfaction visits, deputies' "
            "proposals), role models and party-building guidance point the way; action change (the "
            "front-line work method, practices turned into standing rules) follows.",
            "通过12345热线、满意度大走访、代表委员提案等收集民意,提炼公共价值;树立典型、党建引领为变革"
            "树立标杆;一线工作法、经验做法制度化带来行动变革,形成“引领—变革”子系统。",
        ),
        (
            "Citizens complain about their own township's problems through open channels, and complaints put "
            "those problems on the list; participation (deputies' proposals) lists more and makes public value "
            "clearer (k_AI_GC). Clear public value makes the indicators count citizens: complaint problems get "
            "priority, solved complaints score, and closures on paper that citizens expose cost the department "
            "and deter gaming (k_GC_ME). Cadres internalise public value from role models and leaders. Practices "
            "that keep solving problems become standing rules (k_ME_GC), which outlast the leaders who began "
            "them.",
            "群众通过开放的渠道投诉本乡镇的问题,投诉把这些问题列入清单;有效参与(代表委员提案)列出更多问题,并"
            "使公共价值更清晰(k_AI_GC)。清晰的公共价值让考核指标把群众算进去:投诉问题优先处理,解决投诉"
            "得分,被群众揭穿的纸面销号扣分并抑制数据注水(k_GC_ME)。干部从典型和领导身上内化公共价值。持"
            "续解决问题的做法固化为长效制度(k_ME_GC),比开创它们的领导更长久。",
        ),
        (
            (
                "Compare real and assessed performance in pressure_only and in l_county. Why does the gap differ?",
                "比较 pressure_only 与 l_county 中真实绩效和考核绩效的差距。为什么不同?",
            ),
            (
                "Close citizens' channels (channel openness 0) in the What-if tab. What happens to satisfaction?",
                "在“假如……”页把民意渠道开放度设为0。群众满意度会怎样?",
            ),
        ),
    ),
    "ME": Info(
        "§3(五)–(六); §5 第三",
        "政府绩效管理是推进欠发达地区县级政府绩效改进的利器",
        (
            "The performance-management system (goals, differentiated indicators, monitoring and 'register "
            "and supervise' 挂号督办, feedback, incentives and accountability) and execution capacity "
            "(training, responsibility lists, the right person for the job) carry the key actions. "
            "Evaluation keeps finding gaps and feeds them back to every stage.",
            "绩效管理体系(目标、差异化指标、监控与“挂号督办”、反馈、激励与问责)与执行力建设(培训、"
            "职责清单、人岗相适)承载关键行动;评价不断发现差距并反馈到各个阶段。",
        ),
        (
            "A department's head engages in reform when its signal passes the head's own threshold: its "
            "supervising leader's attention backed by the top leader's resolve, incentives (pay, promotion by "
            "merit), engaged departments among its ties, assessment pressure (k_ME_DI) and standing rules, less "
            "the blame fear that fault tolerance does not cover. Engagement spreads as a cascade, or stalls. "
            "Cadres split effort between real work, gaming and idleness; departments work the listed problems by "
            "priority, and some closures are on paper only. Performance management ranks departments; the ranking "
            "presses heads (k_ME_DI) and evaluation lists the problems it finds: the improvement loop.",
            "部门负责人的改革信号超过其自身阈值时,部门投身改革。信号包括:分管领导的注意力(以一把手的决心为后"
            "盾)、激励(绩效薪酬、择优提拔)、有联系的部门中已投身的部门、考核压力(k_ME_DI)和长效制"
            "度,减去容错纠错未覆盖的问责顾虑。投身由此像连锁反应一样扩散,或者停滞。干部在实干、数据注水和懈怠之"
            "间分配精力;部门按优先级处理清单上的问题,有些销号只在纸面上。绩效管理对部门排名,排名给负责人施"
            "压(k_ME_DI),评价发现的问题被列入清单:形成改进循环。",
        ),
        (
            (
                "Cut the feedback loop (k_ME_DI = 0) in the What-if tab. When does performance stop rising?",
                "在“假如……”页切断反馈回路(k_ME_DI = 0)。绩效在什么时候停止上升?",
            ),
            (
                "Run frozen_pm. Which phase does the county reach, and which does it miss?",
                "运行 frozen_pm 情景。县达到了哪个阶段,又没能达到哪个阶段?",
            ),
        ),
    ),
    "AI": Info(
        "§3(三); §4(一)",
        "“带着干部省内学习、市内学习,带他们跑了发达的市,让他们去看”",
        (
            "Learning from developed counties, organisational flexibility, open channels between layers, "
            "and the participation of citizens, deputies and social organisations bring in information, "
            "resources and support from outside.",
            "向发达县区学习、增强组织弹性、打通层级间沟通渠道,以及群众、人大代表、政协委员和社会组织的"
            "有效参与,为绩效改进带来外部的信息、资源和支持,形成“适应—互动”子系统。",
        ),
        (
            "Departments visit developed counties, more often in an open county that values learning: cadres' "
            "competence and departments' capacity move toward the benchmark county's and practices are brought "
            "back, while comparison lists problems at home and brings outside resources (k_AI_DI). Openness rises "
            "with learning, campaigns and leaders who convene (k_CL_AI). Citizens' participation feeds public "
            "value (k_AI_GC). Competent cadres leave an unattractive county; newcomers bring their own "
            "thresholds.",
            "开放且重视学习的县,部门更常赴发达县区学习考察:干部能力和部门能力向标杆县靠拢,带回经验做法;对比找"
            "出的问题被列入清单,并带来外部资源(k_AI_DI)。开放度随学习、专项活动和善于召集的领导提"
            "高(k_CL_AI)。群众的有效参与充实公共价值(k_AI_GC)。缺乏吸引力的县会流失能干的干"
            "部,新来的干部带着各自的阈值。",
        ),
        (
            (
                "Open teach_adaptation_interaction. Can a county learn its way out of the trap "
                "without managing performance?",
                "打开 teach_adaptation_interaction 情景:不搞绩效管理,县能靠学习走出低绩效陷阱吗?",
            ),
            (
                "Which coupling from adaptation–interaction matters most? Test each with the What-if tab.",
                "“适应—互动”发出的哪条耦合最重要?用“假如……”页逐一检验。",
            ),
        ),
    ),
}


SCENARIO_INFO: dict[str, Info] = {
    "l_county": Info(
        "§2(一); §3(一)–(六)",
        "新书记上任后,“正好发展到了一个低谷……其他兄弟县区都在不断的发展。”",
        (
            "L County, an underdeveloped county in an old revolutionary base area with persistently low "
            "performance, started to improve after a higher-level visit (November 2013) and a new leadership "
            "with strong resolve: campaigns on work style and emancipation of thinking, resources brought in, "
            "an incentive platform, performance management, open citizens' channels and learning visits.",
            "L县地处革命老区、绩效长期低迷。2013年11月上级视察后,新一届领导班子以强烈的改革决心开展"
            "“作风建设年”和“解放思想大讨论”,引入资源、搭建激励平台、建设绩效管理体系、畅通民意渠道、"
            "带干部外出学习,绩效逐步改进。",
        ),
        (
            "The baseline: a trapped county (low performance, inertia 0.6) gets a higher-level visit in month "
            "1 and a team with resolve 0.85; the two campaigns follow once the top leader's diagnosis has "
            "named enough problems; the successor team after 60 months has less personal resolve. In most "
            "seeds the county starts within months, departments engage one after another, and it reaches all "
            "four phases.",
            "基线情景:处于陷阱中的县(低绩效,惰性0.6)在第1个月迎来上级视察,领导班子改革决心0.85;一把手的"
            "诊断找出足够多的问题后开展两项活动;60个月后接任班子的个人决心较弱。大多数随机种子下,县在几个月内"
            "启动,各部门相继投身改革,走完四个阶段。",
        ),
        (
            (
                "Press Play. In which month is each phase reached? Which measure moves first, and which last?",
                "按“运行”。每个阶段在第几个月达到?哪个指标最先变化,哪个最后?",
            ),
            (
                "When the first team leaves (month 61), does performance fall? What kept it going?",
                "第一届班子离任(第61个月)后绩效下降了吗?是什么让改进延续下去?",
            ),
        ),
    ),
    "status_quo": Info(
        "§2(一); §3(一)",
        "早期,L县行政环境低迷守旧、干部作风懒散,其政府绩效一直处于较低水平",
        (
            "Before the new team: a depressed, conservative administrative climate, lax cadres, the "
            "'wait, rely, ask' (等靠要) habit; backward concepts are the first obstacle.",
            "新班子上任前:行政环境低迷守旧、干部作风懒散、“等靠要”;观念与认知落后是绩效改进的首要阻碍。",
        ),
        (
            "No visit, weak resolve (0.2), weak levers. Drive stays below the inertia threshold, so nothing "
            "starts while the benchmark county keeps improving: the gap widens.",
            "没有上级视察,改革决心弱(0.2),各项杠杆都弱。驱动力始终低于惰性阈值,改进无从启动,而标杆县"
            "仍在进步:差距拉大。",
        ),
        (
            (
                "Play to the end. Which phase is reached? What happens to the gap to the benchmark?",
                "运行到期末。达到了哪个阶段?与标杆县的差距怎样变化?",
            ),
            (
                "Raise reform resolve in the What-if tab. Does the county start? Does it deliver? Why not?",
                "在“假如……”页提高改革决心。县启动了吗?发力了吗?为什么没有?",
            ),
        ),
    ),
    "developed_county": Info(
        "§5",
        "发达地区则更需要从政府自身出发,从政府绩效管理体系优化、预算绩效管理、信息化建设……等方面入手",
        (
            "Developed counties improve differently: by refining performance management, budgeting, digital "
            "government and institutional innovation rather than by borrow–accumulate–exert (借力—蓄力—发力).",
            "发达地区县级政府的改进路径不同:从绩效管理体系优化、预算绩效管理、信息化建设、体制机制创新等"
            "方面入手,而不是“借力—蓄力—发力”。",
        ),
        (
            "Starts near the frontier with capacity, resources, mature PM, open channels and little inertia; "
            "the benchmark is higher.",
            "起点接近前沿:能力、资源、成熟的绩效管理、开放的渠道、惰性低;标杆也更高。",
        ),
        (
            (
                "Compare the phase months with l_county. Which phases pass quickly here, and why?",
                "与 l_county 比较各阶段的月份。哪些阶段在这里很快就过去了?为什么?",
            ),
            (
                "Which lever still matters for a developed county? Test two in the What-if tab.",
                "对发达县来说哪个杠杆仍然重要?在“假如……”页检验两个。",
            ),
        ),
    ),
    "pressure_only": Info(
        "引言; §3(四); §3(六)",
        "忙于完成上级下达的工作任务和接踵而至的经济考核目标",
        (
            "Competitive assessment pressure is one of the six obstacles: a county busy meeting targets from "
            "above, with a 'GDP-first' (唯GDP) orientation, lacks a clear view of its own development.",
            "竞争考核压力是六大阻碍之一:忙于完成上级任务和经济考核目标、“唯GDP”导向的县,对自身发展"
            "缺乏清晰认识和战略规划。",
        ),
        (
            "High assessment pressure and pay on assessed results, but weak resolve, little fault tolerance, "
            "closed channels and GDP-first priorities. Effort moves to what is measured and reports are "
            "inflated (gaming), so assessed performance runs ahead of real performance (Holmström & Milgrom "
            "1991; Bevan & Hood 2006).",
            "考核压力高、薪酬挂钩考核结果,但改革决心弱、容错少、民意渠道关闭、经济优先。努力转向被考核的"
            "事项,上报数据注水,考核绩效跑在真实绩效前面(Holmström & Milgrom 1991;Bevan & Hood 2006)。",
        ),
        (
            (
                "Watch real and assessed performance and the gaming share. When do they part?",
                "观察真实绩效、考核绩效和数据注水比例。两者从何时开始分离?",
            ),
            (
                "Which single lever closes the gap best: channel openness, fault tolerance or less pressure?",
                "哪一个杠杆最能缩小这个差距:民意渠道开放度、容错纠错,还是降低考核压力?",
            ),
        ),
    ),
    "no_action_base": Info(
        "§5 第二; §3(二)",
        "行动基础搭建则是其开展绩效改进行动的基础和保障,在整个绩效改进过程中占据独特地位",
        (
            "The action base (resources brought in, cadre incentives, better management, linkage mechanisms) "
            "is the foundation and guarantee of improvement.",
            "以资源引入整合、干部激励、管理水平提升及协同联动制度建立为主要内容的行动基础,是开展绩效改进"
            "行动的基础和保障。",
        ),
        (
            "The same drive and campaigns as l_county, but no resources brought in, no fault tolerance, no "
            "performance pay and no initial action base. The county starts but rarely delivers.",
            "驱动力和活动与 l_county 相同,但不引入资源、没有容错纠错和绩效奖金、初始行动基础为零。"
            "县能启动,但很少能发力。",
        ),
        (
            (
                "Which phases are reached, and which is missing? Compare with l_county at the same seed.",
                "达到了哪些阶段,缺了哪一个?与同一种子下的 l_county 比较。",
            ),
            (
                "Put fault tolerance back alone in the What-if tab. How much does it recover?",
                "在“假如……”页只恢复容错纠错,能挽回多少?",
            ),
        ),
    ),
    "frozen_pm": Info(
        "§5 第三; §3(六)",
        "L县通过多种方式使政府绩效管理成为其绩效改进的利器",
        (
            "Performance management runs through the whole process as the 'sharp tool': goals, indicators, "
            "monitoring, feedback and incentives.",
            "政府绩效管理作为“利器”贯穿绩效改进全过程:目标、指标、监控、反馈和激励。",
        ),
        (
            "Everything as in l_county, except that performance-management maturity stays at its starting "
            "level: no better indicators, monitoring, incentive linkage or feedback.",
            "其他与 l_county 相同,只是绩效管理成熟度冻结在初始水平:指标、监控、激励挂钩与反馈都不再改进。",
        ),
        (
            (
                "Which phase does the county reach? What happens to the gaming share?",
                "县达到了哪个阶段?数据注水比例怎样变化?",
            ),
            (
                "Is the loss bigger than cutting any single coupling? Try k_ME_DI = 0 on l_county.",
                "这种损失是否比切断任何一条耦合都大?在 l_county 上试试 k_ME_DI = 0。",
            ),
        ),
    ),
    "closed_channels": Info(
        "§3(一); §5 第五",
        "要充分重视公共价值并将其作为推进绩效改进的底层逻辑",
        (
            "Public value is the 'bottom logic' of improvement: satisfaction as a benchmark, channels that let "
            "citizens supervise, evaluate and take part.",
            "公共价值是推进绩效改进的底层逻辑:以群众满意度为标杆,开拓渠道引导群众监督、评价和参与。",
        ),
        (
            "l_county with citizens' channels closed: no 12345 hotline, no satisfaction visits, no deputies' "
            "proposals. Indicators stay where the leaders' priorities put them.",
            "关闭民意渠道的 l_county:没有12345热线、满意度走访和代表委员提案;考核指标停留在领导自身的优先顺序上。",
        ),
        (
            (
                "Compare with l_county at the same seed: when is delivery reached, and what is final satisfaction?",
                "与同一种子下的 l_county 比较:何时达到发力阶段?期末满意度是多少?",
            ),
            (
                "Why does closing channels slow the county down even though nobody works less?",
                "没有人少干活,为什么关闭民意渠道仍会拖慢改进?",
            ),
        ),
    ),
    "leadership_turnover": Info(
        "§2(一); §3(五)",
        "上下两届领导班子薪火相传",
        (
            "Two leadership terms passed the torch: practices that were made into standing rules outlived "
            "the leaders who started them.",
            "上下两届领导班子薪火相传:固化为长效制度的经验做法比开创它们的领导更长久。",
        ),
        (
            "l_county whose successor team (month 61) has little resolve, public-value commitment or "
            "collaborative skill. What was institutionalised persists; what only the leaders carried fades.",
            "第61个月接任的领导班子改革决心、公共价值承诺和协同能力都很弱。已制度化的部分得以延续,只靠领导"
            "个人推动的部分逐渐消退。",
        ),
        (
            (
                "Watch the months after 61. Which measures fall, and which hold?",
                "观察第61个月之后:哪些指标下降,哪些保持?",
            ),
            (
                "Lower pm_strength in the What-if tab. Does the handover become more fragile?",
                "在“假如……”页降低绩效管理投入。交接会变得更脆弱吗?",
            ),
        ),
    ),
    "teach_drive_input": Info(
        "§4(一)",
        "“驱动—投入”子系统逐渐形成,促使欠发达地区县级政府破旧立新并迈出政府绩效改进的第一步",
        SUBSYSTEM_INFO["DI"].paper,
        (
            "Teaching scenario: a trapped county gets a visit and a resolute team, but every coupling is cut, "
            "so nothing carries the inputs on to the other subsystems.",
            "教学情景:陷阱中的县迎来上级视察和有决心的班子,但所有耦合都被切断,投入无法传递到其他子系统。",
        ),
        SUBSYSTEM_INFO["DI"].questions,
    ),
    "teach_coordination_linkage": Info(
        "§3(四); §4(一)",
        "不断打破部门界限和利益边界",
        SUBSYSTEM_INFO["CL"].paper,
        (
            "Teaching scenario: only the couplings that build and use linkage work (k_DI_CL, k_CL_ME); "
            "the rest are cut.",
            "教学情景:只有构建和利用联动的耦合(k_DI_CL、k_CL_ME)起作用,其余切断。",
        ),
        SUBSYSTEM_INFO["CL"].questions,
    ),
    "teach_guidance_change": Info(
        "§3(一); §4(一)",
        "公共价值是支持政府绩效持续改进的根本依据",
        SUBSYSTEM_INFO["GC"].paper,
        (
            "Teaching scenario: channels wide open; only the couplings that carry public value (k_GC_ME, "
            "k_GC_CL, k_AI_GC) work.",
            "教学情景:民意渠道充分开放;只有传递公共价值的耦合(k_GC_ME、k_GC_CL、k_AI_GC)起作用。",
        ),
        SUBSYSTEM_INFO["GC"].questions,
    ),
    "teach_management_execution": Info(
        "§3(五)–(六); §4(一)",
        "“只有通过考核才能督促工作,如果不考核,这项工作就无所谓了”",
        SUBSYSTEM_INFO["ME"].paper,
        (
            "Teaching scenario: strong PM investment, pay and fault tolerance; only the couplings into and out "
            "of management–execution (k_DI_ME, k_ME_DI, k_ME_GC) work.",
            "教学情景:绩效管理投入、绩效薪酬和容错纠错都强;只有进出“管理—执行”的耦合"
            "(k_DI_ME、k_ME_DI、k_ME_GC)起作用。",
        ),
        SUBSYSTEM_INFO["ME"].questions,
    ),
    "teach_adaptation_interaction": Info(
        "§3(三); §4(一)",
        "在系统外部寻求答案以优化内部系统状态",
        SUBSYSTEM_INFO["AI"].paper,
        (
            "Teaching scenario: learning and channels open; only the couplings of adaptation–interaction "
            "(k_CL_AI, k_AI_DI, k_AI_GC) work.",
            "教学情景:学习和民意渠道开放;只有“适应—互动”的耦合(k_CL_AI、k_AI_DI、k_AI_GC)起作用。",
        ),
        SUBSYSTEM_INFO["AI"].questions,
    ),
}


def scenario_info(name: str, description: str = "", paper: str = "") -> Info:
    """The info card of a scenario; a scenario file the app has no card for gets one from its own
    `description` and `paper` fields."""
    if name in SCENARIO_INFO:
        return SCENARIO_INFO[name]
    return Info(
        paper,
        "",
        (description, description),
        (description, description),
        (
            (
                "Which phases does this scenario reach, and in which months?",
                "这个情景达到了哪些阶段?分别在第几个月?",
            ),
        ),
    )
