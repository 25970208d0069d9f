"""Loading and validating the knowledge base (shipped, optionally overlaid by a firm's own files).

The shipped knowledge base, validated, is cached between processes (see :func:`cache_directory`): a command line
starts a fresh process each time, and parsing and validating the shipped YAML files (and building the validators
for them) was most of a cold ``maturity assess``. Only the shipped knowledge base alone is cached; an overlay
(a firm's directory of YAML files) or another base is always loaded and validated in full, and so is any knowledge
base checked with :func:`validate_knowledge_base`.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mlops_maturity.engine import documents
from mlops_maturity.engine import knowledge as _knowledge
from mlops_maturity.engine.errors import KnowledgeBaseError, Problem, UserInputError
from mlops_maturity.engine.knowledge import (
    AssessmentPolicy,
    Attribute,
    AttributeCondition,
    Framework,
    FrameworkCondition,
    GenericGoal,
    GenericPractice,
    InsightRule,
    InterviewEntry,
    LevelCharacterization,
    MaturityLevelDef,
    Practice,
    PracticeCondition,
    ProblemArea,
    ProcessArea,
)
from pydantic import BaseModel, ValidationError

_SECTIONS: dict[str, tuple[type[BaseModel], bool]] = {
    # top-level key: (model, whether the key holds a list)
    "maturity_levels": (MaturityLevelDef, True),
    "process_areas": (ProcessArea, True),
    "generic_goals": (GenericGoal, True),
    "practices": (Practice, True),
    "framework": (Framework, False),
    "problem_areas": (ProblemArea, True),
    "insights": (InsightRule, True),
    "attributes": (Attribute, True),
    "interview": (InterviewEntry, True),
    "characterizations": (LevelCharacterization, True),
    "assessment_policy": (AssessmentPolicy, False),
}

SCOPABLE_AREAS = ("SAM",)
"""Process areas an appraisal may declare out of scope (not applicable as a whole): in CMMI-DEV v1.3 practice,
Supplier Agreement Management when the organizational unit has no supplier agreements. Any other area is always
rated; not-applicable practices never remove it."""

NO_CMMI_LEVEL = 6
"""Serving level of a practice that implements no CMMI practice (it counts for frameworks only)."""


@dataclass(frozen=True)
class Issue:
    """A finding of ``kb validate``: an error makes the knowledge base unusable, a warning does not."""

    severity: Literal["error", "warning"]
    message: str
    file: str = ""

    def __str__(self) -> str:
        prefix = f"{self.file}: " if self.file else ""
        return f"{self.severity}: {prefix}{self.message}"


@dataclass(frozen=True)
class GoalInfo:
    """A goal the engine rates: a specific goal of a process area (``CM.SG1``) or one of its generic goals
    (``CM.GG2``). ``level`` is the lowest maturity level that needs it."""

    id: str
    name: str
    process_area: str
    level: int
    generic: str | None = None
    """``GG2`` or ``GG3`` for a generic goal."""


@dataclass(frozen=True)
class ModelPractice:
    """A CMMI practice the engine characterizes from the alternatives that implement it.

    ``specific``: ``CM.SP1.2``; ``generic``: the organization-level ``GP2.6`` every area inherits; ``area_generic``:
    one area's ``CM.GP2.6``, which inherits ``GP2.6`` and may add alternatives of its own.
    """

    id: str
    name: str
    kind: Literal["specific", "generic", "area_generic"]
    goal: str
    process_area: str | None
    alternatives: tuple[tuple[str, ...], ...]
    interpretation: str
    inherits: str | None = None

ID_HASHES_MEMO = "inference.id_hashes"
"""The memo entry a pickled knowledge base keeps: every fact id a run on it can use, with its id hash (a plain
``dict[str, int]``, see :func:`mlops_maturity.engine.inference.keep_with_knowledge_base`). Hashing the ids is a
pure function of them, but costs a fresh process a few milliseconds; the disk cache saves it with the rest."""


INTERVIEW_PICKLE = "_interview_pickle"
"""Where a pickled knowledge base keeps its interview entries, pickled apart, until they are first read."""


@dataclass
class KnowledgeBase:
    """The loaded knowledge, indexed for the engine. Build with :func:`load_knowledge_base`."""

    maturity_levels: list[MaturityLevelDef]
    process_areas: list[ProcessArea]
    generic_goals: list[GenericGoal]
    practices: dict[str, Practice]
    frameworks: dict[str, Framework]
    problem_areas: list[ProblemArea]
    insights: list[InsightRule]
    attributes: dict[str, Attribute]
    fingerprint: str
    interview: dict[str, InterviewEntry] = field(default_factory=dict)
    characterizations: list[LevelCharacterization] = field(default_factory=list)
    """Level characterizations of a framework's practice set (the crosswalk), highest level first."""
    assessment_policy: AssessmentPolicy | None = None
    """Assessment defaults (the maximum evidence age); ``None`` in a knowledge base that sets none."""
    files: list[str] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)
    """File each entity id was loaded from."""
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """What engine modules derive from this object once (a copy made with ``dataclasses.replace`` starts empty,
    and so does a pickled copy: what is in it, a compiled rule set for one, belongs to this process), but for the
    plain data under :data:`ID_HASHES_MEMO`, which a pickled copy keeps (the disk cache writes it)."""

    def __getstate__(self) -> dict[str, Any]:
        kept = {ID_HASHES_MEMO: self.memo[ID_HASHES_MEMO]} if ID_HASHES_MEMO in self.memo else {}
        state = {**self.__dict__, "memo": kept}
        # The interview entries, a quarter of the knowledge base's bytes, are pickled apart and read back when first
        # asked for (__getattr__): every command reads the cached knowledge base, only a few read the interview.
        interview = state.pop("interview", None)
        if interview is not None:
            state[INTERVIEW_PICKLE] = pickle.dumps(interview, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    if not TYPE_CHECKING:  # (for type checkers, a misspelt attribute stays an error)

        def __getattr__(self, name: str) -> Any:
            """Only for an attribute not found: the interview entries of a knowledge base read back from a pickle,
            unpickled when first asked for (see :meth:`__getstate__`)."""
            if name == "interview":
                blob = self.__dict__.pop(INTERVIEW_PICKLE, None)
                if blob is not None:
                    interview = self.__dict__["interview"] = _Unpickler(io.BytesIO(blob)).load()
                    return interview
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @cached_property
    def process_area(self) -> dict[str, ProcessArea]:
        """Process areas by id."""
        return {pa.id: pa for pa in self.process_areas}

    @cached_property
    def generic_practice(self) -> dict[str, GenericPractice]:
        """Organization-level generic practices by id (``GP2.6``)."""
        return {gp.id: gp for gg in self.generic_goals for gp in gg.practices}

    @cached_property
    def generic_practice_goal(self) -> dict[str, str]:
        """``GP2.6`` -> ``GG2``."""
        return {gp.id: gg.id for gg in self.generic_goals for gp in gg.practices}

    @cached_property
    def goals(self) -> dict[str, GoalInfo]:
        """Every rated goal, area by area: its specific goals (``CM.SG1``), then its ``CM.GG2`` and ``CM.GG3``."""
        out = {}
        for pa in self.process_areas:
            for goal in pa.goals:
                out[goal.id] = GoalInfo(goal.id, goal.name, pa.id, pa.maturity_level)
            for gg in self.generic_goals:
                gid = f"{pa.id}.{gg.id}"
                out[gid] = GoalInfo(gid, gg.name, pa.id, max(pa.maturity_level, gg.capability_level), gg.id)
        return out

    @cached_property
    def model_practices(self) -> dict[str, ModelPractice]:
        """Every CMMI practice the engine characterizes: the organization-level generic practices first, then
        area by area its specific practices and its own generic practices."""
        out: dict[str, ModelPractice] = {}
        for gg in self.generic_goals:
            for gp in gg.practices:
                out[gp.id] = ModelPractice(gp.id, gp.name, "generic", gg.id, None,
                                           tuple(tuple(a) for a in gp.implemented_by), gp.description)
        for pa in self.process_areas:
            for goal in pa.goals:
                for sp in goal.practices:
                    out[sp.id] = ModelPractice(sp.id, sp.name, "specific", goal.id, pa.id,
                                               tuple(tuple(a) for a in sp.implemented_by), sp.interpretation)
            own = {gp.id: gp for gp in pa.generic_practices}
            for gg in self.generic_goals:
                for gp in gg.practices:
                    mine = own.get(gp.id)
                    out[f"{pa.id}.{gp.id}"] = ModelPractice(
                        f"{pa.id}.{gp.id}", gp.name, "area_generic", f"{pa.id}.{gg.id}", pa.id,
                        tuple(tuple(a) for a in mine.implemented_by) if mine else (),
                        mine.interpretation if mine else gp.description, inherits=gp.id)
        return out

    @cached_property
    def goal_model_practices(self) -> dict[str, list[str]]:
        """Goal id -> the CMMI practices it is rated from, in model order."""
        out: dict[str, list[str]] = {g: [] for g in self.goals}
        for mp in self.model_practices.values():
            if mp.kind != "generic":
                out[mp.goal].append(mp.id)
        return out

    @cached_property
    def practice_implements(self) -> dict[str, list[str]]:
        """Practice id -> the CMMI practices it is (part of) an alternative of, in model order."""
        out: dict[str, list[str]] = {pid: [] for pid in self.practices}
        for mp in self.model_practices.values():
            for pid in dict.fromkeys(p for alt in mp.alternatives for p in alt):
                out.setdefault(pid, []).append(mp.id)
        return out

    def model_practice_level(self, mp_id: str) -> int:
        """The lowest maturity level that needs a CMMI practice (GP2.x: 2, GP3.x: 3 at organization level)."""
        mp = self.model_practices[mp_id]
        if mp.kind == "generic":
            return 2 if mp.goal == "GG2" else 3
        return self.goals[mp.goal].level

    @cached_property
    def serving_level(self) -> dict[str, int]:
        """Practice id -> the lowest maturity level among the CMMI practices it implements
        (:data:`NO_CMMI_LEVEL` for a practice that implements none)."""
        return {pid: min((self.model_practice_level(m) for m in self.practice_implements[pid]), default=NO_CMMI_LEVEL)
                for pid in self.practices}

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Former practice id -> the practice that replaced it."""
        return {alias: pid for pid, p in self.practices.items() for alias in p.aliases}

    @cached_property
    def scopable_areas(self) -> dict[str, str]:
        """Process areas that may be declared out of scope -> when."""
        return {pa.id: pa.scoping.when for pa in self.process_areas if pa.scoping and pa.scoping.may_be_out_of_scope}

    @cached_property
    def dependents(self) -> dict[str, list[str]]:
        """Practice id -> the practices that require it (sorted)."""
        out: dict[str, list[str]] = {pid: [] for pid in self.practices}
        for pid in sorted(self.practices):
            for req in self.practices[pid].requires:
                out[req].append(pid)
        return out

    @cached_property
    def framework_practices(self) -> dict[str, list[tuple[str, int]]]:
        """Practice id -> the (framework, level) pairs whose requirements name it (in any alternative)."""
        out: dict[str, list[tuple[str, int]]] = {pid: [] for pid in self.practices}
        for fid in sorted(self.frameworks):
            for level in self.frameworks[fid].levels:
                for pid in dict.fromkeys(p for group in level.requirement_groups for alt in group for p in alt):
                    out.setdefault(pid, []).append((fid, level.level))
        return out

    @cached_property
    def optional_practices(self) -> dict[str, list[tuple[str, int]]]:
        """Practice id -> the (framework, level) pairs that name it as optional."""
        out: dict[str, list[tuple[str, int]]] = {}
        for fid in sorted(self.frameworks):
            for level in self.frameworks[fid].levels:
                for pid in level.optional:
                    out.setdefault(pid, []).append((fid, level.level))
        return out

    def level_name(self, level: int) -> str:
        """The official name of a maturity level."""
        for lvl in self.maturity_levels:
            if lvl.level == level:
                return lvl.name
        return f"Level {level}"


def shipped_directory() -> Path:
    """Where the shipped knowledge base lives (inside the installed package): the package's directory, which is what
    ``importlib.resources.files`` gives for a package installed as files, without importing ``importlib.resources``
    (and with it ``zipfile``), ~3 ms of every cold command."""
    from mlops_maturity import knowledge_base

    return Path(knowledge_base.__file__).parent


def _yaml_files(root: Path) -> dict[str, Path]:
    """The YAML files under ``root`` by relative path (``/``-separated): what ``root.rglob("*")`` lists whose
    suffix is ``.yaml`` or ``.yml`` and that is a file, found with ``os.scandir`` (pathlib took a few milliseconds of
    every command). As ``rglob``, it lists hidden entries and does not enter a symbolic link to a directory."""
    found: dict[str, Path] = {}

    def visit(directory: str, prefix: str) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:  # an unreadable directory lists nothing, as with rglob
            return
        for entry in entries:
            name = entry.name
            dot = name.rfind(".")  # PurePath.suffix: the last dot, neither first nor last
            if 0 < dot < len(name) - 1 and name[dot:] in (".yaml", ".yml") and entry.is_file():
                found[prefix + name] = root / (prefix + name)
            if entry.is_dir(follow_symlinks=False):
                visit(entry.path, prefix + name + "/")

    visit(str(root), "")
    return found


def collect_files(overlay: Path | None = None, base: Path | None = None) -> dict[str, Path]:
    """The knowledge files to load: ``base`` (default: the shipped KB), with an overlay's files added or
    replacing by relative path."""
    files = _yaml_files(base or shipped_directory())
    if overlay is not None:
        if not overlay.exists():
            raise UserInputError([Problem.of_parameter("kb_dir", str(overlay), "knowledge-base directory not found")])
        if not overlay.is_dir():
            raise UserInputError([Problem.of_parameter("kb_dir", str(overlay), "not a directory: a knowledge-base "
                                                       "overlay is a directory of YAML files")])
        extra = _yaml_files(overlay)
        if not extra:
            raise UserInputError([Problem.of_parameter("kb_dir", str(overlay),
                                                       "no .yaml files found in this directory")])
        files.update(extra)
    return dict(sorted(files.items()))


def load_knowledge_base(overlay: Path | None = None, base: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base (the shipped one alone comes from the cache when it can).

    Raises:
        KnowledgeBaseError: a file does not parse or validate, or a cross-file check fails (warnings pass).
    """
    kb, issues = _load(overlay, base, disk_cache=overlay is None and base is None)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise KnowledgeBaseError([Problem(i.file, "", i.message) for i in errors])
    return kb


def validate_knowledge_base(
    overlay: Path | None = None, base: Path | None = None
) -> tuple[KnowledgeBase | None, list[Issue]]:
    """Load the knowledge base and return every issue found, errors and warnings, without raising."""
    try:
        return _load(overlay, base)
    except KnowledgeBaseError as exc:
        return None, [Issue("error", p.message if not p.field else f"{p.field}: {p.message}",
                            p.file + (f": line {p.line}" if p.line else "")) for p in exc.problems]


_CACHE: dict[tuple[str, ...], tuple[KnowledgeBase, list[Issue]]] = {}


def _load(
    overlay: Path | None, base: Path | None = None, *, disk_cache: bool = False
) -> tuple[KnowledgeBase, list[Issue]]:
    files = collect_files(overlay, base)
    # The fingerprint is of each file's path and text (its UTF-8 bytes, read as such: a cached knowledge base
    # needs no decoding; a file that is not UTF-8 was never cached, and fails below as it always did).
    contents = {rel: documents.read_bytes(path) for rel, path in files.items()}
    digest = hashlib.sha256()
    for rel, content in contents.items():
        digest.update(rel.encode() + b"\0")
        digest.update(content)
        digest.update(b"\0")
    fingerprint = digest.hexdigest()[:16]
    key = (fingerprint,)
    if key in _CACHE:
        return _CACHE[key]
    cache = _DiskCache.open(files, digest.hexdigest()) if disk_cache else None
    if cache is not None:
        cached = cache.read(fingerprint)
        if cached is not None:
            _CACHE[key] = cached
            return cached
    texts = {rel: documents.decode_text(contents[rel], str(path)) for rel, path in files.items()}
    sections: dict[str, list[tuple[str, Any]]] = {k: [] for k in _SECTIONS}
    problems: list[Problem] = []
    for rel, path in files.items():
        name = str(path)
        data = documents.fast_load(texts[rel], name)
        if not isinstance(data, dict) or len(data) != 1:
            problems.append(Problem(name, "", f"expected exactly one top-level key, one of {sorted(_SECTIONS)}"))
            continue
        (top, body), = data.items()
        if top not in _SECTIONS:
            problems.append(Problem(name, top, "unknown top-level key" + documents.suggest(top, _SECTIONS)))
            continue
        model, many = _SECTIONS[top]
        items = body if many else [body]
        if many and not isinstance(body, list):
            problems.append(Problem(name, top, "expected a list"))
            continue
        for index, item in enumerate(items or []):
            try:
                sections[top].append((name, model.model_validate(item)))
            except ValidationError as exc:
                doc = documents.parse(texts[rel], name)  # slow path: re-parse for line numbers
                prefix = (top, index) if many else (top,)
                problems.extend(documents.validation_problems(doc, exc, prefix))
    if problems:
        raise KnowledgeBaseError(problems)
    issues: list[Issue] = []
    origin: dict[str, str] = {}

    def unique(kind: str, entries: Iterable[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for file, entity in entries:
            ident = entity.id if hasattr(entity, "id") else str(entity.level)
            if ident in out:
                issues.append(Issue("error", f"duplicate {kind} id {ident} (also in {origin[kind + ident]})", file))
                continue
            out[ident] = entity
            origin[kind + ident] = file
        return out

    levels = unique("maturity level", sections["maturity_levels"])
    pas = unique("process area", sections["process_areas"])
    ggs = unique("generic goal", sections["generic_goals"])
    practices = unique("practice", sections["practices"])
    frameworks = unique("framework", sections["framework"])
    problem_areas = unique("problem area", sections["problem_areas"])
    insights = unique("insight rule", sections["insights"])
    attributes = unique("attribute", sections["attributes"])
    characterizations = unique("characterization", sections["characterizations"])
    interview: dict[str, InterviewEntry] = {}
    for file, entry in sections["interview"]:
        if entry.practice in interview:
            issues.append(Issue("error", f"practice {entry.practice} has two interview entries "
                                f"(also in {origin['interview' + entry.practice]})", file))
            continue
        interview[entry.practice] = entry
        origin["interview" + entry.practice] = file
    policies = sections["assessment_policy"]
    for file, _ in policies[1:]:
        issues.append(Issue("error", f"assessment_policy is set twice (also in {policies[0][0]})", file))
    kb = KnowledgeBase(
        maturity_levels=sorted(levels.values(), key=lambda lv: lv.level),
        process_areas=sorted(pas.values(), key=lambda pa: (pa.maturity_level, pa.id)),
        generic_goals=sorted(ggs.values(), key=lambda g: g.id),
        practices=dict(sorted(practices.items())),
        frameworks=dict(sorted(frameworks.items())),
        problem_areas=sorted(problem_areas.values(), key=lambda p: p.id),
        insights=sorted(insights.values(), key=lambda r: r.id),
        attributes=dict(sorted(attributes.items())),
        fingerprint=fingerprint,
        interview=dict(sorted(interview.items())),
        characterizations=sorted(characterizations.values(), key=lambda c: (-c.level, c.id)),
        assessment_policy=policies[0][1] if policies else None,
        files=[str(p) for p in files.values()],
        origin=dict(origin),
    )
    issues.extend(_check(kb, origin))
    if not [i for i in issues if i.severity == "error"]:
        _CACHE[key] = (kb, issues)
        if cache is not None:
            cache.write(kb, issues)
    return kb, issues


# --- The cache of the validated shipped knowledge base ----------------------------------------------------------

CACHE_DIR_VARIABLE = "MLOPS_MATURITY_CACHE_DIR"
"""Environment variable naming the cache directory (default: the platform's user cache directory)."""

NO_CACHE_VARIABLE = "MLOPS_MATURITY_NO_CACHE"
"""Environment variable that, set to anything but an empty string, turns the cache off."""

_CACHE_FORMAT = b"mlops-maturity knowledge-base cache 1\n"
_CACHE_FILES_KEPT = 8
"""Cache files kept per directory (one per knowledge base, engine code, installation, Python and pydantic)."""


def cache_directory() -> Path | None:
    """Where the validated shipped knowledge base is cached, or ``None`` when the cache is off.

    ``$MLOPS_MATURITY_NO_CACHE`` (non-empty) turns it off; ``$MLOPS_MATURITY_CACHE_DIR`` names the directory;
    otherwise it is the user cache directory: ``$XDG_CACHE_HOME/mlops-maturity`` (default
    ``~/.cache/mlops-maturity``), ``~/Library/Caches/mlops-maturity`` on macOS, ``%LOCALAPPDATA%\\mlops-maturity``
    on Windows. Nothing is ever written into the installed package.
    """
    if os.environ.get(NO_CACHE_VARIABLE):
        return None
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    try:
        if sys.platform == "win32":
            local = os.environ.get("LOCALAPPDATA")
            return (Path(local) if local else Path.home() / "AppData" / "Local") / "mlops-maturity"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "mlops-maturity"
        xdg = os.environ.get("XDG_CACHE_HOME")
        return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "mlops-maturity"
    except (RuntimeError, KeyError, OSError):  # no home directory
        return None


class _Unpickler(pickle.Unpickler):
    """Unpickles the knowledge base's own classes and nothing else (no other callable can be reached)."""

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name in ("KnowledgeBase", "GoalInfo", "ModelPractice", "Issue"):
            return globals()[name]
        if module == _knowledge.__name__:
            found = getattr(_knowledge, name, None)
            if isinstance(found, type) and found.__module__ == module and issubclass(found, (BaseModel, Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a knowledge base")


class _DiskCache:
    """One cache file: the shipped knowledge base as validated, for these files, this engine code and these versions.

    The file holds a header, the SHA-256 of the pickled ``(KnowledgeBase, issues)`` and the pickle. Anything
    unexpected while reading (no file, another key, a wrong checksum, a foreign class, another fingerprint or file
    list) is a miss, and the knowledge base is loaded in full; anything that goes wrong while writing is ignored.
    (A plain class: making a dataclass costs ~0.8 ms at import.)
    """

    __slots__ = ("path", "header", "files")

    def __init__(self, path: Path, header: bytes, files: tuple[str, ...]) -> None:
        self.path = path
        self.header = header
        self.files = files

    @classmethod
    def open(cls, files: dict[str, Path], content: str) -> _DiskCache | None:
        """The cache file for ``files`` (relative path -> path), whose text has the SHA-256 ``content``."""
        directory = cache_directory()
        if directory is None:
            return None
        key = hashlib.sha256(_CACHE_FORMAT)
        key.update(f"{sys.version}\0{sys.implementation.cache_tag}\0{_pydantic_version()}\0".encode())
        # The engine's code decides what a loaded knowledge base holds (models, validators, checks, derived
        # indexes): any change to any engine module is a new key, whoever moves what where.
        code = sorted(Path(__file__).parent.glob("*.py"))
        if not code:  # no source to key on (a frozen application): no cache
            return None
        try:
            for module in code:
                key.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
        except OSError:
            return None
        key.update(content.encode() + b"\0")
        for rel, path in files.items():
            key.update(f"{rel}\0{path}\0".encode())
        digest = key.hexdigest()
        return cls(directory / f"kb-{digest[:32]}.pickle", _CACHE_FORMAT + digest.encode() + b"\n",
                   tuple(str(p) for p in files.values()))

    def read(self, fingerprint: str) -> tuple[KnowledgeBase, list[Issue]] | None:
        try:
            with open(self.path, "rb") as handle:
                if hasattr(os, "getuid") and os.fstat(handle.fileno()).st_uid != os.getuid():
                    return None  # somebody else's file
                data = handle.read()
        except OSError:
            return None
        checksum = data[len(self.header):len(self.header) + 32]
        body = data[len(self.header) + 32:]
        if not data.startswith(self.header) or hashlib.sha256(body).digest() != checksum:
            return None
        try:
            loaded = _Unpickler(io.BytesIO(body)).load()
        except Exception:  # noqa: BLE001 - any failure to unpickle is a miss
            return None
        if not (isinstance(loaded, tuple) and len(loaded) == 2):
            return None
        kb, issues = loaded
        if not (isinstance(kb, KnowledgeBase) and kb.fingerprint == fingerprint and tuple(kb.files) == self.files
                and isinstance(issues, list) and all(isinstance(i, Issue) and i.severity != "error" for i in issues)
                and _plain_memo(kb.memo) and type(vars(kb).get(INTERVIEW_PICKLE, b"")) is bytes
                and ("interview" in vars(kb)) != (INTERVIEW_PICKLE in vars(kb))):
            return None
        return kb, issues

    def write(self, kb: KnowledgeBase, issues: list[Issue]) -> None:
        import tempfile

        from mlops_maturity.engine import inference

        for name, attribute in vars(KnowledgeBase).items():  # derived indexes too: reading them back is cheaper
            if isinstance(attribute, cached_property):
                getattr(kb, name)
        tmp = None
        try:
            inference.keep_with_knowledge_base(kb)
            body = pickle.dumps((kb, issues), protocol=pickle.HIGHEST_PROTOCOL)
            directory = self.path.parent
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".kb-", suffix=".tmp", dir=directory)
            with os.fdopen(fd, "wb") as handle:
                handle.write(self.header + hashlib.sha256(body).digest() + body)
            os.replace(tmp, self.path)
            tmp = None
            stale = sorted(directory.glob("kb-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in stale[_CACHE_FILES_KEPT:]:
                old.unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache, never an error
            pass
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def _plain_memo(memo: Any) -> bool:
    """Whether a knowledge base read back from the cache holds no memo but the id hashes, as plain data."""
    if not isinstance(memo, dict) or not set(memo) <= {ID_HASHES_MEMO}:
        return False
    hashes = memo.get(ID_HASHES_MEMO, {})
    return type(hashes) is dict and set(map(type, hashes)) <= {str} and set(map(type, hashes.values())) <= {int}


def _pydantic_version() -> str:
    from pydantic.version import VERSION

    return VERSION


def _where(origin: dict[str, str], kind: str, ident: str) -> str:
    return origin.get(kind + ident, "")


def _check(kb: KnowledgeBase, origin: dict[str, str]) -> list[Issue]:
    """Cross-file checks: completeness, references, alternatives, scoping, cycles, inversions, engine limits."""
    issues: list[Issue] = []
    numbers = [lv.level for lv in kb.maturity_levels]
    if numbers != [1, 2, 3, 4, 5]:
        issues.append(Issue("error", f"maturity levels must be exactly 1-5, found {numbers}"))
    for needed in ("GG2", "GG3"):
        if needed not in {g.id for g in kb.generic_goals}:
            issues.append(Issue("error", f"generic goal {needed} is not declared"))
    if not kb.process_areas:
        issues.append(Issue("error", "no process areas are declared"))
    gp_ids = {gp.id for gg in kb.generic_goals for gp in gg.practices}
    seen: dict[str, str] = {}
    for pa in kb.process_areas:
        file = _where(origin, "process area", pa.id)
        for ident in [g.id for g in pa.goals] + [sp.id for sp in pa.specific_practices]:
            if ident in seen:
                issues.append(Issue("error", f"duplicate id {ident} (also in process area {seen[ident]})", file))
            seen[ident] = pa.id
        for gp in pa.generic_practices:
            if gp.id not in gp_ids:
                issues.append(Issue("error", f"process area {pa.id}: unknown generic practice {gp.id}"
                                    + documents.suggest(gp.id, gp_ids), file))
        if pa.scoping and pa.scoping.may_be_out_of_scope and pa.id not in SCOPABLE_AREAS:
            issues.append(Issue("error", f"process area {pa.id} may not be declared out of scope: CMMI-DEV rates "
                                f"every area of a level; only {', '.join(SCOPABLE_AREAS)} may be out of scope "
                                "(no supplier agreements)", file))
    practice_ids = set(kb.practices)

    def dangling(kind: str, ref: str, known: Iterable[str], owner: str, file: str) -> None:
        hint = f" (now {kb.aliases[ref]})" if ref in kb.aliases else documents.suggest(ref, known)
        issues.append(Issue("error", f"{owner}: unknown {kind} {ref}{hint}", file))

    def alternatives(owner: str, alts: Iterable[Iterable[str]], file: str) -> None:
        keys = []
        for k, alt in enumerate(alts, 1):
            alt = list(alt)
            for pid in alt:
                if pid not in practice_ids:
                    dangling("practice", pid, practice_ids, f"{owner} alternative {k}", file)
            if len(set(alt)) != len(alt):
                issues.append(Issue("error", f"{owner} alternative {k} names a practice twice: {alt}", file))
            keys.append(frozenset(alt))
        for k, key in enumerate(keys, 1):
            for j, other in enumerate(keys[:k - 1], 1):
                if other <= key:
                    issues.append(Issue("warning", f"{owner} alternative {k} adds nothing: alternative {j} is a "
                                        "subset of it", file))

    for mp in kb.model_practices.values():
        file = _where(origin, "process area", mp.process_area) if mp.process_area else _where(
            origin, "generic goal", mp.goal)
        alternatives(f"{'specific' if mp.kind == 'specific' else 'generic'} practice {mp.id}", mp.alternatives, file)
        if mp.kind == "generic" and not mp.alternatives:
            issues.append(Issue("warning", f"generic practice {mp.id} has no organization-level alternative: an area "
                                "can satisfy it only by its own evidence or a direct characterization", file))
    owners: dict[str, str] = {}
    for pid, practice in kb.practices.items():
        file = _where(origin, "practice", pid)
        for req in practice.requires:
            if req not in practice_ids:
                dangling("practice", req, practice_ids, f"practice {pid} requires", file)
        for alias in practice.aliases:
            if alias in practice_ids:
                issues.append(Issue("error", f"practice {pid}: alias {alias} is the id of another practice", file))
            elif alias in owners:
                issues.append(Issue("error", f"practice {pid}: alias {alias} is also an alias of {owners[alias]}",
                                    file))
            owners[alias] = pid
    for fid, framework in kb.frameworks.items():
        file = _where(origin, "framework", fid)
        for level in framework.levels:
            for group in level.requirement_groups:
                for alt in group:
                    for pid in alt:
                        if pid not in practice_ids:
                            dangling("practice", pid, practice_ids, f"framework {fid} level {level.level}", file)
            for pid in level.optional:
                if pid not in practice_ids:
                    dangling("practice", pid, practice_ids, f"framework {fid} level {level.level} optional", file)
            if level is not framework.levels[0] and not level.required:
                issues.append(Issue("error", f"framework {fid} level {level.level} requires nothing", file))
        listed = [p for lv in framework.levels for p in lv.practices]
        repeated = sorted({p for p in listed if listed.count(p) > 1})
        if repeated:
            issues.append(Issue("error", f"framework {fid} names practices on more than one level: {repeated}", file))
    for area in kb.problem_areas:
        for pid in area.practices:
            if pid not in practice_ids:
                dangling("practice", pid, practice_ids, f"problem area {area.id}",
                         _where(origin, "problem area", area.id))
    for pid in kb.interview:
        if pid not in practice_ids:
            dangling("practice", pid, practice_ids, "interview entry", _where(origin, "interview", pid))
    for rule in kb.insights:
        file = _where(origin, "insight rule", rule.id)
        if rule.rests_on_practices and not rule.risk:
            issues.append(Issue("warning", f"insight rule {rule.id} rests on practices that are not satisfied but has "
                                "no risk: when they are partial or not assessed its finding is prefixed \"Where it is "
                                "missing:\"; write a risk that holds whatever their status", file))
        for pid in rule.practices:
            if pid not in practice_ids:
                dangling("practice", pid, practice_ids, f"insight rule {rule.id} practices", file)
        for cond in rule.when:
            if isinstance(cond, PracticeCondition) and cond.practice not in practice_ids:
                dangling("practice", cond.practice, practice_ids, f"insight rule {rule.id} condition", file)
            elif isinstance(cond, FrameworkCondition) and cond.framework not in kb.frameworks:
                dangling("framework", cond.framework, kb.frameworks, f"insight rule {rule.id} condition", file)
            elif isinstance(cond, AttributeCondition):
                attribute = kb.attributes.get(cond.attribute)
                if attribute is None:
                    dangling("attribute", cond.attribute, kb.attributes, f"insight rule {rule.id} condition", file)
                elif cond.equals is not None and not _type_ok(attribute.type, cond.equals, attribute.values):
                    issues.append(Issue("error", f"insight rule {rule.id}: attribute {cond.attribute} is "
                                        f"{attribute.type}, cannot equal {cond.equals!r}", file))
                elif cond.at_least is not None and attribute.type != "integer":
                    issues.append(Issue("error", f"insight rule {rule.id}: at_least needs an integer attribute, "
                                        f"{cond.attribute} is {attribute.type}", file))
    issues.extend(_check_characterizations(kb, origin))
    if any(i.severity == "error" for i in issues):
        return issues  # the graph checks below assume references resolve
    cycle = find_cycle({pid: p.requires for pid, p in kb.practices.items()})
    if cycle:
        issues.append(Issue("error", "prerequisite cycle: " + " -> ".join(cycle),
                            _where(origin, "practice", cycle[0])))
    for pid, practice in kb.practices.items():
        for req in practice.requires:
            mine, theirs = kb.serving_level[pid], kb.serving_level[req]
            if mine < theirs < NO_CMMI_LEVEL:  # a prerequisite outside CMMI is pulled in where it is needed
                served = f"only level {theirs} and above"
                issues.append(Issue("error", f"level inversion: {pid} (serves level {mine}) requires {req} "
                                    f"(serves {served})", _where(origin, "practice", pid)))
    options = {pid for pid, p in kb.practices.items() if p.option}
    for mp in kb.model_practices.values():
        if not mp.alternatives or mp.inherits is not None:  # an area's generic practice can always be inherited
            continue
        gates = set(mp.alternatives[0]).intersection(*map(set, mp.alternatives[1:]))
        for pid in sorted(gates & options):
            issues.append(Issue("error", f"goal {mp.goal} is gated by optional practice {pid}: every alternative of "
                                f"{mp.id} needs it, but it is one way among several (option: true); add an "
                                "alternative without it", _where(origin, "process area", mp.process_area)
                                if mp.process_area else _where(origin, "generic goal", mp.goal)))
    optional = kb.optional_practices
    for pid in kb.practices:
        if not kb.practice_implements[pid] and not kb.framework_practices.get(pid) and pid not in optional \
                and not any(pid in a.practices for a in kb.problem_areas) \
                and not any(pid in r.practices for r in kb.insights):
            issues.append(Issue("warning", f"practice {pid} implements no CMMI practice and no framework or problem "
                                "area names it: it never counts", _where(origin, "practice", pid)))
    if kb.interview:
        for pid in kb.practices:
            if pid not in kb.interview:
                issues.append(Issue("error", f"practice {pid} has no interview entry (questions, role, rubric)",
                                    _where(origin, "practice", pid)))
    from mlops_maturity.engine import inference  # the rule set is the engine's: compiled, not registered

    for problem in inference.rule_limits(kb):
        issues.append(Issue("error", problem))
    return issues


def _check_characterizations(kb: KnowledgeBase, origin: dict[str, str]) -> list[Issue]:
    """Level characterizations: references resolve, one rule per level, exactly one default rule (no
    conditions), at the lowest level."""
    issues: list[Issue] = []
    rules = kb.characterizations
    if not rules:
        return issues
    areas = set(kb.process_area)
    for rule in rules:
        file = _where(origin, "characterization", rule.id)
        for test in rule.when:
            for ref in test.implements_any:
                if ref not in kb.model_practices:
                    issues.append(Issue("error", f"characterization {rule.id}: unknown CMMI practice {ref}"
                                        + documents.suggest(ref, kb.model_practices), file))
            for ref in test.any_specific_practice_of:
                if ref not in areas:
                    issues.append(Issue("error", f"characterization {rule.id}: unknown process area {ref}"
                                        + documents.suggest(ref, areas), file))
    levels = [r.level for r in rules]
    for level in sorted({lv for lv in levels if levels.count(lv) > 1}):
        issues.append(Issue("error", f"two level characterizations for maturity level {level}: "
                            + ", ".join(r.id for r in rules if r.level == level)))
    defaults = [r for r in rules if not r.when]
    if len(defaults) != 1:
        issues.append(Issue("error", "level characterizations need exactly one default rule (no conditions), "
                            f"found {len(defaults)}"))
    elif defaults[0].level != min(levels):
        issues.append(Issue("error", f"characterization {defaults[0].id}: the default rule must have the lowest "
                            "level, or the rules below it never apply", _where(origin, "characterization",
                                                                                 defaults[0].id)))
    return issues


def _type_ok(kind: str, value: Any, allowed: list[str] | None) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str) and (allowed is None or value in allowed)


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """The first prerequisite cycle found (deterministic: nodes in sorted order), closed: ``[a, b, a]``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, [])):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None
