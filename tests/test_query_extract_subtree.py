"""`_subtree` stands in for `ast.walk` where the order of the nodes matters
(`_operand_refs` records column refs in it): same nodes, same order, minus
the contexts and operators."""

import ast

from ormlint.ast_walk import subtree as _subtree

SOURCE = """
func(a.b[c], *d, key=lambda x: x.y + 1, **kw) if not (e % f) and g < h.i <= j else [k for k in l if k]
"""


def test_subtree_is_ast_walk_without_contexts_and_operators() -> None:
    tree = ast.parse(SOURCE)
    kept = [node for node in ast.walk(tree) if not isinstance(node, (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop))]
    assert _subtree(tree) == kept
