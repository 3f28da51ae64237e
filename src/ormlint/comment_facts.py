"""What a file's comments say of the code beside them, as facts for the rules.

Only one statement is read so far: that a column is deliberately not a foreign
key (`# Not a foreign key: the log outlives the row it points to.`). Authors
write it where a `<name>_id` column leaves the constraint out on purpose, and
ORM115 then has nothing to add.
"""

from __future__ import annotations

import re

from ormlint.line_breaks import LINE_BREAK
from ormlint.noqa import comments

# A comment saying there is no foreign key: "not a foreign key", "no FK",
# "without a foreign key", "intentionally NOT a foreign key".
_NO_FOREIGN_KEY = re.compile(r"\b(?:not|no|without)[ \t]+(?:an?[ \t]+|any[ \t]+)?(?:foreign[ \t_-]*keys?|fks?)\b", re.IGNORECASE)
# The same inside something that starts like a comment: asked of the whole text
# first, because the comment scanner costs far more than this search, and the
# phrase is in few files. Starting with `#` keeps the search fast.
_MAY_SAY_NO_FOREIGN_KEY = re.compile(r"#[^\n]*?" + _NO_FOREIGN_KEY.pattern, re.IGNORECASE)
_COMMENT_LINE = re.compile(r"[ \t\f]*#")


def no_foreign_key_lines(text: str) -> frozenset[int]:
    """The lines of the statements a comment says are not foreign keys: the
    comment's own line when it follows code, else the first line after the
    comment block it is in (when that block is directly above a statement)."""
    if not _MAY_SAY_NO_FOREIGN_KEY.search(text):
        return frozenset()
    lines: list[str] = LINE_BREAK.split(text)
    found: set[int] = set()
    for number, comment in comments(text):
        if not _NO_FOREIGN_KEY.search(comment):
            continue
        line = lines[number - 1] if number <= len(lines) else ""
        if not _COMMENT_LINE.match(line):
            found.add(number)  # `user_id = Column(Integer)  # not a foreign key`
            continue
        following = number  # the line after the comment block (0-based: lines[following])
        while following < len(lines) and _COMMENT_LINE.match(lines[following]):
            following += 1
        if following < len(lines) and lines[following].strip():
            found.add(following + 1)
    return frozenset(found)
