"""One assessment session: a knowledge base, a fact file, what-if assumptions and the evaluator setting.

Explanations, the roadmap, reports and the crosswalk take a session instead of loading and assessing again: it
assesses once, and caches every re-inference under further assumptions (a roadmap's waves, the adoption sets an
explanation tries), so the same input is never inferred twice in one command.

``verify`` means one thing everywhere: every inference the session runs (the first and each re-inference) is made by
the rules engine and cross-checked against the reference evaluator (whose conclusions for a state a few statuses
from the last one checked, such as a roadmap's next wave, are worked out from that one's: equal to evaluating it
afresh, and cheaper); with ``verify=False`` the rules engine runs alone. ``evaluator="reference"`` runs the
reference evaluator alone (no rules, no trace): for callers that need speed over a trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Literal

from mlops_maturity.engine import reference
from mlops_maturity.engine.assessment import (
    assumption_problems,
    build_assessment,
    direct_statuses,
    effective_statuses,
    evidence_age_limit,
)
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.inference import infer
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.rating import Conclusions
from mlops_maturity.engine.results import Assessment

Evaluator = Literal["rules", "reference"]

TRIAL_STEP = 32
"""A trial (or a cross-checked state) at most this many practice statuses from the previous one is worked out from it
(:func:`reference.reevaluate`: about 0.4 ms for one change, 1.8 ms for 32, against 3 ms for a full evaluation of
the shipped knowledge base); a farther one is evaluated afresh."""


class Session:
    """Assess a fact file once and answer what-if questions on it, each inferred once.

    Args:
        kb: the knowledge base.
        facts: the validated fact file.
        assumptions: what-if statuses on top of the fact file (practice id -> FI/LI/PI/NI/NY).
        verify: cross-check the rules engine against the reference evaluator on every inference.
        source: the fact file's name, recorded in results.
        evaluator: ``rules`` (the default) or ``reference``.
        max_evidence_age: days; an observation dated longer before ``assessed_on`` is flagged stale in the
            assessment (default: the knowledge base's ``assessment_policy``).

    Raises:
        UserInputError: an assumption names an unknown practice or status, or a bad ``max_evidence_age``.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        facts: FactFile,
        assumptions: Mapping[str, str] | None = None,
        *,
        verify: bool = True,
        source: str | None = None,
        evaluator: Evaluator = "rules",
        max_evidence_age: int | None = None,
    ) -> None:
        self.kb = kb
        self.facts = facts
        self.assumptions = dict(sorted((assumptions or {}).items()))
        problems = assumption_problems(self.assumptions, kb)
        if problems:
            raise UserInputError(problems)
        self.verify = verify
        self.source = source
        self.evaluator: Evaluator = evaluator
        self.max_evidence_age = evidence_age_limit(kb, max_evidence_age)
        """The maximum evidence age in days that the session's assessments apply (``None``: none)."""
        self._assessments: dict[tuple[tuple[str, str], ...], Assessment] = {}
        self._conclusions: dict[tuple[tuple[str, str], ...], Conclusions] = {}
        self._trials: dict[tuple[tuple[str, str], ...], Conclusions] = {}
        self._last_reference: dict[str, tuple[dict[str, str], Conclusions]] = {}
        """Per use (``trial``, ``check``): the statuses the reference evaluator last rated, and its conclusions."""
        self.derived: dict[tuple[object, ...], object] = {}
        """Documents derived from this session, kept by their builders (an explanation per level), so that a report
        and its summary build each once."""
        self.trials = 0
        """How many what-ifs a search tried with the reference evaluator alone (:meth:`trial_conclusions`)."""
        self.inferences = 0
        """How many inferences the session ran (each distinct set of assumptions once)."""

    def _key(self, extra: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
        return tuple(sorted({**self.assumptions, **(extra or {})}.items()))

    @cached_property
    def assessment(self) -> Assessment:
        """The assessment of the fact file under the session's assumptions."""
        return self.assess_with(None)

    def assess_with(self, extra: Mapping[str, str] | None) -> Assessment:
        """The full assessment under the session's assumptions plus ``extra`` (cached)."""
        key = self._key(extra)
        found = self._assessments.get(key)
        if found is None:
            # The conclusions come from the same cache as conclusions_with's: a roadmap or an explanation asking
            # for the conclusions of an input already assessed does not infer it again (and vice versa).
            conclusions = self.conclusions_with(extra)
            found = self._assessments[key] = build_assessment(self.kb, self.facts, self.statuses_with(extra),
                                                              dict(key), conclusions, self.source,
                                                              max_evidence_age=self.max_evidence_age)
        return found

    def conclusions_with(self, extra: Mapping[str, str] | None) -> Conclusions:
        """Only the conclusions under the session's assumptions plus ``extra`` (cached; cheaper than a result)."""
        key = self._key(extra)
        found = self._conclusions.get(key)
        if found is None:
            assumed = dict(key)
            problems = assumption_problems(assumed, self.kb)
            if problems:
                raise UserInputError(problems)
            statuses = self.statuses_with(extra)
            direct = direct_statuses(self.facts)
            scoped = sorted(self.facts.out_of_scope)
            self.inferences += 1
            if self.evaluator == "reference":
                found = reference.evaluate(self.kb, statuses, self.facts.context, direct, scoped)
            else:
                found = infer(self.kb, statuses, self.facts.context, direct, scoped)
                if self.verify:
                    from mlops_maturity.engine.assessment import check_agreement

                    check_agreement(found, self._reference(statuses, "check"))
            self._conclusions[key] = found
        return found

    def trial_conclusions(self, extra: Mapping[str, str] | None) -> Conclusions:
        """The reference evaluator's conclusions under the session's assumptions plus ``extra`` (cached apart).

        For searches that try many what-ifs (the smallest adoption set): a set such a search settles on is inferred
        again with :meth:`conclusions_with` (the rules engine, cross-checked when verifying) before it is reported.
        The two evaluators agree on every case the cross-check has ever compared; the search is what they share.
        A trial a few practices from the previous one is worked out from it (:func:`reference.reevaluate`, equal to
        :func:`reference.evaluate`: ``tests/test_reference_reevaluate.py``).
        """
        if self.evaluator == "reference":
            return self.conclusions_with(extra)
        key = self._key(extra)
        found = self._trials.get(key)
        if found is None:
            assumed = dict(key)
            problems = assumption_problems(assumed, self.kb)
            if problems:
                raise UserInputError(problems)
            found = self._trials[key] = self._reference(self.statuses_with(extra), "trial")
            self.trials += 1
        return found

    def _reference(self, statuses: dict[str, str], use: str) -> Conclusions:
        """The reference evaluator's conclusions of ``statuses``: worked out from the last ones rated for the same
        ``use`` when they are at most :data:`TRIAL_STEP` statuses apart (a search moves a practice or two at a time,
        a roadmap's next wave a few), else evaluated afresh; the two are equal (``tests/test_reference_reevaluate.py``).
        """
        args = (self.kb, statuses, self.facts.context, direct_statuses(self.facts), sorted(self.facts.out_of_scope))
        last = self._last_reference.get(use)
        if last is not None and sum(s != last[0][p] for p, s in statuses.items()) <= TRIAL_STEP:
            found = reference.reevaluate(*args, *last)
        else:
            found = reference.evaluate(*args)
        self._last_reference[use] = (statuses, found)
        return found

    def statuses_with(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        """Every practice's effective status under the session's assumptions plus ``extra``."""
        return effective_statuses(self.kb, self.facts, dict(self._key(extra)))
