"""CMMI inference as forward-chaining rules on durable_rules, and the reading of its conclusions.

Knowledge and observations become facts (see :func:`build_facts`); generic rules, in stratified phases,
derive goal ratings, process-area ratings with capability levels, the maturity level, framework levels and
ready practices (an unsatisfied practice that is not ready is blocked, by the unsatisfied prerequisites its
``dep`` facts show); each insight rule of the knowledge base is compiled into one more rule. Every derived fact
carries the rule that produced it and its premises (the explanation trace).

Only facts some pattern can match enter durable_rules (see :meth:`RuleEngine.wanted`): a prerequisite link or
framework requirement whose practice is satisfied, a link to a not-applicable practice, a conclusion no rule
reads. They are in working memory all the same, and premises name them. The engine is given only the fields
rules read: the id tuples below (``deps``, ``evidence``, ``requirements``, ``rated``, ``generic``, ``areas``) are
for the trace, which lists a conclusion's premises from the bound fact (those in working memory) instead of
searching working memory.

Fact kinds (all with ``kind`` and a deterministic ``id``):

=========== ===========================================================================
practice    ``p:ID`` one per practice in the KB: ``status`` FI/LI/PI/NI/NY/NA or NO (not observed); ``deps``
goal        ``g:GOAL`` a goal to rate: ``pa`` (``GG`` for generic goals), ``links`` = #practices; ``evidence``
ev          ``ev:GOAL:PRACTICE`` the practice evidences the goal; ``status`` is the practice's
pa          ``pa:ID`` a process area with its maturity level ``ml``; ``rated``, ``generic`` (goal ratings)
lvl         ``lvl:N`` maturity level N: ``req`` = capability level its process areas need; ``areas``
dep         ``dep:P:Q`` P requires Q, with Q's status
fw          ``fw:F``; fwlevel ``fl:F:K`` (``requirements``); fwreq ``fr:F:K:P`` (level K of F calls for P)
attr        ``a:NAME`` a context attribute of the fact file
=========== ===========================================================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from mlops_maturity.engine.errors import InferenceError
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.knowledge import (
    AttributeCondition,
    Comparison,
    FrameworkCondition,
    InsightRule,
    MaturityCondition,
    PracticeCondition,
)
from mlops_maturity.engine.rules_engine import (
    Bound,
    Derivation,
    Fact,
    FactIndex,
    Pattern,
    Rule,
    RuleEngine,
    any_of,
    cmp,
    eq,
    fact,
    join,
    ne,
    none,
)

NOT_OBSERVED = "NO"
"""Internal code of a practice the fact file does not mention."""

SAT = ("FI", "LI")
UNSAT = ("PI", "NI", "NY", NOT_OBSERVED)
FAILED = ("PI", "NI")
UNRATED = ("NY", NOT_OBSERVED)

PRACTICE_CLASSES: dict[str, tuple[str, ...]] = {
    "satisfied": SAT,
    "not_satisfied": UNSAT,
    "not_implemented": FAILED,
    "not_observed": UNRATED,
    "not_applicable": ("NA",),
}



def public_status(status: str) -> str:
    """The status as results show it: the internal ``NO`` reads ``not_observed``."""
    return "not_observed" if status == NOT_OBSERVED else status


PHASES = ("goals1", "goals2", "goals3", "goals4", "areas1", "areas2", "areas3", "areas4",
          "levels1", "levels2", "insights")


@dataclass
class Conclusions:
    """What inference concluded, in plain data: both evaluators produce this, and results are built from it."""

    goal_status: dict[str, str] = field(default_factory=dict)
    pa_status: dict[str, tuple[str, int]] = field(default_factory=dict)
    levels_met: set[int] = field(default_factory=set)
    maturity_level: int = 1
    framework_levels_met: set[tuple[str, int]] = field(default_factory=set)
    framework_level: dict[str, int | None] = field(default_factory=dict)
    blocked_by: dict[str, list[str]] = field(default_factory=dict)
    ready: set[str] = field(default_factory=set)
    findings: list[str] = field(default_factory=list)
    derivations: dict[str, Derivation] = field(default_factory=dict)

    def comparable(self) -> dict[str, Any]:
        """Everything but the trace, in a canonical form for cross-checking two evaluators."""
        return {
            "goal_status": dict(sorted(self.goal_status.items())),
            "pa_status": {k: list(v) for k, v in sorted(self.pa_status.items())},
            "levels_met": sorted(self.levels_met),
            "maturity_level": self.maturity_level,
            "framework_levels_met": sorted(f"{f}:{k}" for f, k in self.framework_levels_met),
            "framework_level": dict(sorted(self.framework_level.items())),
            "blocked_by": {k: sorted(v) for k, v in sorted(self.blocked_by.items()) if v},
            "ready": sorted(self.ready),
            "findings": sorted(self.findings),
        }


def required_capability(level: int) -> int:
    """Capability level every process area of levels 2..N needs for maturity level N (staged rating)."""
    return 2 if level == 2 else 3


def build_facts(kb: KnowledgeBase, statuses: dict[str, str], context: dict[str, Any]) -> list[Fact]:
    """Turn the knowledge base and the effective practice statuses into engine facts (read-only mappings).

    Facts that depend only on the knowledge base, or on it and one practice's status, are made once per knowledge
    base and status and shared between runs (the adapter then prepares each only once).
    """
    table = _fact_table(kb)
    out: list[Fact] = []
    append = out.append
    for pid, variants, make in table:
        if pid is None:
            append(variants)
            continue
        status = statuses[pid]
        item = variants.get(status)
        if item is None:
            item = variants[status] = MappingProxyType(make(status))
        append(item)
    for name, value in sorted(context.items()):
        attr: Fact = {"kind": "attr", "id": f"a:{name}", "name": name, "text": json.dumps(value)}
        if isinstance(value, int) and not isinstance(value, bool):
            attr["num"] = value
        out.append(attr)  # made per run: a plain dict, which the adapter prepares without remembering it
    return out


_Slot = tuple[Any, Any, Any]
"""``(None, fact, None)`` for a fact of the knowledge base alone; ``(practice, {status: fact}, make)`` for one
that carries a practice's status."""

def _fact_table(kb: KnowledgeBase) -> list[_Slot]:
    table: list[_Slot] | None = kb.memo.get("inference.facts")
    if table is not None:
        return table
    table = []

    def static(item: Fact) -> None:
        table.append((None, MappingProxyType(item), None))

    def varying(pid: str, make: Any) -> None:
        table.append((pid, {}, make))

    for pid in kb.practices:
        deps = tuple(f"dep:{pid}:{req}" for req in kb.practices[pid].requires)
        varying(pid, lambda st, p=pid, d=deps: {"kind": "practice", "id": f"p:{p}", "practice": p, "status": st,
                                                "deps": d})
        for req in kb.practices[pid].requires:
            varying(req, lambda st, p=pid, q=req: {"kind": "dep", "id": f"dep:{p}:{q}", "practice": p,
                                                   "requires": q, "q_status": st})
    for gid, info in kb.goals.items():
        pids = kb.goal_practices[gid]
        static({"kind": "goal", "id": f"g:{gid}", "goal": gid, "pa": info.process_area or "GG", "links": len(pids),
                "evidence": tuple(f"ev:{gid}:{pid}" for pid in pids)})
        for pid in pids:
            varying(pid, lambda st, g=gid, p=pid: {"kind": "ev", "id": f"ev:{g}:{p}", "goal": g, "practice": p,
                                                   "status": st})
    generic = tuple(f"gs:{gg.id}" for gg in kb.generic_goals)
    for pa in kb.process_areas:
        static({"kind": "pa", "id": f"pa:{pa.id}", "pa": pa.id, "ml": pa.maturity_level,
                "rated": tuple(f"gs:{g.id}" for g in pa.goals), "generic": generic})
    for n in range(1, 6):
        areas = tuple(sorted(f"ps:{pa.id}" for pa in kb.process_areas if pa.maturity_level <= n))
        static({"kind": "lvl", "id": f"lvl:{n}", "n": n, "req": required_capability(n), "next": n + 1,
                "areas": areas})
    for fid, fw in kb.frameworks.items():
        static({"kind": "fw", "id": f"fw:{fid}", "fw": fid})
        base = fw.levels[0].level
        for level in fw.levels:
            static({"kind": "fwlevel", "id": f"fl:{fid}:{level.level}", "fw": fid, "level": level.level,
                    "prev": level.level - 1, "base": int(level.level == base),
                    "requirements": tuple(f"fr:{fid}:{level.level}:{pid}" for pid in level.practices)})
            for pid in level.practices:
                varying(pid, lambda st, f=fid, k=level.level, p=pid: {"kind": "fwreq", "id": f"fr:{f}:{k}:{p}",
                                                                      "fw": f, "level": k, "practice": p,
                                                                      "status": st})
    kb.memo["inference.facts"] = table
    return table


# --- rule conclusions -------------------------------------------------------------------------------------


def _goal_status(status: str) -> Any:
    def conclude(m: Bound, index: FactIndex) -> Fact:
        g = m["g"]
        return {"kind": "goal_status", "id": f"gs:{g['goal']}", "goal": g["goal"], "pa": g["pa"],
                "status": status}

    return conclude


def _goal_links(m: Bound, index: FactIndex) -> list[str]:
    return list(m["g"]["evidence"])


def _pa_status(status: str, capability: int) -> Any:
    def conclude(m: Bound, index: FactIndex) -> Fact:
        a = m["a"]
        return {"kind": "pa_status", "id": f"ps:{a['pa']}", "pa": a["pa"], "ml": a["ml"], "status": status,
                "cl": capability}

    return conclude


def _present(ids: tuple[str, ...], index: FactIndex) -> list[str]:
    """The facts of ``ids`` that are in working memory, in that order."""
    return [i for i in ids if i in index.by_id]


def _pa_goals(m: Bound, index: FactIndex) -> list[str]:
    return _present(m["a"]["rated"], index)


def _pa_goals_and_generic(m: Bound, index: FactIndex) -> list[str]:
    return _present(m["a"]["rated"] + m["a"]["generic"], index)


def _ready(m: Bound, index: FactIndex) -> Fact:
    return {"kind": "ready", "id": f"r:{m['p']['practice']}", "practice": m["p"]["practice"]}


def _deps_of(m: Bound, index: FactIndex) -> list[str]:
    return list(m["p"]["deps"])


def _fw_met(m: Bound, index: FactIndex) -> Fact:
    lv = m["l"]
    return {"kind": "fw_met", "id": f"fm:{lv['fw']}:{lv['level']}", "fw": lv["fw"], "level": lv["level"],
            "prev": lv["prev"], "base": lv["base"]}


def _fw_level_reqs(m: Bound, index: FactIndex) -> list[str]:
    return list(m["l"]["requirements"])


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


def generic_rules() -> list[Rule]:
    """The rules that rate goals, process areas, levels, frameworks and practice readiness."""
    not_na = ne("status", "NA")
    return [
        # goals, phase 1: not applicable when every evidencing practice is NA
        Rule("goal_not_applicable", "goals1",
             (fact("g", "goal", cmp("links", ">", 0)), none("e", "ev", not_na, join("goal", "g", "goal"))),
             _goal_status("not_applicable"), _goal_links),
        # practices, phase 1: an unsatisfied practice is ready when no prerequisite is unsatisfied
        Rule("practice_ready", "goals1",
             (fact("p", "practice", any_of("status", UNSAT)),
              none("d", "dep", any_of("q_status", UNSAT), join("practice", "p", "practice"))),
             _ready, _deps_of),
        Rule("framework_level_met", "goals1",
             (fact("l", "fwlevel"),
              none("r", "fwreq", any_of("status", UNSAT), join("fw", "l", "fw"), join("level", "l", "level"))),
             _fw_met, _fw_level_reqs),
        # goals, phase 2: satisfied when every evidencing practice is FI, LI or NA
        Rule("goal_satisfied", "goals2",
             (fact("g", "goal", cmp("links", ">", 0)),
              none("e", "ev", any_of("status", UNSAT), join("goal", "g", "goal")),
              none("s", "goal_status", join("goal", "g", "goal"))),
             _goal_status("satisfied"), _goal_links),
        Rule("framework_level_reached_base", "goals2", (fact("m", "fw_met", eq("base", 1)),), _fw_reached),
        Rule("framework_level_reached_next", "goals2",
             (fact("m", "fw_met"), fact("r", "fw_reached", join("fw", "m", "fw"), join("level", "m", "prev"))),
             _fw_reached),
        # goals, phase 3: not rated when nothing failed but something is not observed or not yet
        Rule("goal_not_rated", "goals3",
             (fact("g", "goal"), none("e", "ev", any_of("status", FAILED), join("goal", "g", "goal")),
              none("s", "goal_status", join("goal", "g", "goal"))),
             _goal_status("not_rated"), _goal_links),
        Rule("framework_level", "goals3",
             (fact("x", "fw_reached"), none("y", "fw_reached", join("fw", "x", "fw"), join("level", "x", "next"))),
             _fw_level),
        Rule("framework_no_level", "goals3",
             (fact("f", "fw"), none("y", "fw_reached", join("fw", "f", "fw"))), _fw_no_level),
        # goals, phase 4: everything else is unsatisfied
        Rule("goal_unsatisfied", "goals4",
             (fact("g", "goal"), none("s", "goal_status", join("goal", "g", "goal"))),
             _goal_status("unsatisfied"), _goal_links),
        # process areas
        Rule("area_not_applicable", "areas1",
             (fact("a", "pa"), none("s", "goal_status", ne("status", "not_applicable"), join("pa", "a", "pa"))),
             _pa_status("not_applicable", -1), _pa_goals),
        *_area_satisfied_rules(),
        Rule("area_not_rated", "areas3",
             (fact("a", "pa"), none("s", "goal_status", eq("status", "unsatisfied"), join("pa", "a", "pa")),
              none("t", "pa_status", join("pa", "a", "pa"))),
             _pa_status("not_rated", 0), _pa_goals),
        Rule("area_unsatisfied", "areas4",
             (fact("a", "pa"), none("t", "pa_status", join("pa", "a", "pa"))),
             _pa_status("unsatisfied", 0), _pa_goals),
        # maturity levels
        Rule("maturity_level_met", "levels1",
             (fact("l", "lvl", cmp("n", ">=", 2)),
              none("t", "pa_status", ne("status", "not_applicable"), join("ml", "l", "n", "<="),
                   join("cl", "l", "req", "<"))),
             _level_met, _level_pas),
        Rule("maturity_level_staged", "levels2",
             (fact("m", "ml_met"), none("n", "ml_met", join("n", "m", "next"))), _maturity, _maturity_support),
        Rule("maturity_level_initial", "levels2",
             (fact("l", "lvl", eq("n", 1)), none("n", "ml_met", eq("n", 2))), _maturity, _maturity_support),
    ]


def _area_satisfied_rules() -> list[Rule]:
    """A process area whose specific goals hold: capability 3, 2 or 1 by the organization-wide GG3/GG2."""
    base = (fact("a", "pa"),
            none("s", "goal_status", any_of("status", ("unsatisfied", "not_rated")), join("pa", "a", "pa")),
            none("t", "pa_status", join("pa", "a", "pa")))
    gg2 = fact("g2", "goal_status", eq("goal", "GG2"), eq("status", "satisfied"))
    gg3 = fact("g3", "goal_status", eq("goal", "GG3"), eq("status", "satisfied"))
    no_gg2 = none("g2", "goal_status", eq("goal", "GG2"), eq("status", "satisfied"))
    no_gg3 = none("g3", "goal_status", eq("goal", "GG3"), eq("status", "satisfied"))
    return [
        Rule("area_satisfied_defined", "areas2", (*base, gg2, gg3), _pa_status("satisfied", 3), _pa_goals),
        Rule("area_satisfied_managed", "areas2", (*base, gg2, no_gg3), _pa_status("satisfied", 2),
             _pa_goals_and_generic),
        Rule("area_satisfied_performed", "areas2", (*base, no_gg2), _pa_status("satisfied", 1),
             _pa_goals_and_generic),
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


def rule_engine(kb: KnowledgeBase) -> RuleEngine:
    """The compiled rule set for a knowledge base (generic rules plus its insight rules), built once per object
    (durable_rules registers a rule set once per process: the same rules are never registered twice)."""
    engine: RuleEngine | None = kb.memo.get("inference.engine")
    if engine is None:
        rules = generic_rules() + [insight_rule(r) for r in kb.insights]
        engine = kb.memo["inference.engine"] = RuleEngine(rules, PHASES)
    return engine


def infer(kb: KnowledgeBase, statuses: dict[str, str], context: dict[str, Any]) -> Conclusions:
    """Run the rules on durable_rules and read their conclusions."""
    run = rule_engine(kb).run(build_facts(kb, statuses, context))
    out = Conclusions(derivations=run.derivations)
    for item in run.derived():
        kind = item["kind"]
        if kind == "goal_status":
            out.goal_status[item["goal"]] = item["status"]
        elif kind == "pa_status":
            out.pa_status[item["pa"]] = (item["status"], item["cl"])
        elif kind == "ml_met":
            out.levels_met.add(item["n"])
        elif kind == "maturity":
            out.maturity_level = item["level"]
        elif kind == "fw_met":
            out.framework_levels_met.add((item["fw"], item["level"]))
        elif kind == "fw_level":
            out.framework_level[item["fw"]] = None if item["level"] == -1 else item["level"]
        elif kind == "ready":
            out.ready.add(item["practice"])
        elif kind == "finding":
            out.findings.append(item["rule"])
    out.blocked_by = blocked_by(run.index, statuses, out.ready)
    out.findings.sort()
    return out


def blocked_by(index: FactIndex, statuses: dict[str, str], ready: set[str]) -> dict[str, list[str]]:
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
