"""mlops-maturity: rate ML Ops / Model Ops process maturity against CMMI and vendor models.

The public Python API. Every function returns a pydantic model with a versioned JSON form::

    from pathlib import Path
    from mlops_maturity import load_kb, load_facts, assess, roadmap, explain, render

    kb = load_kb()                       # the shipped knowledge base; load_kb(Path("firm-kb")) overlays a firm's
    facts = load_facts(Path("examples/regulated-bank.yaml"), kb)
    result = assess(kb, facts)           # an Assessment
    plan = roadmap(kb, facts, target=3)  # a Roadmap: ordered waves, verified by re-inference
    why = explain(kb, facts, 3)          # a LevelExplanation: why level 3 is not reached
    report = render(build_context(kb, facts), "html")   # a RenderedReport

Names are imported on first use (PEP 562), so ``import mlops_maturity`` stays cheap for the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, tuple[str, str]] = {
    # name: (module, attribute)
    "load_kb": ("mlops_maturity.engine.api", "load_kb"),
    "load_facts": ("mlops_maturity.engine.api", "load_facts"),
    "assess": ("mlops_maturity.engine.assessment", "assess"),
    "roadmap": ("mlops_maturity.engine.roadmap", "plan_roadmap"),
    "plan_roadmap": ("mlops_maturity.engine.roadmap", "plan_roadmap"),
    "explain": ("mlops_maturity.engine.explain", "explain_level"),
    "explain_level": ("mlops_maturity.engine.explain", "explain_level"),
    "explain_practice": ("mlops_maturity.engine.explain", "explain_practice"),
    "explain_framework": ("mlops_maturity.engine.explain", "explain_framework"),
    "crosswalk": ("mlops_maturity.engine.crosswalk", "crosswalk"),
    "render": ("mlops_maturity.engine.report", "render"),
    "build_context": ("mlops_maturity.engine.report", "build_context"),
    "register_jinja": ("mlops_maturity.engine.report", "register_jinja"),
    "Assessment": ("mlops_maturity.engine.results", "Assessment"),
    "Roadmap": ("mlops_maturity.engine.roadmap", "Roadmap"),
    "LevelExplanation": ("mlops_maturity.engine.explain", "LevelExplanation"),
    "PracticeExplanation": ("mlops_maturity.engine.explain", "PracticeExplanation"),
    "FrameworkExplanation": ("mlops_maturity.engine.explain", "FrameworkExplanation"),
    "Crosswalk": ("mlops_maturity.engine.crosswalk", "Crosswalk"),
    "ReportContext": ("mlops_maturity.engine.report", "ReportContext"),
    "RenderedReport": ("mlops_maturity.engine.report", "RenderedReport"),
    "FactFile": ("mlops_maturity.engine.facts", "FactFile"),
    "Observation": ("mlops_maturity.engine.facts", "Observation"),
    "KnowledgeBase": ("mlops_maturity.engine.kb", "KnowledgeBase"),
    "MaturityError": ("mlops_maturity.engine.errors", "MaturityError"),
    "UserInputError": ("mlops_maturity.engine.errors", "UserInputError"),
    "KnowledgeBaseError": ("mlops_maturity.engine.errors", "KnowledgeBaseError"),
    "InferenceError": ("mlops_maturity.engine.errors", "InferenceError"),
    "VerificationError": ("mlops_maturity.engine.errors", "VerificationError"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mlops_maturity' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:
    from mlops_maturity.engine.api import load_facts, load_kb
    from mlops_maturity.engine.assessment import assess
    from mlops_maturity.engine.crosswalk import Crosswalk, crosswalk
    from mlops_maturity.engine.errors import (
        InferenceError,
        KnowledgeBaseError,
        MaturityError,
        UserInputError,
        VerificationError,
    )
    from mlops_maturity.engine.explain import (
        FrameworkExplanation,
        LevelExplanation,
        PracticeExplanation,
        explain_framework,
        explain_level,
        explain_practice,
    )
    from mlops_maturity.engine.explain import explain_level as explain
    from mlops_maturity.engine.facts import FactFile, Observation
    from mlops_maturity.engine.kb import KnowledgeBase
    from mlops_maturity.engine.report import RenderedReport, ReportContext, build_context, register_jinja, render
    from mlops_maturity.engine.results import Assessment
    from mlops_maturity.engine.roadmap import Roadmap, plan_roadmap
    from mlops_maturity.engine.roadmap import plan_roadmap as roadmap
