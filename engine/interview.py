"""The adaptive interview: ask only what can still change the answer to the target question, most decisive first.

Goal-directed, the way an expert system asks for what its rules need (``maturity interview``; issue 12 item 4).

1. **The target question.** Is the target (a CMMI maturity level N, or a framework level ``FRAMEWORK:K``) reached,
   and if not, what blocks it? The practices still *open* are the ones the fact file does not mention (not
   observed) and the interview has not answered. The rating is monotone (raising a practice never lowers a level:
   ``tests/test_inference_agreement.py``), so two re-inferences bound every answer still to come: the target is
   **decided reached** when it is reached even with every open practice NI (*worst*), and **decided not reached**
   when it is not reached even with every open practice FI (*best*); otherwise it is **open**. What blocks a target
   decided not reached: the CMMI practices (or framework requirements) it needs that are not satisfied even at best.
2. **Candidates.** The open practices (of one interviewee's role, when given) that appear in an alternative of a CMMI
   practice (or framework requirement) the target needs and that is not yet satisfied; an area's generic practice
   also counts the alternatives of the organization-level one it inherits, as the rating does.
3. **Order (most decisive first).** First the practices that are the only way left to a needed CMMI practice (in
   every alternative of it that is still unknown: an NI there decides "not reached"), by how many such CMMI
   practices; then by how many needed, unsatisfied CMMI practices they appear in; then by the fewest other open
   practices in their smallest such alternative (closest to satisfying it); then by id.
4. **Skip what cannot matter.** Before a candidate is asked it is set to FI and to NI in turn (two re-inferences);
   when both give the same *decision state* (the verdict, the class of every needed, unsatisfied CMMI practice and
   of each of its alternatives), its answer can no longer change the target question, and it is passed over. While
   the target is open, some candidate always passes (the alternative that satisfies a needed practice at best has
   an open member, and NI there fails that alternative), so an interview without a role filter and without skips
   always reaches a decision.
5. **Inference.** Every what-if goes through one :class:`~mlops_maturity.engine.session.Session` (answers FI to NY
   are what-ifs on the fact file as read; an NA answer, which is not a what-if, starts a new session on the fact
   file with it), with the reference evaluator by default (many small inferences); :meth:`Interview.verify`
   checks the final decision with the rules engine, cross-checked.

The interview is a pure step API: :meth:`Interview.next_question`, :meth:`Interview.record`,
:meth:`Interview.decision`. It never reads a terminal or writes a file: :func:`record_answer` returns the fact
file's new text (ruamel round trip: comments and layout kept) for the caller to write atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import InferenceError, Problem, UserInputError
from mlops_maturity.engine.facts import Characterization, FactFile, Observation, parse_fact_text
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.knowledge import Role
from mlops_maturity.engine.rating import (
    SATISFIED,
    UNKNOWN,
    Conclusions,
    framework_group_id,
    practice_class,
    rate_alternative,
    required_capability,
)
from mlops_maturity.engine.roadmap import Target, TargetSpec, resolve_target
from mlops_maturity.engine.session import Evaluator, Session

ANSWERS = ("FI", "LI", "PI", "NI", "NY", "NA")
"""What an interviewee's practice can be characterized as."""

ROLES: tuple[str, ...] = get_args(Role)

Verdict = Literal["reached", "not_reached", "open"]
StopReason = Literal["decided", "no_question_left"]


# --------------------------------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Need:
    """Something the target needs: a CMMI practice or a framework requirement, with its alternatives.

    ``alternatives`` are ``(key, members)``: the key under which the evaluators record the alternative's class
    (``CM.SP1.2#1``, ``GP2.3#2`` for an inherited one, ``fw:google:1:2#1``), or ``None`` for a framework requirement
    that is a single practice.
    """

    key: str
    label: str
    alternatives: tuple[tuple[str | None, tuple[str, ...]], ...]
    direct: bool = False


@dataclass(frozen=True)
class Question:
    """The next question of the interview: one practice, what to ask, the rubric, and why it is asked now."""

    practice: str
    name: str
    description: str
    role: str | None
    also_ask: tuple[str, ...]
    questions: tuple[str, ...]
    rubric: Mapping[str, str] | None
    look_for: tuple[str, ...]
    only_way_to: tuple[str, ...]
    needed_for: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Decision:
    """The state of the target question."""

    verdict: Verdict
    target: str
    open_practices: int
    blocked_by: tuple[str, ...] = ()
    undecided: tuple[str, ...] = ()

    @property
    def decided(self) -> bool:
        return self.verdict != "open"

    @property
    def reached(self) -> bool | None:
        return None if self.verdict == "open" else self.verdict == "reached"

    def __str__(self) -> str:
        if self.verdict == "reached":
            return (f"{self.target} is reached, whatever the {self.open_practices} practice(s) not yet observed turn "
                    "out to be (even all not implemented)")
        if self.verdict == "not_reached":
            blockers = ", ".join(self.blocked_by) or "nothing named"
            return (f"{self.target} is not reached, whatever the {self.open_practices} practice(s) not yet observed "
                    f"turn out to be (even all fully implemented); blocked by {blockers}")
        return (f"{self.target}: still open; {len(self.undecided)} needed practice(s) undecided, "
                f"{self.open_practices} practice(s) not yet observed")


@dataclass(frozen=True)
class Verification:
    """The final decision checked with the rules engine (cross-checked by the reference) on the saved facts."""

    verdict: Verdict
    maturity_level: int
    framework_level: int | None
    reached_as_assessed: bool


@dataclass
class _Answer:
    status: str
    reason: str | None = None


# ----------------------------------------------------------------------------------------------- the interview


class Interview:
    """An adaptive interview toward a target, as a step API.

    Args:
        kb: the knowledge base.
        facts: the fact file as read (answers already in it are not asked again: running again resumes).
        target: a maturity level, ``(framework, level)``, their text form (``"2"``, ``"google:2"``), or ``None``
            (the level above the current one).
        role: ask only the practices this role is best placed to answer (``kb.interview[pid].role``).
        evaluator: the evaluator of the what-if inferences (``reference``: fast; ``rules``: the rules engine).
        verify: with ``evaluator="rules"``, cross-check every inference.

    Raises:
        UserInputError: unknown ``target`` or ``role`` (problems name the parameter).
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        facts: FactFile,
        *,
        target: TargetSpec = None,
        role: str | None = None,
        evaluator: Evaluator = "reference",
        verify: bool = True,
    ) -> None:
        if role is not None and role not in ROLES:
            raise UserInputError([Problem.of_parameter("role", str(role), "unknown role"
                                                       f"{documents.suggest(role, ROLES)} "
                                                       f"(roles: {', '.join(ROLES)})")])
        self.kb = kb
        self.role = role
        self.evaluator: Evaluator = evaluator
        self.verify_inferences = verify
        self._facts = facts
        self._session = Session(kb, facts, verify=verify, evaluator=evaluator)
        self._inferences_before = 0
        self.target: Target = resolve_target(kb, target, self._session.conclusions_with(None).maturity_level)
        self._needs = _needs(kb, facts, self.target)
        self._answers: dict[str, _Answer] = {}
        self.skipped: set[str] = set()
        self.asked: list[str] = []
        self.full_list: tuple[str, ...] = tuple(p for p in sorted(kb.practices) if self._open(p) and self._of_role(p))
        """The questions a full questionnaire would ask at the start (open practices, of the role if given)."""
        self.passed_over: set[str] = set()
        """Candidates whose answer could no longer change the decision state when they came up."""

    # ------------------------------------------------------------------ state

    @property
    def inferences(self) -> int:
        """How many inferences the interview ran so far."""
        return self._inferences_before + self._session.inferences

    @property
    def answers(self) -> dict[str, str]:
        """The answers recorded in this interview: practice -> status."""
        return {p: a.status for p, a in self._answers.items()}

    def _open(self, pid: str) -> bool:
        return pid not in self._facts.practices and pid not in self._answers

    def _of_role(self, pid: str) -> bool:
        if self.role is None:
            return True
        entry = self.kb.interview.get(pid)
        return entry is not None and entry.role == self.role

    def open_practices(self) -> list[str]:
        """Every practice not observed in the fact file and not answered yet (skipped ones included)."""
        return [p for p in sorted(self.kb.practices) if self._open(p)]

    def _what_if(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        out = {p: a.status for p, a in self._answers.items() if a.status != "NA"}
        out.update(extra or {})
        return out

    def _conclusions(self, extra: Mapping[str, str] | None = None) -> Conclusions:
        return self._session.conclusions_with(self._what_if(extra))

    def _reached(self, c: Conclusions) -> bool:
        if self.target.kind == "maturity":
            return c.maturity_level >= self.target.level
        level = c.framework_level.get(self.target.framework or "")
        return level is not None and level >= self.target.level

    def _bounds(self, fixed: Mapping[str, str] | None = None) -> tuple[Conclusions, Conclusions]:
        """The conclusions with every open practice (but those in ``fixed``) NI, and FI."""
        fixed = dict(fixed or {})
        rest = [p for p in self.open_practices() if p not in fixed]
        worst = self._conclusions({**{p: "NI" for p in rest}, **fixed})
        best = self._conclusions({**{p: "FI" for p in rest}, **fixed})
        return worst, best

    def _verdict(self, fixed: Mapping[str, str] | None = None) -> Verdict:
        worst, best = self._bounds(fixed)
        if self._reached(worst):
            return "reached"
        if not self._reached(best):
            return "not_reached"
        return "open"

    def decision(self) -> Decision:
        """The state of the target question now."""
        worst, best = self._bounds()
        current = self._conclusions()
        statuses = self._session.statuses_with(self._what_if())
        undecided = tuple(n.label for n in self._needs if self._need_class(n, current, statuses) != SATISFIED)
        open_count = len(self.open_practices())
        if self._reached(worst):
            return Decision("reached", self.target.label, open_count)
        if not self._reached(best):
            best_statuses = self._session.statuses_with(self._what_if({p: "FI" for p in self.open_practices()}))
            blocked = tuple(n.label for n in self._needs if self._need_class(n, best, best_statuses) != SATISFIED)
            return Decision("not_reached", self.target.label, open_count, blocked_by=blocked, undecided=undecided)
        return Decision("open", self.target.label, open_count, undecided=undecided)

    def stop_reason(self) -> StopReason | None:
        """Why the interview stops now (``decided``, ``no_question_left``), or ``None`` while a question is left."""
        if self.decision().decided:
            return "decided"
        return "no_question_left" if self.next_question() is None else None

    # ------------------------------------------------------------------ choosing

    def _need_class(self, need: Need, c: Conclusions, statuses: Mapping[str, str]) -> str:
        if need.alternatives and need.alternatives[0][0] is None:
            return practice_class(statuses[need.alternatives[0][1][0]])
        return c.mp_status[need.key]

    def _alt_class(self, key: str | None, members: Sequence[str], c: Conclusions,
                   statuses: Mapping[str, str]) -> str:
        if key is None:
            return practice_class(statuses[members[0]])
        found = c.alt_status.get(key)
        return found if found is not None else rate_alternative(practice_class(statuses[p]) for p in members)

    def _profile(self, fixed: Mapping[str, str], open_needs: Sequence[Need]) -> tuple[Any, ...]:
        """The decision state with ``fixed`` practices set: the verdict, and for every needed practice not yet
        satisfied, whether it (and each of its alternatives) is satisfied at worst and at best."""
        rest = [p for p in self.open_practices() if p not in fixed]
        bounds = []
        for value in ("NI", "FI"):
            extra = {**{p: value for p in rest}, **fixed}
            bounds.append((self._conclusions(extra), self._session.statuses_with(self._what_if(extra))))
        (worst, _), (best, _) = bounds
        verdict = "reached" if self._reached(worst) else "not_reached" if not self._reached(best) else "open"
        state = tuple(
            (n.key,) + tuple(self._need_class(n, c, st) == SATISFIED for c, st in bounds)
            + tuple(self._alt_class(k, m, c, st) == SATISFIED for k, m in n.alternatives for c, st in bounds)
            for n in open_needs)
        return verdict, state

    def candidates(self) -> list[Question]:
        """The open practices (of the role) in an alternative of a needed CMMI practice (or framework
        requirement) not yet satisfied, most decisive first, before the skip test of :meth:`next_question`;
        empty once the target question is decided.

        Decisiveness counts the *viable* alternatives only: those still unknown that some answers could satisfy
        (satisfied with every open practice FI)."""
        if self.decision().decided:
            return []
        c = self._conclusions()
        statuses = self._session.statuses_with(self._what_if())
        best_extra = {p: "FI" for p in self.open_practices()}
        best = self._conclusions(best_extra)
        best_statuses = self._session.statuses_with(self._what_if(best_extra))
        only: dict[str, list[str]] = {}
        appears: dict[str, list[str]] = {}
        viable_in: dict[str, list[str]] = {}
        smallest: dict[str, int] = {}
        for need in self._needs:
            if need.direct or self._need_class(need, c, statuses) == SATISFIED:
                continue
            for _, members in need.alternatives:
                for p in members:
                    if self._open(p) and need.key not in appears.setdefault(p, []):
                        appears[p].append(need.key)
            viable = [m for k, m in need.alternatives if self._alt_class(k, m, c, statuses) == UNKNOWN
                      and self._alt_class(k, m, best, best_statuses) == SATISFIED]
            for p in {p for m in viable for p in m if self._open(p)}:
                viable_in.setdefault(p, []).append(need.key)
                if all(p in m for m in viable):
                    only.setdefault(p, []).append(need.key)
                others = min(sum(1 for q in m if q != p and self._open(q)) for m in viable if p in m)
                smallest[p] = min(smallest.get(p, others), others)
        chosen = [p for p in appears if p not in self.skipped and self._of_role(p)]
        chosen.sort(key=lambda p: (-len(only.get(p, [])), -len(viable_in.get(p, [])), smallest.get(p, 1 << 30), p))
        return [self._question(p, tuple(only.get(p, [])), tuple(viable_in.get(p, [])), tuple(appears[p]))
                for p in chosen]

    def next_question(self) -> Question | None:
        """The most decisive question whose answer can still change the decision state, or ``None`` (decided, or
        nothing left to ask: see :meth:`stop_reason`)."""
        candidates = self.candidates()
        if not candidates:
            return None
        c = self._conclusions()
        statuses = self._session.statuses_with(self._what_if())
        open_needs = [n for n in self._needs if not n.direct and self._need_class(n, c, statuses) != SATISFIED]
        for question in candidates:
            p = question.practice
            if self._profile({p: "FI"}, open_needs) != self._profile({p: "NI"}, open_needs):
                return question
            self.passed_over.add(p)
        return None

    def _question(self, pid: str, only: tuple[str, ...], viable: tuple[str, ...], appears: tuple[str, ...]) -> Question:
        practice = self.kb.practices[pid]
        entry = self.kb.interview.get(pid)
        if only:
            why = f"the only way left to {', '.join(only)}"
            if len(viable) > len(only):
                why += f"; also one way to {len(viable) - len(only)} more"
        elif viable:
            why = f"one way to {len(viable)} needed practice(s) not yet satisfied: {', '.join(viable)}"
        else:
            why = f"in an alternative of {', '.join(appears)}, which no answer may satisfy any more"
        return Question(
            practice=pid, name=practice.name, description=practice.description,
            role=entry.role if entry else None, also_ask=tuple(entry.also_ask) if entry else (),
            questions=tuple(entry.questions) if entry else (f"How is this done today: {practice.description}",),
            rubric=entry.rubric.model_dump() if entry else None, look_for=tuple(practice.evidence),
            only_way_to=only, needed_for=viable, why=why,
        )

    # ------------------------------------------------------------------ answering

    def skip(self, pid: str) -> None:
        """Do not ask ``pid`` again in this interview (it stays not observed)."""
        self.skipped.add(pid)

    def record(self, pid: str, status: str, *, reason: str | None = None) -> None:
        """Record an answer (FI, LI, PI, NI, NY, or NA with a reason) for an open practice.

        Raises:
            UserInputError: unknown practice or status, a practice already observed, NA without a reason.
        """
        check_answer(self.kb, pid, status, reason)
        if not self._open(pid):
            raise UserInputError([Problem.of_parameter("practice", pid,
                                                       "already observed in the fact file or answered")])
        self._answers[pid] = _Answer(status, reason)
        if pid not in self.asked:
            self.asked.append(pid)
        if status == "NA":
            # NA is not a what-if: a new session on the fact file with every NA answer in it.
            observations = dict(self._facts.practices)
            for p, a in self._answers.items():
                if a.status == "NA":
                    observations[p] = Observation(status=Characterization.NA, reason=a.reason)
            facts = self._facts.model_copy(update={"practices": observations})
            self._inferences_before += self._session.inferences
            self._session = Session(self.kb, facts, verify=self.verify_inferences, evaluator=self.evaluator)

    # ------------------------------------------------------------------ the end

    def verify(self, saved: FactFile) -> Verification:
        """Check the decision on the fact file as saved, with the rules engine cross-checked by the reference.

        The verdict is re-derived from the bounds of the saved file (every practice it does not mention NI, then
        FI), and the saved file assessed as it is must agree with it (reached when decided reached, not reached
        when decided not reached).

        Raises:
            InferenceError: the saved file does not give the decision the interview reached (an internal error).
            VerificationError: the rules engine and the reference disagree.
        """
        session = Session(self.kb, saved, verify=True, evaluator="rules")
        unseen = [p for p in sorted(self.kb.practices) if p not in saved.practices]
        worst = session.conclusions_with({p: "NI" for p in unseen})
        best = session.conclusions_with({p: "FI" for p in unseen})
        verdict: Verdict = "reached" if self._reached(worst) else "not_reached" if not self._reached(best) else "open"
        assessed = session.conclusions_with(None)
        expected = self.decision().verdict
        reached = self._reached(assessed)
        if verdict != expected or (verdict == "reached" and not reached) or (verdict == "not_reached" and reached):
            shown = "reached" if reached else "not reached"
            raise InferenceError(f"the saved fact file gives {verdict} (assessed: {shown}) for "
                                 f"{self.target.label}, the interview concluded {expected}")
        level = assessed.framework_level.get(self.target.framework) if self.target.framework else None
        return Verification(verdict, assessed.maturity_level, level, reached)


def _needs(kb: KnowledgeBase, facts: FactFile, target: Target) -> list[Need]:
    """What the target needs (all of it, satisfied or not), in knowledge-base order."""
    needs: list[Need] = []
    if target.kind == "maturity":
        capability = required_capability(target.level)
        for pa in kb.process_areas:
            if pa.maturity_level > target.level or pa.id in facts.out_of_scope:
                continue
            ids = [sp.id for sp in pa.specific_practices]
            ids += [f"{pa.id}.{gp.id}" for gg in kb.generic_goals if gg.capability_level <= capability
                    for gp in gg.practices]
            for mp_id in ids:
                mp = kb.model_practices[mp_id]
                alternatives = [(f"{mp_id}#{k}", tuple(alt)) for k, alt in enumerate(mp.alternatives, 1)]
                if mp.inherits is not None and mp.inherits not in facts.model_practices:
                    org = kb.model_practices[mp.inherits]
                    alternatives += [(f"{org.id}#{k}", tuple(alt)) for k, alt in enumerate(org.alternatives, 1)]
                needs.append(Need(mp_id, mp_id, tuple(alternatives), direct=mp_id in facts.model_practices))
        return needs
    assert target.framework is not None
    fw = kb.frameworks[target.framework]
    for lv in fw.levels:
        if lv.level > target.level:
            continue
        for i, group in enumerate(lv.requirement_groups, 1):
            label = f"{fw.id}:{lv.level} requirement {i}"
            if len(group) == 1 and len(group[0]) == 1:
                needs.append(Need(f"{fw.id}:{lv.level}#{i}", f"{label} ({group[0][0]})", ((None, (group[0][0],)),)))
            else:
                gid = framework_group_id(fw.id, lv.level, i)
                needs.append(Need(gid, f"{label} (any of {len(group)})",
                                  tuple((f"{gid}#{k}", tuple(alt)) for k, alt in enumerate(group, 1))))
    return needs


def check_answer(kb: KnowledgeBase, pid: str, status: str, reason: str | None = None) -> None:
    """Raise a :class:`UserInputError` (naming ``practice``, ``status`` or ``reason``) for an invalid answer."""
    if pid not in kb.practices:
        raise UserInputError([Problem.of_parameter("practice", pid,
                                                   "unknown practice id" + documents.suggest(pid, kb.practices))])
    if status not in ANSWERS:
        raise UserInputError([Problem.of_parameter("status", str(status), f"expected one of {', '.join(ANSWERS)}"
                                                   + documents.suggest(status, ANSWERS))])
    if status == "NA" and not (reason and reason.strip()):
        raise UserInputError([Problem.of_parameter("reason", pid,
                                                   "NA needs a reason (why the practice does not apply)")])


# ------------------------------------------------------------------------------------------ the fact file's text


@dataclass(frozen=True)
class Recorded:
    """An answer as written: the fact file's new text and the fact file it reads back as."""

    text: str
    facts: FactFile


@dataclass
class AnswerEntry:
    """What :func:`record_answer` writes for one practice."""

    status: str
    evidence: list[str] = field(default_factory=list)
    note: str | None = None
    reason: str | None = None


def record_answer(
    text: str,
    name: str,
    kb: KnowledgeBase,
    practice: str,
    answer: AnswerEntry,
    *,
    today: dt.date | None = None,
) -> Recorded:
    """The fact file's text with ``practice`` characterized as ``answer`` (replacing any entry of it).

    YAML is edited as a ruamel round trip (comments, order, quotes and indentation kept; the practice is added at
    the end of ``practices`` as one flow mapping); JSON is rewritten with two-space indentation, key order kept.
    The answer is dated ``observed_on: today`` unless today is after the file's ``assessed_on`` (then undated).
    The new text is read back and checked against the knowledge base before it is returned.

    Raises:
        UserInputError: an invalid answer, or a file that does not read back valid (named by ``name``).
    """
    check_answer(kb, practice, answer.status, answer.reason)
    today = today or dt.date.today()
    entry: dict[str, Any] = {"status": answer.status}
    evidence = [e.strip() for e in answer.evidence if e and e.strip()]
    if evidence:
        entry["evidence"] = evidence
    if answer.note and answer.note.strip():
        entry["note"] = answer.note.strip()
    if answer.status == "NA":
        entry["reason"] = (answer.reason or "").strip()
    if text.lstrip().startswith("{"):
        new_text = _json_with(text, name, practice, entry, today)
    else:
        new_text = _yaml_with(text, name, practice, entry, today)
    facts = parse_fact_text(new_text, name, kb)
    observed = facts.practices.get(practice)
    if observed is None or observed.status is None or observed.status.value != answer.status:
        raise InferenceError(f"{name}: the answer for {practice} did not read back")
    return Recorded(new_text, facts)


def _dated(entry: dict[str, Any], assessed_on: Any, today: dt.date) -> dict[str, Any]:
    if isinstance(assessed_on, str):
        try:
            assessed_on = dt.date.fromisoformat(assessed_on)
        except ValueError:
            return entry
    if isinstance(assessed_on, dt.date) and today <= assessed_on:
        return {**entry, "observed_on": today}
    return entry


def _json_with(text: str, name: str, practice: str, entry: dict[str, Any], today: dt.date) -> str:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise UserInputError([Problem(name, "", "expected a mapping with organization, assessed_on, practices")])
    entry = _dated(entry, data.get("assessed_on"), today)
    if "observed_on" in entry:
        entry["observed_on"] = entry["observed_on"].isoformat()
    practices = data.get("practices")
    if not isinstance(practices, dict):
        practices = data["practices"] = {}
    practices[practice] = entry
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 2, 2), (4, 2, 0), (3, 5, 3))
"""(mapping, sequence, offset) indentations tried: the first that dumps the file unchanged is the file's own."""


def _yaml_with(text: str, name: str, practice: str, entry: dict[str, Any], today: dt.date) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def loader(indent: tuple[int, int, int]) -> Any:
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
        return yaml

    chosen = _INDENTS[0]
    for indent in _INDENTS:
        yaml = loader(indent)
        buffer = io.StringIO()
        yaml.dump(yaml.load(text), buffer)
        if buffer.getvalue() == text:
            chosen = indent
            break
    yaml = loader(chosen)
    data = yaml.load(text)
    if not isinstance(data, dict):
        raise UserInputError([Problem(name, "", "expected a mapping with organization, assessed_on, practices")])
    entry = _dated(entry, data.get("assessed_on"), today)
    value = CommentedMap()
    for key, item in entry.items():
        if isinstance(item, list):
            seq = CommentedSeq(item)
            seq.fa.set_flow_style()
            item = seq
        value[key] = item
    value.fa.set_flow_style()
    practices = data.get("practices")
    if not isinstance(practices, dict):
        practices = CommentedMap()
        data["practices"] = practices
    elif not practices and isinstance(practices, CommentedMap):
        practices.fa.set_block_style()
    practices[practice] = value
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


__all__ = [
    "ANSWERS",
    "ROLES",
    "AnswerEntry",
    "Decision",
    "Interview",
    "Need",
    "Question",
    "Recorded",
    "Verification",
    "check_answer",
    "record_answer",
]
