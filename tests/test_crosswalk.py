"""Crosswalk v2: each framework's practice set, assumed FI, answered twice: the strict staged rating adopted alone,
and the achievement profile with a level characterization from the knowledge base's rules, beside the article."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.cli.app import app
from mlops_maturity.engine import crosswalk as crosswalk_module
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.crosswalk import (
    NOT_EVIDENTIAL,
    Crosswalk,
    crosswalk,
    crosswalk_rows,
    framework_practice_set,
)
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.kb import KnowledgeBase, _check_characterizations, load_knowledge_base
from mlops_maturity.engine.knowledge import (
    CharacterizationTest,
    Framework,
    FrameworkLevel,
    LevelCharacterization,
)
from mlops_maturity.engine.session import Session
from typer.testing import CliRunner

from tests.conftest import MINI_KB

SHIPPED = load_knowledge_base()


@pytest.fixture(scope="module")
def result() -> Crosswalk:
    """The crosswalk over the shipped knowledge base (rules engine, cross-checked by the reference)."""
    return crosswalk(SHIPPED)


# --- independent oracles: plain set arithmetic on the knowledge base, no engine ------------------------------------


def _covered(kb: KnowledgeBase, mp_id: str, practices: set[str]) -> bool:
    """With every practice of the set FI and everything else not observed, a CMMI practice is satisfied exactly when
    one of its alternatives lies inside the set."""
    return any(set(alt) <= practices for alt in kb.model_practices[mp_id].alternatives)


def _oracle_goals(kb: KnowledgeBase, practices: set[str]) -> list[str]:
    return [g.id for pa in kb.process_areas for g in pa.goals
            if all(_covered(kb, sp.id, practices) for sp in g.practices)]


def _oracle_rule(kb: KnowledgeBase, practices: set[str]) -> str | None:
    def holds(test: CharacterizationTest) -> bool:
        ids = list(test.implements_any) or [
            sp.id for pa in test.any_specific_practice_of for sp in kb.process_area[pa].specific_practices]
        return any(_covered(kb, mp, practices) for mp in ids)

    for rule in sorted(kb.characterizations, key=lambda r: -r.level):
        if all(holds(t) for t in rule.when):
            return rule.id
    return None


def _reference_level(kb: KnowledgeBase, framework: str) -> int:
    """The strict level by the reference evaluator, from a fact file built independently."""
    practices = {pid: "FI" for level in kb.frameworks[framework].levels for pid in level.practices}
    facts = FactFile.model_validate(
        {"organization": "independent", "assessed_on": dt.date(2026, 1, 1), "practices": practices})
    return assess(kb, facts, evaluator="reference").maturity_level


def _with_framework(kb: KnowledgeBase, practices: list[str], fid: str = "synthetic") -> KnowledgeBase:
    """The knowledge base plus a synthetic one-level framework calling for ``practices``."""
    synthetic = Framework(
        id=fid, name="Synthetic", publisher="test", description="test", source="test", provenance="sourced",
        provenance_note="test",
        levels=[FrameworkLevel(level=0, name="none", description="base"),
                FrameworkLevel(level=1, name="all", description="the practices", required=practices)],
    )
    return dataclasses.replace(kb, frameworks={**kb.frameworks, fid: synthetic})


def _implementing(kb: KnowledgeBase, mp_id: str) -> list[str]:
    """The practices of the first alternative of a CMMI practice."""
    return list(kb.model_practices[mp_id].alternatives[0])


# --- structure and the strict answer (a) ---------------------------------------------------------------------------


def test_one_row_per_framework_in_id_order(result: Crosswalk) -> None:
    assert [row.framework for row in result.rows] == sorted(SHIPPED.frameworks)
    assert result.knowledge_base == SHIPPED.fingerprint
    assert result.evaluator == "rules+reference"
    assert sorted(result.ordering) == sorted(SHIPPED.frameworks)


def test_one_session_and_one_inference_per_framework(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Session] = []

    class Counting(Session):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(crosswalk_module, "Session", Counting)
    crosswalk_rows(SHIPPED, verify=False)
    assert sorted(s.source for s in made) == [f"crosswalk:{fid}" for fid in sorted(SHIPPED.frameworks)]
    assert [s.inferences for s in made] == [1] * len(SHIPPED.frameworks)


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_strict_rating_is_what_inference_says(result: Crosswalk, framework: str) -> None:
    row = result.row(framework)
    assert row.strict.maturity_level == _reference_level(SHIPPED, framework)
    assert row.strict.maturity_level_name == SHIPPED.level_name(row.strict.maturity_level)
    assert row.practices == framework_practice_set(SHIPPED, framework)
    fw = SHIPPED.frameworks[framework]
    assert set(row.practices) == {p for lv in fw.levels for p in lv.practices}
    assert row.strict.framework_level_reached == fw.levels[-1].level
    # unaddressed areas: exactly those with no specific practice an alternative of the set covers
    practices = set(row.practices)
    unaddressed = [pa.id for pa in SHIPPED.process_areas
                   if not any(_covered(SHIPPED, sp.id, practices) for sp in pa.specific_practices)]
    assert row.strict.unaddressed_areas == unaddressed
    assert [a for lv in sorted(row.strict.unaddressed_by_level) for a in row.strict.unaddressed_by_level[lv]] == \
        unaddressed
    if row.strict.maturity_level == 1 and row.strict.unaddressed_by_level.get(2):
        assert all(pa in row.strict.statement for pa in row.strict.unaddressed_by_level[2])
        assert "cannot be awarded" in row.strict.statement


def test_framework_practice_set_includes_optional_and_any_of_members() -> None:
    google = SHIPPED.frameworks["google"]
    optional = {p for lv in google.levels for p in lv.optional}
    assert optional and optional <= set(framework_practice_set(SHIPPED, "google"))


# --- the achievement profile (b) -----------------------------------------------------------------------------------


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_profile_counts_are_the_covered_specific_practices(result: Crosswalk, framework: str) -> None:
    row = result.row(framework)
    practices = set(row.practices)
    for area in row.profile.areas:
        pa = SHIPPED.process_area[area.id]
        expected = [sp.id for sp in pa.specific_practices if _covered(SHIPPED, sp.id, practices)]
        assert area.covered_practices == expected
        assert (area.covered, area.total) == (len(expected), len(pa.specific_practices))
    for target in row.profile.target_profiles:
        profile = [pa for pa in SHIPPED.process_areas if pa.maturity_level <= target.level]
        assert target.total == sum(len(pa.specific_practices) for pa in profile)
        assert target.covered == sum(a.covered for a in row.profile.areas if a.maturity_level <= target.level)
        assert target.areas_total == len(profile)
    assert [t.level for t in row.profile.target_profiles] == [2, 3]
    for generic in row.profile.generic:
        gg = next(g for g in SHIPPED.generic_goals if g.id == generic.gg)
        assert generic.total == len(gg.practices)
        assert generic.covered == [gp.id for gp in gg.practices if _covered(SHIPPED, gp.id, practices)]
    assert [g.gg for g in row.profile.generic] == ["GG2", "GG3"]


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_a_specific_goal_is_satisfied_whenever_the_practices_cover_it(result: Crosswalk, framework: str) -> None:
    row = result.row(framework)
    coverable = _oracle_goals(SHIPPED, set(row.practices))
    assert row.profile.goals_satisfied == coverable
    if coverable:
        assert row.profile.goals_satisfied, f"{framework}: its practices cover {coverable}, none satisfied"


def test_the_crosswalk_is_informative(result: Crosswalk) -> None:
    """v1 satisfied no specific goal for any framework; on the shipped mappings some are covered, and every
    framework covers at least one specific practice."""
    assert any(row.profile.goals_satisfied for row in result.rows)
    assert all(any(a.covered for a in row.profile.areas) for row in result.rows)


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_characterization_is_computed_by_the_rules(result: Crosswalk, framework: str) -> None:
    row = result.row(framework)
    char = row.profile.characterization
    assert char is not None
    assert char.rule == _oracle_rule(SHIPPED, set(row.practices))
    rule = next(r for r in SHIPPED.characterizations if r.id == char.rule)
    assert (char.level, char.label, char.follows) == (rule.level, rule.label, rule.follows)
    assert all(t.holds and t.met_by for t in char.tests)
    higher = [r.id for r in SHIPPED.characterizations if r.level > rule.level]
    assert sorted(h.rule for h in char.not_higher) == sorted(higher)
    assert all(h.failing and not any(t.holds for t in h.failing) for h in char.not_higher)


def test_characterization_rules_on_synthetic_frameworks() -> None:
    """Rules, not framework ids, decide: a set with OPD SP1.1 and IPM SP1.1 is ML3-type, one with a CM and an MA
    specific practice ML2-type, one with neither ML1-type."""
    ml3 = _implementing(SHIPPED, "OPD.SP1.1") + _implementing(SHIPPED, "IPM.SP1.1")
    ml2 = _implementing(SHIPPED, "CM.SP1.2") + _implementing(SHIPPED, "MA.SP1.1")
    ml1 = _implementing(SHIPPED, "CM.SP1.2")
    for practices, expected in ((ml3, "ml3-type"), (ml2, "ml2-type"), (ml1, "ml1-type")):
        kb = _with_framework(SHIPPED, sorted(set(practices)))
        row = next(r for r in crosswalk_rows(kb, verify=False) if r.framework == "synthetic")
        assert row.profile.characterization is not None
        assert row.profile.characterization.rule == expected == _oracle_rule(kb, set(practices))
        assert row.article_verdict is None and row.agreement.agrees is None and row.agreement.label == "no verdict"
        assert row.article_rank is None


def test_changing_a_rule_changes_the_characterization() -> None:
    """The characterization follows the knowledge base's rules: drop the ML3 rule and the reconstructed frameworks
    are characterized by the next rule down."""
    rules = [r for r in SHIPPED.characterizations if r.level != 3]
    kb = dataclasses.replace(SHIPPED, characterizations=rules)
    result = crosswalk(kb, verify=False)
    assert all(row.profile.characterization.level < 3 for row in result.rows)
    assert [r.id for r in result.rules] == [r.id for r in rules]


def test_mini_knowledge_base_without_rules_has_no_characterization() -> None:
    kb = load_knowledge_base(base=MINI_KB)
    result = crosswalk(kb, verify=False)
    assert result.rules == []
    assert all(row.profile.characterization is None for row in result.rows)
    # toy calls for versioning, registry and monitoring; its practices are FI, so the oracle decides the goals
    toy = result.row("toy")
    assert toy.profile.goals_satisfied == _oracle_goals(kb, set(toy.practices))


# --- the article's verdict, provenance and agreement ---------------------------------------------------------------


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_provenance_and_article_verdict_are_shown(result: Crosswalk, framework: str) -> None:
    row = result.row(framework)
    fw = SHIPPED.frameworks[framework]
    assert (row.provenance, row.provenance_note) == (fw.provenance, fw.provenance_note)
    verdict = fw.article_verdict
    if verdict is None:
        assert row.article_verdict is None and row.agreement.agrees is None
        return
    assert (row.article_verdict.maturity_level, row.article_verdict.potential_level, row.article_verdict.near_miss,
            row.article_verdict.text) == (verdict.maturity_level, verdict.potential_level, verdict.near_miss,
                                          verdict.text)
    article_level = verdict.potential_level or verdict.maturity_level
    assert row.agreement.article_level == article_level
    assert row.agreement.characterization_agrees is (row.profile.characterization.level == article_level)
    assert row.agreement.agrees is (row.agreement.characterization_agrees and row.agreement.ordering_agrees)
    assert row.agreement.evidential is (fw.provenance != "reconstructed")
    if fw.provenance == "reconstructed":
        assert NOT_EVIDENTIAL in row.agreement.label
    if row.agreement.agrees:
        assert row.agreement.label.startswith("agrees") and not row.agreement.reasons
    else:
        assert row.agreement.label.startswith("disagrees") and row.agreement.reasons
        if not row.agreement.characterization_agrees:
            assert any(f"level {article_level}" in reason for reason in row.agreement.reasons)


def _article_key(kb: KnowledgeBase, fid: str) -> tuple[int, int]:
    v = kb.frameworks[fid].article_verdict
    return (v.potential_level or v.maturity_level, int(v.near_miss))


def test_ordering_is_judged_pairwise(result: Crosswalk) -> None:
    """Ranking by (characterization, T3, T2); a pair the article orders strictly must be ordered strictly the same
    way; the article's tiers come from its verdicts ({DevOps, McKnight} > Azure > {Google, AWS} today)."""
    def key(fid: str) -> tuple[int, int, int]:
        p = result.row(fid).profile
        return p.characterization.level, p.target_profiles[1].covered, p.target_profiles[0].covered

    assert result.ordering == sorted(SHIPPED.frameworks, key=lambda f: (tuple(-k for k in key(f)), f))
    judged = [f for f in SHIPPED.frameworks if SHIPPED.frameworks[f].article_verdict is not None]
    tiers = sorted({_article_key(SHIPPED, f) for f in judged}, reverse=True)
    assert result.article_ordering == [sorted(f for f in judged if _article_key(SHIPPED, f) == t) for t in tiers]
    for fid in judged:
        consistent = all(
            (key(fid) > key(other)) if _article_key(SHIPPED, fid) > _article_key(SHIPPED, other) else
            (key(fid) < key(other)) if _article_key(SHIPPED, fid) < _article_key(SHIPPED, other) else True
            for other in judged if other != fid)
        assert result.row(fid).agreement.ordering_agrees is consistent
    assert result.ordering_agrees is all(result.row(f).agreement.ordering_agrees for f in judged)
    # the article's tiers are read from the verdicts: potential 3 above a near miss of 3 above a plain 2
    assert result.article_ordering[0] == sorted(f for f in judged if SHIPPED.frameworks[f].article_verdict
                                                .potential_level == 3)


def test_an_inverted_ordering_is_printed_as_a_disagreement() -> None:
    """A synthetic framework the article would rank above everything (potential 5) but with no practices that
    cover anything disagrees on the ordering, with the pairs named."""
    from mlops_maturity.engine.knowledge import ArticleVerdict

    kb = _with_framework(SHIPPED, [_implementing(SHIPPED, "VAL.SP2.1")[0]])
    synthetic = kb.frameworks["synthetic"].model_copy(update={"article_verdict": ArticleVerdict(
        maturity_level=2, potential_level=5, text="test")})
    kb = dataclasses.replace(kb, frameworks={**kb.frameworks, "synthetic": synthetic})
    row = next(r for r in crosswalk_rows(kb, verify=False) if r.framework == "synthetic")
    assert row.agreement.ordering_agrees is False and row.agreement.agrees is False
    assert any("the article places synthetic above" in reason for reason in row.agreement.reasons)
    assert row.article_rank == 1


# --- knowledge-base checks of the rules ----------------------------------------------------------------------------


def test_rules_are_validated() -> None:
    assert _check_characterizations(SHIPPED, {}) == []
    bad = LevelCharacterization(id="bogus", level=4, label="x", description="x", follows="x", source="x",
                                when=[CharacterizationTest(implements_any=["OPD.SP9.9"]),
                                      CharacterizationTest(any_specific_practice_of=["XX"])])
    default = LevelCharacterization(id="again", level=2, label="x", description="x", follows="x", source="x")
    kb = dataclasses.replace(SHIPPED, characterizations=[bad, *SHIPPED.characterizations, default])
    messages = [i.message for i in _check_characterizations(kb, {})]
    assert any("unknown CMMI practice OPD.SP9.9" in m for m in messages)
    assert any("unknown process area XX" in m for m in messages)
    assert any("two level characterizations for maturity level 2" in m for m in messages)
    assert any("exactly one default rule" in m for m in messages)
    with pytest.raises(ValueError, match="exactly one"):
        CharacterizationTest(implements_any=["CM.SP1.1"], any_specific_practice_of=["MA"])


# --- the command ---------------------------------------------------------------------------------------------------


def test_cli_json_is_the_whole_crosswalk(result: Crosswalk) -> None:
    outcome = CliRunner().invoke(app, ["crosswalk", "--format", "json"])
    assert outcome.exit_code == 0, outcome.stderr
    doc = json.loads(outcome.stdout)
    assert doc == json.loads(result.model_dump_json())
    assert [r["framework"] for r in doc["rows"]] == sorted(SHIPPED.frameworks)
    for r in doc["rows"]:
        assert {"provenance", "strict", "profile", "article_verdict", "agreement"} <= set(r)


def test_cli_table_and_markdown_show_both_answers_and_provenance() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["crosswalk"])
    second = runner.invoke(app, ["crosswalk", "--format", "table"])
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout
    markdown = runner.invoke(app, ["crosswalk", "--format", "markdown"])
    assert markdown.exit_code == 0, markdown.stderr
    for text in (first.stdout, markdown.stdout):
        assert "Strict" in text and "Achievement profile" in text and "Characterization" in text
        for fid, fw in SHIPPED.frameworks.items():
            assert fid in text and fw.provenance in text
        assert NOT_EVIDENTIAL in text.lower()
        assert "Disagreement:" in text or all(r.agreement.agrees is not False for r in crosswalk(SHIPPED).rows)
    assert markdown.stdout.startswith("# Crosswalk")


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG")])
def test_cli_writes_the_chart(tmp_path, suffix: str, magic: bytes) -> None:  # noqa: ANN001
    out = tmp_path / f"profile{suffix}"
    outcome = CliRunner().invoke(app, ["crosswalk", "--chart", str(out)])
    assert outcome.exit_code == 0, outcome.stderr
    data = out.read_bytes()
    assert data.startswith(magic) and len(data) > 1000
    assert f"wrote {out}" in outcome.stderr
    if suffix == ".svg":
        text = data.decode()
        for fid in SHIPPED.frameworks:
            assert fid in text
        assert "target" in text
    again = CliRunner().invoke(app, ["crosswalk", "--chart", str(out)])
    assert again.exit_code == 2 and "file exists" in again.stderr
    assert CliRunner().invoke(app, ["crosswalk", "--chart", str(out), "--force"]).exit_code == 0
    assert out.read_bytes() == data  # deterministic


def test_cli_chart_needs_svg_or_png(tmp_path) -> None:  # noqa: ANN001
    outcome = CliRunner().invoke(app, ["crosswalk", "--chart", str(tmp_path / "x.pdf")])
    assert outcome.exit_code == 2 and ".svg or .png" in outcome.stderr


def test_cli_with_an_overlay_directory_that_does_not_exist(tmp_path) -> None:  # noqa: ANN001
    outcome = CliRunner().invoke(app, ["crosswalk", "--kb", str(tmp_path / "missing")])
    assert outcome.exit_code == 2
    assert "knowledge-base directory not found" in outcome.stderr


def test_table_prints_knowledge_base_text_verbatim(result: Crosswalk) -> None:
    """Names and notes can come from a knowledge-base overlay: Rich markup in them is text, never interpreted."""
    from mlops_maturity.engine.formats._crosswalk import crosswalk_table

    row = result.rows[0]
    odd = row.model_copy(update={"framework": "acme [/x]", "provenance_note": "see [bold]wiki[/bold] :smile:"})
    text = crosswalk_table(result.model_copy(update={"rows": [odd]}))
    assert "acme [/x]" in text and "see [bold]wiki[/bold] :smile:" in text


# --- monotone in the practice set ----------------------------------------------------------------------------------

_PRACTICE_IDS = sorted(SHIPPED.practices)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PRACTICE_IDS), max_size=6, unique=True),
       st.lists(st.sampled_from(_PRACTICE_IDS), max_size=80, unique=True))
def test_more_practices_never_cover_less(left_out: list[str], more_left_out: list[str]) -> None:
    """Adding practices to a framework never lowers its strict level, its coverage or its characterization."""
    large_set = sorted(set(_PRACTICE_IDS) - set(left_out))
    small_set = sorted(set(large_set) - set(more_left_out)) or large_set[:1]
    rows = []
    for practices in (small_set, large_set):
        kb = _with_framework(SHIPPED, practices)
        rows.append(next(r for r in crosswalk_rows(kb, verify=False, frameworks=["synthetic"])))
    small, large = rows
    assert small.strict.maturity_level <= large.strict.maturity_level
    assert small.strict.maturity_level == _reference_level(_with_framework(SHIPPED, small_set), "synthetic")
    assert all(s.covered <= g.covered for s, g in zip(small.profile.areas, large.profile.areas, strict=True))
    assert set(small.profile.goals_satisfied) <= set(large.profile.goals_satisfied)
    assert small.profile.characterization.level <= large.profile.characterization.level
