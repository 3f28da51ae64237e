"""The statements the usage walker does not visit (module imports, docstrings)
could not have yielded a fact: skipping them changes nothing."""

from __future__ import annotations

import ast

from ormlint.expr import forget_file
from ormlint.usage_extract import ScopeFacts, extract_usage


def _scopes(source: str) -> tuple[ScopeFacts, ...]:
    try:
        return extract_usage(ast.parse(source), "app.views")
    finally:
        forget_file()


def test_module_imports_and_docstrings_yield_nothing() -> None:
    with_them = _scopes(
        '"""Module docstring."""\n'
        "import os.path\n"
        "from app.models import User\n"
        "x = User.name\n"
        "class Page:\n"
        "    'Class docstring.'\n"
        "    def show(self):\n"
        "        '''Method docstring.'''\n"
        "        return self.owner.id\n"
    )
    without = _scopes(
        "\n\n\n"
        "x = User.name\n"
        "class Page:\n"
        "    pass\n"
        "    def show(self):\n"
        "        pass\n"
        "        return self.owner.id\n"
    )
    assert repr(with_them) == repr(without)
    assert [scope.name for scope in with_them] == ["<module>", "Page", "Page.show"]


def test_imports_inside_functions_are_still_bindings() -> None:
    _module, function = _scopes(
        "def f():\n"
        "    '''Docstring.'''\n"
        "    from .models import User as Person\n"
        "    import os.path\n"
        "    return Person.id\n"
    )
    bindings = {(b[0], b[1], repr(b[2])) for b in function.bindings}
    assert bindings == {("Person", "import", "Const(value='app.models:User', span=None, parsed=None)"), ("os", "other", "Other(kind='opaque', span=None)")}
    assert [(base, attr) for base, attr, _, _, _, _ in function.attributes] == [("Person", "id")]
