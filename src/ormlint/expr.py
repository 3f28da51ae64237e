"""A small, serialisable picture of the Python expressions ormlint cares about.

Extraction turns the `ast` nodes of model declarations into these records so
that resolution (which needs the whole project) never has to look at a syntax
tree again. Anything outside the supported shapes becomes `Other`: the
resolver treats it as unknown and rules stay silent on it.
"""

from __future__ import annotations

import ast
import dataclasses
import struct
from typing import TYPE_CHECKING, Any, Optional, TypeVar, Union

from ormlint.quiet_parse import parse_expression

_R = TypeVar("_R")


if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: object) -> Any:
        return lambda function: function


@dataclass_transform(frozen_default=True, eq_default=True)
def record(cls: type[_R]) -> type[_R]:
    """A class with annotated fields made an immutable tuple subclass with those fields.

    For type checkers a record is a frozen dataclass (`dataclass_transform`); at
    run time no dataclass is made (that costs more at import than the record
    itself). A class already made a dataclass is accepted too.

    Extraction makes millions of these small records (a large repository has
    about half a million `Name`s), and the cache and the `--jobs` workers pickle
    every one of them. As a tuple with named fields a record pickles and unpickles
    entirely in C (`tuple.__getnewargs__`, then `tuple.__new__`): about five
    times faster than a Python-level `__reduce__`, which made pickling cost as
    much as extraction. It also takes less memory than a dataclass instance.

    What stays as the dataclass had it: keyword construction with the declared
    defaults, the fields as read-only attributes, the methods and properties of
    the class, equality only with a record of the same class, `repr`. What a
    record gains from tuple (length, indexing, iteration, ordering) nothing
    relies on. `dataclasses.replace` does not apply: use `replace_record`.
    (`dataclass(slots=True)` needs Python 3.10 and pickles through Python.)
    """
    names, defaults = _declared_fields(cls)
    if cls.__bases__ != (object,):
        raise TypeError(f"record {cls.__name__}: no base class")
    namespace: dict[str, Any] = {
        key: value for key, value in cls.__dict__.items() if key not in names and key not in _DATACLASS_MADE
    }
    namespace["__slots__"] = ()
    for position, name in enumerate(names):
        namespace[name] = _field_getter(position, name)
    namespace["__eq__"] = _record_eq
    namespace["__ne__"] = _record_ne
    namespace["__hash__"] = tuple.__hash__
    namespace["__repr__"] = _record_repr
    namespace["_fields"] = names
    # Construction goes through a metaclass `__call__` made for the fields, so that
    # the class's own `__new__` stays `tuple.__new__`, which unpickling calls.
    parameters = ", ".join(f"{n}=_default_{n}" if f"_default_{n}" in defaults else n for n in names)
    source = f"def __call__(_cls, {parameters}):\n    return _tuple_new(_cls, ({', '.join(names)},))\n"
    scope: dict[str, Any] = {"_tuple_new": tuple.__new__, **defaults}
    exec(source, scope)  # as collections.namedtuple makes its __new__
    meta = type(f"{cls.__name__}Type", (type,), {"__call__": scope["__call__"], "__module__": cls.__module__})
    made: type[_R] = meta(cls.__name__, (tuple,), namespace)
    made.__qualname__ = cls.__qualname__
    return made


def _declared_fields(cls: type) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The field names of a record class, in order, and their defaults (as
    `_default_<name>`)."""
    if dataclasses.is_dataclass(cls):
        fields = dataclasses.fields(cls)
        if any(f.default_factory is not dataclasses.MISSING for f in fields):
            raise TypeError(f"record {cls.__name__}: plain defaults only")
        return (tuple(f.name for f in fields),
                {f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING})
    annotations: dict[str, Any] = getattr(cls, "__annotations__", {})  # strings: `from __future__ import annotations`
    names = tuple(name for name, kind in annotations.items() if not str(kind).startswith(("ClassVar", "typing.ClassVar")))
    defaults = {f"_default_{name}": cls.__dict__[name] for name in names if name in cls.__dict__}
    seen_default = False
    for name in names:
        if f"_default_{name}" in defaults:
            seen_default = True
        elif seen_default:
            raise TypeError(f"record {cls.__name__}: field {name} without a default follows one with a default")
    return names, defaults


# What @dataclass adds to a class, which the tuple record replaces.
_DATACLASS_MADE = frozenset({
    "__init__", "__repr__", "__eq__", "__ne__", "__hash__", "__setattr__", "__delattr__", "__dataclass_fields__",
    "__dataclass_params__", "__match_args__", "__dict__", "__weakref__", "__getstate__", "__setstate__", "__slots__",
})


def _field_getter(position: int, name: str) -> Any:
    try:
        from collections import _tuplegetter  # type: ignore[attr-defined]  # the C accessor of namedtuple

        return _tuplegetter(position, f"The {name} field.")
    except ImportError:  # other Python implementations
        return property(lambda self: tuple.__getitem__(self, position), doc=f"The {name} field.")


def _record_eq(self: tuple[Any, ...], other: object) -> bool:
    # Equal only to a record of the same class (a dataclass's rule), never to a plain tuple.
    return type(other) is type(self) and tuple.__eq__(self, other)  # type: ignore[arg-type,unused-ignore]


def _record_ne(self: tuple[Any, ...], other: object) -> bool:
    return not _record_eq(self, other)


def _record_repr(self: tuple[Any, ...]) -> str:
    names: tuple[str, ...] = type(self)._fields  # type: ignore[attr-defined]
    return f"{type(self).__qualname__}({', '.join(f'{n}={v!r}' for n, v in zip(names, self))})"


def replace_record(item: _R, **changes: Any) -> _R:
    """A copy of a record with some fields changed (`dataclasses.replace` for records)."""
    values: tuple[Any, ...] = item  # type: ignore[assignment]
    return type(item)(**{**dict(zip(type(item)._fields, values)), **changes})  # type: ignore[attr-defined]


# Where an expression sits: its line, column, end line and end column (lines
# 1-based, columns 0-based UTF-8 byte offsets, as `ast`), packed into 16 bytes,
# four unsigned 32-bit numbers, big-endian (`make_span`), read with `span_line`
# and the other readers below. Spans order as the tuples (line, col, end_line,
# end_col) would. Bytes rather than a tuple of four ints: polar has about 700,000
# distinct spans, and as tuples of 72 bytes (with the int objects of their
# line numbers) they were about 70 MB, over a third of all its facts; 16 bytes
# take 49, are not tracked by the garbage collector, and pickle as one string.
# (One int of 128 bits takes as little, but costs more to build and to pickle.)
Span = bytes
_pack = struct.Struct(">IIII").pack
_unpack = struct.Struct(">IIII").unpack


def span_line(span: Span) -> int:
    return _unpack(span)[0]  # type: ignore[no-any-return]


def span_col(span: Span) -> int:
    return _unpack(span)[1]  # type: ignore[no-any-return]


def span_end_line(span: Span) -> int:
    return _unpack(span)[2]  # type: ignore[no-any-return]


def span_end_col(span: Span) -> int:
    return _unpack(span)[3]  # type: ignore[no-any-return]


def span_parts(span: Span) -> tuple[int, int, int, int]:
    """(line, col, end_line, end_col)."""
    return _unpack(span)


@record
class Name:
    """A dotted name: `Column`, `db.Column`, `sa.orm.relationship`."""

    dotted: str
    span: Optional[Span] = None
    # Written inside a string annotation (`Mapped["User"]`): it names a class
    # lazily, so it may not be imported in the module at all.
    from_string: bool = False

    @property
    def root(self) -> str:
        return self.dotted.split(".", 1)[0]

    @property
    def last(self) -> str:
        return self.dotted.rsplit(".", 1)[-1]


@record
class Const:
    """A literal str, int, float, bool, None or bytes."""

    value: object
    span: Optional[Span] = None
    # For strings SQLAlchemy evaluates as Python (`order_by="User.name"`):
    # the parsed expression, filled in at extraction.
    parsed: Optional["Expr"] = None


@record
class Call:
    func: "Expr"
    args: tuple["Expr", ...] = ()
    kwargs: tuple[tuple[str, "Expr"], ...] = ()
    # `f(*a)` / `f(**k)`: the call's arguments are not fully known.
    has_star: bool = False
    span: Optional[Span] = None
    # The `**k` expressions, which a resolver may be able to expand.
    star_kwargs: tuple["Expr", ...] = ()
    star_args: bool = False
    # Where each keyword name is written (same order as `kwargs`).
    keyword_spans: tuple[Span, ...] = ()

    def keyword_span(self, name: str) -> Optional[Span]:
        for (key, value), span in zip(self.kwargs, self.keyword_spans):
            if key == name:
                return span
        return None

    def kwarg(self, name: str) -> Optional["Expr"]:
        for key, value in self.kwargs:
            if key == name:
                return value
        return None

    def has_kwarg(self, name: str) -> bool:
        return any(key == name for key, _ in self.kwargs)


@record
class Subscript:
    value: "Expr"
    index: "Expr"
    span: Optional[Span] = None


@record
class Seq:
    """A tuple, list or set display; `starred` when it unpacks something."""

    items: tuple["Expr", ...]
    kind: str = "tuple"
    starred: bool = False
    span: Optional[Span] = None


@record
class Dict:
    items: tuple[tuple["Expr", "Expr"], ...]
    # `{**x}`: keys are not fully known.
    has_unpack: bool = False
    span: Optional[Span] = None


@record
class Union_:
    """`A | B` in an annotation."""

    items: tuple["Expr", ...]
    span: Optional[Span] = None


@record
class Lambda:
    body: "Expr"
    span: Optional[Span] = None


@record
class Attr:
    """An attribute of something that is not a plain dotted name: `query(User).first().name`."""

    value: "Expr"
    attr: str
    span: Optional[Span] = None


@record
class Other:
    """Any expression outside the shapes above."""

    kind: str = "other"
    span: Optional[Span] = None


Expr = Union[Name, Const, Call, Subscript, Seq, Dict, Union_, Lambda, Attr, Other]


def span_of(node: ast.AST) -> Span:
    try:
        line = node.lineno  # type: ignore[attr-defined]
        col = node.col_offset  # type: ignore[attr-defined]
        end_line = node.end_lineno or line  # type: ignore[attr-defined]
        end_col = node.end_col_offset  # type: ignore[attr-defined]
    except AttributeError:  # nodes without positions (arguments, comprehension, ...)
        return make_span(1, 0, 1, 0)
    return make_span(line, col, end_line, col if end_col is None else end_col)


# One Span object per position of the file being extracted: the extractors take
# the spans of the same nodes (about 40% of all spans are repeats), and a shared
# object is built once, held once in memory, and pickled once (then referenced).
# Emptied between files by `forget_file()`; the size cap only guards a caller
# that never empties it (`to_expr` keeps it once per expression, not per node).
_SPANS: dict[Span, Span] = {}
_SPANS_CAP = 500_000
_NO_POSITION = _pack(1, 0, 1, 0)  # nodes without positions
_new_record: Any = tuple.__new__  # builds a record from the tuple of its fields


def make_span(line: int, col: int, end_line: int, end_col: int) -> Span:
    """The span of (line, col, end_line, end_col), shared with equal spans of the same file."""
    key = _pack(line, col, end_line, end_col)  # see `Span`
    span = _SPANS.get(key)
    if span is None:
        if len(_SPANS) >= _SPANS_CAP:
            _SPANS.clear()
        span = _SPANS[key] = key
    return span


def attribute_span(node: ast.Attribute) -> Span:
    """The span of an attribute's name: the last `len(attr)` columns of the node
    (`end_lineno or lineno` is a line number, so the name is taken from the end)."""
    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset
    if end_col is None:
        end_col = node.col_offset
    start_col = end_col - len(node.attr)
    return make_span(end_line, start_col if start_col > 0 else 0, end_line, end_col)


def forget_file() -> None:
    """Let go of the spans and records shared within the last file (called between files)."""
    _SPANS.clear()
    _EXPRS.clear()
    _ANNOTATIONS.clear()
    _DEPTH_CUT[0] = False


def dotted_name(node: ast.AST) -> Optional[str]:
    parts: list[str] = []
    while type(node) is ast.Attribute:  # parsers make exact node types
        parts.append(node.attr)
        node = node.value
    if type(node) is ast.Name:
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def to_expr(node: Optional[ast.AST], depth: int = 0) -> Expr:
    """Convert an `ast` expression into an `Expr` record.

    Several extractors convert the same nodes (annotations, calls): within one
    file a node is converted once and its record shared (see `_EXPRS`)."""
    if node is None or depth:
        return _to_expr(node, depth)
    node_id = id(node)
    kept = _EXPRS.get(node_id)
    if kept is not None and kept[0] is node:
        return kept[1]
    if len(_SPANS) >= _SPANS_CAP:
        _SPANS.clear()
    expr = _to_expr(node, 0)
    if len(_EXPRS) >= _SPANS_CAP:
        _EXPRS.clear()
    _EXPRS[node_id] = (node, expr)
    return expr


# The records `to_expr` made for the nodes of the file being extracted, by node
# identity. The node is kept with its record: a node freed while listed here
# (a string annotation's own little tree) could have its identity reused.
_EXPRS: dict[int, tuple[ast.AST, Expr]] = {}
# Calls and subscripts met inside a larger expression are listed too: extractors
# walking a chain `a.b().c().d()` ask for each inner call in turn, and would
# convert the rest of the chain again each time. A record made below the top is
# the same as one made for the node itself unless the depth limit cut something
# off; once anything in the file has been cut, inner records are no longer listed.
_DEPTH_CUT = [False]


def _to_expr(node: Optional[ast.AST], depth: int) -> Expr:
    if node is None:
        return Const(None)
    try:  # span_of(), inlined: this is the hottest function of extraction
        line = node.lineno  # type: ignore[attr-defined]
        col = node.col_offset  # type: ignore[attr-defined]
        end_col = node.end_col_offset  # type: ignore[attr-defined]
        key = _pack(line, col, node.end_lineno or line, col if end_col is None else end_col)  # type: ignore[attr-defined]
    except AttributeError:
        key = _NO_POSITION
    span = _SPANS.setdefault(key, key)  # make_span(), inlined; `to_expr` keeps the size cap
    if depth > 40:
        _DEPTH_CUT[0] = True
        return Other("deep", span)
    node_type = type(node)  # parsers make exact node types: `is` instead of isinstance
    # The commonest records are built from their fields in declaration order
    # (`_new_record`), without the constructor's Python-level call: Name is
    # (dotted, span, from_string), Const (value, span, parsed), Attr (value,
    # attr, span), Subscript (value, index, span), Call as declared.
    # tests/test_expr_sharing.py pins them to records the constructors build.
    if node_type is ast.Name:
        return _new_record(Name, (node.id, span, False))  # type: ignore[attr-defined, no-any-return]
    if node_type is ast.Attribute:
        owner = node.value  # type: ignore[attr-defined]
        if type(owner) is ast.Name:  # `a.b`, the commonest attribute: dotted_name() without the call
            return _new_record(Name, (owner.id + "." + node.attr, span, False))  # type: ignore[attr-defined, no-any-return]
        dotted = dotted_name(node)
        if dotted is not None:
            return _new_record(Name, (dotted, span, False))  # type: ignore[no-any-return]
        return _new_record(Attr, (_to_expr(owner, depth + 1), node.attr, span))  # type: ignore[attr-defined, no-any-return]
    if node_type is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if value is None or type(value) in _CONST_TYPES:
            return _new_record(Const, (value, span, None))  # type: ignore[no-any-return]
        return Other("constant", span)
    if node_type is ast.Call:
        inner = depth + 1
        positional = node.args  # type: ignore[attr-defined]
        # `f(*a)`: the unpacked arguments are left out (their number is unknown).
        args = tuple([_to_expr(arg, inner) for arg in positional if type(arg) is not _Starred])
        star_args = len(args) != len(positional)
        kwargs: list[tuple[str, Expr]] = []
        keyword_spans: list[Span] = []
        star_kwargs: list[Expr] = []
        for kw in node.keywords:  # type: ignore[attr-defined]
            name = kw.arg
            if name is None:
                star_kwargs.append(_to_expr(kw.value, inner))
                continue
            kwargs.append((name, _to_expr(kw.value, inner)))
            try:  # where the keyword's name is written (Python 3.9+ gives keywords a position)
                line = kw.lineno or span_line(span)
                col = kw.col_offset
            except AttributeError:  # a keyword made by hand, without one: the call's
                line = getattr(kw, "lineno", None) or span_line(span)
                col = getattr(kw, "col_offset", None)
            if col is None:
                col = span_col(span)
            key = _pack(line, col, line, col + len(name))
            keyword_spans.append(_SPANS.setdefault(key, key))  # make_span(), inlined
        has_star = star_args or bool(star_kwargs)
        call: Call = _new_record(Call, (_to_expr(node.func, inner), args, tuple(kwargs), has_star, span,  # type: ignore[attr-defined]
                                        tuple(star_kwargs), star_args, tuple(keyword_spans)))
        if depth and not _DEPTH_CUT[0]:
            _EXPRS[id(node)] = (node, call)  # see _DEPTH_CUT
        return call
    if node_type is ast.Subscript:
        index = node.slice  # type: ignore[attr-defined]
        if type(index).__name__ == "Index":  # Python 3.8 shape, kept for safety
            index = index.value
        subscript: Subscript = _new_record(Subscript, (_to_expr(node.value, depth + 1), _to_expr(index, depth + 1), span))  # type: ignore[attr-defined]
        if depth and not _DEPTH_CUT[0]:
            _EXPRS[id(node)] = (node, subscript)  # see _DEPTH_CUT
        return subscript
    # The rarer records, also built from their fields: Union_ is (items, span),
    # Await is looked through, Seq is (items, kind, starred, span), Dict
    # (items, has_unpack, span), Lambda (body, span), Other (kind, span).
    if node_type is ast.BinOp:
        if type(node.op) is not ast.BitOr:  # type: ignore[attr-defined]
            return _new_record(Other, ("BinOp", span))  # type: ignore[no-any-return]
        left = _to_expr(node.left, depth + 1)  # type: ignore[attr-defined]
        right = _to_expr(node.right, depth + 1)  # type: ignore[attr-defined]
        members = (left.items if type(left) is Union_ else (left,)) + (right.items if type(right) is Union_ else (right,))
        return _new_record(Union_, (members, span))  # type: ignore[no-any-return]
    if node_type is ast.Await:
        # Typing does not care whether a result was awaited.
        return _to_expr(node.value, depth + 1)  # type: ignore[attr-defined]
    seq_kind = _SEQ_KINDS.get(node_type)
    if seq_kind is not None:
        elements = node.elts  # type: ignore[attr-defined]
        items = tuple([_to_expr(elt, depth + 1) for elt in elements if type(elt) is not _Starred])
        return _new_record(Seq, (items, seq_kind, len(items) != len(elements), span))  # type: ignore[no-any-return]
    if node_type is ast.Dict:
        pairs: list[tuple[Expr, Expr]] = []
        has_unpack = False
        for dict_key, dict_value in zip(node.keys, node.values):  # type: ignore[attr-defined]
            if dict_key is None:
                has_unpack = True
                continue
            pairs.append((_to_expr(dict_key, depth + 1), _to_expr(dict_value, depth + 1)))
        return _new_record(Dict, (tuple(pairs), has_unpack, span))  # type: ignore[no-any-return]
    if node_type is ast.Lambda:
        return _new_record(Lambda, (_to_expr(node.body, depth + 1), span))  # type: ignore[attr-defined, no-any-return]
    return _new_record(Other, (_VALUE_KINDS.get(node_type) or node_type.__name__, span))  # type: ignore[no-any-return]


_Starred = ast.Starred
_SEQ_KINDS: dict[type, str] = {ast.Tuple: "tuple", ast.List: "list", ast.Set: "set"}

_CONST_TYPES = frozenset({str, int, float, bool, bytes})

# Expressions whose Python value kind is known without evaluating them.
_VALUE_KINDS: dict[type, str] = {
    ast.ListComp: "list", ast.SetComp: "set", ast.DictComp: "dict", ast.JoinedStr: "str",
}


def const_str(expr: Optional[Expr]) -> Optional[str]:
    if isinstance(expr, Const) and isinstance(expr.value, str):
        return expr.value
    return None


def const_bool(expr: Optional[Expr]) -> Optional[bool]:
    if isinstance(expr, Const) and isinstance(expr.value, bool):
        return expr.value
    return None


def call_name(expr: Optional[Expr]) -> Optional[str]:
    """The dotted name a call calls: `db.Column(...)` -> `db.Column`."""
    if isinstance(expr, Call) and isinstance(expr.func, Name):
        return expr.func.dotted
    return None


def annotation_to_expr(node: ast.AST) -> Expr:
    """Like `to_expr`, but strings inside annotations are parsed as code.

    Shared within a file as `to_expr`'s records are (several extractors read
    the same parameters and annotations): see `_ANNOTATIONS`."""
    node_id = id(node)
    kept = _ANNOTATIONS.get(node_id)
    if kept is not None and kept[0] is node:
        return kept[1]
    expr = _parse_strings(to_expr(node))
    if len(_ANNOTATIONS) >= _SPANS_CAP:
        _ANNOTATIONS.clear()
    _ANNOTATIONS[node_id] = (node, expr)
    return expr


# What `annotation_to_expr` made for the nodes of the file being extracted, as `_EXPRS`.
_ANNOTATIONS: dict[int, tuple[ast.AST, Expr]] = {}


def _parse_strings(expr: Expr, depth: int = 0) -> Expr:
    # Records are never subclassed: `type() is` first for the commonest case
    # (most annotations are a Name, and so are most parts of the others).
    if type(expr) is Name or depth > 20:
        return expr
    if isinstance(expr, Const):
        if type(expr.value) is not str:  # `None` in `X | None`, the values of `Literal[...]`
            return expr
        try:
            parsed = parse_expression(expr.value)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return expr
        inner = _mark_from_string(to_expr(parsed), expr.span)
        return _parse_strings(inner, depth + 1)
    # Containers are rebuilt only when a string inside them was parsed: most
    # annotations hold none, and keep their records.
    if isinstance(expr, Subscript):
        value = _parse_strings(expr.value, depth + 1)
        index = _parse_strings(expr.index, depth + 1)
        if value is expr.value and index is expr.index:
            return expr
        return Subscript(value, index, expr.span)
    if isinstance(expr, (Seq, Union_)):
        items = tuple([_parse_strings(item, depth + 1) for item in expr.items])
        for new, old in zip(items, expr.items):
            if new is not old:
                return replace_record(expr, items=items)
    return expr


def _mark_from_string(expr: Expr, span: Optional[Span]) -> Expr:
    """Give parsed string contents the string's own position."""
    if isinstance(expr, Name):
        return Name(expr.dotted, span, from_string=True)
    if isinstance(expr, Subscript):
        return Subscript(_mark_from_string(expr.value, span), _mark_from_string(expr.index, span), span)
    if isinstance(expr, Seq):
        return Seq(tuple(_mark_from_string(i, span) for i in expr.items), expr.kind, expr.starred, span)
    if isinstance(expr, Union_):
        return Union_(tuple(_mark_from_string(i, span) for i in expr.items), span)
    if isinstance(expr, Const):
        return Const(expr.value, span)
    return expr


# relationship() arguments SQLAlchemy evaluates as Python expressions when given as strings.
EVALUATED_STRING_ARGUMENTS = frozenset({"order_by", "primaryjoin", "secondaryjoin", "foreign_keys", "remote_side", "secondary"})


def parse_evaluated_strings(expr: Expr) -> Expr:
    """Attach parsed expressions to the string arguments of relationship-like calls."""
    if isinstance(expr, Call):
        changed = False
        kwargs = []
        for key, value in expr.kwargs:
            if key in EVALUATED_STRING_ARGUMENTS and isinstance(value, Const) and isinstance(value.value, str):
                value = replace_record(value, parsed=_parse_string_expr(value.value, value.span))
                changed = True
            elif isinstance(value, Call):
                inner = parse_evaluated_strings(value)
                changed = changed or inner is not value
                value = inner
            kwargs.append((key, value))
        args = list(expr.args)
        if args and isinstance(args[0], Const) and isinstance(args[0].value, str):
            args[0] = replace_record(args[0], parsed=_parse_string_expr(args[0].value, args[0].span))
            changed = True
        if changed:
            return replace_record(expr, args=tuple(args), kwargs=tuple(kwargs))
    return expr


def _parse_string_expr(text: str, span: Optional[Span]) -> Optional[Expr]:
    """The dotted names an evaluated string mentions, as a tuple of `Name`s
    (all a rule needs: which classes, tables and attributes it refers to)."""
    try:
        tree = parse_expression(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    inner: set[int] = set()
    names: list[Expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            inner.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Name)) and id(node) not in inner:
            dotted = dotted_name(node)
            if dotted is not None:
                names.append(Name(dotted, span, from_string=True))
    return Seq(tuple(names), "tuple", False, span)
