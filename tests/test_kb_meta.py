"""Meta-tests over the shipped knowledge base: completeness, faithfulness to CMMI-DEV v1.3 and the seed article,
and the two boundary assessments (everything fully implemented, nothing observed)."""

from __future__ import annotations

import datetime as dt

import pytest
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.kb import NO_CMMI_LEVEL, load_knowledge_base, validate_knowledge_base

KB = load_knowledge_base()

# CMMI-DEV v1.3 process areas, transcribed from shared/domain/domain-facts.md section 1.2:
# id: (category, maturity level, specific goal names in order).
PROCESS_AREAS: dict[str, tuple[str, int, list[str]]] = {
    "REQM": ("Project Management", 2, ["Manage Requirements"]),
    "PP": ("Project Management", 2, ["Establish Estimates", "Develop a Project Plan", "Obtain Commitment to the Plan"]),
    "PMC": ("Project Management", 2, ["Monitor the Project Against the Plan", "Manage Corrective Action to Closure"]),
    "SAM": ("Project Management", 2, ["Establish Supplier Agreements", "Satisfy Supplier Agreements"]),
    "MA": ("Support", 2, ["Align Measurement and Analysis Activities", "Provide Measurement Results"]),
    "PPQA": ("Support", 2, ["Objectively Evaluate Processes and Work Products", "Provide Objective Insight"]),
    "CM": ("Support", 2, ["Establish Baselines", "Track and Control Changes", "Establish Integrity"]),
    "RD": ("Engineering", 3, ["Develop Customer Requirements", "Develop Product Requirements",
                              "Analyze and Validate Requirements"]),
    "TS": ("Engineering", 3, ["Select Product Component Solutions", "Develop the Design",
                              "Implement the Product Design"]),
    "PI": ("Engineering", 3, ["Prepare for Product Integration", "Ensure Interface Compatibility",
                              "Assemble Product Components and Deliver the Product"]),
    "VER": ("Engineering", 3, ["Prepare for Verification", "Perform Peer Reviews", "Verify Selected Work Products"]),
    "VAL": ("Engineering", 3, ["Prepare for Validation", "Validate Product or Product Components"]),
    "OPF": ("Process Management", 3, ["Determine Process Improvement Opportunities",
                                      "Plan and Implement Process Actions",
                                      "Deploy Organizational Process Assets and Incorporate Experiences"]),
    "OPD": ("Process Management", 3, ["Establish Organizational Process Assets"]),
    "OT": ("Process Management", 3, ["Establish an Organizational Training Capability", "Provide Training"]),
    "IPM": ("Project Management", 3, ["Use the Project's Defined Process",
                                      "Coordinate and Collaborate with Relevant Stakeholders"]),
    "RSKM": ("Project Management", 3, ["Prepare for Risk Management", "Identify and Analyze Risks", "Mitigate Risks"]),
    "DAR": ("Support", 3, ["Evaluate Alternatives"]),
    "OPP": ("Process Management", 4, ["Establish Performance Baselines and Models"]),
    "QPM": ("Project Management", 4, ["Prepare for Quantitative Management", "Quantitatively Manage the Project"]),
    "OPM": ("Process Management", 5, ["Manage Business Performance", "Select Improvements", "Deploy Improvements"]),
    "CAR": ("Support", 5, ["Determine Causes of Selected Outcomes", "Address Causes of Selected Outcomes"]),
}

FRAMEWORK_LEVELS = {
    "google": (0, 2),
    "azure": (0, 4),
    "mcknight": (0, 4),
    "devops-small-entities": (1, 5),
    "aws-orchestrator": None,
    "model-ops": None,
}

# Specific practices per process area, counted from shared/domain/cmmi-dev-1.3-practices.yaml (CMMI-DEV v1.3,
# CMU/SEI-2010-TR-033): 167 in all, 54 at maturity level 2, 86 at 3, 12 at 4, 15 at 5.
SPECIFIC_PRACTICES = {
    "REQM": 5, "PP": 14, "PMC": 10, "SAM": 6, "MA": 8, "PPQA": 4, "CM": 7,
    "RD": 10, "TS": 8, "PI": 9, "VER": 8, "VAL": 5, "OPF": 9, "OPD": 7, "OT": 7, "IPM": 10, "RSKM": 7, "DAR": 6,
    "OPP": 5, "QPM": 7,
    "OPM": 10, "CAR": 5,
}

PROBLEM_AREAS = {
    "data-issues", "talent", "user-adoption", "missing-transformation", "missing-processes", "due-diligence",
    "business-problem", "wrong-target", "end-user-trust", "production-support",
}


def _facts(practices: dict[str, str]) -> FactFile:
    return FactFile.model_validate({"organization": "meta", "assessed_on": dt.date(2026, 1, 1),
                                    "practices": practices})


# ------------------------------------------------------------------------------------------ validation


def test_kb_validate_has_no_errors_and_no_warnings() -> None:
    kb, issues = validate_knowledge_base()
    assert kb is not None
    assert [str(i) for i in issues] == []


# ------------------------------------------------------------------------------------------ CMMI


def test_the_22_process_areas_with_categories_levels_and_goals() -> None:
    assert len(KB.process_areas) == 22
    actual = {pa.id: (pa.category.value, pa.maturity_level, [g.name for g in pa.goals]) for pa in KB.process_areas}
    assert actual == PROCESS_AREAS
    for pa in KB.process_areas:
        assert [g.id for g in pa.goals] == [f"{pa.id}.SG{n}" for n in range(1, len(pa.goals) + 1)]
        assert pa.purpose.strip() and pa.ml_interpretation.strip() and pa.source.strip()


def test_process_area_counts_by_level_and_category() -> None:
    by_level = {n: sum(1 for pa in KB.process_areas if pa.maturity_level == n) for n in (2, 3, 4, 5)}
    assert by_level == {2: 7, 3: 11, 4: 2, 5: 2}
    by_category: dict[str, int] = {}
    for pa in KB.process_areas:
        by_category[pa.category.value] = by_category.get(pa.category.value, 0) + 1
    assert by_category == {"Process Management": 5, "Project Management": 7, "Engineering": 5, "Support": 5}


def test_generic_goals_and_practices() -> None:
    goals = {gg.id: [gp.id for gp in gg.practices] for gg in KB.generic_goals}
    assert goals == {"GG2": [f"GP2.{n}" for n in range(1, 11)], "GG3": ["GP3.1", "GP3.2"]}
    assert {gg.id: gg.capability_level for gg in KB.generic_goals} == {"GG2": 2, "GG3": 3}
    for gp in [gp for gg in KB.generic_goals for gp in gg.practices]:
        mp = KB.model_practices[gp.id]
        assert mp.kind == "generic" and mp.alternatives, f"generic practice {gp.id} has no organization-level " \
            "alternative"
        for pa in KB.process_areas:  # every area inherits it
            assert KB.model_practices[f"{pa.id}.{gp.id}"].inherits == gp.id


def test_every_goal_has_at_least_one_practice() -> None:
    """Each area's specific goals and its own GG2 and GG3 are rated (the organization-level GG2/GG3 are not goals
    of ``kb.goals``), each from at least one CMMI practice."""
    assert len(KB.goals) == sum(len(pa.goals) + len(KB.generic_goals) for pa in KB.process_areas)
    for pa in KB.process_areas:
        assert {g for g, info in KB.goals.items() if info.generic and info.process_area == pa.id} \
            == {f"{pa.id}.GG2", f"{pa.id}.GG3"}
    for goal, practices in KB.goal_model_practices.items():
        assert practices, f"goal {goal} has no CMMI practice"


def test_the_167_specific_practices_each_with_an_alternative_and_an_interpretation() -> None:
    assert {pa.id: len(pa.specific_practices) for pa in KB.process_areas} == SPECIFIC_PRACTICES
    by_level = {n: sum(len(pa.specific_practices) for pa in KB.process_areas if pa.maturity_level == n)
                for n in (2, 3, 4, 5)}
    assert by_level == {2: 54, 3: 86, 4: 12, 5: 15}
    specific = [mp for mp in KB.model_practices.values() if mp.kind == "specific"]
    assert len(specific) == 167
    for pa in KB.process_areas:
        for goal in pa.goals:
            number = goal.id.split(".SG")[1]
            ids = [sp.id for sp in goal.practices]
            assert ids == [f"{pa.id}.SP{number}.{k}" for k in range(1, len(ids) + 1)], goal.id
    for mp in specific:
        assert mp.name.strip(), mp.id
        assert mp.alternatives and all(mp.alternatives), f"{mp.id} has no alternative"
        assert mp.interpretation.strip(), f"{mp.id} has no interpretation"
        assert mp.id in KB.goal_model_practices[mp.goal]


def test_maturity_level_names() -> None:
    names = {lv.level: lv.name for lv in KB.maturity_levels}
    assert names == {1: "Initial", 2: "Managed", 3: "Defined", 4: "Quantitatively Managed", 5: "Optimizing"}
    level4 = next(lv for lv in KB.maturity_levels if lv.level == 4)
    assert "Quantitatively Defined" in level4.aliases
    months = {lv.level: lv.median_months_from_previous for lv in KB.maturity_levels}
    assert (months[2], months[3]) == (5, 21)
    for lv in KB.maturity_levels:
        assert lv.description.strip() and lv.ml_meaning.strip() and lv.source.strip()


@pytest.mark.parametrize(
    ("area", "practices"),
    [
        ("CM", ["ml.source-control", "ml.data-versioning", "ml.model-registry", "ml.reproducible-training"]),
        ("RD", ["eng.business-problem-framing", "eng.target-definition"]),
        ("RSKM", ["gov.model-risk-tiering"]),
        ("OT", ["org.ml-training-programme"]),
        ("CAR", ["car.post-incident-analysis"]),
    ],
)
def test_process_areas_are_interpreted_for_ml(area: str, practices: list[str]) -> None:
    """The interpretations the issue names: CM is code, data and model versioning; RD is problem framing ..."""
    specific = {sp.id for sp in KB.process_area[area].specific_practices}
    for pid in practices:
        assert specific & set(KB.practice_implements[pid]), f"{pid} should implement a specific practice of {area}"


# ------------------------------------------------------------------------------------------ practices


@pytest.mark.parametrize("pid", sorted(KB.practices))
def test_every_practice_is_complete(pid: str) -> None:
    p = KB.practices[pid]
    assert p.name.strip() and p.description.strip() and p.guidance.strip()
    assert p.source.strip()
    assert p.evidence and all(item.strip() for item in p.evidence)
    assert p.effort.max > 0 and p.effort.min <= p.effort.max
    assert 1 <= p.value <= 5


# ------------------------------------------------------------------------------------------ interview rubric (12)


@pytest.mark.parametrize("pid", sorted(KB.practices))
def test_every_practice_has_an_interview_entry_with_a_full_rubric(pid: str) -> None:
    entry = KB.interview.get(pid)
    assert entry is not None, f"{pid} has no interview entry"
    assert entry.practice == pid
    assert entry.role
    assert entry.questions and all(q.strip() for q in entry.questions)
    for level in ("FI", "LI", "PI", "NI"):
        assert getattr(entry.rubric, level).strip(), f"{pid}: rubric {level} is empty"
    assert entry.source.strip()


def test_every_practice_counts_somewhere() -> None:
    """A practice implements a CMMI practice, or a framework, a problem area or an insight rule names it: none is
    knowledge that no result can ever use (the same rule ``kb validate`` warns about)."""
    named = {p for a in KB.problem_areas for p in a.practices} | {p for r in KB.insights for p in r.practices}
    for pid in KB.practices:
        if KB.serving_level[pid] < NO_CMMI_LEVEL:
            assert KB.practice_implements[pid], pid
        else:
            assert KB.framework_practices.get(pid) or KB.optional_practices.get(pid) or pid in named, \
                f"{pid} implements no CMMI practice and nothing names it"


def test_no_goal_is_gated_by_an_optional_practice() -> None:
    """A practice with ``option: true`` is one way among several: no CMMI practice needs it in every alternative."""
    options = {pid for pid, p in KB.practices.items() if p.option}
    assert options  # the knowledge base marks its technology choices
    for mp in KB.model_practices.values():
        if not mp.alternatives:
            continue
        gates = set(mp.alternatives[0]).intersection(*map(set, mp.alternatives[1:])) & options
        assert not gates, f"goal {mp.goal} is gated by optional {sorted(gates)} (every alternative of {mp.id})"


def test_named_prerequisites_are_encoded() -> None:
    """The dependencies the issue names: registry before automated promotion, monitoring before drift-triggered
    retraining, an organizational standard process before tailoring it."""

    def closure(pid: str) -> set[str]:
        seen: set[str] = set()
        todo = list(KB.practices[pid].requires)
        while todo:
            q = todo.pop()
            if q not in seen:
                seen.add(q)
                todo.extend(KB.practices[q].requires)
        return seen

    assert "ml.model-registry" in closure("ml.environment-promotion")
    assert "ml.model-registry" in closure("ml.model-cd")
    assert "ml.model-monitoring" in closure("ml.drift-triggered-retraining")
    assert "org.ml-standard-process" in closure("org.tailoring-guidelines")
    assert "org.ml-standard-process" in closure("ipm.project-defined-process")


# ------------------------------------------------------------------------------------------ frameworks


def test_the_six_frameworks_and_their_levels() -> None:
    assert set(KB.frameworks) == set(FRAMEWORK_LEVELS)
    for fid, span in FRAMEWORK_LEVELS.items():
        levels = [lv.level for lv in KB.frameworks[fid].levels]
        if span is not None:
            assert levels == list(range(span[0], span[1] + 1)), fid
        assert len(levels) >= 2, fid


def test_every_framework_level_above_the_base_has_practices() -> None:
    for fid, fw in KB.frameworks.items():
        assert fw.source.strip() and fw.description.strip()
        for level in fw.levels[1:]:
            assert level.practices, f"{fid} level {level.level} lists no practices"
            assert level.name.strip() and level.description.strip()


def test_framework_levels_respect_prerequisites() -> None:
    """No framework level requires a practice whose (transitive) prerequisite the same framework requires higher
    (optional practices are never required, so they are not placed)."""
    for fid, fw in KB.frameworks.items():
        placed = {pid: level.level for level in fw.levels
                  for pid in dict.fromkeys(p for group in level.requirement_groups for alt in group for p in alt)}
        for pid, level in placed.items():
            todo, seen = list(KB.practices[pid].requires), set()
            while todo:
                req = todo.pop()
                if req in seen:
                    continue
                seen.add(req)
                todo.extend(KB.practices[req].requires)
                assert placed.get(req, level) <= level, f"{fid}: {pid} (level {level}) requires {req} " \
                    f"(level {placed[req]})"


def test_framework_dimensions_interpretations_and_lock_in() -> None:
    assert KB.frameworks["azure"].dimensions == ["People", "Model creation", "Model release",
                                                 "Application integration"]
    assert KB.frameworks["mcknight"].dimensions == ["Strategy", "Architecture", "Modeling", "Processes", "Governance"]
    assert KB.frameworks["devops-small-entities"].dimensions == ["Technology", "Processes", "People", "Culture"]
    for thin in ("mcknight", "devops-small-entities"):
        assert KB.frameworks[thin].interpretation, f"{thin}: the source is thin, the interpretation must be written"
    assert KB.frameworks["aws-orchestrator"].vendor_lock_in
    model_ops = {p for lv in KB.frameworks["model-ops"].levels for p in lv.practices}
    assert {"gov.model-inventory", "gov.independent-validation", "gov.model-risk-tiering",
            "gov.regulatory-compliance", "gov.lifecycle-controls", "gov.model-ownership",
            "gov.all-models-scope"} <= model_ops


def test_every_framework_with_a_verdict_explains_a_crosswalk() -> None:
    for fid, fw in KB.frameworks.items():
        assert fw.provenance in ("sourced", "constructed", "reconstructed"), fid
        assert fw.provenance_note.strip(), f"{fid}: provenance_note missing"
        if fw.article_verdict is not None:
            assert fw.article_verdict.text.strip(), fid


# ------------------------------------------------------------------------------------------ problem areas


def test_the_ten_problem_areas_map_to_process_areas() -> None:
    """Each problem area is served by CMMI process areas through its practices' specific practices. A practice in a
    problem area may serve none itself (organization-wide data quality is no condition of a CMMI goal; audit #5):
    the problem area still names it as a way to address the problem."""
    assert {a.id for a in KB.problem_areas} == PROBLEM_AREAS
    for area in KB.problem_areas:
        assert area.source.strip() and area.description.strip()
        specific = {KB.model_practices[m].process_area for pid in area.practices for m in KB.practice_implements[pid]
                    if KB.model_practices[m].kind == "specific"}
        assert specific, f"{area.id}: no practice implements a specific practice of a process area"


# ------------------------------------------------------------------------------------------ insight rules


def test_insight_rules() -> None:
    assert len(KB.insights) >= 10
    ids = {r.id for r in KB.insights}
    assert len(ids) == len(KB.insights)
    for rule in KB.insights:
        assert rule.finding.strip() and rule.recommendation.strip() and rule.source.strip() and rule.when
    # The heuristics the issue names.
    assert {"ct-without-retraining-policy", "ct-without-model-validity-spec", "tools-without-process-google",
            "single-cloud-lock-in", "production-models-without-inventory", "production-models-without-owner",
            "monitoring-without-response"} <= ids


# ------------------------------------------------------------------------------------------ boundary assessments


def test_all_fi_reaches_level_5_and_every_framework_top_level() -> None:
    result = assess(KB, _facts({pid: "FI" for pid in KB.practices}))
    assert result.maturity_level == 5
    assert result.maturity_level_name == "Optimizing"
    for pa in result.process_areas:
        assert (pa.status, pa.capability_level) == ("satisfied", 3), pa.id
    assert all(g.status == "satisfied" for g in result.generic_goals)
    for fw in result.frameworks:
        assert fw.level == KB.frameworks[fw.id].levels[-1].level, fw.id


def test_empty_fact_file_is_level_1_with_every_goal_not_rated() -> None:
    result = assess(KB, _facts({}))
    assert result.maturity_level == 1
    goals = [g for pa in result.process_areas for g in pa.goals + pa.generic_goals]
    assert len(goals) == len(KB.goals)
    assert [g.id for g in result.generic_goals] == ["GG2", "GG3"]
    assert {g.status for g in goals + list(result.generic_goals)} == {"not_rated"}
    assert {(pa.status, pa.capability_level) for pa in result.process_areas} == {("not_rated", None)}
    for fw in result.frameworks:
        base = KB.frameworks[fw.id].levels[0]
        # Only a base level that asks nothing is reached; one that asks something is undetermined (not observed).
        assert fw.level == (None if base.required else base.level), fw.id
        assert fw.next_level_status == "undetermined", fw.id
    assert [f.rule for f in result.findings] == ["production-model-count-not-stated"]


