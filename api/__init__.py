"""mlops-maturity: rate ML Ops / Model Ops process maturity against CMMI and vendor models.

The public Python API. Every function returns a pydantic model with a versioned JSON form::

    from mlops_maturity import load_kb, load_facts, assess

    kb = load_kb()                       # the shipped knowledge base (optionally overlaid: load_kb(Path("firm-kb")))
    facts = load_facts(Path("examples/bank.yaml"), kb)
    result = assess(kb, facts)           # an Assessment
    plan = roadmap(kb, facts, target=3)  # a Roadmap: ordered waves, verified by re-inference
    why = explain(kb, facts, 3)          # a LevelExplanation: why level 3 is not reached
    print(result.maturity_level, plan.model_dump_json(indent=2), why.minimal_adoption)
"""

from mlops_maturity.engine.api import load_facts, load_kb
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.crosswalk import Crosswalk, crosswalk
from mlops_maturity.engine.explain import (
    FrameworkExplanation,
    LevelExplanation,
    PracticeExplanation,
    explain_framework,
    explain_level,
    explain_practice,
)
from mlops_maturity.engine.roadmap import Roadmap, plan_roadmap
from mlops_maturity.engine.errors import (
    InferenceError,
    KnowledgeBaseError,
    MaturityError,
    UserInputError,
    VerificationError,
)
from mlops_maturity.engine.facts import FactFile, Observation
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.results import Assessment

explain = explain_level
"""``explain(kb, facts, level)``: why a maturity level is not reached (or how it was)."""

roadmap = plan_roadmap
"""``roadmap(kb, facts, target=None, capacity=None)``: the ordered improvement plan."""

__all__ = [
    "Assessment",
    "Crosswalk",
    "FrameworkExplanation",
    "LevelExplanation",
    "PracticeExplanation",
    "Roadmap",
    "crosswalk",
    "explain",
    "explain_framework",
    "explain_level",
    "explain_practice",
    "plan_roadmap",
    "roadmap",
    "FactFile",
    "InferenceError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "MaturityError",
    "Observation",
    "UserInputError",
    "VerificationError",
    "assess",
    "load_facts",
    "load_kb",
]
