"""Writing output: stdout, or a file written atomically that is never replaced without ``--force``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from mlops_maturity.engine.errors import UserInputError


def write_text(text: str, out: Path | None, *, force: bool) -> None:
    """Write ``text`` to ``out`` (stdout when ``None`` or ``-``), atomically, refusing to clobber.

    Raises:
        UserInputError: the file exists and ``force`` is false, or its directory does not exist.
    """
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if out.exists() and not force:
        raise UserInputError(f"{out}: file exists; use --force to replace it")
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise UserInputError(f"{out}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
