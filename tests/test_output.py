"""Writing reports and files: atomic, permission-preserving, never clobbering, safe on links and devices."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from mlops_maturity.cli.output import write_output
from mlops_maturity.engine.errors import UserInputError


def test_new_file_gets_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_output("x", tmp_path / "new.md", force=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644


def test_replacing_keeps_the_old_permissions(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    with pytest.raises(UserInputError, match="file exists; use --force"):
        write_output("new", target, force=False)
    assert target.read_text(encoding="utf-8") == "old"
    write_output("new", target, force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output("new", link, force=True)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_output("hello", fifo, force=False)
        assert os.read(reader, 100) == b"hello"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_unwritable_destination_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="directory .* does not exist"):
        write_output("x", tmp_path / "missing" / "r.md", force=False)
    with pytest.raises(UserInputError, match="is a directory"):
        write_output("x", tmp_path, force=True)
    with pytest.raises(UserInputError, match="binary output needs --out"):
        write_output(b"x", None, force=False)
