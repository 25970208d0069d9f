"""The cache of the validated shipped knowledge base: used only when it matches, never changes a result."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from mlops_maturity.engine import catalog, documents
from mlops_maturity.engine import kb as kbmod
from mlops_maturity.engine.errors import KnowledgeBaseError
from mlops_maturity.engine.kb import (
    CACHE_DIR_VARIABLE,
    ID_HASHES_MEMO,
    NO_CACHE_VARIABLE,
    KnowledgeBase,
    cache_directory,
    load_knowledge_base,
    validate_knowledge_base,
)

SHIPPED = kbmod.shipped_directory()


@pytest.fixture()
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped knowledge base standing in for it, an empty cache directory, no in-memory cache."""
    copy = tmp_path / "kb"
    shutil.copytree(SHIPPED, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    monkeypatch.setattr(kbmod, "shipped_directory", lambda: copy)
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv(NO_CACHE_VARIABLE, raising=False)
    monkeypatch.setattr(kbmod, "_CACHE", {})
    return copy


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("kb-*.pickle"))


def fresh_load(monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """Load as a new process would: nothing in memory."""
    monkeypatch.setattr(kbmod, "_CACHE", {})
    return load_knowledge_base()


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the knowledge base was parsed although the cache matched")

    monkeypatch.setattr(documents, "fast_load", fail)


# The derived indexes a cache file holds (computed before it is written) and the engine reads.
DERIVED = ("process_area", "generic_practice", "goals", "model_practices", "goal_model_practices",
           "practice_implements", "serving_level", "aliases", "scopable_areas", "dependents", "framework_practices",
           "optional_practices")


def same(a: KnowledgeBase, b: KnowledgeBase) -> None:
    assert catalog.kb_document(a) == catalog.kb_document(b)
    for name in ("maturity_levels", "process_areas", "generic_goals", "practices", "frameworks", "problem_areas",
                 "insights", "attributes", "interview", "characterizations", "fingerprint", "files", "origin"):
        assert getattr(a, name) == getattr(b, name), name
    for name in DERIVED:
        assert getattr(a, name) == getattr(b, name), name
    assert all(isinstance(mp, kbmod.ModelPractice) for mp in a.model_practices.values())


def test_the_second_process_reads_the_cache_and_gets_the_same_knowledge_base(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fresh_load(monkeypatch)
    assert len(cache_files(tmp_path)) == 1
    no_parsing(monkeypatch)
    second = fresh_load(monkeypatch)
    assert second is not first
    # The derived indexes come from the file (ModelPractice and GoalInfo are unpickled), not recomputed.
    assert set(DERIVED) <= set(vars(second))
    assert isinstance(next(iter(vars(second)["model_practices"].values())), kbmod.ModelPractice)
    same(first, second)
    same(second, load_knowledge_base(base=SHIPPED))  # and the same as a full load of the real files


def test_entities_read_back_keep_the_fields_they_set(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entities are pickled as (values, fields set) (knowledge.Strict.__getstate__): read back, each has the fields
    set it was validated with, one set shared by the entities that set the same fields, and no private or extra."""
    validated = fresh_load(monkeypatch)
    no_parsing(monkeypatch)
    cached = fresh_load(monkeypatch)
    pairs = [(a, b) for name in ("process_areas", "insights", "maturity_levels", "characterizations")
             for a, b in zip(getattr(validated, name), getattr(cached, name), strict=True)]
    pairs += [(a, cached.practices[pid]) for pid, a in validated.practices.items()]
    pairs += [(a, cached.interview[pid]) for pid, a in validated.interview.items()]
    for a, b in pairs:
        assert b is not a and b == a
        assert b.model_fields_set == a.model_fields_set, type(a).__name__
        assert b.model_dump(exclude_unset=True) == a.model_dump(exclude_unset=True)
        assert b.__pydantic_extra__ is None and b.__pydantic_private__ is None
    assert len({id(b.model_fields_set) for _, b in pairs}) < len(pairs) / 5
    # A copy of one is its own, with a set of its own.
    practice = next(iter(cached.practices.values()))
    copied = practice.model_copy(update={"name": "x"})
    assert copied.model_fields_set is not practice.model_fields_set and practice.name != "x"


def test_the_interview_entries_are_read_back_when_first_asked_for(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = fresh_load(monkeypatch)
    no_parsing(monkeypatch)
    cached = fresh_load(monkeypatch)
    assert kbmod.INTERVIEW_PICKLE in vars(cached) and "interview" not in vars(cached)  # still pickled
    assert cached.interview == validated.interview and len(cached.interview) == len(cached.practices)
    assert "interview" in vars(cached) and kbmod.INTERVIEW_PICKLE not in vars(cached)  # read once, kept
    assert pickle.loads(pickle.dumps(cached)) == validated == pickle.loads(pickle.dumps(fresh_load(monkeypatch)))
    with pytest.raises(AttributeError, match="no attribute 'interviews'"):
        cached.interviews  # noqa: B018 - any other missing attribute is missing


def test_a_changed_file_is_a_new_key(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fresh_load(monkeypatch)
    target = sorted(shipped.rglob("*.yaml"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after = fresh_load(monkeypatch)
    assert after.fingerprint != before.fingerprint
    assert len(cache_files(tmp_path)) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_cache_file_is_a_miss_and_is_rewritten(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    good = fresh_load(monkeypatch)
    (path,) = cache_files(tmp_path)
    data = path.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "flip": data[:-100] + bytes([data[-100] ^ 0x01]) + data[-99:],
        "garbage": b"not a cache",
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    same(fresh_load(monkeypatch), good)
    assert path.read_bytes() == data  # rewritten by the full load
    no_parsing(monkeypatch)
    fresh_load(monkeypatch)


def _rewrite(path: Path, payload: object) -> None:
    """Replace the pickle of a cache file, with a correct checksum (as a deliberate tampering would)."""
    import hashlib

    data = path.read_bytes()
    header = data[: data.index(b"\n", data.index(b"\n") + 1) + 1]
    body = pickle.dumps(payload)
    path.write_bytes(header + hashlib.sha256(body).digest() + body)


def test_a_cache_of_another_knowledge_base_is_a_miss(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = fresh_load(monkeypatch)
    (path,) = cache_files(tmp_path)
    other, _ = kbmod._load(None, base=Path(__file__).parent / "fixtures" / "kb" / "mini")
    _rewrite(path, (other, []))
    same(fresh_load(monkeypatch), good)


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo pwned > pwned.txt",))


def test_a_cache_naming_a_foreign_callable_is_a_miss_and_nothing_runs(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = fresh_load(monkeypatch)
    (path,) = cache_files(tmp_path)
    _rewrite(path, (_Boom(), []))
    same(fresh_load(monkeypatch), good)
    assert not (tmp_path / "pwned.txt").exists()


def test_an_overlay_is_validated_and_never_cached(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_load(monkeypatch)
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "bad.yaml").write_text("practices:\n  - id: ml.broken\n    name: x\n", encoding="utf-8")
    monkeypatch.setattr(kbmod, "_CACHE", {})
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(overlay)
    assert len(cache_files(tmp_path)) == 1


def test_validate_never_reads_the_cache(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_load(monkeypatch)

    def fail(*args: object) -> None:
        raise AssertionError("kb validate read the cache")

    monkeypatch.setattr(kbmod._DiskCache, "read", fail)
    monkeypatch.setattr(kbmod, "_CACHE", {})
    kb, issues = validate_knowledge_base()
    assert kb is not None and not [i for i in issues if i.severity == "error"]


def test_the_cache_can_be_turned_off(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_CACHE_VARIABLE, "1")
    assert cache_directory() is None
    fresh_load(monkeypatch)
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_cache_directory_is_no_error(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(blocker / "cache"))  # a directory below a file cannot be made
    same(fresh_load(monkeypatch), load_knowledge_base(base=SHIPPED))


def test_old_cache_files_are_pruned(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    for i in range(12):
        stale = directory / f"kb-{i:032x}.pickle"
        stale.write_bytes(b"old")
        os.utime(stale, (1_000_000 + i, 1_000_000 + i))
    fresh_load(monkeypatch)
    kept = cache_files(tmp_path)
    assert len(kept) == kbmod._CACHE_FILES_KEPT
    assert any(p.stat().st_size > 1000 for p in kept)  # the new one is among them


def test_the_default_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_DIR_VARIABLE, raising=False)
    monkeypatch.delenv(NO_CACHE_VARIABLE, raising=False)
    monkeypatch.setattr(kbmod.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_directory() == tmp_path / "mlops-maturity"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_directory() == tmp_path / "home" / ".cache" / "mlops-maturity"


def test_a_change_to_any_engine_module_is_a_new_key(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = tmp_path / "engine"
    shutil.copytree(Path(kbmod.__file__).parent, engine, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(kbmod, "__file__", str(engine / "kb.py"))
    fresh_load(monkeypatch)
    assert len(cache_files(tmp_path)) == 1
    no_parsing(monkeypatch)
    fresh_load(monkeypatch)  # same code: a hit
    monkeypatch.undo()
    monkeypatch.setattr(kbmod, "shipped_directory", lambda: shipped)
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setattr(kbmod, "__file__", str(engine / "kb.py"))
    with (engine / "roadmap.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# changed\n")
    fresh_load(monkeypatch)
    assert len(cache_files(tmp_path)) == 2


def test_a_pickled_knowledge_base_leaves_this_process_s_memo_behind() -> None:
    """The memo holds a compiled rule set and facts prepared for this process: a copy starts without them (it keeps
    only the id hashes, plain data) and assesses the same."""
    from mlops_maturity.engine.assessment import assess
    from mlops_maturity.engine.facts import FactFile

    kb = load_knowledge_base()
    facts = FactFile.model_validate({"organization": "x", "assessed_on": "2026-01-01",
                                     "practices": {next(iter(kb.practices)): "FI"}})
    first = assess(kb, facts)
    assert kb.memo
    copy = pickle.loads(pickle.dumps(kb))
    assert set(copy.memo) <= {ID_HASHES_MEMO}
    assert assess(copy, facts) == first


def test_the_cache_keeps_every_fact_id_s_hash_and_a_fresh_process_uses_them(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_maturity.engine import inference, rules_engine

    fresh_load(monkeypatch)
    second = fresh_load(monkeypatch)
    hashes = second.memo[ID_HASHES_MEMO]
    assert sorted(hashes) == inference.fact_ids(second)
    assert all(rules_engine.fact_id_hash(fid) == h for fid, h in hashes.items())
    monkeypatch.setattr(rules_engine, "_HASHES", {})
    monkeypatch.setattr(rules_engine, "fact_id_hash", lambda fid: pytest.fail(f"{fid} hashed again"))
    inference.rule_engine(second)
    assert rules_engine._HASHES == hashes


@pytest.mark.parametrize("memo", [{"inference.engine": 1}, {ID_HASHES_MEMO: {"p:x": "1"}},
                                  {ID_HASHES_MEMO: [("p:x", 1)]}])
def test_a_cache_holding_another_memo_is_a_miss(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memo: dict[str, object]
) -> None:
    good = fresh_load(monkeypatch)
    (path,) = cache_files(tmp_path)
    kb = fresh_load(monkeypatch)
    monkeypatch.setattr(KnowledgeBase, "__getstate__", lambda self: {**self.__dict__, "memo": memo})
    _rewrite(path, (kb, []))
    tampered = path.read_bytes()
    monkeypatch.undo()
    monkeypatch.setattr(kbmod, "shipped_directory", lambda: shipped)
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    reread = fresh_load(monkeypatch)
    same(reread, good)
    assert path.read_bytes() != tampered  # a miss: loaded in full and written again
    no_parsing(monkeypatch)
    assert set(fresh_load(monkeypatch).memo) == {ID_HASHES_MEMO}


@pytest.mark.parametrize("example", ["regulated-bank", "notebook-startup"])
def test_with_the_cache_on_off_or_missed_assessments_are_the_same_json(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: str
) -> None:
    """A hit (kept id hashes, indexes read back), a miss (a full load that writes) and no cache at all give one
    assessment, byte for byte, each in a knowledge base and rules engine of its own."""
    from mlops_maturity.engine import inference, rules_engine
    from mlops_maturity.engine.api import to_json
    from mlops_maturity.engine.assessment import assess
    from mlops_maturity.engine.facts import load_fact_file

    path = Path(__file__).resolve().parent.parent / "examples" / f"{example}.yaml"
    out = []
    for mode in ("miss", "hit", "off"):
        if mode == "off":
            monkeypatch.setenv(NO_CACHE_VARIABLE, "1")
        monkeypatch.setattr(rules_engine, "_HASHES", {})
        kb = fresh_load(monkeypatch)
        assert (ID_HASHES_MEMO in kb.memo) == (mode != "off")
        out.append(to_json(assess(kb, load_fact_file(path, kb))))
        assert "inference.engine" in kb.memo and inference.rule_engine(kb) is kb.memo["inference.engine"]
    assert out[0] == out[1] == out[2]


def test_the_yaml_files_of_a_directory_are_what_rglob_lists(tmp_path: Path) -> None:
    """Hidden entries, names that are only a suffix, a directory named like a file, links to a file, to a
    directory (not entered) and to nothing."""
    root = tmp_path / "kb"
    for rel in ("a.yaml", "b.yml", "c.YAML", "d.yaml.txt", ".yaml", "..yaml", ".hidden.yaml", "e.", "sub/f.yaml",
                "sub/deeper/g.yml", ".dot/h.yaml", "x.yaml/i.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x: 1\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "j.yaml").write_text("x: 1\n", encoding="utf-8")
    if hasattr(os, "symlink"):
        os.symlink(outside, root / "linked")
        os.symlink(outside / "j.yaml", root / "k.yaml")
        os.symlink(tmp_path / "missing.yaml", root / "broken.yaml")
    expected = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))
                if p.suffix in (".yaml", ".yml") and p.is_file()}
    found = kbmod._yaml_files(root)
    assert sorted(found) == sorted(expected)
    assert {k: str(v) for k, v in found.items()} == {k: str(v) for k, v in expected.items()}
    assert "..yaml" in found and ".yaml" not in found and "x.yaml/i.yaml" in found
