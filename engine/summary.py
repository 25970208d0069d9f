"""The assessment summary: strengths, the gaps that matter for the next level, and the reason for the level.

Every sentence is built from the assessment of one session (and the explanation of the next level): a practice is
named as a strength only when it is fully or largely implemented, as a gap only when it is not, and a practice with
no evidence recorded is worded "not assessed yet (verify)", never as absent. The only fixed text is the CMMI
definition of the level reached (``description`` in ``knowledge_base/cmmi/levels.yaml``), labelled as such.

``summarize(session)`` is the one entry point; ``docs/report-context.md`` (``summary``) lists the fields.
"""


from collections.abc import Mapping
from typing import Literal

from mlops_maturity.engine import words
from mlops_maturity.engine.explain import AreaGap, GoalGap, LevelExplanation, ModelPracticeGap, level_explanation
from mlops_maturity.engine.levels import next_level
from mlops_maturity.engine.rating import required_capability
from mlops_maturity.engine.results import Assessment, PracticeResult, made
from mlops_maturity.engine.session import Session
from pydantic import BaseModel, ConfigDict, Field

DIMENSIONS = ("process", "technology", "data", "governance", "people", "culture")
"""Practice dimensions, in the order the summary lists strengths."""

STANDING = words.STANDING
"""Where a practice stands, in the words the summary uses (the vocabulary's; no evidence is never worded as
absence)."""

_GAP_ORDER = {"PI": 0, "NI": 0, "NA": 1, "NY": 2, "not_observed": 2}
"""Gaps assessed as not (fully) implemented come first, then NA to reconsider, then what has no evidence."""

MAX_GAPS = 5
"""The summary names at most this many gaps (the three to five that matter most)."""

MAX_NAMED = 6
"""A strength sentence names at most this many practices of a dimension (the data lists them all)."""


class SummaryModel(BaseModel):
    """Base of the summary's models: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SummaryPractice(SummaryModel):
    """A practice named in the summary, with its characterization."""

    id: str = Field(description="The practice id (data; sentences use the name).")
    name: str = Field(description="The practice's name.")
    status: str = Field(description="FI, LI, PI, NI, NY, NA or not_observed.")


class Strength(SummaryModel):
    """What is in place in one practice dimension."""

    dimension: Literal["process", "technology", "data", "governance", "people", "culture"] = Field(
        description="The practice dimension (knowledge base).")
    practices: list[SummaryPractice] = Field(description="Its practices at FI or LI, most valuable first, then by "
                                                         "name.")
    text: str = Field(description="One sentence naming them.")


class SummaryGap(SummaryModel):
    """One of the gaps that matter most for the next maturity level."""

    id: str = Field(description="A practice id, or a CMMI practice id when the gap is a direct characterization.")
    name: str = Field(description="Its name.")
    kind: Literal["practice", "cmmi_practice"] = Field(
        description="practice: one of our practices; cmmi_practice: a CMMI practice characterized directly.")
    status: str = Field(description="FI..NA or not_observed (never FI or LI).")
    standing: str = Field(description='Where it stands in words: "partially in place", "not in place", '
                                      '"not assessed yet (verify)", ...')
    goals: list[str] = Field(description="The goals of the next level it holds back.")
    process_areas: list[str] = Field(description="Their process areas (ORG: the organization-level generic goals).")
    value: int = Field(description="Business value of the practice, 1-5 (0 for a CMMI practice).")
    text: str = Field(description="One sentence: what is missing and where it stands.")


class LevelDefinition(SummaryModel):
    """The CMMI definition of the maturity level reached: the only fixed text of the summary."""

    level: int = Field(description="The maturity level reached.")
    name: str = Field(description="Its official CMMI-DEV v1.3 name.")
    label: str = Field(description='"CMMI-DEV v1.3 definition of maturity level N (Name)".')
    text: str = Field(description="The level's description in the knowledge base (levels.yaml).")


class Summary(SummaryModel):
    """The opening of a report, derived from the assessment: the reason for the level, strengths, gaps."""

    level: int = Field(description="The maturity level reached.")
    level_name: str = Field(description="Its official name.")
    next_level: int | None = Field(description="The level above (null at level 5).")
    next_level_status: Literal["failed", "undetermined"] | None = Field(
        description="failed: something the next level needs was assessed PI or NI (or characterized directly so); "
                    "undetermined: nothing failed, something is not assessed yet; null at level 5.")
    assessed: int = Field(description="How many practices the fact file characterizes (not counting not observed).")
    reason: str = Field(description="The reason for the level, in one sentence.")
    strengths: list[Strength] = Field(description="What is in place, by practice dimension (dimensions with none "
                                                  "left out).")
    strengths_text: str | None = Field(description="When no practice is in place: why (nothing assessed yet, or "
                                                   "nothing assessed is in place); null otherwise.")
    gaps: list[SummaryGap] = Field(description="The gaps that matter most for the next level (at most 5): assessed "
                                               "not (fully) implemented first, then by how many goals each holds "
                                               "back and its value.")
    definition: LevelDefinition


def _standing(status: str) -> str:
    return STANDING[status]


def _strengths(a: Assessment, kb_dimension: dict[str, str], values: dict[str, int]) -> list[Strength]:
    by_dimension: dict[str, list[PracticeResult]] = {}
    for p in a.practices:
        if p.status in ("FI", "LI"):
            by_dimension.setdefault(kb_dimension[p.id], []).append(p)
    out = []
    for dim in DIMENSIONS:
        practices = by_dimension.get(dim)
        if not practices:
            continue
        practices = sorted(practices, key=lambda p: (-values[p.id], p.name, p.id))
        named = [p.name for p in practices[:MAX_NAMED]]
        more = len(practices) - len(named)
        listed = words.listing(named) if not more else ", ".join(named) + f" and {more} more"
        verb = "is" if len(practices) == 1 else "are"
        out.append(made(Strength,
            dimension=dim,
            practices=[made(SummaryPractice, id=p.id, name=p.name, status=p.status) for p in practices],
            text=f"{dim.capitalize()}: {listed} {verb} in place (fully or largely implemented).",
        ))
    return out


def _pick(mp: ModelPracticeGap, status_of: Mapping[str, str], values: Mapping[str, int]) -> tuple[str, str, str] | None:
    """What stands in the way of one CMMI practice: (id, name, status) of the weakest member of its cheapest
    alternative (a direct characterization: the CMMI practice itself)."""
    if mp.direct is not None:
        return mp.id, mp.name, mp.direct.status
    alternative = next((x for x in mp.alternatives if x.cheapest), None) or \
        next((x for x in mp.alternatives if x.lacks), None)
    if alternative is None:
        return None
    lacking = sorted(alternative.lacks, key=lambda g: (_GAP_ORDER[status_of[g.id]], -values[g.id], g.id))
    best = lacking[0]
    return best.id, best.name, status_of[best.id]


def _area_cause(area: AreaGap, status_of: Mapping[str, str], values: Mapping[str, int]) -> str:
    """The first thing holding an area back, in words: a failed goal's weakest practice before a goal not rated."""
    goals: list[GoalGap] = [*area.goals, *area.generic_goals]
    goals.sort(key=lambda g: g.status != "unsatisfied")
    for goal in goals:
        practices = sorted(goal.practices, key=lambda m: m.status != "failed")
        for mp in practices:
            picked = _pick(mp, status_of, values)
            if picked is None:
                continue
            _, name, status = picked
            if mp.direct is not None:
                return f"{mp.id} {name} characterized directly as {status}"
            return f"{name} {_standing(status)}"
        if goal.practices:
            return f"{goal.practices[0].id} {goal.practices[0].name} cannot be determined"
    return "its goals are not rated"


def _failed(area: AreaGap) -> bool:
    return area.status == "unsatisfied" or any(g.status == "unsatisfied" for g in area.generic_goals)


def _causes(areas: list[AreaGap], status_of: Mapping[str, str], values: Mapping[str, int]) -> str:
    """Each area's first cause, areas sharing one cause named together (at most four causes shown)."""
    grouped: dict[str, list[str]] = {}
    for x in areas:
        grouped.setdefault(_area_cause(x, status_of, values), []).append(x.id)
    shown = []
    for cause, ids in list(grouped.items())[:4]:
        who = words.listing(ids) if len(ids) <= 4 else ", ".join(ids[:3]) + f" and {len(ids) - 3} more"
        shown.append(f"{who}: {cause}")
    if len(grouped) > 4:
        rest = sum(len(ids) for ids in list(grouped.values())[4:])
        shown.append(f"{rest} more {'area' if rest == 1 else 'areas'} for other reasons")
    return "; ".join(shown)


def _reason(a: Assessment, e: LevelExplanation | None, assessed: int, values: dict[str, int]) -> tuple[str, str | None]:
    now = f"Maturity level {a.maturity_level} ({a.maturity_level_name})"
    if e is None:
        return (f"{now}: every in-scope process area of levels 2 to 5 has capability level 3 or more; there is no "
                "higher level.", None)
    n = e.level
    in_scope = [pa for pa in a.process_areas if pa.maturity_level <= n and pa.status != "out_of_scope"]
    where = f"of the {len(in_scope)} level-2 process areas" if n == 2 else \
        f"of the {len(in_scope)} in-scope process areas of levels 2 to {n}"
    need = required_capability(n)
    short = e.process_areas
    ok = len(in_scope) - len(short)
    status_of = {p.id: p.status for p in a.practices}
    failed = [x for x in short if _failed(x)]
    unrated = [x for x in short if not _failed(x)]
    if e.obstacles:
        failed_ids = {x.id for x in failed}
        failed += [x for x in unrated if x.id not in failed_ids and any(
            mp.direct is not None for g in [*x.goals, *x.generic_goals] for mp in g.practices)]
        unrated = [x for x in unrated if x not in failed]
    if not assessed:
        return (f"{now}; level {n} is undetermined: nothing has been assessed yet, so none {where} can be rated "
                "(verify).", "undetermined")
    have = f"none {where} has capability level {need}" if not ok else \
        f"{ok} {where} {'has' if ok == 1 else 'have'} capability level {need}"
    failing = words.listing([x.id for x in failed])
    pending = words.listing([x.id for x in unrated])
    if failed:
        causes = _causes(failed, status_of, values)
        if ok:
            verb = "does" if len(failed) == 1 else "do"
            text = f"{now}: {have}; {failing} {verb} not ({causes})"
        elif unrated:
            verb = "falls" if len(failed) == 1 else "fall"
            text = f"{now}: {have}: {failing} {verb} short ({causes})"
        else:
            text = f"{now}: {have} ({causes})"
        if unrated:
            verb = "is" if len(unrated) == 1 else "are"
            text += f", and {pending} {verb} not rated yet ({_causes(unrated, status_of, values)})"
        return text + ".", "failed"
    verb = "is" if len(unrated) == 1 else "are"
    return (f"{now}; level {n} is undetermined: {have} and nothing assessed has failed, but "
            f"{pending} {verb} not rated ({_causes(unrated, status_of, values)}).", "undetermined")


def _gaps(session: Session, e: LevelExplanation) -> list[SummaryGap]:
    kb = session.kb
    a = session.assessment
    status_of = {p.id: p.status for p in a.practices}
    holds: dict[str, set[str]] = {}
    direct: dict[str, ModelPracticeGap] = {}
    for area in e.process_areas:
        for goal in [*area.goals, *area.generic_goals]:
            for mp in goal.practices:
                if mp.direct is not None:
                    direct[mp.id] = mp
                    holds.setdefault(mp.id, set()).add(goal.id)
                    continue
                alternative = next((x for x in mp.alternatives if x.cheapest), None)
                for gap in alternative.lacks if alternative is not None else []:
                    holds.setdefault(gap.id, set()).add(goal.id)
    if e.adoption:  # the smallest adoption set: what the level needs, irredundant
        for x in e.adoption:
            goals = {kb.model_practices[m].goal for m in x.fixes if m in kb.model_practices}
            holds[x.id] = goals or holds.get(x.id, set())
        holds = {pid: goals for pid, goals in holds.items()
                 if pid in direct or pid in {x.id for x in e.adoption}}
    out = []
    for gid, goals in holds.items():
        if not goals:  # a prerequisite of the set the rating does not need: not a gap of the level
            continue
        if gid in direct:
            mp = direct[gid]
            status = mp.direct.status if mp.direct is not None else mp.characterization
            name, value, kind = mp.name, 0, "cmmi_practice"
            standing = f"characterized directly as {status}"
        else:
            status, name, value, kind = status_of[gid], kb.practices[gid].name, kb.practices[gid].value, "practice"
            standing = _standing(status)
        areas = sorted({kb.goals[g].process_area if g in kb.goals else "ORG" for g in goals})
        where = ", ".join(areas) if len(areas) <= 4 else f"{len(areas)} process areas"
        goal_list = sorted(goals)
        shown = ", ".join(goal_list[:4]) + (f" and {len(goal_list) - 4} more" if len(goal_list) > 4 else "")
        what = "goal" if len(goal_list) == 1 else "goals"
        text = (f"{name} ({where}) is {standing}; level {e.level} needs it for {len(goal_list)} {what} "
                f"({shown}).")
        out.append(made(SummaryGap, id=gid, name=name, kind=kind, status=status, standing=standing, goals=goal_list,
                        process_areas=areas, value=value, text=text))
    out.sort(key=lambda g: (_GAP_ORDER.get(g.status, 0), -len(g.goals), -g.value, g.id))
    return out[:MAX_GAPS]


def summarize(session: Session) -> Summary:
    """The summary of a session's assessment (see the module docstring; fields in ``docs/report-context.md``).

    Raises:
        VerificationError: the rules engine and the reference evaluator disagree (an internal error).
    """
    kb = session.kb
    a = session.assessment
    values = {pid: p.value for pid, p in kb.practices.items()}
    dimension = {pid: p.dimension.value if hasattr(p.dimension, "value") else str(p.dimension)
                 for pid, p in kb.practices.items()}
    assessed = sum(p.status != "not_observed" for p in a.practices)
    n = next_level(a.maturity_level)
    e = level_explanation(session, n, furthest=False) if n is not None else None
    reason, status = _reason(a, e, assessed, values)
    strengths = _strengths(a, dimension, values)
    strengths_text = None
    if not strengths:
        strengths_text = ("Nothing has been assessed yet: the fact file characterizes no practice, so nothing can be "
                          "named as in place (verify)." if not assessed else
                          f"None of the {assessed} practices assessed is fully or largely implemented yet.")
    level = next(lv for lv in kb.maturity_levels if lv.level == a.maturity_level)
    return made(Summary,
        level=a.maturity_level, level_name=a.maturity_level_name, next_level=n,
        next_level_status=status,
        assessed=assessed, reason=reason, strengths=strengths, strengths_text=strengths_text,
        gaps=_gaps(session, e) if e is not None else [],
        definition=made(LevelDefinition, level=level.level, name=level.name,
                        label=f"CMMI-DEV v1.3 definition of maturity level {level.level} ({level.name})",
                        text=level.description.strip()),
    )


__all__ = ["LevelDefinition", "Strength", "Summary", "SummaryGap", "SummaryPractice", "summarize"]
