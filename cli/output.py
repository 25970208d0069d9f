"""Writing output: stdout, or a file written atomically that is never replaced without ``--force``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from mlops_maturity.engine.errors import UserInputError


def to_stdout(out: Path | None) -> bool:
    """Whether ``out`` means standard output (no file, or ``-``)."""
    return out is None or str(out) == "-"


def check_destination(out: Path, *, force: bool) -> None:
    """Fail early (before slow work) when ``out`` may not be written.

    Raises:
        UserInputError: the file exists and ``force`` is false, or its directory does not exist.
    """
    if out.exists() and not force:
        raise UserInputError(f"{out}: file exists; use --force to replace it")
    if out.is_dir():
        raise UserInputError(f"{out}: is a directory; give a file name")
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise UserInputError(f"{out}: directory {directory} does not exist")


def write_output(data: str | bytes, out: Path | None, *, force: bool) -> None:
    """Write ``data`` to ``out`` (stdout when ``None`` or ``-``; text only), atomically, refusing to clobber.

    A temporary file in the same directory is written, flushed and renamed over the target, so a failure
    never leaves a half-written file and an existing file survives anything short of success.

    Raises:
        UserInputError: see :func:`check_destination`.
    """
    if to_stdout(out):
        if isinstance(data, bytes):
            raise UserInputError("binary output needs --out FILE (it cannot go to stdout)")
        sys.stdout.write(data)
        sys.stdout.flush()
        return
    assert out is not None
    check_destination(out, force=force)
    directory = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(text: str, out: Path | None, *, force: bool) -> None:
    """Write text to ``out`` or stdout (see :func:`write_output`)."""
    write_output(text, out, force=force)
