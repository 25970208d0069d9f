"""The one adapter around durable_rules; no other module imports ``durable``.

durable_rules 2.0.28 is unmaintained C with sharp edges (the measured limits and defects are below). This module owns
every workaround, so the rest of the engine can describe rules as plain data:

- ``SyncHost``: the stock host starts timer threads that dispatch actions after ``assert_fact`` returned;
  we run everything synchronously.
- Stratified phases: ``none()`` activations are not cancelled when the negating fact arrives later, so every
  rule belongs to a phase, the phase pattern comes first, each phase fact is asserted in its own call after the
  previous phase finished, and negations only look at facts of earlier phases.
- Join hardening: the engine reads past the end of an ``$and`` group whose last join test is false
  (upstream #381, a SIGSEGV); we repeat the last join test of every group that has one.
- Constant tests are decided by the adapter (:meth:`RuleEngine.flags`): the engine indexes a node's tests by
  field name, not value, so it compared every fact with every ``kind == ...`` test and more (30,000 comparisons
  per assessment). A fact enters the engine with its id, the fields join tests read, and one flag field per
  pattern signature whose tests hold on it (two levels: the kind's flag, then the signature's); patterns test the
  flags and the joins. The decisions are durable_rules' own where it has a well-defined answer (measured: texts
  with texts, numbers with numbers, booleans with booleans; never on a missing, null, array or object field), and
  an error where it coerces (a text against a number). ``RuleEngine(..., constants="engine")`` keeps the original
  compilation, which the tests run beside this one.
- Facts that no pattern can match (no flag) never enter the engine: they would only be stored, and storing costs
  as much as matching. Working memory is the adapter's own :class:`FactIndex`, which holds every fact. (With
  ``constants="engine"``: a sink rule stores what the adapter is unsure any pattern takes, see
  :meth:`RuleEngine.wanted`; unmatched facts are silently dropped inside actions.)
- Actions are dispatched by the adapter itself, straight from the engine's C API (``start_action_for_state``,
  ``complete_and_start_action``): durable's Python dispatch loop wraps every action in closures, timers and a
  JSON round trip of the session state, which cost more than the action. Exceptions raised inside an action are
  recorded and the run raises :class:`InferenceError` afterwards.
- Conclusions have deterministic ids; a second derivation of the same fact is caught, not an error.
- Fact identity is a 32-bit hash (FNV-1 of the id's JSON text, :func:`fact_id_hash`) with no string comparison:
  before a fact enters a session we check that no other fact of the session has the same hash.
- One session (sid) per run, deleted afterwards; one run at a time (a lock), so sessions never share a hash.
- ``delete_state`` crashes on a session in which no action ever fired: every session opens with a fact whose
  rule fires once.
"""

from __future__ import annotations

import hashlib
import json
import operator
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple, TypeGuard

import orjson
from durable import engine as _durable
from mlops_maturity.engine.errors import InferenceError

Fact = dict[str, Any]

_C = _durable.durable_rules_engine
"""The engine's C extension, as durable's Python layer imports it."""

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""How facts are serialised for the engine (durable's own layer uses ``ensure_ascii=False`` too)."""


def _dumps(value: Any) -> str:
    """``_encode(value)``, by orjson: the same text (a test checks every character), several times faster.

    orjson refuses what the standard encoder accepts in a few cases (integers beyond 64 bits, lone surrogates);
    those take the standard encoder, so the engine sees exactly what it saw before.
    """
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return _encode(value)


def _sorted_text(value: Any) -> bytes:
    """``value`` as JSON with sorted keys (what names a rule set): orjson, or the standard encoder where orjson
    refuses (see :func:`_dumps`)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(value, sort_keys=True).encode()


def fact_id_hash(fact_id: str) -> int:
    """The 32-bit hash durable_rules 2.0.28 identifies a fact by, in a session.

    ``storeMessage`` (src/rules/state.c) hashes the id's text as it appears between the quotes of the JSON it is
    given, with ``fnv1Hash32``: FNV-1, 32 bits, over C ``char`` values, which are signed on x86-64 (a byte >= 0x80
    is sign-extended before the xor). Measured: ids with equal values here are rejected as already observed.
    """
    h = 0x811C9DC5
    for b in _encode(str(fact_id))[1:-1].encode("utf-8", "surrogatepass"):
        if b >= 0x80:
            b |= 0xFFFFFF00
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


_HASHES: dict[str, int] = {}
_HASH_CACHE_LIMIT = 50_000


def _id_hash(fact_id: str) -> int:
    h = _HASHES.get(fact_id)
    if h is None:
        if len(_HASHES) >= _HASH_CACHE_LIMIT:
            _HASHES.clear()
        h = _HASHES[fact_id] = fact_id_hash(fact_id)
    return h


_ID_TEXTS: dict[str, str] = {}


def _id_text(fact_id: str) -> str:
    """``_dumps(fact_id)``, remembered (ids repeat from run to run)."""
    text = _ID_TEXTS.get(fact_id)
    if text is None:
        if len(_ID_TEXTS) >= _HASH_CACHE_LIMIT:
            _ID_TEXTS.clear()
        text = _ID_TEXTS[fact_id] = _dumps(fact_id)
    return text


def id_hashes(fact_ids: Iterable[str]) -> dict[str, int]:
    """The id hash (:func:`fact_id_hash`) of each of ``fact_ids``: to be kept where a later process can hand it
    to :func:`remember_id_hashes` (the hashes are a pure function of the ids)."""
    return {fid: _id_hash(fid) for fid in fact_ids}


def remember_id_hashes(hashes: Mapping[str, int]) -> None:
    """Take id hashes worked out earlier (by :func:`id_hashes`, e.g. in another process), so that runs do not
    work them out again: hashing an id in Python costs about as much as asserting its fact."""
    if len(_HASHES) + len(hashes) >= _HASH_CACHE_LIMIT:
        _HASHES.clear()
    _HASHES.update(hashes)


def session_fact_ids(phases: Iterable[str]) -> list[str]:
    """The ids of the facts every run asserts besides the given ones: the session's opening fact, and one per
    phase."""
    return [_OPEN_KIND] + [_phase_id(phase) for phase in phases]


def _phase_id(phase: str) -> str:
    return f"phase:{phase}"


MAX_PATTERNS = 16
"""A rule joining more facts fails at assert time with error 304 (notes, section 1)."""

ACTION_BATCH = 1000
"""How many matches of one rule durable_rules hands the adapter in one action (the rule's ``cap``): one call and
one message for all of a rule's pending matches instead of one each; they come in the same order (tests)."""

MAX_FACT_FIELDS = 64
"""durable_rules 2.0.28 keeps at most this many fields of a fact (``MAX_OBJECT_PROPERTIES``, src/rules/state.h)."""

MAX_JOIN_TESTS = 28
"""29 join tests per pattern is the engine's limit; hardening adds one, so we allow 28 written ones."""

_OPERATORS = {"==": None, "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def _key_getter(fields: Sequence[str]) -> Callable[[Fact], Any]:
    """A key under which what the engine is given of a fact can be remembered: its values of ``fields`` as JSON
    text (``1``, ``1.0`` and ``true`` are equal as Python keys, not as text), or, when one is missing, the values
    (a marker for a missing one) then their types. Raises TypeError for a value JSON cannot hold.

    NaN is written ``null``, as in the engine's copy of the fact; no test holds on it, as on null
    (:func:`_constant_holds`), so the two may share a key."""
    names = tuple(fields)
    absent = (_ABSENT,) * len(names)
    if not names:
        return lambda item: ""
    values_of = operator.itemgetter(*names)
    dumps = orjson.dumps

    def read(item: Fact) -> Any:
        try:
            # As text: orjson's bytes keep the 4 KB buffer they were written in (measured: 26 MiB for 6,600 keys).
            return dumps(values_of(item)).decode()
        except KeyError:
            values = tuple(map(item.get, names, absent))
            return values + tuple(map(type, values))

    return read


def _same_type(a: Any, b: Any) -> bool:
    """Whether Python's comparison of ``a`` and ``b`` is certainly durable's: both text, or both whole numbers."""
    return (type(a) is str and type(b) is str) or (type(a) is int and type(b) is int)


_ABSENT = object()


def _constant_holds(item: Fact, field_name: str, op: str, constant: Any) -> bool:
    """Whether ``item[field_name] OP constant`` holds, as durable_rules 2.0.28 decides it where its answer is
    well defined (measured, ``tests/test_rules_engine.py``): never on a field that is missing, null (or NaN, which
    the engine is given as null), an array or an object (whatever the operator, ``!=`` included); Python's comparison between two texts, two numbers (whole or
    not, booleans apart) or two booleans.

    Raises:
        InferenceError: a text compared with a number, or a boolean with anything else. durable_rules coerces
            those its own way (``"" == 1`` holds, ``"1" == 1.5`` holds), which no rule here means to rely on.
    """
    value = item.get(field_name, _ABSENT)
    kind = type(value)
    if kind is type(constant) and (kind is str or kind is int):  # the usual case, first
        return _COMPARE[op](value, constant)
    if value is _ABSENT or value is None or isinstance(value, (list, dict)) or value != value:
        return False  # (value != value: NaN, which the engine is given as null)
    other = type(constant)
    if kind is other or (kind in (int, float) and other in (int, float)):
        return _COMPARE[op](value, constant)
    raise InferenceError(f"fact {item.get('id')!r}: field {field_name!r} holds {value!r}, which a rule compares "
                         f"with {constant!r} ({op}); a rule compares text with text and numbers with numbers")


@dataclass(frozen=True)
class Test:
    """One test in a pattern: ``field OP constant`` or ``field OP alias.attribute`` (a join test)."""

    field: str
    op: str
    value: Any = None
    ref: tuple[str, str] | None = None

    @property
    def is_join(self) -> bool:
        """Whether the test compares against another pattern's fact."""
        return self.ref is not None

    def decide(self, item: Fact) -> bool | None:
        """Whether this constant test passes on ``item``: None when in doubt; join tests pass (they decide joins,
        not whether the fact is stored)."""
        if self.ref is not None:
            return True
        if self.field not in item or not _same_type(item[self.field], self.value):
            return None
        return _COMPARE[self.op](item[self.field], self.value)

    def holds(self, item: Fact) -> bool:
        """Whether this constant test holds on ``item`` (see :func:`_constant_holds`)."""
        return _constant_holds(item, self.field, self.op, self.value)

    def to_json(self) -> dict[str, Any]:
        """The durable_rules JSON form of the test."""
        right: Any = {self.ref[0]: self.ref[1]} if self.ref else self.value
        operator = _OPERATORS[self.op]
        if operator is None:
            return {self.field: right}
        return {operator: {self.field: right}}


def eq(field_name: str, value: Any) -> Test:
    """``field == value``."""
    return Test(field_name, "==", value)


def ne(field_name: str, value: Any) -> Test:
    """``field != value``."""
    return Test(field_name, "!=", value)


def cmp(field_name: str, op: str, value: Any) -> Test:
    """``field OP value`` for one of ``== != < <= > >=``."""
    return Test(field_name, op, value)


def join(field_name: str, alias: str, attribute: str, op: str = "==") -> Test:
    """``field OP alias.attribute``: a join test against an earlier pattern's fact."""
    return Test(field_name, op, ref=(alias, attribute))


@dataclass(frozen=True)
class AnyOf:
    """A disjunction of constant tests on one field: ``field in values``."""

    field: str
    values: tuple[Any, ...]

    is_join = False

    def decide(self, item: Fact) -> bool | None:
        """Whether ``item``'s value is one of the values: None when in doubt."""
        if self.field not in item or not all(_same_type(item[self.field], v) for v in self.values):
            return None
        return item[self.field] in self.values

    def holds(self, item: Fact) -> bool:
        """Whether ``item``'s value equals one of the values (see :func:`_constant_holds`)."""
        return any(_constant_holds(item, self.field, "==", v) for v in self.values)

    def to_json(self) -> dict[str, Any]:
        """The durable_rules JSON form (an ``$or`` of equalities)."""
        if len(self.values) == 1:
            return {self.field: self.values[0]}
        return {"$or": [{self.field: v} for v in self.values]}


def any_of(field_name: str, values: Iterable[Any]) -> AnyOf:
    """``field in values``."""
    return AnyOf(field_name, tuple(values))


@dataclass(frozen=True)
class Either:
    """A disjunction of constant tests on several fields: at least one of ``tests`` holds."""

    tests: tuple[Test | AnyOf, ...]

    is_join = False

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the disjunction reads."""
        return tuple(t.field for t in self.tests)

    def decide(self, item: Fact) -> bool | None:
        """True when some test passes, None when in doubt, else False."""
        doubt = False
        for test in self.tests:
            verdict = test.decide(item)
            if verdict:
                return True
            doubt = doubt or verdict is None
        return None if doubt else False

    def holds(self, item: Fact) -> bool:
        """Whether one of the tests holds on ``item``."""
        return any(t.holds(item) for t in self.tests)

    def to_json(self) -> dict[str, Any]:
        """The durable_rules JSON form (an ``$or`` of the tests)."""
        return {"$or": [t.to_json() for t in self.tests]}


def either(*tests: Test | AnyOf) -> Either:
    """At least one of ``tests`` (constant tests on any fields) holds."""
    if any(t.is_join for t in tests):
        raise ValueError("either() takes constant tests only")
    return Either(tuple(tests))


def _fields(test: Test | AnyOf | Either) -> tuple[str, ...]:
    return test.fields if isinstance(test, Either) else (test.field,)


@dataclass(frozen=True)
class Pattern:
    """A fact pattern: ``kind`` plus tests; negated patterns are ``none(...)`` and bind nothing."""

    alias: str
    kind: str
    tests: tuple[Test | AnyOf | Either, ...] = ()
    negated: bool = False

    def decide(self, item: Fact) -> bool | None:
        """Whether ``item`` (of this pattern's kind) passes the pattern's constant tests, join tests aside: such a
        fact reaches the pattern's node and is stored there. None when in doubt."""
        doubt = False
        for test in self.tests:
            verdict = test.decide(item)
            if verdict is False:
                return False
            doubt = doubt or verdict is None
        return None if doubt else True

    def to_json(self) -> dict[str, Any]:
        """The durable_rules JSON form, with join tests last and the last join test repeated."""
        constants = [t for t in self.tests if isinstance(t, Test) and not t.is_join]
        disjunctions = [t for t in self.tests if isinstance(t, (AnyOf, Either))]
        joins = [t for t in self.tests if t.is_join]
        if len(joins) > MAX_JOIN_TESTS:
            raise ValueError(f"pattern {self.alias!r} has {len(joins)} join tests (limit {MAX_JOIN_TESTS})")
        # Order matters: an ``$or`` placed before a join test makes the join be ignored (measured: a
        # negated pattern then blocked every partial match), so disjunctions come after the joins.
        parts = [{"kind": self.kind}] + [t.to_json() for t in constants + joins + disjunctions]
        if joins:
            # Workaround for upstream #381: the group must end with a join test; repeat the last one.
            parts.append(joins[-1].to_json())
        body = parts[0] if len(parts) == 1 else {"$and": parts}
        return {f"{self.alias}$not" if self.negated else self.alias: body}


    def constant_tests(self) -> tuple[Test | AnyOf | Either, ...]:
        """The tests that compare a field with a constant (everything but the join tests)."""
        return tuple(t for t in self.tests if not t.is_join)

    def flagged_json(self, flags: tuple[str, ...]) -> dict[str, Any]:
        """The durable_rules JSON form when the adapter decides the constant tests: the fact carries ``flags``
        when its kind and constant tests hold (:meth:`RuleEngine.flags`), and the engine tests the flags and the
        join tests, the last join test repeated (upstream #381)."""
        joins = [t for t in self.tests if t.is_join]
        if len(joins) > MAX_JOIN_TESTS:
            raise ValueError(f"pattern {self.alias!r} has {len(joins)} join tests (limit {MAX_JOIN_TESTS})")
        parts: list[dict[str, Any]] = [{flag: 1} for flag in flags] + [t.to_json() for t in joins]
        if joins:
            parts.append(joins[-1].to_json())
        body = parts[0] if len(parts) == 1 else {"$and": parts}
        return {f"{self.alias}$not" if self.negated else self.alias: body}


def fact(alias: str, kind: str, *tests: Test | AnyOf | Either) -> Pattern:
    """A positive pattern binding ``alias``."""
    return Pattern(alias, kind, tests)


def none(alias: str, kind: str, *tests: Test | AnyOf | Either) -> Pattern:
    """A negated pattern: the rule fires only if no such fact exists."""
    return Pattern(alias, kind, tests, negated=True)


Bound = Mapping[str, Fact]
"""The facts bound to a rule's positive patterns, by alias."""


@dataclass(frozen=True)
class Rule:
    """A forward-chaining rule: in ``phase``, when ``patterns`` match, assert ``conclude(bound)``.

    ``conclude(bound, index)`` builds the derived fact from the bound facts (``index`` gives read access to
    working memory, e.g. to list what a ``none(...)`` pattern checked). ``support`` returns the ids of facts
    the conclusion rests on beyond the bound ones; they go into the explanation trace.
    """

    name: str
    phase: str
    patterns: tuple[Pattern, ...]
    conclude: Callable[[Bound, FactIndex], Fact]
    support: Callable[[Bound, FactIndex], Sequence[str]] | None = None

    def __post_init__(self) -> None:
        if len(self.patterns) + 1 > MAX_PATTERNS:
            raise ValueError(f"rule {self.name} joins {len(self.patterns) + 1} facts (limit {MAX_PATTERNS})")
        if not any(not p.negated for p in self.patterns):
            raise ValueError(f"rule {self.name} needs a positive pattern besides the phase")


class Derivation(NamedTuple):
    """How one derived fact came about: the rule and the facts it rests on (a named tuple: one is made per
    conclusion, and a frozen dataclass costs several times as much to make)."""

    fact: str
    rule: str
    premises: tuple[str, ...]


_new_tuple = tuple.__new__
"""``_new_tuple(Derivation, (fact, rule, premises))`` makes what ``Derivation(fact, rule, premises)`` makes, without the
named tuple's ``__new__`` written in Python (one is made per conclusion)."""


def _premises(bound_ids: list[str], support: Sequence[str]) -> tuple[str, ...]:
    """The premises of a conclusion: the bound facts' ids, then the supporting facts not among them (duplicates
    among the supporting ones stay)."""
    for bound_id in bound_ids:
        if bound_id in support:  # rare: a scan in C finds it, and only then the support is filtered
            return (*bound_ids, *[p for p in support if p not in bound_ids])
    return (*bound_ids, *support)


class FactIndex:
    """The session's working memory: every fact (given and derived) by id, as read-only mappings the index never
    copies or changes. ``support`` functions read it to name the facts a conclusion rests on."""

    def __init__(self) -> None:
        self.by_id: dict[str, Fact] = {}

    def add(self, item: Fact) -> None:
        """Record a fact."""
        self.by_id[item["id"]] = item


@dataclass
class RunResult:
    """What one run produced: working memory and the derivation of each derived fact."""

    index: FactIndex
    derivations: dict[str, Derivation]

    @property
    def facts(self) -> list[Fact]:
        """Every fact in working memory (given and derived), by id."""
        return sorted(self.index.by_id.values(), key=lambda f: f["id"])

    def derived(self) -> list[Fact]:
        """The derived facts, in the order they were concluded."""
        by_id = self.index.by_id
        return [by_id[fid] for fid in self.derivations]


@dataclass
class _Session:
    sid: str
    index: FactIndex = field(default_factory=FactIndex)
    derivations: dict[str, Derivation] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    hashes: dict[int, str] = field(default_factory=dict)
    sid_json: str = ""
    pending: list[str] = field(default_factory=list)
    """Conclusions (engine texts, with ``sid``) derived by the actions of one dispatch, asserted together when it
    ends."""

    def claim(self, fact_id: str) -> str | None:
        """Reserve ``fact_id``'s hash in this session; the id already holding it if another one does."""
        owner = self.hashes.setdefault(_id_hash(fact_id), fact_id)
        return None if owner == fact_id else owner


class _SyncHost(_durable.Host):
    """A host whose timer threads do nothing: every action runs inside the call that triggered it."""

    def _run(self) -> None:  # noqa: D401 - overriding the timer loop
        return None


_SINK_KIND = "__never_asserted__"

_SINK_MARK = "stored__"
"""The property that sends a fact to the sink; :meth:`RuleEngine.wanted` adds it to facts it is unsure of."""

SKIP, ASSERT, ASSERT_STORED = 0, 1, 2
"""What :meth:`RuleEngine.wanted` decides for a fact."""


SESSION_MEMORY = 16 << 20
"""Bytes the process's allocator is told, once, to keep reusable (see :func:`_reuse_session_memory`)."""


def _reuse_session_memory() -> None:
    """Let the second session reuse the memory the first one freed, as every later session does.

    A session of the shipped rules allocates a few megabytes in blocks of more than 128 KB (durable's per-node
    tables), and writes all of it as it creates them. glibc's ``malloc`` maps such a block afresh and unmaps it when
    it is freed; freeing one also raises the size from which it maps blocks, to that block's. So the first session's
    blocks are mapped and unmapped, the second one's come from the heap, whose pages are new (touching them costs a
    page fault each: about 1,800 in the second run, some 6 ms), and only the third reuses memory. Freeing one block
    of this size (never written) before the first session raises that size at once: every session's blocks come
    from the heap, and each run after the first reuses them. Elsewhere than glibc this is one allocation, freed.
    (Without it, glibc sets itself so anyway once the first session is freed: no later run changes.)
    """
    bytes(SESSION_MEMORY)  # allocated zeroed by calloc: fresh pages, never touched; freed at once


class _KeyedPatterns(NamedTuple):
    """One kind's patterns, those that test one field for equality with a text grouped by that text, so that a
    fact's verdict (:meth:`RuleEngine.wanted`) looks only at the patterns its value of the field can pass.

    A pattern testing ``field == "X"`` decides False on a fact whose ``field`` holds another text, whatever its
    other tests say (:meth:`Pattern.decide`): leaving it out changes no verdict. A fact without the field, or with
    a value that is not text, is decided by every pattern, as before. (Insight rules test ``practice == ID``: a
    practice's fact is decided by the few that name it instead of all of them.)
    """

    field: str | None
    by_value: dict[str, tuple[Pattern, ...]]
    others: tuple[Pattern, ...]
    every: tuple[Pattern, ...]

    @classmethod
    def of(cls, patterns: Sequence[Pattern]) -> _KeyedPatterns:
        """Group ``patterns`` by the field most of them test for equality with a text (ties: the first name)."""
        counts: dict[str, int] = {}
        for pattern in patterns:
            for name in {t.field for t in pattern.tests if _text_equality(t)}:
                counts[name] = counts.get(name, 0) + 1
        every = tuple(patterns)
        if not counts:
            return cls(None, {}, every, every)
        key = min(counts, key=lambda name: (-counts[name], name))
        by_value: dict[str, list[Pattern]] = {}
        others = []
        for pattern in patterns:
            value = next((t.value for t in pattern.tests if _text_equality(t) and t.field == key), None)
            if value is None:
                others.append(pattern)
            else:
                by_value.setdefault(value, []).append(pattern)
        return cls(key, {v: tuple(ps) for v, ps in by_value.items()}, tuple(others), every)

    def candidates(self, item: Fact) -> Iterable[Pattern]:
        """The patterns that may not decide False on ``item`` (every one when its field's value is not a text)."""
        if self.field is None:
            return self.every
        value = item.get(self.field)
        if type(value) is not str:
            return self.every
        return self.others + self.by_value.get(value, ())


_Signature = tuple[str, tuple["Test | AnyOf | Either", ...]]


class _KeyedSignatures(NamedTuple):
    """One kind's pattern signatures (flag, constant tests), grouped as :class:`_KeyedPatterns` groups patterns:
    by the field most of them test for equality with a text. A fact whose value of that field is a text meets only
    the signatures that value can pass (a signature testing ``field == "X"`` cannot hold on another text, nor on
    a missing or null field), in their order; a fact with a value of another type meets every signature. A
    signature that cannot hold is not tested at all."""

    field: str | None
    by_value: dict[str, tuple[_Signature, ...]]
    others: tuple[_Signature, ...]
    every: tuple[_Signature, ...]

    @classmethod
    def of(cls, entries: Sequence[_Signature]) -> _KeyedSignatures:
        counts: dict[str, int] = {}
        for _, tests in entries:
            for name in {t.field for t in tests if _text_equality(t)}:
                counts[name] = counts.get(name, 0) + 1
        every = tuple(entries)
        if not counts:
            return cls(None, {}, every, every)
        key = min(counts, key=lambda name: (-counts[name], name))
        values: dict[Any, str | None] = {}
        for entry in entries:
            values[entry] = next((t.value for t in entry[1] if _text_equality(t) and t.field == key), None)
        others = tuple(e for e in every if values[e] is None)
        by_value = {v: tuple(e for e in every if values[e] in (None, v)) for v in set(values.values()) if v is not None}
        return cls(key, by_value, others, every)

    def candidates(self, item: Fact) -> tuple[_Signature, ...]:
        """The signatures that may hold on ``item``, in their order."""
        if self.field is None:
            return self.every
        value = item.get(self.field)
        if value is None:
            return self.others
        if type(value) is not str:
            return self.every
        return self.by_value.get(value, self.others)


def _text_equality(test: Test | AnyOf | Either) -> TypeGuard[Test]:
    return isinstance(test, Test) and test.op == "==" and test.ref is None and type(test.value) is str


_OPEN_KIND = "__session_opened__"
"""Every session starts with one such fact, whose rule fires once: ``delete_state`` on a session in which no
action ever ran crashes the engine (SIGSEGV, measured on 2.0.28), so no session may be without one."""


class RuleEngine:
    """A compiled rule set: register once per process, then :meth:`run` any number of fact sets.

    Args:
        rules: the rules, each in one of ``phases``.
        phases: phase names in order; a rule may only negate facts concluded in earlier phases.
        constants: who decides the tests that compare a field with a constant. ``"adapter"`` (the default): this
            adapter, in Python, once per fact (:meth:`flags`); the engine is given each fact's flags and the
            fields its join tests read, and does the joins, the negations and the agenda. ``"engine"``:
            durable_rules itself, given the fields tested (the original compilation, kept to check the other
            against: the tests run both on the shipped rules and compare every conclusion and derivation).

    Why the adapter decides constant tests: durable_rules indexes the tests under a node by the *name* of the
    field they read, not by its value, so a fact is compared with every test of every field it has: each fact
    was compared with the 20 ``kind == ...`` tests at the root, and a CMMI practice's fact with 45 more (measured
    with callgrind: 30,000 comparisons per assessment, the largest cost inside durable_rules). A flag is a field
    of its own name, so a fact meets only the tests of the flags it carries, each of which holds.
    """

    _host: _SyncHost | None = None
    _host_lock = threading.Lock()
    _registered: set[str] = set()
    _sid_counter = 0

    def __init__(self, rules: Sequence[Rule], phases: Sequence[str], constants: str = "adapter") -> None:
        if constants not in ("adapter", "engine"):
            raise ValueError(f"constants must be 'adapter' or 'engine', not {constants!r}")
        self.decides_constants = constants == "adapter"
        unknown = sorted({r.phase for r in rules} - set(phases))
        if unknown:
            raise ValueError(f"rules in unknown phases: {unknown}")
        names = [r.name for r in rules]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate rule names: {duplicates}")
        self.rules = list(rules)
        self.phases = list(phases)
        self._by_name = {r.name: r for r in rules}
        # Per rule: the aliases the engine binds (its positive patterns), sorted: the order of the premises.
        self._firing = {r.name: (r, tuple(sorted(p.alias for p in r.patterns if not p.negated))) for r in rules}
        self._ruled_phases = {r.phase for r in rules}
        self._prepared: dict[int, tuple[Fact, tuple[str, str | None, int]]] = {}
        self._patterns: dict[str, list[Pattern]] = {}
        for rule in self.rules:
            for pattern in rule.patterns:
                self._patterns.setdefault(pattern.kind, []).append(pattern)
        if self.decides_constants:
            self._init_flags()
        else:
            self._init_engine_tests()
        self._session: _Session | None = None
        definition = self._definition()
        digest = hashlib.sha256(_sorted_text(definition)).hexdigest()[:16]
        self.name = f"mm_{digest}"
        self._register(definition)

    def _init_engine_tests(self) -> None:
        """What the engine-decided compilation (``constants="engine"``) needs: the fields rules read of each kind,
        and the verdicts (:meth:`wanted`) by kind."""
        # The fields some rule reads from each kind in the engine: tested, or named by another pattern's join.
        # The engine is given only these (and ``kind``, ``id``); actions read the adapter's full copies.
        read: dict[str, set[str]] = {}
        for rule in self.rules:
            kinds = {p.alias: p.kind for p in rule.patterns}
            for pattern in rule.patterns:
                read.setdefault(pattern.kind, {"kind", "id"}).update(f for t in pattern.tests for f in _fields(t))
                for t in pattern.tests:
                    if isinstance(t, Test) and t.ref is not None and t.ref[0] in kinds:
                        read.setdefault(kinds[t.ref[0]], {"kind", "id"}).add(t.ref[1])
        self._read = {kind: frozenset(fields) for kind, fields in read.items()}
        # Per kind: how to read the fields its patterns test with constants, and the verdicts seen so far.
        self._wanted: dict[str, tuple[Callable[[Fact], Any] | None, dict[Any, int]]] = {}
        for kind, patterns in self._patterns.items():
            tested = sorted({f for p in patterns for t in p.tests if not t.is_join for f in _fields(t)})
            self._wanted[kind] = (operator.itemgetter(*tested) if tested else None, {})
        self._keyed = {kind: _KeyedPatterns.of(patterns) for kind, patterns in self._patterns.items()}

    def _init_flags(self) -> None:
        """The flags (adapter-decided constant tests), in two levels: one per kind (``~KIND``), which a pattern
        tests first, then one per distinct kind and constant tests among the patterns (``~N``, numbered in the
        order the rules first use them; a pattern with no constant test has its kind's flag only). A phase is a
        pattern of kind ``phase`` testing its name.

        Two levels because durable_rules keeps a node's tests in a table of 512 slots whose probes all start in
        the first 32 and go on to the first empty slot: each field of each fact that reaches a node walks past
        most of that node's tests, so no node should have many (measured: one flag per signature straight under
        the root, 114 tests there, made the walk 7 times longer than the comparisons it saved).
        """
        signatures: dict[tuple[str, tuple[Test | AnyOf | Either, ...]], str] = {}
        self._flag: dict[tuple[str, str], tuple[str, ...]] = {}
        kind_names = {p.kind for r in self.rules for p in r.patterns} | {"phase"}
        bad = sorted(k for k in kind_names if not k or k.isdigit() or k.startswith("~"))
        if bad:
            raise ValueError(f"fact kinds the adapter cannot name a flag after: {bad}")
        for rule in self.rules:
            for pattern in rule.patterns:
                tests = pattern.constant_tests()
                if not tests:
                    self._flag[(rule.name, pattern.alias)] = (f"~{pattern.kind}",)
                    continue
                flag = signatures.setdefault((pattern.kind, tests), f"~{len(signatures)}")
                self._flag[(rule.name, pattern.alias)] = (f"~{pattern.kind}", flag)
        self._phase_flag = {phase: ("~phase", f"~phase_{phase}") for phase in self.phases}
        by_kind: dict[str, list[tuple[str, tuple[Test | AnyOf | Either, ...]]]] = {}
        for rule in self.rules:
            for pattern in rule.patterns:
                by_kind.setdefault(pattern.kind, [])
        for (kind, tests), flag in signatures.items():
            by_kind[kind].append((flag, tests))
        # A kind some pattern names without a constant test: every fact of it carries the kind's flag.
        self._bare_kinds = frozenset(p.kind for r in self.rules for p in r.patterns if not p.constant_tests())
        self._signatures = {kind: tuple(entries) for kind, entries in by_kind.items()}
        self._keyed_signatures = {kind: _KeyedSignatures.of(entries) for kind, entries in self._signatures.items()}
        # The fields the engine reads of each kind when flags stand for the constant tests: those of join tests.
        joined: dict[str, set[str]] = {}
        for rule in self.rules:
            kinds = {p.alias: p.kind for p in rule.patterns}
            for pattern in rule.patterns:
                for t in pattern.tests:
                    if isinstance(t, Test) and t.ref is not None:
                        joined.setdefault(pattern.kind, set()).add(t.field)
                        if t.ref[0] in kinds:
                            joined.setdefault(kinds[t.ref[0]], set()).add(t.ref[1])
        self._joined = {kind: tuple(sorted(fields - {"id"})) for kind, fields in joined.items()}
        # Per kind: how to read the values (and their types) of the fields its flags test and its joins read, and
        # the engine text after the id made so far for those values (None: the fact stays out).
        self._rests: dict[str, tuple[Callable[[Fact], Any], dict[Any, str | None]]] = {}
        # And the flags made so far for the values of the fields the flags test alone (shared by every fact with
        # those values: the first run of a process meets each combination once, not each fact).
        self._flag_memo: dict[str, tuple[Callable[[Fact], Any], dict[Any, tuple[str, ...]]]] = {}
        for kind, entries in self._signatures.items():
            tested = {f for _, tests in entries for t in tests for f in _fields(t)}
            fields = tested | set(self._joined.get(kind, ()))
            self._rests[kind] = (_key_getter(sorted(fields - {"id"})), {})
            self._flag_memo[kind] = (_key_getter(sorted(tested)), {})

    def flags(self, item: Fact) -> tuple[str, ...]:
        """The flags ``item`` carries into the engine: its kind's, then one per pattern signature of its kind
        whose constant tests all hold on it (:meth:`Test.holds`). Empty: the fact can neither fire nor block a
        rule, and stays out of the engine (working memory, the adapter's own, holds it).

        Raises:
            InferenceError: a tested field holds a text where a rule compares it with a number, or the like.
        """
        return self._flags_of(item) if item["kind"] in self._signatures else ()

    def _flags_of(self, item: Fact) -> tuple[str, ...]:
        kind = item["kind"]
        held = []
        for flag, tests in self._keyed_signatures[kind].candidates(item):
            for test in tests:
                if not test.holds(item):
                    break
            else:
                held.append(flag)
        if not held and kind not in self._bare_kinds:
            return ()
        return (f"~{kind}", *held)

    def _flagged_copy(self, item: Fact, flags: tuple[str, ...]) -> dict[str, Any]:
        """What the engine is given of ``item`` when the adapter decides constant tests: its id, the fields join
        tests read, and its flags."""
        copy: dict[str, Any] = {"id": item["id"]}
        for name in self._joined.get(item["kind"], ()):
            if name in item:
                copy[name] = item[name]
        for flag in flags:
            copy[flag] = 1
        if len(copy) >= MAX_FACT_FIELDS:  # the session id makes one more
            raise InferenceError(f"fact {item['id']}: {len(copy) + 1} fields for the engine (limit {MAX_FACT_FIELDS})")
        return copy

    def _rest(self, item: Fact) -> str | None:
        """``item``'s engine text after its id, without the closing brace (``,"pa":"PP","~pa":1``); None when it
        stays out. Remembered per kind for the values (and types: ``1``, ``1.0`` and ``True`` are equal keys) of
        the fields that decide it."""
        entry = self._rests.get(item["kind"])
        if entry is None:
            return None
        read, seen = entry
        try:
            key = read(item)
            known = seen.get(key, _ABSENT)
        except TypeError:  # a value that is not hashable, or that JSON cannot hold: no remembering
            return self._rest_of(item)
        if known is _ABSENT:
            if len(seen) >= _HASH_CACHE_LIMIT:
                seen.clear()
            known = seen[key] = self._rest_of(item)
        return known  # type: ignore[return-value]

    def _remembered_flags(self, item: Fact) -> tuple[str, ...]:
        read, seen = self._flag_memo[item["kind"]]
        try:
            key = read(item)
            known = seen.get(key)
        except TypeError:
            return self._flags_of(item)
        if known is None:
            if len(seen) >= _HASH_CACHE_LIMIT:
                seen.clear()
            known = seen[key] = self._flags_of(item)
        return known

    def _rest_of(self, item: Fact) -> str | None:
        flags = self._remembered_flags(item)
        if not flags:
            return None
        rest = self._flagged_copy(item, flags)
        del rest["id"]  # the first field: written apart, since ids differ where the rest is the same
        return "," + _dumps(rest)[1:-1]

    def text(self, item: Fact) -> str | None:
        """What the engine is given of ``item`` as JSON text without the closing brace (the session id follows),
        or None when it stays out."""
        if self.decides_constants:
            rest = self._rest(item)
            return None if rest is None else '{"id":' + _id_text(item["id"]) + rest
        verdict = self.wanted(item)
        return _dumps(self._engine_copy(item, verdict))[:-1] if verdict else None

    def engine_copy(self, item: Fact) -> dict[str, Any] | None:
        """What the engine is given of ``item`` (without the session id), or None when it stays out."""
        if self.decides_constants:
            flags = self.flags(item)
            return self._flagged_copy(item, flags) if flags else None
        verdict = self.wanted(item)
        return self._engine_copy(item, verdict) if verdict else None

    def wanted(self, item: Fact) -> int:
        """Whether ``item`` enters the engine: :data:`SKIP`, :data:`ASSERT`, or :data:`ASSERT_STORED`.

        A fact that some pattern's constant tests accept is asserted (it reaches that pattern's node, which stores
        it). A fact of a kind no pattern names, or one that a constant test of every pattern of its kind rejects
        (e.g. a prerequisite link whose prerequisite is satisfied, when rules only look for unsatisfied ones),
        can neither fire nor block a rule: it is skipped, which changes no conclusion. In doubt (a missing field,
        values of different types) the fact is asserted with the sink's mark, so that it is stored even if no
        pattern takes it.
        """
        if self.decides_constants:
            raise ValueError("wanted() decides for the engine-decided compilation (constants='engine'); see flags()")
        entry = self._wanted.get(item["kind"])
        if entry is None:
            return SKIP
        read, verdicts = entry
        if read is None:  # only join tests: every fact of the kind reaches a node
            return ASSERT
        try:
            key = read(item)
            known = verdicts.get(key)
        except (KeyError, TypeError):  # a field missing, or a value that is not hashable: no caching
            return self._verdict(item)
        if known is None:
            if len(verdicts) >= _HASH_CACHE_LIMIT:
                verdicts.clear()
            known = verdicts[key] = self._verdict(item)
        return known

    def _verdict(self, item: Fact) -> int:
        doubt = False
        for pattern in self._keyed[item["kind"]].candidates(item):
            decision = pattern.decide(item)
            if decision:
                return ASSERT
            doubt = doubt or decision is None
        return ASSERT_STORED if doubt else SKIP

    def _engine_copy(self, item: Fact, verdict: int) -> dict[str, Any]:
        """What the engine is given of ``item``: the fields rules read, or all of it (marked) when in doubt."""
        if verdict == ASSERT_STORED:
            return {**item, _SINK_MARK: 1}
        read = self._read[item["kind"]]
        if read.issuperset(item):  # rules read every field (so of every conclusion of the shipped rules): copy at once
            return {**item}
        return {k: v for k, v in item.items() if k in read}

    def _prepare(self, item: Fact) -> tuple[str, str | None, int]:
        """A given fact's id, its engine text without the closing brace (None: it stays out), and its id hash.

        Read-only facts (``types.MappingProxyType``, as inference gives them) are prepared once and remembered by
        identity; the record keeps the fact alive, so its identity cannot be reused while remembered.
        """
        frozen = isinstance(item, MappingProxyType)  # final: no subclass can pass
        if frozen:
            record = self._prepared.get(id(item))
            if record is not None and record[0] is item:
                return record[1]
        fid = item["id"]
        if "sid" in item:
            raise InferenceError(f"fact {fid} carries 'sid', which the adapter sets")
        text = self.text(item)
        prepared: tuple[str, str | None, int] = (fid, text, 0 if text is None else _id_hash(fid))
        if frozen:
            if len(self._prepared) >= _HASH_CACHE_LIMIT:
                self._prepared.clear()
            self._prepared[id(item)] = (item, prepared)
        return prepared

    def _definition(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        if self.decides_constants:
            for rule in self.rules:
                flagged_phase = {"ph": {"$and": [{flag: 1} for flag in self._phase_flag[rule.phase]]}}
                rules[rule.name] = {"all": [flagged_phase] + [p.flagged_json(self._flag[(rule.name, p.alias)])
                                                      for p in rule.patterns], "cap": ACTION_BATCH}
            # No sink: every fact given to the engine carries a flag, which a pattern's node takes.
            rules["__open"] = {"all": [{"o": {"kind": _OPEN_KIND}}]}
            return rules
        for rule in self.rules:
            phase = {"ph": {"$and": [{"kind": "phase"}, {"name": rule.phase}]}}
            rules[rule.name] = {"all": [phase] + [p.to_json() for p in rule.patterns]}
        # The sink stores the facts the adapter is unsure any pattern takes (see :meth:`wanted`), which carry its
        # mark; every other fact given to the engine reaches a pattern's node. (A sink storing every fact cost
        # 2 ms per assessment.) A fact that still reaches nothing is reported by the engine as not handled, which
        # the run turns into an error: facts are never dropped silently.
        others: dict[str, Any] = {"$ex": {_SINK_MARK: 1}}
        rules["__sink"] = {"all": [{"n": {"kind": _SINK_KIND}}, {"x": others}]}
        rules["__open"] = {"all": [{"o": {"kind": _OPEN_KIND}}]}
        return rules

    def _register(self, definition: dict[str, Any]) -> None:
        with RuleEngine._host_lock:
            if RuleEngine._host is None:
                _reuse_session_memory()
                RuleEngine._host = _SyncHost()
            if self.name in RuleEngine._registered:
                return
            rulesets: dict[str, dict[str, Any]] = {self.name: {}}
            for rule_name, body in definition.items():
                # Registration takes the action out of each rule's dict (``del rule["run"]``, durable's
                # ``Ruleset.__init__``) and only reads the rest: a copy of the top level is enough.
                rulesets[self.name][rule_name] = {**body, "run": self._action(rule_name)}
            RuleEngine._host.register_rulesets(rulesets)
            RuleEngine._registered.add(self.name)

    def _action(self, rule_name: str) -> Callable[[Any], None]:
        # Registration needs a callable per rule, but actions are dispatched by :meth:`_dispatch`, never by
        # durable's Python layer; should that layer ever run one, the run fails instead of losing a conclusion.
        # A factory, not a lambda with defaults: durable treats two-parameter callables as async actions.
        engine_name = self.name

        def action(c: Any) -> None:
            owner = _ACTIVE.get(engine_name)
            if owner is not None and owner._session is not None:
                owner._session.errors.append(f"rule {rule_name}: dispatched outside the adapter")

        return action

    def _assert(self, handle: int, text: str, what: str) -> None:
        """Assert facts (JSON text) from outside any action, then run every action they trigger."""
        code, state_offset = (_C.assert_facts if text.startswith("[") else _C.assert_fact)(handle, text)
        if code == 1:
            raise InferenceError(f"{what}: no rule matches the fact(s)")
        if code == 2:
            raise InferenceError(f"{what}: fact already observed (32-bit id collision?)")
        self._dispatch(handle, 0 if code == 3 else state_offset)

    def _dispatch(self, handle: int, state_offset: int) -> None:
        """Run the session's pending actions one by one, as durable's ``Ruleset.do_actions`` would (an action of a
        rule with a ``cap`` holds a list of its matches)."""
        result = _C.start_action_for_state(handle, state_offset)
        if not result:
            return
        message = result[1]
        try:
            while message:
                for rule_name, bound in orjson.loads(message).items():
                    self._fire(rule_name, bound if type(bound) is list else (bound,))
                    break
                message = _C.complete_and_start_action(handle, state_offset)
        except BaseException:
            _C.abandon_action(handle, state_offset)
            raise
        session = self._session
        if session is not None and session.pending and not session.errors:
            # One batch per dispatch: asserting the conclusions together costs about half of asserting each from
            # inside its action, and changes nothing within a phase (negations only see earlier phases).
            batch = "[" + ",".join(session.pending) + "]"
            session.pending.clear()
            self._assert(handle, batch, "asserting conclusions")

    def _fire(self, rule_name: str, frames: Sequence[dict[str, Any]]) -> None:
        """Conclude what ``rule_name`` concludes from each of ``frames`` (its matches, as the engine sends them)."""
        session = self._session
        assert session is not None
        entry = self._firing.get(rule_name)
        if entry is None:  # the sink or the session's opening rule
            return
        rule, aliases = entry
        index = session.index
        by_id = index.by_id
        conclude, support = rule.conclude, rule.support
        derivations, pending, hashes, sid_json = session.derivations, session.pending, session.hashes, session.sid_json
        adapter = self.decides_constants
        for m in frames:
            try:
                # The bound facts as the adapter holds them (the engine's copies carry ``sid``, and flags or maybe
                # the sink mark): every copy carries its fact's id, and every fact the engine holds is in working
                # memory.
                bound = {}
                ids = []
                for alias in aliases:
                    bound_id = m[alias]["id"]
                    bound[alias] = by_id[bound_id]
                    ids.append(bound_id)
                conclusion = conclude(bound, index)
                fid = conclusion["id"]
                if fid in by_id:  # derived already (or given): the same conclusion by another path
                    continue
                if "sid" in conclusion:
                    raise ValueError("a conclusion may not carry 'sid'")
                premises = tuple(ids) if support is None else _premises(ids, support(bound, index))
                if adapter:
                    rest = self._rest(conclusion)
                    text = None if rest is None else '{"id":' + _id_text(fid) + rest
                else:
                    text = self.text(conclusion)
                if text is not None:
                    fid_hash = _HASHES.get(fid)  # _Session.claim, inline (one call per conclusion)
                    owner = hashes.setdefault(_id_hash(fid) if fid_hash is None else fid_hash, fid)
                    if owner != fid:
                        session.errors.append(f"fact id collision: {fid} has the 32-bit hash of {owner}")
                        continue
                    pending.append(text + sid_json)
                by_id[fid] = conclusion  # FactIndex.add, inline
                derivations[fid] = _new_tuple(Derivation, (fid, rule_name, premises))
            except Exception as exc:  # noqa: BLE001 - surfaced after the run
                session.errors.append(f"rule {rule_name}: {type(exc).__name__}: {exc}")

    def run(self, facts: Iterable[Fact]) -> RunResult:
        """Assert ``facts``, run every phase in order, and return working memory and the trace.

        Raises:
            InferenceError: an action failed, the engine rejected a fact, or two fact ids share a 32-bit hash.
        """
        host = RuleEngine._host
        assert host is not None
        with RuleEngine._host_lock:
            RuleEngine._sid_counter += 1
            sid = f"s{RuleEngine._sid_counter}"
            session = _Session(sid, sid_json=',"sid":' + _encode(sid) + "}")
            self._session = session
            _ACTIVE[self.name] = self
            handle = host.get_ruleset(self.name)._handle
            try:
                # durable's Python layer stores a state fact ``sid-<sid>`` among the facts; the adapter never
                # updates the state (measured: no such fact is stored), but its hash is reserved all the same.
                session.hashes[fact_id_hash(f"sid-{sid}")] = f"sid-{sid}"  # not cached: unique per session
                session.claim(_OPEN_KIND)
                parts = [_dumps({"kind": _OPEN_KIND, "id": _OPEN_KIND})[:-1]]
                by_id, hashes = session.index.by_id, session.hashes
                prepared = self._prepared
                for item in facts:
                    record = prepared.get(id(item))
                    if record is not None and record[0] is item:  # the fast path of :meth:`_prepare`
                        fid, text, fid_hash = record[1]
                    else:
                        fid, text, fid_hash = self._prepare(item)
                    if fid in by_id:
                        raise InferenceError(f"duplicate fact id {fid}")
                    by_id[fid] = item  # FactIndex.add, inline
                    if text is None:
                        continue
                    owner = hashes.setdefault(fid_hash, fid)
                    if owner != fid:
                        raise InferenceError(f"fact id collision: {fid} has the 32-bit hash of {owner}")
                    parts.append(text)
                sid_json = session.sid_json
                self._assert(handle, "[" + (sid_json + ",").join(parts) + sid_json + "]", "loading facts")
                self._check(session, "loading facts")
                for phase in self.phases:
                    if phase not in self._ruled_phases:  # nothing can fire, and nothing would take the fact
                        continue
                    phase_fact: dict[str, Any] = ({"id": _phase_id(phase), **dict.fromkeys(self._phase_flag[phase], 1)}
                                  if self.decides_constants else {"kind": "phase", "name": phase, "id": _phase_id(phase)})
                    holder = session.claim(phase_fact["id"])
                    if holder is not None:
                        raise InferenceError(f"fact id collision: {phase_fact['id']} has the 32-bit hash of {holder}")
                    self._assert(handle, _dumps(phase_fact)[:-1] + session.sid_json, f"phase {phase}")
                    self._check(session, f"phase {phase}")
                # Every fact the engine was given entered it: no two of them share an id hash (checked as they
                # were asserted), and it rejected none. Our copies have no ``sid``.
                return RunResult(session.index, session.derivations)
            finally:
                try:
                    host.delete_state(self.name, sid)
                except Exception:  # noqa: BLE001 - a session that never started has no state to delete
                    pass
                self._session = None
                _ACTIVE.pop(self.name, None)

    def _check(self, session: _Session, where: str) -> None:
        if session.errors:
            raise InferenceError(f"inference failed in {where}: " + "; ".join(session.errors))


_ACTIVE: dict[str, RuleEngine] = {}
