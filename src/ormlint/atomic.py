"""Write a file so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional


def write_atomically(path: Path, data: bytes, mode: Optional[int] = None, durable: bool = False) -> None:
    """Write `data` to a temporary file next to `path`, then rename it over `path`.

    `mode`: permissions for the result; `durable`: fsync before the rename (for
    reports a user keeps; the cache can afford to lose an entry on a crash).
    On any failure the temporary file is removed and `path` is untouched.
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
