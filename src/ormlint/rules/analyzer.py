"""ORM001: the analyzer itself."""

from __future__ import annotations

from typing import Iterator

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.rules.base import Rule, RuleContext


class ParseError(Rule):
    """## What it does
    Reports a file that ormlint could not read or parse: a syntax error that no
    supported Python version accepts, bytes that do not decode in the declared
    encoding, or NUL bytes.

    ## Why is this bad?
    Nothing in the file can be checked, and Python will not import it either.
    Every other file is still analysed.

    ## Example
    ```python
    class User(Base)
        id = Column(Integer, primary_key=True)
    ```

    ## Use instead
    ```python
    class User(Base):
        id = Column(Integer, primary_key=True)
    ```
    """

    code = "ORM001"
    name = "parse-error"
    severity = Severity.ERROR
    summary = "a file could not be parsed"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        # Produced by the engine while parsing; there is nothing to check here.
        return iter(())

    INVALID = ["class User(Base)  # ORM001\n    id = 1\n", "x = (  # ORM001\n", "def f(:  # ORM001\n    pass\n"]
    VALID = ["x = 1\n", "class User:\n    pass\n", "async def f():\n    await g()\n"]
