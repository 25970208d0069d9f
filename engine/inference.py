"""CMMI inference as forward-chaining rules on durable_rules, and the reading of its conclusions.

Knowledge and observations become facts (see :func:`build_facts`); generic rules, in stratified phases, rate each
alternative (our practices that together implement a CMMI practice), each CMMI practice (specific practices,
organization-level generic practices, and one area's generic practices where they differ from the organization's),
each goal, each process area with its capability level, the maturity level, framework levels and ready practices
(an unsatisfied practice that is not ready is blocked, by the unsatisfied prerequisites its ``dep`` facts show);
each insight rule of the knowledge base is compiled into one more rule. Every derived fact carries the rule that
produced it and its premises (the explanation trace). The semantics are ``engine/rating.py``'s.

An area's generic goal whose generic practices are all the organization's (no evidence of the area's own, no
direct characterization) is rated from the organization-level goal (``goal_inherited``): its practices would only
repeat the organization's, and the reading fills them in as ``inherited``.

Fact kinds (all with ``kind`` and a deterministic ``id``):

=========== ===========================================================================
practice    ``p:ID`` one per practice in the KB: ``status`` FI/LI/PI/NI/NY/NA or NO (not observed); ``deps``;
            ``unsat_deps`` how many of its prerequisites are unsatisfied
dep         ``dep:P:Q`` P requires Q, with Q's status (working memory only: no rule reads it, ``unsat_deps`` sums them)
mp          ``mp:M`` a CMMI practice (or framework any-of requirement) to rate: ``goal``, ``direct`` (the assessor's
            class, or ""), ``inherits``, ``org``, ``fwg``, and ``aK``: the class letters (s, f, u, n) present among
            alternative K's practices, once each and sorted (``fs``; "-": no alternative K); ``members`` their ids
goal        ``g:G`` a goal to rate: ``pa`` ("" for GG2/GG3 of the organization), ``sg``, ``gg``, ``inherit``
pa          ``pa:ID`` a process area with its maturity level ``ml``; ``oos`` ``oos:ID`` out of scope
lvl         ``lvl:N`` maturity level N: ``req`` = capability level its process areas need; ``areas``
fw          ``fw:F``; fwlevel ``fl:F:K`` with ``failed`` / ``unsat``: how many of its requirements of one practice
            alone failed / are unsatisfied (``failing``: their ``fr`` ids); fwreq ``fr:F:K:P`` (level K of F
            requires P alone, with P's status; working memory only, as ``dep``)
attr        ``a:NAME`` a context attribute of the fact file
=========== ===========================================================================
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from itertools import combinations
from types import MappingProxyType
from typing import Any, NamedTuple

from mlops_maturity.engine.errors import InferenceError
from mlops_maturity.engine.kb import ID_HASHES_MEMO, KnowledgeBase
from mlops_maturity.engine.knowledge import (
    AttributeCondition,
    Comparison,
    FrameworkCondition,
    InsightRule,
    MaturityCondition,
    PracticeCondition,
)
from mlops_maturity.engine.rating import (
    FAILED,
    FAILED_,
    NOT_APPLICABLE,
    NOT_OBSERVED,
    SAT,
    SATISFIED,
    UNKNOWN,
    UNRATED,
    UNSAT,
    Conclusions,
    framework_group_id,
    practice_class,
    rate_alternative,
    required_capability,
)
from mlops_maturity.engine.reference import PRACTICE_CLASSES
from mlops_maturity.engine.rules_engine import (
    Bound,
    Fact,
    FactIndex,
    Pattern,
    Rule,
    RuleEngine,
    Test,
    any_of,
    cmp,
    either,
    eq,
    fact,
    id_hashes,
    join,
    ne,
    none,
    remember_id_hashes,
    session_fact_ids,
)

__all__ = ["FAILED", "NOT_OBSERVED", "PRACTICE_CLASSES", "SAT", "UNRATED", "UNSAT", "Conclusions", "infer",
           "public_status", "required_capability", "rule_engine", "rule_limits"]


def public_status(status: str) -> str:
    """The status as results show it: the internal ``NO`` reads ``not_observed``."""
    return "not_observed" if status == NOT_OBSERVED else status


PHASES = ("mps1", "mps2", "mps3", "mps4", "goals1", "goals2", "areas1", "areas2", "areas3", "levels1", "levels2",
          "insights")
"""The strata, in order. A rule with a ``none`` pattern sits in a phase after every rule whose conclusions that
pattern could match; a rule with positive patterns only sits in any phase before the first that negates what it
concludes, since phase facts stay (a rule keeps firing as matching facts arrive). Each phase costs one assertion,
so rules share phases where these constraints allow: ``mps4`` also rates goals and framework levels failed,
``mps1`` finds areas out of scope, ``goals2`` rates inherited goals, ``areas1`` reads framework levels. The insight
rules keep a phase of their own: durable_rules runs at most :data:`RULES_PER_CONDITION_LIMIT` rules per phase."""


def materialized_generic_goals(kb: KnowledgeBase, direct: Collection[str]) -> set[str]:
    """The areas' generic goals (``PP.GG2``) rated from the area's own generic practices: those where the area has
    evidence of its own for one of them, or the assessor characterized one directly. Every other area generic goal
    is the organization's (``goal_inherited``)."""
    out = set()
    for mp in kb.model_practices.values():
        if mp.kind == "area_generic" and (mp.alternatives or mp.id in direct):
            out.add(mp.goal)
    return out


def build_facts(
    kb: KnowledgeBase,
    statuses: Mapping[str, str],
    context: Mapping[str, Any],
    direct: Mapping[str, str] | None = None,
    out_of_scope: Collection[str] = (),
) -> list[Fact]:
    """Turn the knowledge base and one run's inputs into engine facts (read-only mappings where they can be shared).

    Facts that depend only on the knowledge base, or on it and one practice's status, are made once per knowledge
    base and status and shared between runs (the adapter then prepares each only once).
    """
    direct = direct or {}
    out = _shared_facts(kb, statuses)
    static_goals = kb.memo["inference.materialized"]
    # Without direct characterizations the goals rated from their own practices are the table's (no loops over
    # every CMMI practice, twice).
    materialized = materialized_generic_goals(kb, direct) if direct else static_goals
    per_run: list[Fact] = []
    for mp in kb.model_practices.values() if direct else ():
        area_goal = mp.kind == "area_generic"
        if mp.id in direct or (area_goal and mp.goal in materialized and mp.goal not in static_goals):
            per_run.append(_mp_fact(mp.id, mp.goal, practice_class(direct[mp.id]) if mp.id in direct else "",
                                    mp.inherits or "", mp.alternatives,
                                    {p: _CLASS_CODE[statuses[p]] for alt in mp.alternatives for p in alt},
                                    org=mp.id in _inherited_ids(kb)))
    for gid in sorted(materialized - static_goals):
        per_run.append(_goal_fact(kb, gid, inherit=""))
    for gid in sorted(static_goals - materialized):  # cannot happen: static ones have evidence of their own
        raise InferenceError(f"goal {gid} lost its own generic practices")
    for pa in sorted(out_of_scope):
        per_run.append({"kind": "oos", "id": f"oos:{pa}", "pa": pa})
    for name, value in sorted(context.items()):
        attr: Fact = {"kind": "attr", "id": f"a:{name}", "name": name, "text": json.dumps(value)}
        if isinstance(value, int) and not isinstance(value, bool):
            attr["num"] = value
        per_run.append(attr)  # made per run: plain dicts, which the adapter prepares without remembering them
    if direct or materialized != static_goals:
        replaced = {f["id"] for f in per_run}
        out = [f for f in out if f["id"] not in replaced]
    out.extend(per_run)
    return out


def _shared_facts(kb: KnowledgeBase, statuses: Mapping[str, str]) -> list[Fact]:
    """The facts of the knowledge base's fact table for these statuses, in its order (a new list), remembered for
    the last statuses seen: a report assesses the same input several times."""
    status_of = statuses.__getitem__
    seen = tuple(map(status_of, kb.practices))  # all the table reads of the statuses
    lists: dict[tuple[str, ...], list[Fact]] = kb.memo.setdefault("inference.shared_facts", {})
    found = lists.get(seen)
    if found is not None:
        return list(found)
    out: list[Fact] = []
    append = out.append
    for pid, variants, make in _fact_table(kb):
        if pid is None:
            append(variants)
            continue
        status: Any
        if type(pid) is str:
            status = status_of(pid)
        elif type(pid) is tuple:
            status = tuple(map(status_of, pid))
        else:  # a _Counted slot: its facts vary with fewer values than its practices' statuses
            status = pid.key(tuple(map(status_of, pid.practices)))
        item = variants.get(status)
        if item is None:
            if len(variants) >= _VARIANTS_LIMIT:
                variants.clear()
            item = variants[status] = MappingProxyType(make(status))
        append(item)
    if len(lists) >= _FACT_LISTS_LIMIT:
        lists.clear()
    lists[seen] = out
    return list(out)


_FACT_LISTS_LIMIT = 8
"""Fact lists :func:`_shared_facts` remembers (one per combination of statuses)."""


MAX_ALTERNATIVES = 4
"""A CMMI practice (or framework any-of requirement) has at most this many alternatives (``kb validate`` checks)."""

MAX_ALTERNATIVE_SIZE = 3
"""An alternative names at most this many practices (``kb validate`` checks)."""

_ABSENT = "-"
"""Marks an alternative position with no practice: it neither satisfies nor fails an alternative."""

_VARIANTS_LIMIT = 64
"""Facts remembered per CMMI practice (one per combination of its practices' statuses seen)."""


def alternative_field(k: int) -> str:
    """The field of a CMMI-practice fact that holds the classes present among alternative ``k``'s practices."""
    return f"a{k}"


def _classes_code(letters: Any) -> str:
    """The class letters present among an alternative's practices, once each and in order (``fs``, ``nsu``)."""
    return "".join(sorted(set(letters)))


_ALL_CODES = tuple(sorted({_classes_code(c) for n in range(1, 5) for c in combinations("fnsu", n)}))
SATISFIED_CODES = tuple(c for c in _ALL_CODES if "s" in c and set(c) <= {"s", "n"})
"""An alternative with these classes among its practices is satisfied: every applicable one satisfied."""
UNKNOWN_CODES = tuple(c for c in _ALL_CODES if "u" in c and "f" not in c)
"""Unknown: nothing failed, something unknown."""
FAILED_CODES = tuple(c for c in _ALL_CODES if "f" in c)
"""Failed: some practice failed."""
NOT_APPLICABLE_CODES = ("n", _ABSENT)
"""Not applicable: every practice not applicable (or no alternative in that position)."""


def _mp_fact(mp_id: str, goal: str, direct: str, inherits: str, alternatives: Any,
             classes: Mapping[str, str], org: bool = False, fw_group: bool = False) -> Fact:
    """A CMMI practice to rate, with the classes present in each alternative as one field per alternative (the
    rules test an alternative's practices on this fact, without joins), from ``classes``: each practice's class
    letter (:data:`_CLASS_CODE`). ``org``: an organization-level practice
    that some area's generic practice inherits (its rating carries ``org`` = 1, which the inheriting rules test).
    ``fw_group``: a framework level's any-of requirement (``fwg`` = 1 on it and its rating, which the framework-level
    rules test and the goal rules exclude: the engine then keeps each rating only where it can join)."""
    item: Fact = {"kind": "mp", "id": f"mp:{mp_id}", "mp": mp_id, "goal": goal, "direct": direct,
                  "inherits": inherits, "n_alts": len(alternatives), "org": int(org), "fwg": int(fw_group),
                  "members": tuple(tuple(f"p:{p}" for p in alt) for alt in alternatives),
                  "inherited": (f"mps:{inherits}",) if inherits else ()}
    for k in range(1, MAX_ALTERNATIVES + 1):
        alt = alternatives[k - 1] if k <= len(alternatives) else ()
        item[alternative_field(k)] = _classes_code(classes[p] for p in alt) if alt else _ABSENT
    return item


_CLASS_CODE = {"FI": "s", "LI": "s", "PI": "f", "NI": "f", "NY": "u", NOT_OBSERVED: "u", "NA": "n"}
"""A practice's characterization as the class letter the CMMI-practice rules test: satisfied, failed, unknown,
not applicable (the table of ``rating.practice_class``, one letter each)."""


def _goal_fact(kb: KnowledgeBase, gid: str, inherit: str) -> Fact:
    info = kb.goals.get(gid)
    if info is None:  # the organization-level GG2 / GG3
        pa, sg, gg, rated = "", 0, gid, [gp.id for g in kb.generic_goals if g.id == gid for gp in g.practices]
    else:
        pa, sg, gg, rated = info.process_area, int(info.generic is None), info.generic or "", \
            kb.goal_model_practices[gid]
    return {"kind": "goal", "id": f"g:{gid}", "goal": gid, "pa": pa, "sg": sg, "gg": gg, "inherit": inherit,
            "rated": (f"gs:{inherit}",) if inherit else tuple(f"mps:{m}" for m in rated)}


def _practice_fact(pid: str, status: str, unsat_deps: int, deps: tuple[str, ...]) -> Fact:
    """A practice with its status and how many of its prerequisites are unsatisfied: ``practice_ready`` tests that
    count on the practice's own fact instead of joining every ``dep`` fact."""
    return {"kind": "practice", "id": f"p:{pid}", "practice": pid, "status": status, "deps": deps,
            "unsat_deps": unsat_deps}


def _fw_level_fact(item: Fact, fid: str, level: int, singles: tuple[str, ...], failed: tuple[int, ...],
                   unsat: int) -> Fact:
    """A framework level with how many of its single-practice requirements (``fwreq``) failed (``failed``: their
    positions in ``singles``) and how many are unsatisfied, and the failed ones' ids: the level rules test these
    counts on the level's own fact instead of joining every ``fwreq`` fact."""
    failing = tuple(f"fr:{fid}:{level}:{singles[i]}" for i in failed)
    return {**item, "failed": len(failing), "unsat": unsat, "failing": failing}


class _Counted(NamedTuple):
    """The practices a slot's fact depends on, and ``key``: what of their statuses the fact holds (e.g. a status and
    a count), so that the fact is made and prepared once per key rather than per combination of statuses."""

    practices: tuple[str, ...]
    key: Any


def _class_letters(statuses: tuple[str, ...]) -> tuple[str, ...]:
    """The practices' class letters (:data:`_CLASS_CODE`): all a CMMI practice's fact holds of their statuses."""
    return tuple(map(_CLASS_CODE.__getitem__, statuses))


def _unsat_prerequisites(statuses: tuple[str, ...]) -> tuple[str, int]:
    """A practice's status and how many of its prerequisites' (the other statuses) are unsatisfied."""
    return statuses[0], sum(st in UNSAT for st in statuses[1:])


def _failed_and_unsat(statuses: tuple[str, ...]) -> tuple[tuple[int, ...], int]:
    """Which of a framework level's one-practice requirements failed (their positions), and how many are
    unsatisfied."""
    return tuple(i for i, st in enumerate(statuses) if st in FAILED), sum(st in UNSAT for st in statuses)


_Slot = tuple[Any, Any, Any]
"""``(None, fact, None)`` for a fact of the knowledge base alone; ``(practice, {status: fact}, make)`` for one
that carries a practice's status (``practice`` a tuple: their statuses; a :class:`_Counted`: its key of them)."""


def _inherited_ids(kb: KnowledgeBase) -> frozenset[str]:
    """The organization-level CMMI practices some area's generic practice inherits."""
    found: frozenset[str] | None = kb.memo.get("inference.inherited")
    if found is None:
        found = kb.memo["inference.inherited"] = frozenset(
            mp.inherits for mp in kb.model_practices.values() if mp.inherits)
    return found


def _fact_table(kb: KnowledgeBase) -> list[_Slot]:
    table: list[_Slot] | None = kb.memo.get("inference.facts")
    if table is not None:
        return table
    table = []

    def static(item: Fact) -> None:
        table.append((None, MappingProxyType(item), None))

    def varying(pid: str, make: Any) -> None:
        table.append((pid, {}, make))

    org_level = _inherited_ids(kb)

    def practice(mp_id: str, goal: str, inherits: str, alts: Any, fw_group: bool = False) -> None:
        members = tuple(dict.fromkeys(p for alt in alts for p in alt))
        org = mp_id in org_level
        if not members:
            static(_mp_fact(mp_id, goal, "", inherits, alts, {}, org, fw_group))
            return
        table.append((_Counted(members, _class_letters), {},
                      lambda letters, m=mp_id, g=goal, i=inherits, a=alts, ms=members, o=org, f=fw_group:
                      _mp_fact(m, g, "", i, a, dict(zip(ms, letters, strict=True)), o, f)))

    for pid in kb.practices:
        requires = tuple(kb.practices[pid].requires)
        deps = tuple(f"dep:{pid}:{req}" for req in requires)
        # The practice with its prerequisites' statuses: how many of them are unsatisfied (``unsat_deps``).
        if requires:
            table.append((_Counted((pid, *requires), _unsat_prerequisites), {},
                          lambda key, p=pid, d=deps: _practice_fact(p, key[0], key[1], d)))
        else:
            varying(pid, lambda st, p=pid, d=deps: _practice_fact(p, st, 0, d))
        for req in kb.practices[pid].requires:
            varying(req, lambda st, p=pid, q=req: {"kind": "dep", "id": f"dep:{p}:{q}", "practice": p,
                                                   "requires": q, "q_status": st})
    materialized = materialized_generic_goals(kb, ())
    kb.memo["inference.materialized"] = materialized
    for mp in kb.model_practices.values():
        if mp.kind != "area_generic" or mp.goal in materialized:
            practice(mp.id, mp.goal, mp.inherits or "", mp.alternatives)
    for gg in kb.generic_goals:
        static(_goal_fact(kb, gg.id, inherit=""))
    for gid, info in kb.goals.items():
        inherited = info.generic is not None and gid not in materialized
        static(_goal_fact(kb, gid, inherit=info.generic if inherited else ""))  # type: ignore[arg-type]
    for pa in kb.process_areas:
        static({"kind": "pa", "id": f"pa:{pa.id}", "pa": pa.id, "ml": pa.maturity_level,
                "rated": tuple(f"gs:{g.id}" for g in pa.goals) + (f"gs:{pa.id}.GG2", f"gs:{pa.id}.GG3")})
    for n in range(1, 6):
        areas = tuple(sorted(f"ps:{pa.id}" for pa in kb.process_areas if pa.maturity_level <= n))
        static({"kind": "lvl", "id": f"lvl:{n}", "n": n, "req": required_capability(n), "next": n + 1,
                "areas": areas})
    for fid, fw in kb.frameworks.items():
        static({"kind": "fw", "id": f"fw:{fid}", "fw": fid})
        base = fw.levels[0].level
        for level in fw.levels:
            lid = f"fl:{fid}:{level.level}"
            requirements = []
            singles: list[str] = []
            for i, group in enumerate(level.requirement_groups, 1):
                if len(group) == 1 and len(group[0]) == 1:
                    pid = group[0][0]
                    requirements.append(f"fr:{fid}:{level.level}:{pid}")
                    singles.append(pid)
                    varying(pid, lambda st, f=fid, k=level.level, p=pid: {
                        "kind": "fwreq", "id": f"fr:{f}:{k}:{p}", "fw": f, "level": k, "practice": p,
                        "status": st})
                else:
                    gid = framework_group_id(fid, level.level, i)
                    requirements.append(f"mps:{gid}")
                    practice(gid, lid, "", group, fw_group=True)
            item: Fact = {"kind": "fwlevel", "id": lid, "fl": lid, "fw": fid, "level": level.level,
                          "prev": level.level - 1, "base": int(level.level == base),
                          "requirements": tuple(requirements)}
            if singles:
                table.append((_Counted(tuple(singles), _failed_and_unsat), {},
                              lambda key, i=item, f=fid, k=level.level, ps=tuple(singles):
                              _fw_level_fact(i, f, k, ps, key[0], key[1])))
            else:
                static(_fw_level_fact(item, fid, level.level, (), (), 0))
    kb.memo["inference.facts"] = table
    return table


# --- rule conclusions -------------------------------------------------------------------------------------


def _present(ids: tuple[str, ...], index: FactIndex) -> list[str]:
    """The facts of ``ids`` that are in working memory, in that order."""
    by_id = index.by_id
    return [i for i in ids if i in by_id]


def _mp_status(status: str | None) -> Any:
    def conclude(m: Bound, index: FactIndex) -> Fact:
        x = m["x"]
        return {"kind": "mps", "id": f"mps:{x['mp']}", "mp": x["mp"], "goal": x["goal"],
                "status": x["direct"] if status is None else status, "inh": int(x["inherits"] != ""), "org": x["org"],
                "fwg": x["fwg"]}

    return conclude


def _goal_status(status: str | None) -> Any:
    def conclude(m: Bound, index: FactIndex) -> Fact:
        g = m["g"]
        return {"kind": "gs", "id": f"gs:{g['goal']}", "goal": g["goal"], "pa": g["pa"], "sg": g["sg"],
                "gg": g["gg"], "status": m["o"]["status"] if status is None else status}

    return conclude


def _goal_rated(m: Bound, index: FactIndex) -> list[str]:
    return _present(m["g"]["rated"], index)


def _pa_status(status: str, capability: int) -> Any:
    def conclude(m: Bound, index: FactIndex) -> Fact:
        a = m["a"]
        return {"kind": "ps", "id": f"ps:{a['pa']}", "pa": a["pa"], "ml": a["ml"], "status": status,
                "cl": capability}

    return conclude


def _pa_goals(m: Bound, index: FactIndex) -> list[str]:
    return _present(m["a"]["rated"], index)


def _ready(m: Bound, index: FactIndex) -> Fact:
    return {"kind": "ready", "id": f"r:{m['p']['practice']}", "practice": m["p"]["practice"]}


def _deps_of(m: Bound, index: FactIndex) -> tuple[str, ...]:
    return m["p"]["deps"]


def _fw_level_status(status: str) -> Any:
    def conclude(m: Bound, index: FactIndex) -> Fact:
        lv = m["l"]
        return {"kind": "fls", "id": f"fls:{lv['fw']}:{lv['level']}", "fw": lv["fw"], "level": lv["level"],
                "prev": lv["prev"], "base": lv["base"], "status": status}

    return conclude


def _fw_level_reqs(m: Bound, index: FactIndex) -> list[str]:
    return _present(m["l"]["requirements"], index)


def _fw_level_failing(m: Bound, index: FactIndex) -> list[str]:
    """The failed requirements first (what the rule tested), then the level's other requirements."""
    failing = m["l"]["failing"]
    return list(failing) + [r for r in _present(m["l"]["requirements"], index) if r not in failing]


def _fw_reached(m: Bound, index: FactIndex) -> Fact:
    met = m["m"]
    return {"kind": "fw_reached", "id": f"fx:{met['fw']}:{met['level']}", "fw": met["fw"],
            "level": met["level"], "next": met["level"] + 1}


def _fw_level(m: Bound, index: FactIndex) -> Fact:
    x = m["x"]
    return {"kind": "fw_level", "id": f"fwl:{x['fw']}", "fw": x["fw"], "level": x["level"]}


def _fw_no_level(m: Bound, index: FactIndex) -> Fact:
    return {"kind": "fw_level", "id": f"fwl:{m['f']['fw']}", "fw": m["f"]["fw"], "level": -1}


def _level_met(m: Bound, index: FactIndex) -> Fact:
    lv = m["l"]
    return {"kind": "ml_met", "id": f"mm:{lv['n']}", "n": lv["n"], "next": lv["next"]}


def _level_pas(m: Bound, index: FactIndex) -> list[str]:
    return _present(m["l"]["areas"], index)


def _maturity(m: Bound, index: FactIndex) -> Fact:
    level = m["m"]["n"] if "m" in m else 1
    return {"kind": "maturity", "id": "maturity", "level": level}


_LEVELS_MET = tuple(f"mm:{n}" for n in range(2, 6))


def _maturity_support(m: Bound, index: FactIndex) -> list[str]:
    return _present(_LEVELS_MET, index)


def _alternative_members(k: int) -> Any:
    def support(m: Bound, index: FactIndex) -> tuple[str, ...]:
        return m["x"]["members"][k - 1]

    return support


def _all_members(m: Bound, index: FactIndex) -> list[str]:
    return [p for alt in m["x"]["members"] for p in alt] + list(m["x"]["inherited"])


def _inherited(m: Bound, index: FactIndex) -> tuple[str, ...]:
    return m["x"]["inherited"]


def _mp_rules() -> list[Rule]:
    """A CMMI practice (or framework any-of requirement): direct, else the first class some alternative (or the
    inherited organization-level practice) has, in the order satisfied, unknown, failed, not applicable.

    Alternative K is tested on the CMMI practice's own fact (field ``aK``: the classes present among its
    practices): satisfied when they are satisfied or not applicable and one is satisfied; unknown when nothing in
    it failed and one is unknown. The rules of one class exclude each other by the same constant tests (the lowest
    alternative of the class decides), and a later class's rules test that no alternative has an earlier class, so
    a practice is rated once. Only a practice that inherits the organization's one can be rated in an earlier phase
    by something its own fact does not show (the inherited practice's class): those rules also look for an earlier
    rating of the practice (``inh`` = 1 marks such ratings, so that no other rating is matched against them), with
    the classes that can precede theirs (a rating reaches only the engine nodes of patterns it can match, and each
    costs about as much as asserting a fact)."""
    own = eq("direct", "")
    ks = range(1, MAX_ALTERNATIVES + 1)

    def outside(k: int, codes: tuple[str, ...]) -> list[Test]:
        return [ne(alternative_field(k), c) for c in codes]

    no_satisfied = [t for k in ks for t in outside(k, SATISFIED_CODES)]
    no_unknown = [t for k in ks for t in outside(k, UNKNOWN_CODES)]

    def rated_earlier(*statuses: str) -> Pattern:
        # No earlier rating of the practice with one of these classes: the only ones that can precede the rule.
        return none("y", "mps", eq("inh", 1), any_of("status", statuses), join("mp", "x", "mp"))

    rules = [Rule("practice_characterized_directly", "mps1", (fact("x", "mp", ne("direct", "")),), _mp_status(None))]
    for k in ks:
        earlier_sat = [t for j in range(1, k) for t in outside(j, SATISFIED_CODES)]
        earlier_unknown = [t for j in range(1, k) for t in outside(j, UNKNOWN_CODES)]
        rules.append(Rule(f"practice_satisfied_by_alternative_{k}", "mps1",
                          (fact("x", "mp", own, *earlier_sat, any_of(alternative_field(k), SATISFIED_CODES)),),
                          _mp_status(SATISFIED), _alternative_members(k)))
        rules.append(Rule(f"practice_unknown_by_alternative_{k}", "mps2",
                          (fact("x", "mp", own, *no_satisfied, *earlier_unknown,
                                any_of(alternative_field(k), UNKNOWN_CODES)),
                           rated_earlier(SATISFIED)),
                          _mp_status(UNKNOWN), _alternative_members(k)))
    rules.append(Rule("practice_failed", "mps3",
                      (fact("x", "mp", own, *no_satisfied, *no_unknown,
                            either(*(eq(alternative_field(k), c) for k in ks for c in FAILED_CODES))),
                       rated_earlier(SATISFIED, UNKNOWN)),
                      _mp_status(FAILED_), _all_members))
    # An inherited rating needs no look at earlier ones: its own tests exclude every rating of the practice by its
    # alternatives before it, and an earlier inherited one would have another class of the same inherited practice.
    for phase, status, excluded in (("mps1", SATISFIED, no_satisfied), ("mps2", UNKNOWN, no_satisfied),
                                    ("mps3", FAILED_, no_satisfied + no_unknown)):
        rules.append(Rule(f"practice_{status}_inherited", phase,
                          (fact("x", "mp", own, ne("inherits", ""), *excluded),
                           fact("s", "mps", eq("org", 1), eq("status", status), join("mp", "x", "inherits"))),
                          _mp_status(status), _inherited))
    rules.append(Rule("practice_without_alternative", "mps2",
                      (fact("x", "mp", own, eq("n_alts", 0), eq("inherits", "")),), _mp_status(UNKNOWN)))
    rules.append(Rule("practice_not_applicable", "mps4",
                      (fact("x", "mp", own, *(any_of(alternative_field(k), NOT_APPLICABLE_CODES) for k in ks),
                            either(ne("n_alts", 0), ne("inherits", ""))),
                       rated_earlier(SATISFIED, UNKNOWN, FAILED_)),
                      _mp_status(NOT_APPLICABLE), _all_members))
    return rules


def generic_rules() -> list[Rule]:
    """The rules that rate alternatives, CMMI practices, goals, areas, levels, frameworks and readiness."""
    rated = eq("inherit", "")
    return [
        # practices: an unsatisfied practice is ready when no prerequisite is unsatisfied
        Rule("practice_ready", "mps1",
             (fact("p", "practice", any_of("status", UNSAT), eq("unsat_deps", 0)),),
             _ready, _deps_of),
        *_mp_rules(),
        # goals
        Rule("goal_unsatisfied", "mps4",
             (fact("g", "goal", rated),
              fact("o", "mps", eq("status", FAILED_), eq("fwg", 0), join("goal", "g", "goal"))),
             _goal_status("unsatisfied"), _goal_rated),
        Rule("goal_satisfied", "goals1",
             (fact("g", "goal", rated),
              none("o", "mps", ne("status", SATISFIED), eq("fwg", 0), join("goal", "g", "goal")),
              none("s", "gs", eq("status", "unsatisfied"), join("goal", "g", "goal"))),
             _goal_status("satisfied"), _goal_rated),
        Rule("goal_not_rated", "goals2",
             (fact("g", "goal", rated),
              none("s", "gs", any_of("status", ("unsatisfied", "satisfied")), join("goal", "g", "goal"))),
             _goal_status("not_rated"), _goal_rated),
        Rule("goal_inherited", "goals2",
             (fact("g", "goal", ne("inherit", "")), fact("o", "gs", eq("pa", ""), join("goal", "g", "inherit"))),
             _goal_status(None), _goal_rated),
        # framework levels: each level's own requirements, then the levels reached in order
        Rule("framework_level_failed", "mps4",
             (fact("l", "fwlevel", ne("failed", 0)),), _fw_level_status("failed"), _fw_level_failing),
        Rule("framework_level_failed_alternatives", "mps4",
             (fact("l", "fwlevel"), fact("o", "mps", eq("status", FAILED_), eq("fwg", 1), join("goal", "l", "fl"))),
             _fw_level_status("failed"), _fw_level_reqs),
        Rule("framework_level_met", "goals1",
             (fact("l", "fwlevel", eq("unsat", 0)),
              none("o", "mps", any_of("status", (FAILED_, UNKNOWN)), eq("fwg", 1), join("goal", "l", "fl")),
              none("s", "fls", eq("status", "failed"), join("fw", "l", "fw"), join("level", "l", "level"))),
             _fw_level_status("met"), _fw_level_reqs),
        Rule("framework_level_undetermined", "goals2",
             (fact("l", "fwlevel"), none("s", "fls", join("fw", "l", "fw"), join("level", "l", "level"))),
             _fw_level_status("undetermined"), _fw_level_reqs),
        Rule("framework_level_reached_base", "goals2",
             (fact("m", "fls", eq("status", "met"), eq("base", 1)),), _fw_reached),
        Rule("framework_level_reached_next", "goals2",
             (fact("m", "fls", eq("status", "met")),
              fact("r", "fw_reached", join("fw", "m", "fw"), join("level", "m", "prev"))),
             _fw_reached),
        Rule("framework_level", "areas1",
             (fact("x", "fw_reached"), none("y", "fw_reached", join("fw", "x", "fw"), join("level", "x", "next"))),
             _fw_level),
        Rule("framework_no_level", "areas1",
             (fact("f", "fw"), none("y", "fw_reached", join("fw", "f", "fw"))), _fw_no_level),
        # process areas
        Rule("area_out_of_scope", "mps1", (fact("a", "pa"), fact("o", "oos", join("pa", "a", "pa"))),
             _pa_status("out_of_scope", -1)),
        *_area_satisfied_rules(),
        Rule("area_not_rated", "areas2",
             (fact("a", "pa"), none("s", "gs", eq("sg", 1), eq("status", "unsatisfied"), join("pa", "a", "pa")),
              none("t", "ps", any_of("status", ("out_of_scope", "satisfied")), join("pa", "a", "pa"))),
             _pa_status("not_rated", 0), _pa_goals),
        Rule("area_unsatisfied", "areas3",
             (fact("a", "pa"),
              none("t", "ps", any_of("status", ("out_of_scope", "satisfied", "not_rated")), join("pa", "a", "pa"))),
             _pa_status("unsatisfied", 0), _pa_goals),
        # maturity levels
        Rule("maturity_level_met", "levels1",
             (fact("l", "lvl", cmp("n", ">=", 2)),
              none("t", "ps", ne("status", "out_of_scope"), join("ml", "l", "n", "<="),
                   join("cl", "l", "req", "<"))),
             _level_met, _level_pas),
        Rule("maturity_level_staged", "levels2",
             (fact("m", "ml_met"), none("n", "ml_met", join("n", "m", "next"))), _maturity, _maturity_support),
        Rule("maturity_level_initial", "levels2",
             (fact("l", "lvl", eq("n", 1)), none("n", "ml_met", eq("n", 2))), _maturity, _maturity_support),
    ]


def _area_satisfied_rules() -> list[Rule]:
    """A process area whose specific goals hold: capability 3, 2 or 1 by its own GG2 and GG3."""
    base = (fact("a", "pa"),
            none("s", "gs", eq("sg", 1), any_of("status", ("unsatisfied", "not_rated")), join("pa", "a", "pa")),
            none("t", "ps", eq("status", "out_of_scope"), join("pa", "a", "pa")))

    def gg(alias: str, goal: str, present: bool) -> Pattern:
        build = fact if present else none
        return build(alias, "gs", eq("gg", goal), eq("status", "satisfied"), join("pa", "a", "pa"))

    return [
        Rule("area_satisfied_defined", "areas1", (*base, gg("g2", "GG2", True), gg("g3", "GG3", True)),
             _pa_status("satisfied", 3), _pa_goals),
        Rule("area_satisfied_managed", "areas1", (*base, gg("g2", "GG2", True), gg("g3", "GG3", False)),
             _pa_status("satisfied", 2), _pa_goals),
        Rule("area_satisfied_performed", "areas1", (*base, gg("g2", "GG2", False)),
             _pa_status("satisfied", 1), _pa_goals),
    ]


def _comparison_tests(name: str, comparison: Comparison) -> list[Any]:
    if comparison.below is not None:
        return [cmp(name, "<", comparison.below)]
    if comparison.at_least is not None:
        return [cmp(name, ">=", comparison.at_least)]
    return [eq(name, comparison.equals)]


def insight_rule(rule: InsightRule) -> Rule:
    """Compile one insight rule of the knowledge base into an engine rule."""
    patterns: list[Pattern] = []
    for i, cond in enumerate(rule.when):
        alias = f"c{i}"
        if isinstance(cond, PracticeCondition):
            patterns.append(fact(alias, "practice", eq("practice", cond.practice),
                                 any_of("status", PRACTICE_CLASSES[cond.is_])))
        elif isinstance(cond, MaturityCondition):
            patterns.append(fact(alias, "maturity", *_comparison_tests("level", cond.maturity_level)))
        elif isinstance(cond, FrameworkCondition):
            patterns.append(fact(alias, "fw_level", eq("fw", cond.framework), *_comparison_tests("level", cond.level)))
        elif isinstance(cond, AttributeCondition):
            if cond.missing is not None:
                build = none if cond.missing else fact
                patterns.append(build(alias, "attr", eq("name", cond.attribute)))
            elif cond.at_least is not None:
                patterns.append(fact(alias, "attr", eq("name", cond.attribute), cmp("num", ">=", cond.at_least)))
            else:
                patterns.append(fact(alias, "attr", eq("name", cond.attribute), eq("text", json.dumps(cond.equals))))
    if all(p.negated for p in patterns):
        patterns.insert(0, fact("anchor", "maturity"))
    rule_id = rule.id

    def conclude(m: Bound, index: FactIndex) -> Fact:
        return {"kind": "finding", "id": f"f:{rule_id}", "rule": rule_id}

    return Rule(f"insight:{rule.id}", "insights", tuple(patterns), conclude)


RULES_PER_CONDITION_LIMIT = 250
"""durable_rules 2.0.28 fails to create a rule set when more than 255 rules share one test and then join (error
108, measured); every rule of a phase shares the phase test, so a phase holds at most this many rules."""


def _rules(kb: KnowledgeBase) -> list[Rule]:
    return generic_rules() + [insight_rule(r) for r in kb.insights]


def rule_limits(kb: KnowledgeBase) -> list[str]:
    """What in the knowledge base the rules engine could not run (empty when it can): checked by ``kb validate``
    without registering anything."""
    try:
        rules = _rules(kb)
    except ValueError as exc:
        return [f"the rules engine cannot run this knowledge base: {exc}"]
    out = []
    for phase in PHASES:
        count = sum(r.phase == phase for r in rules)
        if count > RULES_PER_CONDITION_LIMIT:
            what = "insight rules" if phase == "insights" else f"rules in phase {phase}"
            out.append(f"{count} {what}: durable_rules cannot run more than {RULES_PER_CONDITION_LIMIT} rules that "
                       "share a condition (error 108); split or merge insight rules")
    return out


def rule_engine(kb: KnowledgeBase) -> RuleEngine:
    """The compiled rule set for a knowledge base (generic rules plus its insight rules), built once per object
    (durable_rules registers a rule set once per process: the same rules are never registered twice)."""
    engine: RuleEngine | None = kb.memo.get("inference.engine")
    if engine is None:
        remember_id_hashes(kb.memo.get(ID_HASHES_MEMO, {}))
        engine = kb.memo["inference.engine"] = RuleEngine(_rules(kb), PHASES)
    return engine


def fact_ids(kb: KnowledgeBase) -> list[str]:
    """Every fact id a run on ``kb`` can use (sorted): the facts :func:`build_facts` makes, whatever the statuses
    (a fact's id does not depend on them), the context attributes and areas out of scope a fact file may name, the
    conclusions of the rules on each fact, and the facts of the session itself.

    ``tests/test_inference_ids.py`` holds it to every id the runs on the examples and on generated files use.
    """
    facts = build_facts(kb, dict.fromkeys(kb.practices, NOT_OBSERVED), {}, {}, ())
    ids = {item["id"] for item in facts}
    ids.update(f"a:{name}" for name in kb.attributes)
    ids.update(f"oos:{pa}" for pa in kb.scopable_areas)
    # An area's generic practice has a fact of its own only in a run that rates its goal from it.
    ids.update(f"{prefix}{mp}" for mp in kb.model_practices for prefix in ("mp:", "mps:"))
    for item in facts:
        kind = item["kind"]
        if kind == "mp":
            ids.add(f"mps:{item['mp']}")
        elif kind == "goal":
            ids.add(f"gs:{item['goal']}")
        elif kind == "pa":
            ids.add(f"ps:{item['pa']}")
        elif kind == "lvl":
            ids.add(f"mm:{item['n']}")
        elif kind == "fwlevel":
            ids.update((f"fls:{item['fw']}:{item['level']}", f"fx:{item['fw']}:{item['level']}"))
        elif kind == "fw":
            ids.add(f"fwl:{item['fw']}")
        elif kind == "practice":
            ids.add(f"r:{item['practice']}")
    ids.update(f"f:{rule.id}" for rule in kb.insights)
    ids.add("maturity")
    ids.update(session_fact_ids(PHASES))
    return sorted(ids)


def keep_with_knowledge_base(kb: KnowledgeBase) -> None:
    """Put into ``kb``'s memo what a pickled copy keeps for the runs of a later process (the disk cache calls it
    before writing): the id hash of every fact id (:func:`fact_ids`)."""
    kb.memo[ID_HASHES_MEMO] = id_hashes(fact_ids(kb))


def infer(
    kb: KnowledgeBase,
    statuses: Mapping[str, str],
    context: Mapping[str, Any],
    direct: Mapping[str, str] | None = None,
    out_of_scope: Collection[str] = (),
) -> Conclusions:
    """Run the rules on durable_rules and read their conclusions."""
    direct = direct or {}
    run = rule_engine(kb).run(build_facts(kb, statuses, context, direct, out_of_scope))
    out = Conclusions(derivations=run.derivations)
    for item in run.derived():
        kind = item["kind"]
        if kind == "mps":
            out.mp_status[item["mp"]] = item["status"]
        elif kind == "gs":
            out.goal_status[item["goal"]] = item["status"]
        elif kind == "ps":
            out.pa_status[item["pa"]] = (item["status"], item["cl"])
        elif kind == "ml_met":
            out.levels_met.add(item["n"])
        elif kind == "maturity":
            out.maturity_level = item["level"]
        elif kind == "fls":
            out.framework_level_status[(item["fw"], item["level"])] = item["status"]
        elif kind == "fw_level":
            out.framework_level[item["fw"]] = None if item["level"] == -1 else item["level"]
        elif kind == "ready":
            out.ready.add(item["practice"])
        elif kind == "finding":
            out.findings.append(item["rule"])
    # Alternatives are tested inside their CMMI practice's rule; each one's class is read off its practices.
    alt_status = out.alt_status
    status_of = statuses.__getitem__
    for key, members in _alternatives(kb):
        seen = tuple(map(status_of, members))
        klass = _ALT_CLASS.get(seen)
        if klass is None:
            if len(_ALT_CLASS) >= _HASH_LIMIT:
                _ALT_CLASS.clear()
            klass = _ALT_CLASS[seen] = rate_alternative(practice_class(st) for st in seen)
        alt_status[key] = klass
    # An area generic practice that is the organization's (its goal was rated as inherited) reads as that.
    for mp in kb.model_practices.values():
        if mp.id not in out.mp_status and mp.inherits is not None:
            out.mp_status[mp.id] = out.mp_status[mp.inherits]
    out.blocked_by = blocked_by(run.index, statuses, out.ready)
    out.findings.sort()
    return out


_ALT_CLASS: dict[tuple[str, ...], str] = {}
"""An alternative's class by its practices' statuses (a pure function of them, remembered)."""

_HASH_LIMIT = 10_000


def _alternatives(kb: KnowledgeBase) -> list[tuple[str, tuple[str, ...]]]:
    """Every alternative (``CM.SP1.2#1``, ``fw:google:1:2#1``) with its practices, in the reading's order."""
    found: list[tuple[str, tuple[str, ...]]] | None = kb.memo.get("inference.alternatives")
    if found is None:
        found = [(f"{mp.id}#{k}", tuple(alt)) for mp in kb.model_practices.values()
                 for k, alt in enumerate(mp.alternatives, 1)]
        for fid, fw in kb.frameworks.items():
            for lv in fw.levels:
                for i, group in enumerate(lv.requirement_groups, 1):
                    if len(group) > 1 or len(group[0]) > 1:
                        found += [(f"{framework_group_id(fid, lv.level, i)}#{k}", tuple(alt))
                                  for k, alt in enumerate(group, 1)]
        kb.memo["inference.alternatives"] = found
    return found


def blocked_by(index: FactIndex, statuses: Mapping[str, str], ready: set[str]) -> dict[str, list[str]]:
    """Each practice's unsatisfied prerequisites when the rules did not find it ready, read off working memory.

    Readiness is derived by the ``practice_ready`` rule; an unsatisfied practice it did not fire for is blocked,
    and what blocks it are its ``dep`` facts with an unsatisfied prerequisite (the facts that kept the rule's
    ``none`` pattern from holding). Listing them is reading, not inference; one ``blocked`` conclusion per
    practice would cost a rule firing each. A blocked practice without such a fact would mean the rule
    misfired: that is an error, not an empty list.
    """
    out: dict[str, list[str]] = {}
    by_id = index.by_id
    for pid, status in statuses.items():
        if status in UNSAT and pid not in ready:
            links = (by_id[d] for d in by_id[f"p:{pid}"]["deps"])
            reqs = sorted(d["requires"] for d in links if d["q_status"] in UNSAT)
            if not reqs:
                raise InferenceError(f"practice {pid} is neither ready nor waiting for a prerequisite")
            out[pid] = reqs
        else:
            out[pid] = []
    return out
