"""ORM504: sessions and transactions (the first rule of the family)."""

from __future__ import annotations

from typing import Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Attr, Call, Name
from ormlint.rules.base import Rule, RuleContext
from ormlint.rules.usage import _resolver
from ormlint.schema import MappedClass
from ormlint.symbols import sqlalchemy_name
from ormlint.usage import ScopeContext, UsageResolver

# Columns that mark a row as deleted without removing it.
SOFT_DELETE_COLUMNS = ("deleted_at", "is_deleted", "deleted", "archived_at", "is_archived")


def _soft_delete_column(model: MappedClass) -> Optional[str]:
    columns = model.all_columns()
    return next((name for name in SOFT_DELETE_COLUMNS if name in columns), None)


def _universal(ctx: RuleContext, model: MappedClass, column: str) -> bool:
    """The column comes with (almost) every model of the registry, from a shared
    base: it says nothing about this model's delete policy (polar's RecordModel
    gives every table a `deleted_at`, and its auth tokens are deleted for real)."""
    peers = [c for c in ctx.index.classes if c.registry == model.registry and c.own_table]
    having = [c for c in peers if column in c.all_columns()]
    return len(peers) >= 5 and len(having) >= 0.8 * len(peers)


def _mentions(scope: ScopeContext, column: str) -> bool:
    """The function reads or sets the soft-delete column somewhere (`x.deleted_at = ...`,
    `filter(M.deleted_at ...)`, `filter_by(deleted_at=...)`): it knows about it."""
    if any(ref.attr == column for ref in scope.scope.attributes):
        return True
    return any(key == column for call in scope.scope.calls for key, _ in call.kwargs)


class HardDeleteOfSoftDeleteModel(Rule):
    """## What it does
    Flags a hard delete of a model that has a soft-delete column (`deleted_at`,
    `is_deleted`, `deleted`, `archived_at`, `is_archived`): `session.delete(obj)`
    where `obj` is certainly such a model, `session.query(M).delete()`,
    `M.query...delete()` and `delete(M)` statements, unless the same function
    also reads or sets that column.

    ## Why is this bad?
    The model promises recoverable deletes; a hard delete loses the row (and,
    through cascades, its children) where the rest of the code expected a flag.
    The second audit in ormlint's seeds found `delete_file()` doing exactly that.

    ## Example
    ```python
    def delete_file(session: Session, file_id: str):
        session.delete(session.get(ProjectFile, file_id))
    ```

    ## Use instead
    ```python
    def delete_file(session: Session, file_id: str):
        session.get(ProjectFile, file_id).deleted_at = datetime.now(timezone.utc)
    ```
    """

    code = "ORM504"
    name = "hard-delete-of-soft-delete-model"
    severity = Severity.WARNING
    summary = "hard delete of a model that has a soft-delete column"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        for scope in resolver.contexts():
            for call in scope.scope.calls:
                model = self._deleted_model(resolver, scope, call)
                if model is None:
                    continue
                column = _soft_delete_column(model)
                if column is None or _mentions(scope, column) or _universal(ctx, model, column):
                    continue
                span = call.span
                assert span is not None
                message = f"Hard delete of `{model.name}`, which has the soft-delete column `{column}`."
                hint = f"Set `{column}` instead (and filter it out in queries), or say why a hard delete is meant here."
                yield self.diagnostic(scope.facts.path, span, message, hint)

    def _deleted_model(self, resolver: UsageResolver, scope: ScopeContext, call: Call) -> Optional[MappedClass]:
        func = call.func
        if isinstance(func, Name) and "." not in func.dotted:
            if sqlalchemy_name(resolver.symbols.resolve_expr(scope.module, func)) == "delete" and len(call.args) == 1:
                return resolver.mapped(scope.module, call.args[0], scope)  # delete(M)
            return None
        method = func.attr if isinstance(func, Attr) else func.last if isinstance(func, Name) else None
        if method != "delete":
            return None
        receiver = func.value if isinstance(func, Attr) else Name(func.dotted.rsplit(".", 1)[0]) if isinstance(func, Name) else None
        base = resolver.infer(scope, receiver)
        if base is not None and base.kind == "query" and not call.args:
            return base.model  # session.query(M).filter(...).delete()
        if len(call.args) == 1 and base is None and isinstance(func, Name):
            target = resolver.infer(scope, call.args[0])
            if target is not None and target.kind == "instance":
                return target.model  # session.delete(obj)
        return None

    VALID = [
        """
from datetime import datetime, timezone
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class ProjectFile(Base):
    __tablename__ = "project_files"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

def delete_file(session: Session, file_id: int):
    project_file = session.get(ProjectFile, file_id)
    project_file.deleted_at = datetime.now(timezone.utc)

def purge(session: Session):
    session.query(ProjectFile).filter(ProjectFile.deleted_at.is_not(None)).delete()
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)

def remove(session: Session, tag_id: int):
    session.delete(session.get(Tag, tag_id))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    is_deleted = db.Column(db.Boolean, default=False)

def clean(cache):
    cache.delete("notes")
    Note.query.filter_by(is_deleted=True).delete()
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class ProjectFile(Base):
    __tablename__ = "project_files"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

def delete_file(session: Session, file_id: int):
    project_file = session.get(ProjectFile, file_id)
    session.delete(project_file)  # ORM504
""",
        """
from sqlalchemy import delete
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    archived_at: Mapped[int | None]

def wipe(session: Session):
    session.execute(delete(Document))  # ORM504
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    is_deleted = db.Column(db.Boolean, default=False)

def drop_all_notes():
    Note.query.delete()  # ORM504
""",
        },
    ]
