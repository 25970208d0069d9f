"""Writing output: stdout, or a file written atomically that is never replaced without ``--force``."""

from __future__ import annotations

import os
import stat
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
    if out.is_dir():
        raise UserInputError(f"{out}: is a directory; give a file name")
    if out.exists() and out.resolve().is_file() and not force:
        raise UserInputError(f"{out}: file exists; use --force to replace it")
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise UserInputError(f"{out}: directory {directory} does not exist")


def write_output(data: str | bytes, out: Path | None, *, force: bool) -> None:
    """Write ``data`` to ``out`` (stdout when ``None`` or ``-``; text only), atomically, refusing to clobber.

    A regular file is written as a temporary file in the same directory, flushed and renamed over the target,
    so a failure never leaves a half-written file and an existing file survives anything short of success; the
    new file gets the old file's permissions (or the umask's). A symbolic link is written through to its target.
    A device or pipe (``/dev/stdout``, a FIFO) is written in place: there is nothing to replace.

    Raises:
        UserInputError: see :func:`check_destination`, or the file cannot be written.
    """
    if to_stdout(out):
        if isinstance(data, bytes):
            raise UserInputError("binary output needs --out FILE (it cannot go to stdout)")
        sys.stdout.write(data)
        sys.stdout.flush()
        return
    assert out is not None
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_destination(out, force=force)
    target = out.resolve() if out.is_symlink() else out
    try:
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            with open(target, "wb") as handle:
                handle.write(payload)
            return
        _replace_atomically(target, payload)
    except OSError as exc:
        raise UserInputError(f"{out}: cannot write: {exc.strerror or exc}") from None


def _replace_atomically(target: Path, payload: bytes) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(text: str, out: Path | None, *, force: bool) -> None:
    """Write text to ``out`` or stdout (see :func:`write_output`)."""
    write_output(text, out, force=force)
