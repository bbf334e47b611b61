"""Compiled kernels for Model 2's heaviest rules (ENGINEERING.md: a compiled kernel where a benchmark
shows it pays; `benchmarks/run.py --model 2` prints the cost per rule).

Each kernel loops over the runs of the batch and, inside a run, over its agents or problem slots, in
the same order and with the same floating-point operations as the NumPy rule it replaces, so a run
alone and in a batch stay bit-identical and the NumPy twin (kept in the rule modules, used by the
tests) agrees with it. Every run takes the kernel path: `Engine2.rules` is `STEP_RULES`.

The mechanisms are documented where their NumPy twins live; a kernel only says which twin it is.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# cache=True: a compiled kernel is written beside this file's bytecode, so only the first process on
# a machine pays the compile (a few seconds); boundscheck stays off (the twins' tests cover indexing)
JIT = {"cache": True, "nogil": True}


@njit(**JIT)
def citizens_month(
    town_perf,  # (B, T, D)
    township,  # (C,)
    needs,  # (B, C, D)
    expectation,  # (B, C) updated
    satisfaction,  # (B, C) updated
    trust,  # (B, C) updated
    voice_propensity,  # (B, C)
    participation_propensity,  # (B, C)
    neighbours,  # (B, C, k)
    u_hearing,  # (B, C)
    u_voice,  # (B, C)
    u_joining,  # (B, C)
    town_size,  # (T,)
    openness,  # (B,)
    expectation_adaptation,  # (B,)
    opinion_confidence,  # (B,)
    trust_loss_ratio,  # (B,)
    voice_cost,  # (B,)
    channel_openness,  # (B,)
    sat_floor,
    sat_slope,
    sat_surprise,
    sat_speed,
    word_of_mouth,
    trust_gain,
    voice_noise,
    join_noise,
    openness_in_voice,
    participation_speed,
    complaints,  # (B, T, D) out
    town_participation,  # (B, T) out
    wom_blocked,  # (B,) out
    voice_rate,  # (B,) out
    participation_rate,  # (B,) updated
):
    """The twin of citizens.satisfaction, word_of_mouth, trust and voice_and_participation, in that order."""
    B, C, D = needs.shape
    T = town_size.shape[0]
    k = neighbours.shape[2]
    diff = np.empty(C)
    joined_town = np.empty(T)
    for b in range(B):
        # satisfaction: expectancy-disconfirmation
        for c in range(C):
            t = township[c]
            q = 0.0
            for d in range(D):
                q += needs[b, c, d] * town_perf[b, t, d]
            e = expectation[b, c]
            target = sat_floor + sat_slope * q + sat_surprise * (q - e)
            target = min(max(target, 0.0), 1.0)
            satisfaction[b, c] += sat_speed * (target - satisfaction[b, c])
            expectation[b, c] = e + expectation_adaptation[b] * (q - e)
        # word of mouth: every citizen hears the satisfaction all held before anyone moved
        if k > 0:
            blocked = 0
            for c in range(C):
                nb = neighbours[b, c, int(u_hearing[b, c] * k)]
                diff[c] = satisfaction[b, nb] - satisfaction[b, c]
            for c in range(C):
                if abs(diff[c]) < opinion_confidence[b]:
                    satisfaction[b, c] += word_of_mouth * diff[c] * 1.0
                else:
                    satisfaction[b, c] += word_of_mouth * diff[c] * 0.0
                    blocked += 1
            wom_blocked[b] = 1.0 - (C - blocked) / C
        # trust: lost faster than gained
        for c in range(C):
            dt = satisfaction[b, c] - trust[b, c]
            w = 1.0 if dt > 0 else trust_loss_ratio[b]
            v = trust[b, c] + trust_gain * w * dt
            trust[b, c] = min(max(v, 0.0), 1.0)
        # voice and participation
        cost = voice_cost[b] * (1.0 - channel_openness[b] * (1.0 - openness_in_voice + openness_in_voice * openness[b]))
        join_w = (1.0 - openness_in_voice) * channel_openness[b] + openness_in_voice * openness[b]
        for t in range(T):
            joined_town[t] = 0.0
            for d in range(D):
                complaints[b, t, d] = 0.0
        n_voice = 0
        n_joined = 0
        for c in range(C):
            t = township[c]
            grievance = (1.0 - satisfaction[b, c]) * voice_propensity[b, c]
            if grievance > cost + voice_noise * u_voice[b, c]:
                n_voice += 1
                top = 0
                best = needs[b, c, 0] * (1.0 - town_perf[b, t, 0])
                for d in range(1, D):
                    v = needs[b, c, d] * (1.0 - town_perf[b, t, d])
                    if v > best:
                        best = v
                        top = d
                complaints[b, t, top] += 1.0
            part = participation_propensity[b, c] * trust[b, c] * join_w
            if part > join_noise * u_joining[b, c]:
                n_joined += 1
                joined_town[t] += 1.0
        for t in range(T):
            for d in range(D):
                complaints[b, t, d] = complaints[b, t, d] / town_size[t]
            town_participation[b, t] = joined_town[t] / town_size[t]
        voice_rate[b] = n_voice / C
        participation_rate[b] += participation_speed * (n_joined / C - participation_rate[b])


@njit(**JIT)
def work_pool(
    status,  # (B, P) int8, updated: solved -> free, closed on paper -> paper
    lead,  # (B, P)
    partner,  # (B, P, 2)
    difficulty,  # (B, P)
    progress,  # (B, P) updated
    paper,  # (B, P) updated
    age,  # (B, P) updated
    source,  # (B, P)
    key,  # (B, P) bool
    taskforce,  # (B, P) bool
    ties,  # (B, J, J)
    engaged_factor,  # (B, J)
    silo,  # (B, J): the lead's silo less what shared values ease
    dept_work,  # (B, J)
    gaming,  # (B, J)
    priority_key,  # (B,)
    priority_age,  # (B,)
    priority_complaint,  # (B,)
    complaint_weight,  # (B,)
    k_cl_me,  # (B,)
    solo_factor,  # (B,)
    complaint_source,
    months_per_year,
    status_free,
    status_open,
    status_paper,
    prob_tie,  # (B, P) out
    joint,  # (B, P) out
    priority_used,  # (B, P) out
    solved,  # (B, P) bool out
    closed_paper,  # (B, P) bool out
    dept_output,  # (B, J) out
    dept_reported,  # (B, J) out
    dept_citizen_output,  # (B, J) out
    n_solved,  # (B, J) out
    backlog,  # (B, J) out
    solved_count,  # (B,) out
    solved_cross,  # (B,) out
):
    """The twin of management_execution.work's problem-pool part (with joint_factor and priority)."""
    B, P = status.shape
    J = dept_work.shape[1]
    total = np.empty(J)
    hard_total = np.empty(J)
    hard = np.empty(P)
    paper_sum = np.empty(J)
    for b in range(B):
        for j in range(J):
            total[j] = 0.0
            hard_total[j] = 0.0
            paper_sum[j] = 0.0
            dept_output[b, j] = 0.0
            dept_citizen_output[b, j] = 0.0
            n_solved[b, j] = 0.0
            backlog[b, j] = 0.0
        # priority, joint factor and each department's total priority
        for i in range(P):
            is_open = status[b, i] == status_open
            complaint = (1.0 if source[b, i] == complaint_source else 0.0) * complaint_weight[b]
            pr = (
                1.0
                + priority_key[b] * (1.0 if key[b, i] else 0.0)
                + priority_age[b] * age[b, i] / months_per_year
                + priority_complaint[b] * complaint
            )
            pr = pr * (1.0 if is_open else 0.0)
            priority_used[b, i] = pr
            ld = lead[b, i]
            total[ld] += pr
            ok = 0.0
            tie = 1.0
            n = 0.0
            for k in range(2):
                pk = partner[b, i, k]
                if pk >= 0:
                    ok += engaged_factor[b, pk]
                    t = ties[b, ld, pk]
                    if t < tie:
                        tie = t
                    n += 1.0
            if partner[b, i, 0] >= 0:
                ok = ok / max(n, 1.0)
                prob_tie[b, i] = tie
                link = 1.0 if taskforce[b, i] else tie
                coop = k_cl_me[b] * link * ok * (1.0 - silo[b, ld])
                jf = solo_factor[b] + n * (1.0 - solo_factor[b]) * coop
            else:
                prob_tie[b, i] = -1.0
                jf = 1.0
            joint[b, i] = jf
            d = max(difficulty[b, i], 1e-9)
            hard[i] = pr * d / max(jf, 1e-9)
            hard_total[ld] += hard[i]
        # work and gaming, then what is solved or closed on paper
        n_sol = 0.0
        n_cross = 0.0
        for i in range(P):
            st = status[b, i]
            ld = lead[b, i]
            is_open = st == status_open
            if is_open:
                backlog[b, ld] += 1.0
                d = max(difficulty[b, i], 1e-9)
                share = priority_used[b, i] / max(total[ld], 1e-12)
                progress[b, i] += share * dept_work[b, ld] * joint[b, i] / d
                hard_share = hard[i] / max(hard_total[ld], 1e-12)
                paper[b, i] += hard_share * gaming[b, ld] / d
            if st != status_free:
                age[b, i] += 1.0
            s_ok = is_open and progress[b, i] >= 1.0
            p_ok = is_open and (not s_ok) and paper[b, i] >= 1.0
            solved[b, i] = s_ok
            closed_paper[b, i] = p_ok
            if s_ok:
                dept_output[b, ld] += difficulty[b, i]
                n_solved[b, ld] += 1.0
                if source[b, i] == complaint_source:
                    dept_citizen_output[b, ld] += difficulty[b, i]
                n_sol += 1.0
                if partner[b, i, 0] >= 0:
                    n_cross += 1.0
                status[b, i] = status_free
            elif p_ok:
                paper_sum[ld] += difficulty[b, i]
                status[b, i] = status_paper
        for j in range(J):
            dept_reported[b, j] = dept_output[b, j] + paper_sum[j]
        solved_count[b] = n_sol
        solved_cross[b] = n_cross
