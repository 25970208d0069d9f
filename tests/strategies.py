"""Hypothesis strategies: fact files over a knowledge base, with NA, NY and not-observed mixes."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.kb import KnowledgeBase

STATUSES = ["FI", "LI", "PI", "NI", "NY", "NA"]


@st.composite
def fact_files(draw: st.DrawFn, kb: KnowledgeBase) -> FactFile:
    """A fact file: each practice is omitted (not observed) or given a characterization.

    A per-file bias towards satisfied practices makes high levels reachable often enough to be tested, and
    context attributes are drawn so that insight rules on them fire sometimes.
    """
    bias = draw(st.sampled_from(["empty", "low", "mixed", "high", "all"]))
    weights = {
        "empty": [0, 0, 0, 0, 0, 0, 1],
        "low": [1, 1, 2, 3, 2, 1, 6],
        "mixed": [3, 2, 2, 2, 1, 1, 3],
        "high": [12, 4, 1, 1, 1, 1, 1],
        "all": [30, 4, 0, 0, 0, 1, 0],
    }[bias]
    choices = STATUSES + [None]
    pool = [c for c, w in zip(choices, weights, strict=True) for _ in range(w)]
    practices = {}
    for pid in kb.practices:
        status = draw(st.sampled_from(pool))
        if status is None:
            continue
        practices[pid] = {"status": status, "reason": "out of scope"} if status == "NA" else {"status": status}
    context = {}
    for attr in kb.attributes.values():
        if draw(st.booleans()):
            if attr.type == "boolean":
                context[attr.id] = draw(st.booleans())
            elif attr.type == "integer":
                context[attr.id] = draw(st.integers(0, 12))
            else:
                context[attr.id] = draw(st.sampled_from(attr.values or ["x"]))
    model_practices = {}
    if draw(st.integers(0, 3)) == 0:  # a quarter of the files characterize some CMMI practices directly
        ids = sorted(kb.model_practices)
        for mid in draw(st.lists(st.sampled_from(ids), max_size=6, unique=True)):
            model_practices[mid] = {"status": draw(st.sampled_from(STATUSES[:5])), "rationale": "alternative practice"}
    out_of_scope = {pa: "no supplier agreements" for pa in kb.scopable_areas if draw(st.booleans())}
    model_practices = {m: v for m, v in model_practices.items()
                       if kb.model_practices[m].process_area not in out_of_scope}
    return FactFile.model_validate(
        {"organization": "generated", "assessed_on": dt.date(2026, 1, 1), "practices": practices, "context": context,
         "model_practices": model_practices, "out_of_scope": out_of_scope}
    )
