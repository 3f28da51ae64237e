"""Which files are tests, by their path.

The rules that read session facts (ORM501-ORM503, ORM505-ORM508) leave tests
alone: a test commits without a rollback path or opens a second session on
purpose. So does ORM504 (a test deletes the rows it made). Extraction applies the same test, so that the session facts of a test
file, which no rule would look at, are not made at all (`ormlint.extract`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# A `test`, `tests` or `testing` directory anywhere in the path, or a pytest
# file name: `test_*.py`, `*_test.py`, `conftest.py`.
_TEST_PATH = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


# The rules ask once per scope or query (on polar about 57,000 times, for 1,962
# files): the answer per path is kept.
@lru_cache(maxsize=1 << 16)
def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path.replace("\\", "/")))
