"""`ast.parse` without the warnings Python gives about the code it parses.

Invalid escape sequences (`"\\d"`) and the like make the parser warn: a
DeprecationWarning up to Python 3.11, a SyntaxWarning, shown by default, from
3.12. They are about the analysed code, not ormlint's to show, nor the user's
to see in the middle of a report (or of flake8's). Every parse goes through here.
"""

from __future__ import annotations

import ast
import warnings
from typing import Union


def parse_quietly(source: Union[str, bytes], filename: str = "<unknown>") -> ast.Module:
    """`ast.parse(source, filename)`, quietly; its exceptions pass through."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=filename)


def parse_expression(text: str) -> ast.expr:
    """The expression written in `text` (an annotation or an argument held in a
    string, a piece of code), quietly; its exceptions pass through."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text.strip(), mode="eval").body
