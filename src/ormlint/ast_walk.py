"""The extractors' fast stand-in for `ast.walk`, and the field table their own walks share.

Per node type, `WALK_FIELDS` holds the fields that can hold nodes an extractor
reads: not the contexts and operators (their parents' fields say what they
are), nor identifiers, flags and the aliases of imports.
"""

from __future__ import annotations

import ast

WALK_FIELDS: dict[type, tuple[str, ...]] = {}

# Fields that never hold a walked node (contexts, operators, identifiers, flags, import aliases).
_SCALAR_FIELDS = frozenset({
    "ctx", "op", "ops", "attr", "id", "arg", "name", "names", "module", "level", "is_async", "conversion",
    "type_comment", "simple", "kind", "kwd_attrs",
})


def walk_fields(kind: type) -> tuple[str, ...]:
    """The fields of node type `kind` that can hold walked nodes (remembered in `WALK_FIELDS`)."""
    fields = tuple(name for name in getattr(kind, "_fields", ()) if name not in _SCALAR_FIELDS)
    WALK_FIELDS[kind] = fields
    return fields


def subtree(node: ast.AST) -> list[ast.AST]:
    """`node` and the nodes below it in `ast.walk`'s order (breadth first, fields
    in order), in a list built without a generator per node, and without the
    contexts, operators and import aliases (`_SCALAR_FIELDS`). Several times
    faster than `ast.walk`."""
    found = [node]
    position = 0
    fields_of = WALK_FIELDS
    while position < len(found):
        current = found[position]
        position += 1
        kind = type(current)
        fields = fields_of.get(kind)
        if fields is None:
            fields = walk_fields(kind)
        for name in fields:
            value = getattr(current, name, None)
            if type(value) is list:
                found.extend([item for item in value if isinstance(item, ast.AST)])
            elif isinstance(value, ast.AST):
                found.append(value)
    return found
