"""The adaptive interview: the engine's step API (mini and shipped knowledge bases), the fact file's round trip,
and ``maturity interview`` in a real pseudo-terminal (pexpect), interrupted with Ctrl-C and resumed."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.cli.app import app
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import FactFile, parse_fact_text
from mlops_maturity.engine.interview import AnswerEntry, Interview, record_answer
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.session import Session
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, ROOT

EMPTY = """\
# An empty fact file: nothing observed yet.
organization: Example Org   # the client
assessed_on: {on}
practices: {{}}
"""


def _empty(on: dt.date = dt.date(2026, 1, 1)) -> FactFile:
    return FactFile(organization="Example Org", assessed_on=on)


def _run(interview: Interview, answer: object) -> list[str]:
    """Answer every question with ``answer(practice)`` until the interview stops; the practices asked."""
    asked = []
    while (question := interview.next_question()) is not None:
        asked.append(question.practice)
        interview.record(question.practice, answer(question.practice))  # type: ignore[operator]
    return asked


def _reached(c: object, target: int | tuple[str, int]) -> bool:
    if isinstance(target, int):
        return c.maturity_level >= target  # type: ignore[attr-defined]
    level = c.framework_level.get(target[0])  # type: ignore[attr-defined]
    return level is not None and level >= target[1]


# ------------------------------------------------------------------------------------ the step API, mini KB


def test_mini_all_fi_decides_reached_with_fewer_questions(mini_kb: KnowledgeBase) -> None:
    interview = Interview(mini_kb, _empty(), target=2)
    assert interview.decision().verdict == "open"
    first = interview.candidates()[0]
    assert first.only_way_to, "a practice that is the only way to a needed CMMI practice comes first"
    asked = _run(interview, lambda p: "FI")
    decision = interview.decision()
    assert decision.verdict == "reached" and decision.decided and decision.reached
    assert interview.stop_reason() == "decided"
    assert 0 < len(asked) < len(interview.full_list) == len(mini_kb.practices)
    assert len(set(asked)) == len(asked)
    assert "quant.baselines" not in asked and "car.postmortems" not in asked  # levels 4 and 5 are not needed


def test_mini_one_ni_on_the_only_way_decides_not_reached(mini_kb: KnowledgeBase) -> None:
    interview = Interview(mini_kb, _empty(), target=2)
    first = interview.next_question()
    assert first is not None and first.only_way_to
    interview.record(first.practice, "NI")
    decision = interview.decision()
    assert decision.verdict == "not_reached"
    assert set(first.only_way_to) <= set(decision.blocked_by)
    assert interview.next_question() is None and interview.stop_reason() == "decided"


def test_mini_a_practice_no_answer_can_use_is_passed_over(mini_kb: KnowledgeBase) -> None:
    """toy:1 needs ml.versioning and one of [ml.registry] or [plan.plan, gen.policy]; gen.policy is NY, so
    plan.plan's answer can no longer change anything: once ml.registry is skipped, nothing is left to ask."""
    facts = FactFile.model_validate({"organization": "x", "assessed_on": "2026-01-01",
                                     "practices": {"gen.policy": "NY"}})
    interview = Interview(mini_kb, facts, target="toy:1")
    order = [q.practice for q in interview.candidates()]
    assert order[-1] == "plan.plan" and set(order) == {"ml.registry", "ml.versioning", "plan.plan"}
    first = interview.next_question()
    assert first is not None and first.practice == "ml.registry"
    interview.skip("ml.registry")
    second = interview.next_question()
    assert second is not None and second.practice == "ml.versioning"
    interview.record("ml.versioning", "FI")
    assert interview.next_question() is None
    assert interview.passed_over == {"plan.plan"}
    assert interview.stop_reason() == "no_question_left"
    assert interview.decision().verdict == "open"


def test_mini_na_answer_and_unknown_inputs(mini_kb: KnowledgeBase) -> None:
    interview = Interview(mini_kb, _empty(), target=2)
    with pytest.raises(UserInputError, match="reason"):
        interview.record("sup.agreements", "NA")
    interview.record("sup.agreements", "NA", reason="no suppliers")
    assert interview.answers == {"sup.agreements": "NA"}
    with pytest.raises(UserInputError, match="already"):
        interview.record("sup.agreements", "FI")
    with pytest.raises(UserInputError) as info:
        interview.record("plan.plan", "XX")
    assert info.value.problems[0].parameter == "status"
    with pytest.raises(UserInputError) as info:
        Interview(mini_kb, _empty(), target=2, role="ml-platform-leed")
    assert info.value.problems[0].parameter == "role" and "did you mean ml-platform-lead" in str(info.value)
    with pytest.raises(UserInputError) as info:
        Interview(mini_kb, _empty(), target="toy:9")
    assert info.value.problems[0].parameter == "target"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mini_decision_holds_whatever_the_rest_turns_out(data: st.DataObject, mini_kb: KnowledgeBase) -> None:
    """Answer at random until the interview stops: when it says decided, every completion of the practices left
    open (any status, NA included) gives that verdict; when it asked its last question, the decision stands."""
    target = data.draw(st.sampled_from([2, 3, ("toy", 1), ("toy", 2)]))
    interview = Interview(mini_kb, _empty(), target=target)
    _run(interview, lambda p: data.draw(st.sampled_from(["FI", "LI", "PI", "NI", "NY"]), label=p))
    decision = interview.decision()
    assert decision.decided
    session = Session(mini_kb, _empty(), evaluator="reference")
    for _ in range(5):
        rest = {p: data.draw(st.sampled_from(["FI", "LI", "PI", "NI", "NY"])) for p in interview.open_practices()}
        c = session.conclusions_with({**interview.answers, **rest})
        assert _reached(c, target) == decision.reached


# --------------------------------------------------------------------------------- the step API, shipped KB


def test_shipped_level_2_all_fi(kb: KnowledgeBase) -> None:
    interview = Interview(kb, _empty(), target=2)
    asked = _run(interview, lambda p: "FI")
    assert interview.decision().verdict == "reached"
    assert len(asked) < len(interview.full_list) == len(kb.practices)
    # the fact file with those answers, assessed by the rules engine (cross-checked), reaches level 2
    saved = FactFile.model_validate({"organization": "x", "assessed_on": "2026-01-01",
                                     "practices": {p: "FI" for p in asked}})
    check = interview.verify(saved)
    assert check.verdict == "reached" and check.maturity_level >= 2 and check.reached_as_assessed


def test_shipped_framework_target_and_role_filter(kb: KnowledgeBase) -> None:
    interview = Interview(kb, _empty(), target=("google", 2))
    asked = _run(interview, lambda p: "FI")
    assert interview.decision().verdict == "reached" and len(asked) < len(kb.practices)
    role = Interview(kb, _empty(), target=2, role="pmo")
    assert role.full_list and all(kb.interview[p].role == "pmo" for p in role.full_list)
    asked = _run(role, lambda p: "FI")
    assert asked and all(kb.interview[p].role == "pmo" for p in asked)
    assert role.stop_reason() == "no_question_left"  # other roles' practices are needed too


def test_shipped_already_decided_asks_nothing(kb: KnowledgeBase) -> None:
    facts = parse_fact_text((EXAMPLES / "notebook-startup.yaml").read_text(), "notebook-startup.yaml", kb)
    level = Session(kb, facts, evaluator="reference").conclusions_with(None).maturity_level
    interview = Interview(kb, facts, target=level)
    assert interview.decision().verdict == "reached"
    assert interview.next_question() is None and interview.stop_reason() == "decided"


def test_resume_asks_nothing_already_saved(kb: KnowledgeBase) -> None:
    text = EMPTY.format(on="2026-01-01")
    interview = Interview(kb, parse_fact_text(text, "f.yaml", kb), target=2)
    first = []
    for _ in range(3):
        question = interview.next_question()
        assert question is not None
        text = record_answer(text, "f.yaml", kb, question.practice, AnswerEntry("FI")).text
        interview.record(question.practice, "FI")
        first.append(question.practice)
    again = Interview(kb, parse_fact_text(text, "f.yaml", kb), target=2)
    assert len(again.full_list) == len(kb.practices) - 3
    rest = _run(again, lambda p: "FI")
    assert not set(rest) & set(first)
    assert again.decision().verdict == "reached"


# ------------------------------------------------------------------------------------- the fact file's text


def test_record_answer_keeps_comments_and_layout(kb: KnowledgeBase) -> None:
    source = (EXAMPLES / "small-devops-shop.yaml").read_text()
    facts = parse_fact_text(source, "x.yaml", kb)
    pid = next(p for p in sorted(kb.practices) if p not in facts.practices)
    answer = AnswerEntry("PI", evidence=["wiki page: 'draft'", "two runs"], note="only for one model: #1")
    recorded = record_answer(source, "x.yaml", kb, pid, answer, today=dt.date(2026, 3, 1))
    diff = [op for op in difflib.SequenceMatcher(a=source.splitlines(), b=recorded.text.splitlines(),
                                                 autojunk=False).get_opcodes() if op[0] != "equal"]
    assert [op[0] for op in diff] == ["insert"], "only lines added: comments, order and indentation kept"
    observation = recorded.facts.practices[pid]
    assert observation.status.value == "PI" and observation.observed_on == dt.date(2026, 3, 1)
    assert observation.evidence_texts == ["wiki page: 'draft'", "two runs"] and observation.note == "only for one model: #1"


def test_record_answer_dates_and_replaces(kb: KnowledgeBase) -> None:
    text = EMPTY.format(on="2026-06-30")
    pid = "ml.model-registry"
    early = record_answer(text, "f.yaml", kb, pid, AnswerEntry("FI"), today=dt.date(2026, 6, 1))
    assert early.facts.practices[pid].observed_on == dt.date(2026, 6, 1)
    assert early.text.startswith("# An empty fact file") and "# the client" in early.text
    late = record_answer(text, "f.yaml", kb, pid, AnswerEntry("FI"), today=dt.date(2026, 7, 1))
    assert late.facts.practices[pid].observed_on is None  # after assessed_on: left undated
    replaced = record_answer(early.text, "f.yaml", kb, pid, AnswerEntry("NA", reason="no models yet"))
    assert replaced.facts.practices[pid].status.value == "NA" and replaced.facts.practices[pid].reason == "no models yet"
    assert replaced.text.count(pid) == 1
    with pytest.raises(UserInputError, match="reason"):
        record_answer(text, "f.yaml", kb, pid, AnswerEntry("NA"))


def test_record_answer_json_and_null_practices(kb: KnowledgeBase) -> None:
    source = json.dumps({"organization": "J \U0001f600", "assessed_on": "2026-01-01"})
    recorded = record_answer(source, "f.json", kb, "ml.model-registry", AnswerEntry("LI", evidence=["x"]))
    assert json.loads(recorded.text)["practices"]["ml.model-registry"]["status"] == "LI"
    assert recorded.facts.organization == "J \U0001f600"
    blank = "organization: O\nassessed_on: 2026-01-01\npractices:\n  # ml.model-registry: NY\n"
    recorded = record_answer(blank, "b.yaml", kb, "ml.model-registry", AnswerEntry("NI"))
    assert "# ml.model-registry: NY" in recorded.text
    assert recorded.facts.practices["ml.model-registry"].status.value == "NI"
    placeholder = "organization: O\nassessed_on: 2026-01-01\npractices:\n  # the registry\n  ml.model-registry:\n\n" \
        "  # other\n  ml.data-validation:\n"
    recorded = record_answer(placeholder, "p.yaml", kb, "ml.model-registry", AnswerEntry("FI"))
    assert recorded.text == placeholder.replace("ml.model-registry:\n", "ml.model-registry: {status: FI}\n")


# ------------------------------------------------------------------------------------------------ the CLI


def test_cli_in_process(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(EMPTY.format(on="2026-01-01"))
    runner = CliRunner()
    result = runner.invoke(app, ["interview", str(path), "--target", "2"], input="NI\nseen: a wiki\n\n")
    assert result.exit_code == 0, result.output
    assert "Stopped: the target is decided" in result.output and "Asked 1 of the 170" in result.output
    assert "status: NI" in path.read_text() and "seen: a wiki" in path.read_text()
    quit_ = runner.invoke(app, ["interview", str(path), "--target", "google:2"], input="s\nq\n")
    assert quit_.exit_code == 0 and "skipped" in quit_.output and "Stopped at your request" in quit_.output
    assert "Asked 0 of the 169" in quit_.output
    bad = runner.invoke(app, ["interview", str(path), "--target", "googel:2"])
    assert bad.exit_code == 2 and "--target" in bad.output and "did you mean google" in bad.output
    bad = runner.invoke(app, ["interview", str(path), "--role", "pm"])
    assert bad.exit_code == 2 and "--role" in bad.output
    missing = runner.invoke(app, ["interview", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output


# ------------------------------------------------------------------------------- a real terminal (pexpect)

pexpect = pytest.importorskip("pexpect")

PROMPT = r"\[(\d+)\] (\S+): .*?\n.*?(\S+) \[FI/LI/PI/NI/NY/NA, \?, s, q\]: "


def _spawn(path: Path, *args: str) -> object:
    env = {**os.environ, "COLUMNS": "120", "PYTHONUNBUFFERED": "1"}
    return pexpect.spawn(sys.executable, ["-m", "mlops_maturity.cli", "interview", str(path), *args],
                         cwd=str(ROOT), env=env, encoding="utf-8", timeout=30, dimensions=(50, 120))


def _assess(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "mlops_maturity.cli", "assess", str(path), "--format", "json"],
                         cwd=str(ROOT), capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _answer(child: object, status: str, evidence: str = "", note: str = "") -> str:
    """Answer the question on screen; return its practice id."""
    child.expect(r"\n(\S+) \[FI/LI/PI/NI/NY/NA, \?, s, q\]: ")  # type: ignore[attr-defined]
    practice = child.match.group(1)  # type: ignore[attr-defined]
    child.sendline(status)  # type: ignore[attr-defined]
    child.expect(r"Evidence \(optional")  # type: ignore[attr-defined]
    child.sendline(evidence)  # type: ignore[attr-defined]
    child.expect(r"Note \(optional\): ")  # type: ignore[attr-defined]
    child.sendline(note)  # type: ignore[attr-defined]
    return practice


def test_pty_interview_interrupted_and_resumed_reaches_level_2(tmp_path: Path, kb: KnowledgeBase) -> None:
    """The Done-when of issue 12 item 4: toward level 2 on the empty fact file, answering FI to everything;
    Ctrl-C after five answers (and once more in the middle of the sixth) loses nothing; run again, it continues,
    asks fewer questions than the full list, and ends with the level decided; the saved file, assessed, gives the
    result the interview announced."""
    path = tmp_path / "facts.yaml"
    today = dt.date.today()
    path.write_text(EMPTY.format(on=today.isoformat()))
    child = _spawn(path, "--target", "2")
    child.expect("The full list: 170 question")
    answered = [_answer(child, "FI", evidence=f"seen {i}; doc {i}", note="n" if i % 2 else "") for i in range(5)]
    # the sixth: show the full rubric first, answer, then Ctrl-C at the evidence prompt
    child.expect(r"\n(\S+) \[FI/LI/PI/NI/NY/NA, \?, s, q\]: ")
    sixth = child.match.group(1)
    child.sendline("?")
    child.expect("Look for:")
    child.expect(r"\[FI/LI/PI/NI/NY/NA, \?, s, q\]: ")
    child.sendline("fi")
    child.expect(r"Evidence \(optional")
    child.sendintr()
    child.expect("interrupted: 6 answer")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    facts = parse_fact_text(path.read_text(), str(path), kb)
    assert set(facts.practices) == {*answered, sixth}
    assert all(o.status.value == "FI" and o.observed_on == today for o in facts.practices.values())
    assert facts.practices[answered[0]].evidence_texts == ["seen 0", "doc 0"]
    assert path.read_text().startswith("# An empty fact file: nothing observed yet.\n")

    child = _spawn(path, "--target", "2")
    child.expect(r"The full list: (\d+) question\(s\) \(6 practice")
    assert int(child.match.group(1)) == 164
    resumed: list[str] = []
    while True:
        index = child.expect([r"\n(\S+) \[FI/LI/PI/NI/NY/NA, \?, s, q\]: ", r"Stopped: (.*?)\n"])
        if index == 1:
            break
        practice = child.match.group(1)
        resumed.append(practice)
        child.sendline("FI")
        child.expect(r"Evidence \(optional")
        child.sendline("")
        child.expect(r"Note \(optional\): ")
        child.sendline("")
    assert child.match.group(1).startswith("the target is decided.")
    child.expect(r"Asked (\d+) of the (\d+) question")
    asked, full = int(child.match.group(1)), int(child.match.group(2))
    child.expect(r"Checked with the rules engine: .*? gives maturity level (\d); (.*?) (reached|not reached)\.")
    announced = child.match.group(3)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not set(resumed) & set(answered + [sixth])
    assert asked == len(resumed) and full == 164 and asked < full
    assert announced == "reached"
    result = _assess(path)
    assert result["maturity_level"] >= 2
    assert len(parse_fact_text(path.read_text(), str(path), kb).practices) == 6 + asked


def test_pty_one_not_implemented_decides_not_reached(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(EMPTY.format(on="2026-01-01"))
    child = _spawn(path, "--target", "2")
    _answer(child, "NI")
    child.expect(r"Stopped: the target is decided\. CMMI maturity level 2 \(Managed\) is not reached")
    child.expect(r"Asked 1 of the 170 question\(s\) of the full list: 169 saved\.")
    child.expect(r"gives maturity level (\d); .*? not reached\.")
    level = int(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert _assess(path)["maturity_level"] == level < 2
    assert re.search(r"status: NI", path.read_text())
