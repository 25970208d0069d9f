"""mlops-maturity: rate ML Ops / Model Ops process maturity against CMMI and vendor models.

The public Python API. Every function returns a pydantic model with a versioned JSON form::

    from mlops_maturity import load_kb, load_facts, assess

    kb = load_kb()                       # the shipped knowledge base (optionally overlaid: load_kb(Path("firm-kb")))
    facts = load_facts(Path("examples/bank.yaml"), kb)
    result = assess(kb, facts)           # an Assessment
    print(result.maturity_level, result.model_dump_json(indent=2))
"""

from mlops_maturity.engine.api import load_facts, load_kb
from mlops_maturity.engine.assessment import assess
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

__all__ = [
    "Assessment",
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
