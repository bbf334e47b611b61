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
def _pairwise_block(a, lo, n):
    """NumPy's pairwise summation of a[lo:lo + n] for n <= 128: eight accumulators, then the rest."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(**JIT)
def pairwise(a, lo, n):
    """a[lo:lo + n] summed in NumPy's order for a contiguous float64 run (its pairwise summation: eight
    accumulators in blocks of up to 128, halves beyond), so that a kernel's sum equals NumPy's bit for
    bit: `np.sum` over a contiguous last axis is 0.0 + pairwise(...), `np.add.reduceat` over a segment
    is its first element + pairwise(rest) (tests/test_kernels.py checks both against NumPy). The halving
    runs on an explicit stack: numba's on-disk cache cannot hold a recursive function."""
    if n <= 128:
        return _pairwise_block(a, lo, n)
    depth = 64
    f_lo = np.empty(depth, dtype=np.int64)
    f_n = np.empty(depth, dtype=np.int64)
    f_stage = np.empty(depth, dtype=np.int64)
    f_left = np.empty(depth)
    f_lo[0], f_n[0], f_stage[0] = lo, n, 0
    top = 0
    ret = 0.0
    while top >= 0:
        m = f_n[top]
        if m <= 128:
            ret = _pairwise_block(a, f_lo[top], m)
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        if f_stage[top] == 0:  # the left half first
            f_stage[top] = 1
            top += 1
            f_lo[top], f_n[top], f_stage[top] = f_lo[top - 1], half, 0
        elif f_stage[top] == 1:  # then the right half
            f_left[top] = ret
            f_stage[top] = 2
            top += 1
            f_lo[top], f_n[top], f_stage[top] = f_lo[top - 1] + half, m - half, 0
        else:  # left + right, as NumPy adds them
            ret = f_left[top] + ret
            top -= 1
    return ret


@njit(**JIT)
def row_sum(a, lo, n):
    """`a[lo:lo + n].sum()` as NumPy adds a contiguous last axis."""
    return 0.0 + pairwise(a, lo, n)


@njit(**JIT)
def segment_sum(a, lo, n):
    """A segment of `np.add.reduceat` (n >= 1): its first element, then the rest pairwise."""
    return a[lo] + pairwise(a, lo + 1, n - 1)


@njit(**JIT)
def priority(from_complaint, is_key, age, w_key, w_age, w_complaint, complaint_weight, months_per_year):
    """One listed problem's priority: the twin of coordination_linkage.priority (work and convening
    both use it)."""
    complaint = (1.0 if from_complaint else 0.0) * complaint_weight
    return 1.0 + w_key * (1.0 if is_key else 0.0) + w_age * age / months_per_year + w_complaint * complaint


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
            for c in range(C):
                nb = neighbours[b, c, int(u_hearing[b, c] * k)]
                diff[c] = satisfaction[b, nb] - satisfaction[b, c]
        cost = voice_cost[b] * (1.0 - channel_openness[b] * (1.0 - openness_in_voice + openness_in_voice * openness[b]))
        join_w = (1.0 - openness_in_voice) * channel_openness[b] + openness_in_voice * openness[b]
        for t in range(T):
            joined_town[t] = 0.0
            for d in range(D):
                complaints[b, t, d] = 0.0
        blocked = 0
        n_voice = 0
        n_joined = 0
        # then, citizen by citizen (each uses only its own state from here on): word of mouth heard,
        # trust (lost faster than gained), voice and participation
        for c in range(C):
            if k > 0:
                if abs(diff[c]) < opinion_confidence[b]:
                    satisfaction[b, c] += word_of_mouth * diff[c]
                else:
                    blocked += 1
            dt = satisfaction[b, c] - trust[b, c]
            w = 1.0 if dt > 0 else trust_loss_ratio[b]
            v = trust[b, c] + trust_gain * w * dt
            trust[b, c] = min(max(v, 0.0), 1.0)
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
        if k > 0:
            wom_blocked[b] = 1.0 - (C - blocked) / C
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
            pr = priority(
                source[b, i] == complaint_source,
                key[b, i],
                age[b, i],
                priority_key[b],
                priority_age[b],
                priority_complaint[b],
                complaint_weight[b],
                months_per_year,
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


@njit(**JIT)
def list_place(
    weight,  # (B, S, K): each source's expected problems by cell
    counts,  # (B, S) int: this month's new problems by source (after thinning)
    difficulty0,  # (B, M): Gamma difficulty of each candidate (mean 1), before scaling
    u_cell,  # (B, >= M) and the rest alike
    u_lead,
    u_cross,
    u_third,
    u_p1,
    u_p2,
    mean_field,  # (B,) bool
    cross_share,  # (B,)
    third_share,
    latent,  # (B, K) updated
    domain_table,  # (D, width)
    domain_size,  # (D,)
    status,  # (B, P) int8 updated
    cell_out,  # (B, P) updated in the new problems' slots, and the rest alike
    lead_out,
    partner_out,  # (B, P, 2)
    difficulty_out,
    progress_out,
    paper_out,
    age_out,
    source_out,
    key_out,
    key_source_a,
    key_source_b,
    status_free,
    status_open,
    listed,  # (B, S) out
):
    """The twin of problems.list_new's placement: cells, difficulties, departments and slots."""
    B, S, K = weight.shape
    M = difficulty0.shape[1]
    P = status.shape[1]
    D = domain_size.shape[0]
    J = 0
    for d in range(D):
        J += domain_size[d]
    src = np.empty(M, dtype=np.int64)
    cell = np.empty(M, dtype=np.int64)
    diff = np.empty(M)
    valid = np.empty(M, dtype=np.bool_)
    asked = np.empty(K)
    free_slots = np.empty(P, dtype=np.int64)
    cw = np.empty(K)
    cum = np.empty(S, dtype=np.int64)
    for b in range(B):
        acc = 0
        for s_ in range(S):
            acc += counts[b, s_]
            cum[s_] = acc
            listed[b, s_] = 0.0
        total = acc
        for k in range(K):
            asked[k] = 0.0
        for m in range(M):
            n_before = 0
            for s_ in range(S):
                if m >= cum[s_]:
                    n_before += 1
            sm = min(n_before, S - 1)
            src[m] = sm
            valid[m] = m < total
            c = 0.0
            for k in range(K):
                c += weight[b, sm, k]
                cw[k] = c
            u = u_cell[b, m] * cw[K - 1]
            n_le = 0
            for k in range(K):
                if cw[k] <= u:
                    n_le += 1
            cm = min(n_le, K - 1)
            cell[m] = cm
            dv = 1.0 if mean_field[b] else difficulty0[b, m]
            dv = dv if valid[m] else 0.0
            diff[m] = dv
            asked[cm] += dv
        # scale down where a cell has less latent burden than asked of it
        for m in range(M):
            a = asked[cell[m]]
            sc = min(1.0, latent[b, cell[m]] / max(a, 1e-12)) if a > 0 else 0.0
            diff[m] = diff[m] * sc
            valid[m] = valid[m] and diff[m] > 1e-6
        for k in range(K):
            asked[k] = 0.0  # now: taken from each cell
        for m in range(M):
            asked[cell[m]] += diff[m] * (1.0 if valid[m] else 0.0)
        for k in range(K):
            latent[b, k] = max(latent[b, k] - asked[k], 0.0)
        # the free slots, in slot order
        n_free = 0
        for i in range(P):
            if status[b, i] == status_free:
                free_slots[n_free] = i
                n_free += 1
        for m in range(M):
            if not valid[m]:
                continue
            domain = cell[m] % D
            ld = domain_table[domain, int(u_lead[b, m] * domain_size[domain])]
            is_cross = u_cross[b, m] < cross_share[b]
            third = is_cross and (u_third[b, m] < third_share) and (J > 2)
            k1 = int(u_p1[b, m] * (J - 1))
            if k1 >= ld:
                k1 += 1
            lo = min(ld, k1)
            hi = max(ld, k1)
            k2 = int(u_p2[b, m] * max(J - 2, 1))
            if k2 >= lo:
                k2 += 1
            if k2 >= hi:
                k2 += 1
            sl = free_slots[m]
            status[b, sl] = status_open
            cell_out[b, sl] = cell[m]
            lead_out[b, sl] = ld
            partner_out[b, sl, 0] = k1 if (is_cross and J > 1) else -1
            partner_out[b, sl, 1] = k2 if third else -1
            difficulty_out[b, sl] = diff[m]
            progress_out[b, sl] = 0.0
            paper_out[b, sl] = 0.0
            age_out[b, sl] = 0.0
            source_out[b, sl] = src[m]
            key_out[b, sl] = src[m] == key_source_a or src[m] == key_source_b
            listed[b, src[m]] += 1.0


@njit(**JIT)
def convene_pool(
    status,  # (B, P)
    lead,  # (B, P)
    partner,  # (B, P, 2)
    source,
    key,
    age,
    dept_leader,  # (J,)
    n_forces,  # (B, L) int: task forces each leader holds this month
    random_priority,  # (B,) bool: the ablation that ignores need
    u_random,  # (B, P)
    priority_key,  # (B,)
    priority_age,
    priority_complaint,
    complaint_weight,
    complaint_source,
    months_per_year,
    status_open,
    dept_rules,  # (B, J)
    tie_gain,
    tie_decay,
    ties,  # (B, J, J) updated
    chosen,  # (B, P) bool out
    task_forces,  # (B,) out
):
    """The twin of coordination_linkage.convene (with responsible_leader and priority)."""
    B, P = status.shape
    J = dept_leader.shape[0]
    L = n_forces.shape[1]
    keys = np.empty(P)
    group = np.empty(P, dtype=np.int64)
    cand = np.empty(P, dtype=np.int64)
    met = np.zeros((J, J), dtype=np.bool_)
    left = np.empty(L, dtype=np.int64)
    sups = np.empty(3, dtype=np.int64)
    for b in range(B):
        # the candidates: open cross-department problems, in slot order, with the sort key of the
        # twin (group, then priority high to low); the others are never chosen
        n_cand = 0
        for i in range(P):
            if status[b, i] != status_open or partner[b, i, 0] < 0:
                continue
            ld = lead[b, i]
            lead_leader = dept_leader[ld]
            same = True
            for k in range(2):
                pk = partner[b, i, k]
                if pk >= 0 and dept_leader[pk] != lead_leader:
                    same = False
            g = lead_leader if same else 0
            if random_priority[b]:
                pr = u_random[b, i]
            else:
                pr = priority(
                    source[b, i] == complaint_source,
                    key[b, i],
                    age[b, i],
                    priority_key[b],
                    priority_age[b],
                    priority_complaint[b],
                    complaint_weight[b],
                    months_per_year,
                )
            cand[n_cand] = i
            group[n_cand] = g
            keys[n_cand] = g * 1e6 - min(pr, 1e5)
            n_cand += 1
        order = np.argsort(keys[:n_cand], kind="mergesort")  # stable: ties keep slot order
        for i in range(J):
            for j in range(J):
                met[i, j] = False
        for i in range(P):
            chosen[b, i] = False
        count = 0
        start = 0
        for g in range(L):
            left[g] = n_forces[b, g]
        for pos in range(n_cand):
            c = order[pos]
            g = group[c]
            if pos == 0 or g != group[order[pos - 1]]:
                start = pos
            if pos - start < n_forces[b, g]:
                i = cand[c]
                chosen[b, i] = True
                left[g] -= 1
                count += 1
                ld = lead[b, i]
                for k in range(2):
                    pk = partner[b, i, k]
                    if pk >= 0:
                        met[ld, pk] = True
                        met[pk, ld] = True
        # the twin of coordination_linkage.joint_convening: cross-portfolio problems left by the top
        # leader, most pressing first, convened together by their supervising leaders with one to spare
        if L > 1:
            for pos in range(n_cand):
                c = order[pos]
                if group[c] != 0:
                    break
                i = cand[c]
                if chosen[b, i]:
                    continue
                ld = lead[b, i]
                n_sup = 0
                for k in range(-1, 2):
                    d = ld if k < 0 else partner[b, i, k]
                    if d < 0:
                        continue
                    sup = dept_leader[d]
                    seen = False
                    for q in range(n_sup):
                        if sups[q] == sup:
                            seen = True
                    if not seen:
                        sups[n_sup] = sup
                        n_sup += 1
                ok = True
                for q in range(n_sup):
                    if left[sups[q]] < 1:
                        ok = False
                if not ok:
                    continue
                chosen[b, i] = True
                count += 1
                for q in range(n_sup):
                    left[sups[q]] -= 1
                for k in range(2):
                    pk = partner[b, i, k]
                    if pk >= 0:
                        met[ld, pk] = True
                        met[pk, ld] = True
        task_forces[b] = count
        for i in range(J):
            for j in range(J):
                t = ties[b, i, j]
                if met[i, j]:
                    ties[b, i, j] = t + tie_gain * (1.0 - t)
                else:
                    pair_rules = 0.5 * (dept_rules[b, i] + dept_rules[b, j])
                    ties[b, i, j] = t * (1.0 - tie_decay * (1.0 - pair_rules))


@njit(**JIT)
def detect_pool(
    status,  # (B, P) updated: caught closures on paper reopen
    cell,  # (B, P)
    lead,  # (B, P)
    difficulty,  # (B, P)
    paper,  # (B, P) updated: a reopened problem's paper progress is lost
    u_detect,  # (B, P)
    by_monitor,  # (B,)
    by_citizens,  # (B, K)
    k_gc_me,  # (B,)
    status_open,
    status_paper,
    caught_count,  # (B,) out
    dept_exposed,  # (B, J) out
    counted,  # (B, J) out
    closed,  # (B, J) out
):
    """The twin of the detection part of management_execution.assess."""
    B, P = status.shape
    J = dept_exposed.shape[1]
    for b in range(B):
        for j in range(J):
            dept_exposed[b, j] = 0.0
            counted[b, j] = 0.0
            closed[b, j] = 0.0
        n = 0.0
        bm = by_monitor[b]
        for i in range(P):
            if status[b, i] != status_paper:
                continue
            ld = lead[b, i]
            closed[b, ld] += 1.0
            u = u_detect[b, i]
            if u < bm:
                counted[b, ld] += 1.0
            elif u < bm + by_citizens[b, cell[b, i]] * (1.0 - bm):
                dept_exposed[b, ld] += difficulty[b, i]
                counted[b, ld] += k_gc_me[b]
            else:
                continue
            n += 1.0
            status[b, i] = status_open
            paper[b, i] = 0.0
        caught_count[b] = n


@njit(**JIT)
def cadres_month(
    cadre_dept,  # (N,)
    dept_start,  # (J,)
    dept_engaged,  # (B, J) bool
    peers,  # (B, J): mean motivation in each department
    recognised,  # (B, J) bool: the department has a recognised role model this month
    motivation,  # (B, N) updated
    base_motivation,  # (B, N)
    real_effort,  # (B, N)
    competence,  # (B, N) updated
    tenure,  # (B, N) updated
    noise,  # (B, N)
    peer_influence,  # (B,)
    role_model_gain,  # (B,)
    training,  # (B,)
    engaged_motivation,
    motivation_speed,
    training_rate,
    competence_decay,
):
    """The twin of management_execution.cadres."""
    B, N = motivation.shape
    J = dept_start.shape[0]
    model = np.empty(J)
    for b in range(B):
        # each department's role model: its first cadre with the largest real contribution
        for j in range(J):
            lo = dept_start[j]
            hi = dept_start[j + 1] if j + 1 < J else N
            best = -np.inf
            first = lo
            for n in range(lo, hi):
                c = real_effort[b, n] * competence[b, n]
                if c > best:
                    best = c
                    first = n
            model[j] = motivation[b, first]
        for n in range(N):
            j = cadre_dept[n]
            m = motivation[b, n]
            engaged = 1.0 if dept_engaged[b, j] else 0.0
            base = base_motivation[b, n]
            target = base + engaged_motivation * engaged * (1.0 - base)
            rec = 1.0 if recognised[b, j] else 0.0
            pull = rec * model[j] - m
            v = (
                motivation_speed * (target - m)
                + peer_influence[b] * (peers[b, j] - m)
                + role_model_gain[b] * rec * max(pull, 0.0)
                + noise[b, n]
            )
            motivation[b, n] = min(max(m + v, 0.0), 1.0)
            c = competence[b, n]
            competence[b, n] = c + (training_rate * training[b] * engaged * (1.0 - c) - competence_decay * c)
            tenure[b, n] += 1.0


@njit(**JIT)
def burden_performance(
    status,  # (B, P)
    cell,  # (B, P)
    difficulty,  # (B, P)
    latent,  # (B, K)
    ref,  # (B,)
    status_open,
    status_paper,
    town_perf,  # (B, T, D) out: real
    town_assessed,  # (B, T, D) out: without closures on paper
):
    """The twin of problems.cell_burden and township_performance, for real and assessed performance."""
    B, T, D = town_perf.shape
    K = latent.shape[1]
    P = status.shape[1]
    listed = np.empty(K)
    open_ = np.empty(K)
    for b in range(B):
        for k in range(K):
            listed[k] = 0.0
            open_[k] = 0.0
        for i in range(P):
            st = status[b, i]
            if st == status_open:
                listed[cell[b, i]] += difficulty[b, i]
                open_[cell[b, i]] += difficulty[b, i]
            elif st == status_paper:
                listed[cell[b, i]] += difficulty[b, i]
        for t in range(T):
            for d in range(D):
                k = t * D + d
                kc = T * D + d
                real = (latent[b, k] + listed[k]) + (latent[b, kc] + listed[kc]) / T
                assessed = (latent[b, k] + open_[k]) + (latent[b, kc] + open_[kc]) / T
                town_perf[b, t, d] = min(max(1.0 - real / ref[b], 0.0), 1.0)
                town_assessed[b, t, d] = min(max(1.0 - assessed / ref[b], 0.0), 1.0)


@njit(**JIT)
def argmax_in_blocks(x, start, out):
    """The twin of adaptation_interaction._argmax_in_dept_numpy: out[b, j] is the first index of the
    largest x[b] in block j (blocks start at `start`, contiguous, none empty). For finite x only
    (records and tenures are): with a NaN the two differ (NumPy's reduceat propagates it)."""
    B, N = x.shape
    J = start.shape[0]
    for b in range(B):
        for j in range(J):
            lo = start[j]
            hi = start[j + 1] if j + 1 < J else N
            best = lo
            for n in range(lo + 1, hi):
                if x[b, n] > x[b, best]:
                    best = n
            out[b, j] = best


@njit(**JIT)
def effort_split(
    motivation,  # (B, N)
    blame_fear,  # (B, N)
    public_value,  # (B, N)
    discipline,  # (B, N)
    cadre_dept,  # (N,)
    engaged,  # (B, J)
    caught,  # (B, J)
    routine_fraction,  # (B,)
    fault_tolerance,  # (B,) fault tolerance through the action base
    pull,  # (B,)
    gaming_propensity,  # (B,)
    floor,
    one_minus_floor,
    idle_fear,
    real,  # (B, N) out
    gaming,  # (B, N) out
    effort,  # (B, N) out
):
    """The twin of management_execution.effort."""
    B, N = motivation.shape
    for b in range(B):
        ft = 1.0 - fault_tolerance[b]
        gp = gaming_propensity[b] * pull[b]
        for n in range(N):
            j = cadre_dept[n]
            base = floor + one_minus_floor * motivation[b, n]
            routine = 1.0 if engaged[b, j] else routine_fraction[b]
            idle = idle_fear * blame_fear[b, n] * ft
            integrity = 0.5 * (public_value[b, n] + discipline[b, n])
            game = gp * (1.0 - integrity)
            game = game * (1.0 - caught[b, j])
            work = base * routine * (1.0 - idle)
            real[b, n] = work * (1.0 - game)
            gaming[b, n] = work * game
            effort[b, n] = real[b, n] + gaming[b, n]


@njit(**JIT)
def fade_to_base(
    campaign_fade,  # (B,)
    rules,  # (B, J)
    cadre_dept,  # (N,)
    threshold,  # (B, N) updated
    base_threshold,  # (B, N)
    discipline,  # (B, N) updated
    base_discipline,  # (B, N)
    blame_fear,  # (B, N) updated
    base_blame_fear,  # (B, N)
):
    """The twin of the cadres' part of adaptation_interaction.fade_campaigns."""
    B, N = threshold.shape
    for b in range(B):
        for n in range(N):
            fade = campaign_fade[b] * (1.0 - rules[b, cadre_dept[n]])
            threshold[b, n] += fade * (base_threshold[b, n] - threshold[b, n])
            discipline[b, n] += fade * (base_discipline[b, n] - discipline[b, n])
            blame_fear[b, n] += fade * (base_blame_fear[b, n] - blame_fear[b, n])


@njit(**JIT)
def neighbours(uu, cross, township, start, size, any_other_township, out):
    """Word-of-mouth ties (the whole of State2._neighbours' arithmetic): citizen c's i-th tie is, with
    `cross`, anyone in the county (int(u x C)), otherwise one of the others in c's own township, the
    i-th uniform counting on from c round the township; a tie to oneself falls back to the local one.
    Integer arithmetic on the same uniforms: the numbers of the NumPy expression it replaced."""
    B, C, k = uu.shape
    for b in range(B):
        for c in range(C):
            lo = start[township[c]]
            n = size[township[c]]
            for i in range(k):
                u = uu[b, c, i]
                local = lo + ((c - lo) + 1 + int(u * max(n - 1, 1))) % n
                nb = int(u * C) if (cross[b, c, i] and any_other_township) else local
                out[b, c, i] = local if nb == c else nb


@njit(**JIT)
def fresh_from_block(gone, block, out, beyond):
    """The twin of adaptation_interaction.fresh_uniforms at the posts np.nonzero(gone), in that order:
    a run's k-th leaver of the month takes column k of its block (B, len(FRESH), slots) into out[:, m];
    `beyond[m]` marks the leavers past the block's slots (the caller draws theirs from the generator)."""
    B, N = gone.shape
    F, slots = block.shape[1], block.shape[2]
    m = 0
    for b in range(B):
        rank = 0
        for n in range(N):
            if gone[b, n]:
                beyond[m] = rank >= slots
                if rank < slots:
                    for i in range(F):
                        out[i, m] = block[b, i, rank]
                rank += 1
                m += 1


@njit(**JIT)
def engage_heads(
    w,  # (B, 5) engagement weights: attention, incentive, peer, pressure, rules
    incentive,  # (B,)
    fear_cover,  # (B,) 1 - fault tolerance
    w_fear,  # (B,)
    hysteresis,  # (B,)
    attention,  # (B, J)
    pressure,  # (B, J)
    rules,  # (B, J)
    ties,  # (B * J * J,) flat
    blame_fear,  # (B * N,) flat
    N,
    dept_start,  # (J,)
    dept_size,  # (J,)
    threshold,  # (B, N)
    head,  # (B, J)
    engaged,  # (B, J) the month before
    signal_out,  # (B, J) out
    engaged_out,  # (B, J) out
):
    """The twin of management_execution.engage (with its `signal`)."""
    B, J = attention.shape
    prod = np.empty(J)
    for b in range(B):
        total = 0.0
        for i in range(5):
            total += w[b, i]
        total = max(total, 1e-12)
        w0, w1, w2, w3, w4 = w[b, 0] / total, w[b, 1] / total, w[b, 2] / total, w[b, 3] / total, w[b, 4] / total
        for j in range(J):
            row = (b * J + j) * J
            tie_sum = row_sum(ties, row, J)
            for k in range(J):
                prod[k] = ties[row + k] * (1.0 if engaged[b, k] else 0.0)
            peer = row_sum(prod, 0, J) / max(tie_sum, 1e-9)
            lo = dept_start[j]
            hi = dept_start[j + 1] if j + 1 < J else N
            fear = segment_sum(blame_fear, b * N + lo, hi - lo) / dept_size[j] * fear_cover[b]
            sig = (
                w0 * attention[b, j] + w1 * incentive[b] + w2 * peer + w3 * pressure[b, j] + w4 * rules[b, j]
            ) - w_fear[b] * fear
            theta = threshold[b, head[b, j]]
            signal_out[b, j] = sig
            engaged_out[b, j] = (sig >= theta - hysteresis[b]) if engaged[b, j] else (sig > theta)
