"""Line breaks as Python counts them: `\\r\\n`, `\\r` and `\\n`. Not the form
feeds, vertical tabs and Unicode separators `str.splitlines` also breaks at:
line numbers of `ast`, tokenize and every editor would drift from them."""

from __future__ import annotations

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")
