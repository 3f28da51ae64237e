"""ORM105-ORM108, ORM116-ORM118: relationships between mapped classes."""

from __future__ import annotations

import re
from typing import Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import span_line
from ormlint.index import ProjectIndex, foreign_key_constraints, join_constraints, relationship_direction
from ormlint.rules.base import Rule, RuleContext, suggestion
from ormlint.schema import ColumnInfo, RelationshipInfo

_CLASS_TOKEN = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.")


def _relationships(index: ProjectIndex, include_backrefs: bool = False) -> Iterator[RelationshipInfo]:
    for mapped in index.classes:
        for rel in mapped.relationships.values():
            if rel.from_backref is None or include_backrefs:
                yield rel


class RelationshipUnknownTarget(Rule):
    """## What it does
    Checks that the class a `relationship("X")` (or `db.relationship`,
    SQLModel `Relationship()`, a `Mapped["X"]` annotation) names is a mapped
    class of the same declarative registry.

    ## Why is this bad?
    SQLAlchemy looks the name up when the mappers are configured (the first
    query or `configure_mappers()`) and fails: "expression 'X' failed to locate
    a name". A class mapped on another declarative base is not visible either.

    ## Example
    ```python
    class User(Base):
        posts = relationship("Posts")  # the class is `Post`
    ```

    ## Use instead
    ```python
        posts = relationship("Post")
    ```
    """

    code = "ORM105"
    name = "relationship-unknown-target"
    severity = Severity.ERROR
    summary = "relationship() target class cannot be found"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for rel in _relationships(ctx.index):
            if rel.target_status == "missing":
                names = [c.name for c in ctx.index.classes if c.registry == rel.owner.registry]
                message = f"`{rel.label}` targets class `{rel.target_text}`, which is not a mapped class."
                hint = ("Name a mapped class of the same declarative base." + suggestion(rel.target_text or "", names)).strip()
            elif rel.target_status == "other-registry":
                where = ", ".join(sorted(c.qualname for c in rel.target_candidates))
                message = f"`{rel.label}` targets class `{rel.target_text}`, which is mapped on another declarative base ({where})."
                hint = "Declare both classes on the same declarative base: string targets resolve only within one registry."
            else:
                continue
            yield self.line_diagnostic(rel.path, rel.span, message, hint)

    VALID = [
        {
            # renku: each component's base has its own MetaData (a schema each)
            # and shares one registry, so a string target resolves across them.
            "app/registry.py": """
from sqlalchemy.orm import DeclarativeBase

class _CommonBase(DeclarativeBase):
    pass

COMMON_REGISTRY = _CommonBase.registry
""",
            "app/projects.py": """
from sqlalchemy import Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.registry import COMMON_REGISTRY

class ProjectsBase(DeclarativeBase):
    metadata = MetaData(schema="projects")
    registry = COMMON_REGISTRY

class Project(ProjectsBase):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped["EntitySlug"] = relationship(primaryjoin="Project.id == EntitySlug.project_id", foreign_keys="EntitySlug.project_id", viewonly=True)
""",
            "app/slugs.py": """
from sqlalchemy import Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.registry import COMMON_REGISTRY

class SlugsBase(DeclarativeBase):
    metadata = MetaData(schema="common")
    registry = COMMON_REGISTRY

class EntitySlug(SlugsBase):
    __tablename__ = "entity_slugs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer, index=True)
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", back_populates="author")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    author = relationship(User, back_populates="posts")
""",
        """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[List["Child"]] = relationship(back_populates="parent")

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped["Parent"] = relationship(back_populates="children")
""",
        """
from sqlmodel import Field, Relationship, SQLModel
from external_package.models import Owner

class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    heroes: list["Hero"] = Relationship(back_populates="team")
    owner: "Owner" = Relationship()

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    team: Team | None = Relationship(back_populates="heroes")
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Posts")  # ORM105

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
""",
        """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[List["Kid"]] = relationship()  # ORM105
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nother = SQLAlchemy()\n",
            "app/models.py": """
from app import db, other

class Report(other.Model):
    id = other.Column(other.Integer, primary_key=True)

class Dashboard(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer)
    reports = db.relationship("Report")  # ORM105
""",
        },
    ]


# The relationships declaring each backref, by (backref name, id of the target
# class), with their position in `ProjectIndex.backref_sources`.
_BackrefSources = dict[tuple[str, int], list[tuple[int, RelationshipInfo]]]


def _backref_sources(index: ProjectIndex) -> _BackrefSources:
    """`index.backref_sources` by backref name and target: looking through the whole
    list for each relationship made ORM106 and ORM118 quadratic in the number of
    backrefs (about 1 s each with 10,000 models)."""
    found: _BackrefSources = {}
    for position, rel in enumerate(index.backref_sources):
        if rel.backref is not None and rel.target is not None:
            found.setdefault((rel.backref, id(rel.target)), []).append((position, rel))
    return found


def _hierarchy_sources(rel: RelationshipInfo, sources: _BackrefSources) -> list[str]:
    """What already holds `rel.backref` on the target's mapper hierarchy
    (`sources`: `_backref_sources` of the index)."""
    assert rel.target is not None and rel.backref is not None
    name = rel.backref
    found: list[str] = []
    hierarchy = rel.target.hierarchy()
    for klass in hierarchy:
        if name in klass.columns:
            found.append(f"column `{klass.name}.{name}`")
        elif name in klass.properties:
            found.append(f"property `{klass.name}.{name}`")
        explicit = klass.relationships.get(name)
        if explicit is not None and explicit.from_backref is None:
            found.append(f"relationship `{klass.name}.{name}` ({explicit.path}:{span_line(explicit.span)})")
    # Other backrefs of that name on a class of the hierarchy, in the order of the index.
    others = {position: other for klass in hierarchy for position, other in sources.get((name, id(klass)), ()) if other is not rel}
    for position in sorted(others):
        other = others[position]
        found.append(f"the backref of `{other.label}` ({other.path}:{span_line(other.span)})")
    return found


class BackrefClash(Rule):
    """## What it does
    Flags a `backref="name"` that would create an attribute the target class
    (or a class in its mapped hierarchy) already has: a column, a relationship,
    or the backref of another relationship. The usual cause is one pair of
    relationships declared twice, once on each side, each with a `backref=`.

    ## Why is this bad?
    SQLAlchemy raises "Error creating backref 'x' on relationship 'A.y':
    property of that name exists on mapper 'B'" when the mappers are configured:
    the first query of the application fails.

    ## Example
    ```python
    class BankAccount(db.Model):
        transactions = db.relationship("Transaction", backref="account")

    class Transaction(db.Model):
        account = db.relationship("BankAccount", backref="transactions")
    ```

    ## Use instead
    Declare the pair once, with `back_populates` on both sides:
    ```python
    class BankAccount(db.Model):
        transactions = db.relationship("Transaction", back_populates="account")

    class Transaction(db.Model):
        account = db.relationship("BankAccount", back_populates="transactions")
    ```
    """

    code = "ORM106"
    name = "backref-clash"
    severity = Severity.ERROR
    summary = "a backref would create an attribute that already exists"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        sources = _backref_sources(ctx.index)
        for rel in ctx.index.backref_sources:
            if rel.target is None or rel.backref is None:
                continue
            found = _hierarchy_sources(rel, sources)
            if not found:
                continue
            message = f"`{rel.label}` declares backref `{rel.backref}` on `{rel.target.name}`, which already has {found[0]}."
            hint = "Declare the relationship pair once with `back_populates` on both sides, or rename the backref."
            yield self.line_diagnostic(rel.path, rel.span, message, hint)

    VALID = [
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class BankAccount(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    transactions = db.relationship("Transaction", backref="account", lazy=True)

class Transaction(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("bank_account.id"))
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    author = relationship("User", backref=backref("posts", lazy="dynamic"))
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped[Parent] = relationship(backref="children")
""",
    ]
    INVALID = [
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class BankAccount(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    transactions = db.relationship("Transaction", backref="account", lazy=True)  # ORM106

class Transaction(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("bank_account.id"))
    account = db.relationship("BankAccount", backref="transactions")  # ORM106
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = Column(String(200))

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    author = relationship("User", backref=backref("posts"))  # ORM106
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped[Parent] = relationship(backref="children")  # ORM106

class Toy(Base):
    __tablename__ = "toys"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    owner: Mapped[Parent] = relationship(backref="children")  # ORM106
""",
    ]


class BackPopulatesMismatch(Rule):
    """## What it does
    Checks `back_populates="a"` against the target class: `a` must exist, be a
    relationship (not a column), point back to this class, and name this
    relationship in its own `back_populates`. Also flags a pair where only one
    side says `back_populates`.

    ## Why is this bad?
    A missing or wrong `a` fails mapper configuration ("Mapper has no property
    'a'", "reverse_property ... references relationship ... which does not
    reference mapper"). A one-sided pair is accepted silently, and the two
    sides fall out of sync inside the session: appending to one collection does
    not set the other attribute until the next load.

    Not reported as one-sided: a reverse whose `back_populates=` is computed
    (`back_populates=cls.__tablename__` in a mixin's `declared_attr`), and
    several relationships of a class (filtered by
    `primaryjoin=`, say `api_key` and `old_api_keys`) that all say
    back_populates="user", since `user` can name only one of them.

    ## Example
    ```python
    class User(Base):
        posts = relationship("Post", back_populates="owner")  # Post has `author`

    class Post(Base):
        author = relationship("User", back_populates="posts")
    ```

    ## Use instead
    ```python
        posts = relationship("Post", back_populates="author")
    ```
    """

    code = "ORM107"
    name = "back-populates-mismatch"
    severity = Severity.ERROR
    summary = "back_populates names a missing, wrong or one-sided attribute"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for rel in _relationships(ctx.index):
            if rel.back_populates is None or rel.target is None:
                continue
            problem = self._problem(rel)
            if problem is not None:
                yield self.line_diagnostic(rel.path, rel.span, problem[0], problem[1])

    def _problem(self, rel: RelationshipInfo) -> Optional[tuple[str, str]]:
        target = rel.target
        assert target is not None and rel.back_populates is not None
        name = rel.back_populates
        other = target.all_relationships().get(name)
        related = {rel.owner, *rel.owner.ancestors(), *rel.owner.descendants()}
        if other is None:
            if name in target.all_columns():
                return (f"`{rel.label}` says back_populates=`{name}`, but `{target.name}.{name}` is a column, not a relationship.",
                        f"Point back_populates at the relationship of `{target.name}` that leads back to `{rel.owner.name}`.")
            if name in target.all_attribute_names() or not target.complete or any(not a.complete for a in target.ancestors()):
                return None
            candidates = [k for k, r in target.all_relationships().items() if r.target in related]
            return (f"`{rel.label}` says back_populates=`{name}`, but `{target.name}` has no attribute `{name}`.",
                    (f"Name the relationship of `{target.name}` that points back to `{rel.owner.name}`." + suggestion(name, candidates)).strip())
        if other.from_backref is not None or other.viewonly or rel.viewonly:
            return None
        if other.target is not None and other.target not in related:
            return (f"`{rel.label}` says back_populates=`{name}`, but `{target.name}.{name}` points to `{other.target.name}`, not `{rel.owner.name}`.",
                    f"Pair `{rel.label}` with a relationship of `{target.name}` that targets `{rel.owner.name}`.")
        if other.back_populates is not None and other.back_populates != rel.key:
            if other.target is None or other.target in related:
                return (f"`{rel.label}` says back_populates=`{name}`, but `{target.name}.{name}` says back_populates=`{other.back_populates}`.",
                        f"Make the pair symmetric: `{target.name}.{name}` should say back_populates=\"{rel.key}\".")
            return None
        if other.back_populates is None and other.backref is None and other.target is not None:
            if other.back_populates_unknown:
                return None  # `back_populates=cls.__tablename__`: computed, maybe `rel.key`
            if any(r is not rel and r.back_populates == name and r.target is target for r in rel.owner.all_relationships().values()):
                # `api_key` and `old_api_keys` (filtered by `primaryjoin=`) both
                # say back_populates="user": `user` can name only one of them.
                return None
            return (f"`{rel.label}` says back_populates=`{name}`, but `{target.name}.{name}` does not say back_populates=\"{rel.key}\": the two sides are not linked.",
                    f"Add back_populates=\"{rel.key}\" to `{target.name}.{name}`.")
        return None

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, declared_attr, relationship

Base = declarative_base()

class Owner(Base):
    __tablename__ = "owners"
    id = Column(Integer, primary_key=True)
    notes = relationship("Note", back_populates="owner")

class OwnedMixin:
    id = Column(Integer, primary_key=True)

    @declared_attr
    def owner_id(cls):
        return Column(Integer, ForeignKey("owners.id"), index=True)

    @declared_attr
    def owner(cls):
        # JupyterHub: the reverse is named after the table.
        return relationship("Owner", back_populates=cls.__tablename__)

class Note(OwnedMixin, Base):
    __tablename__ = "notes"
""",
        """
from sqlalchemy import Boolean, Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    api_key = relationship("APIKey", uselist=False, primaryjoin="(User.id == APIKey.user_id) & APIKey.is_active",
                           back_populates="user", overlaps="old_api_keys")
    old_api_keys = relationship("APIKey", primaryjoin="(User.id == APIKey.user_id) & ~APIKey.is_active",
                                back_populates="user", overlaps="api_key")

class APIKey(Base):
    __tablename__ = "api_keys"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True)
    is_active = Column(Boolean, nullable=False, default=True)
    user = relationship("User")
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", back_populates="author")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    author = relationship("User", back_populates="posts")
""",
        """
from sqlmodel import Field, Relationship, SQLModel

class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    heroes: list["Hero"] = Relationship(back_populates="team")

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    team: Team | None = Relationship(back_populates="heroes")
""",
        """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Node(Base):
    __tablename__ = "nodes"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"))
    children: Mapped[List["Node"]] = relationship(back_populates="parent")
    parent: Mapped["Node"] = relationship(back_populates="children", remote_side=[id])
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class PullRequest(Base):
    __tablename__ = "pull_requests"
    id = Column(Integer, primary_key=True)
    files = relationship("PullRequestFile", back_populates="pull_request")  # ORM107

class PullRequestFile(Base):
    __tablename__ = "pull_request_files"
    id = Column(Integer, primary_key=True)
    pull_request_id = Column(Integer, ForeignKey("pull_requests.id"), index=True)
    # augur: an empty name is no back_populates at all (not a missing attribute).
    pull_request = relationship("PullRequest", back_populates="")
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", back_populates="owner")  # ORM107

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    author = relationship("User", back_populates="posts")  # ORM107
""",
        """
from sqlmodel import Field, Relationship, SQLModel

class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    heroes: list["Hero"] = Relationship(back_populates="team_id")  # ORM107

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
""",
        """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[List["Child"]] = relationship(back_populates="parent")  # ORM107

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped["Parent"] = relationship()
""",
    ]


def _join_problem(ctx: RuleContext, rel: RelationshipInfo) -> Optional[tuple[str, str]]:
    owner, target = rel.owner, rel.target
    if target is None or rel.has_join_condition or rel.from_backref is not None:
        return None
    left, right = owner.table, target.table
    if left is None or right is None or left.name is None or right.name is None:
        return None
    if owner.inheritance == "joined" or target.inheritance == "joined":
        return None
    if rel.secondary is not None:
        if rel.secondary_status != "resolved" or rel.has_secondary_join or rel.secondary_table is None:
            return None
        secondary = rel.secondary_table
        for side in (left, right):
            paths = join_constraints(ctx.index, side, secondary)
            if paths is None:
                return None
            if len(paths) != 1:
                return _join_message(rel, len(paths), f"`{side.display}` and the secondary table `{secondary.display}`")
        return None
    paths = join_constraints(ctx.index, left, right)
    if paths is None or len(paths) == 1:
        return None
    return _join_message(rel, len(paths), f"tables `{left.display}` and `{right.display}`")


def _join_message(rel: RelationshipInfo, count: int, between: str) -> tuple[str, str]:
    assert rel.target is not None
    if count == 0:
        return (f"`{rel.label}` relates `{rel.owner.name}` to `{rel.target.name}`, but no foreign key links {between} (NoForeignKeysError).",
                "Add a ForeignKey column on the many side, or give the relationship a `primaryjoin=`.")
    return (f"`{rel.label}` relates `{rel.owner.name}` to `{rel.target.name}`, but {count} foreign keys link {between} (AmbiguousForeignKeysError).",
            "Say which one to use with `foreign_keys=[...]` (or `primaryjoin=`).")


class RelationshipWithoutJoinPath(Rule):
    """## What it does
    Checks that the tables of a relationship are linked by exactly one foreign
    key path (through the `secondary` table for many-to-many; SQLModel's
    `link_model=` is that table), unless the relationship states
    `primaryjoin=` or `foreign_keys=`.

    ## Why is this bad?
    With no path SQLAlchemy raises NoForeignKeysError; with two or more (say
    `author_id` and `editor_id`, both to `users`) it raises
    AmbiguousForeignKeysError. Both surface at the first query.

    A column's `ForeignKey("parents.id")` restated as
    `ForeignKeyConstraint(["parent_id"], ["parents.id"])` in `__table_args__`
    is one path: SQLAlchemy merges constraints that link the same columns.

    ## Example
    ```python
    class Post(Base):
        author_id = Column(ForeignKey("users.id"))
        editor_id = Column(ForeignKey("users.id"))
        author = relationship("User")
    ```

    ## Use instead
    ```python
        author = relationship("User", foreign_keys=[author_id])
    ```
    """

    code = "ORM108"
    name = "relationship-join-path"
    severity = Severity.ERROR
    summary = "relationship tables have no foreign key path, or several"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for rel in _relationships(ctx.index):
            problem = _join_problem(ctx, rel)
            if problem is not None:
                yield self.line_diagnostic(rel.path, rel.span, problem[0], problem[1])

    VALID = [
        """
from typing import Optional

from sqlmodel import Field, Relationship, SQLModel

class HeroTeamLink(SQLModel, table=True):
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", primary_key=True)
    hero_id: Optional[int] = Field(default=None, foreign_key="hero.id", primary_key=True)

class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)

class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    editor_id = Column(ForeignKey("users.id"))
    author = relationship("User", foreign_keys=[author_id])
    editor = relationship("User", foreign_keys="Post.editor_id")
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

tags = db.Table(
    "tags",
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
    db.Column("page_id", db.Integer, db.ForeignKey("page.id"), primary_key=True),
)

class Page(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tags = db.relationship("Tag", secondary=tags, backref="pages")

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
""",
        },
        """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[List["Child"]] = relationship(back_populates="parent")

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped["Parent"] = relationship(back_populates="children")
""",
        # The ForeignKey restated as a ForeignKeyConstraint (mlflow's models): one path.
        """
from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Parent(Base):
    __tablename__ = "parents"
    id = Column(String(36), primary_key=True)
    children = relationship("Child", back_populates="parent")

class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    parent_id = Column(String(36), ForeignKey("parents.id"), nullable=False, index=True)
    parent = relationship("Parent", back_populates="children")
    __table_args__ = (ForeignKeyConstraint(["parent_id"], ["parents.id"], name="fk_children_parent_id"),)
""",
    ]
    INVALID = [
        """
from typing import Optional

from sqlmodel import Field, Relationship, SQLModel

class HeroTeamLink(SQLModel, table=True):
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", primary_key=True)
    hero_id: Optional[int] = Field(default=None, primary_key=True)

class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)  # ORM108

class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)  # ORM108
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    editor_id = Column(ForeignKey("users.id"))
    author = relationship("User")  # ORM108
""",
        # A composite constraint over a column that also has its own ForeignKey: two paths.
        """
from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Version(Base):
    __tablename__ = "versions"
    doc_id = Column(Integer, primary_key=True)
    number = Column(Integer, primary_key=True)

class Comment(Base):
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    doc_id = Column(Integer, ForeignKey("versions.doc_id"))
    number = Column(Integer)
    version = relationship("Version")  # ORM108
    __table_args__ = (ForeignKeyConstraint(["doc_id", "number"], ["versions.doc_id", "versions.number"]),)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Page(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tags = db.relationship("Tag")  # ORM108

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(20))
""",
        },
        """
from typing import List
from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

links = Table(
    "links",
    Base.metadata,
    Column("left_id", ForeignKey("lefts.id")),
    Column("other", ForeignKey("lefts.id")),
)

class Left(Base):
    __tablename__ = "lefts"
    id: Mapped[int] = mapped_column(primary_key=True)
    rights: Mapped[List["Right"]] = relationship(secondary=links)  # ORM108

class Right(Base):
    __tablename__ = "rights"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
    ]


class AmbiguousClassName(Rule):
    """## What it does
    Flags a string reference (`relationship("Tag")`, `Mapped[List["Tag"]]`,
    `order_by="Tag.name"`, `primaryjoin=` strings) that names a class which more
    than one mapped class of the same declarative registry is called.

    ## Why is this bad?
    SQLAlchemy raises "Multiple classes found for path 'Tag' in the registry of
    this declarative base. Please use a fully module-qualified path." at mapper
    configuration. Same-named classes that no string names are fine.

    ## Example
    ```python
    tags = relationship("Tag")  # both blog.models.Tag and shop.models.Tag exist
    ```

    ## Use instead
    ```python
    tags = relationship("blog.models.Tag")
    ```
    """

    code = "ORM116"
    name = "ambiguous-class-name"
    severity = Severity.ERROR
    summary = "a string reference names a class that several mapped classes are called"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for rel in _relationships(ctx.index):
            names: list[str] = []
            if rel.target_status == "ambiguous" and rel.target_text:
                names.append(rel.target_text)
            for key, text in rel.string_refs:
                if key == "secondary":
                    continue
                for token in _CLASS_TOKEN.findall(text):
                    if len(ctx.index.classes_named(rel.owner.registry, token, near=rel.module)) > 1 and token not in names:
                        names.append(token)
            for name in names:
                candidates = ctx.index.classes_named(rel.owner.registry, name, near=rel.module)
                paths = ", ".join(sorted(c.qualname for c in candidates))
                message = f"`{rel.label}` refers to class `{name}` by name, but {len(candidates)} mapped classes of its registry are called `{name}`: {paths}."
                hint = f"Use a module-qualified path such as \"{sorted(c.qualname for c in candidates)[0]}\", or rename one of the classes."
                yield self.line_diagnostic(rel.path, rel.span, message, hint)

    VALID = [
        {
            "blog/__init__.py": "",
            "blog/base.py": "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n",
            "blog/models.py": """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import relationship
from blog.base import Base

class Tag(Base):
    __tablename__ = "blog_tags"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id"))

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    tags = relationship("blog.models.Tag")
""",
            "shop/__init__.py": "",
            "shop/models.py": """
from sqlalchemy import Column, Integer
from blog.base import Base

class Tag(Base):
    __tablename__ = "shop_tags"
    id = Column(Integer, primary_key=True)
""",
            "main.py": "import blog.models\nimport shop.models\n",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id"))

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    tags = relationship("Tag", order_by="Tag.id")
""",
        {
            "a.py": """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
            "b.py": """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy import ForeignKey

class Other(DeclarativeBase):
    pass

class Tag(Other):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))

class Owner(Other):
    __tablename__ = "owners"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[list["Tag"]] = relationship()
""",
        },
    ]
    INVALID = [
        {
            "blog/__init__.py": "",
            "blog/base.py": "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n",
            "blog/models.py": """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import relationship
from blog.base import Base

class Tag(Base):
    __tablename__ = "blog_tags"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id"))

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    tags = relationship("Tag")  # ORM116
""",
            "shop/__init__.py": "",
            "shop/models.py": """
from sqlalchemy import Column, Integer
from blog.base import Base

class Tag(Base):
    __tablename__ = "shop_tags"
    id = Column(Integer, primary_key=True)
""",
            "main.py": "import blog.models\nimport shop.models\n",
        },
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/one.py": """
from app import db

class Item(db.Model):
    __tablename__ = "items_one"
    id = db.Column(db.Integer, primary_key=True)
    cart_id = db.Column(db.Integer, db.ForeignKey("cart.id"))
""",
            "app/two.py": """
from app import db

class Item(db.Model):
    __tablename__ = "items_two"
    id = db.Column(db.Integer, primary_key=True)

class Cart(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    items = db.relationship("app.one.Item", order_by="Item.id")  # ORM116
""",
            "app/views.py": "from app import one, two\n",
        },
        {
            "x/__init__.py": "from x import a, b\n",
            "x/base.py": """
from sqlalchemy.orm import DeclarativeBase

class Base(DeclarativeBase):
    pass
""",
            "x/a.py": """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column
from x.base import Base

class Tag(Base):
    __tablename__ = "tags_a"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))
""",
            "x/b.py": """
from sqlalchemy.orm import Mapped, mapped_column, relationship
from x.base import Base

class Tag(Base):
    __tablename__ = "tags_b"
    id: Mapped[int] = mapped_column(primary_key=True)

class Owner(Base):
    __tablename__ = "owners"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[list["Tag"]] = relationship()  # ORM116
""",
        },
    ]


class DeleteOrphanWithoutSingleParent(Rule):
    """## What it does
    Flags `cascade="...delete-orphan"` on a many-to-one or many-to-many
    relationship (including one created through `backref()`) that does not set
    `single_parent=True`.

    ## Why is this bad?
    SQLAlchemy raises ArgumentError (code bbf0) at mapper configuration: "On X.y,
    delete-orphan cascade is not supported on a many-to-many or many-to-one
    relationship when single_parent is not set."

    ## Example
    ```python
    class Post(Base):
        author = relationship("User", cascade="all, delete-orphan")
    ```

    ## Use instead
    Put the cascade on the one-to-many side (`User.posts`), or add
    `single_parent=True` if each user really belongs to one post.
    """

    code = "ORM117"
    name = "delete-orphan-many-to-one"
    severity = Severity.ERROR
    summary = "delete-orphan cascade on many-to-one without single_parent"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for rel in _relationships(ctx.index, include_backrefs=True):
            if not rel.cascade or "delete-orphan" not in rel.cascade or rel.single_parent or rel.target is None:
                continue
            direction = relationship_direction(ctx.index, rel)
            if direction not in ("many-to-one", "many-to-many"):
                continue
            message = f"`{rel.label}` is {direction} with cascade `{rel.cascade}` but without single_parent=True."
            hint = f"Move delete-orphan to the one-to-many side, or add single_parent=True to `{rel.label}`."
            yield self.line_diagnostic(rel.path, rel.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", cascade="all, delete-orphan", back_populates="author")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    author = relationship("User", back_populates="posts")
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Profile(Base):
    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)

class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id"))
    profile: Mapped[Profile] = relationship(cascade="all, delete-orphan", single_parent=True)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tasks = db.relationship("Task", backref=db.backref("user", lazy=True), cascade="all, delete-orphan")
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    author = relationship("User", cascade="all, delete-orphan")  # ORM117
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))

class Board(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"))

class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    members = db.relationship(
        "User", backref=db.backref("team", cascade="all, delete-orphan")
    )

class Column2(db.Model):
    id = db.Column(db.Integer, primary_key=True)

User.tasks = db.relationship("Task", backref=db.backref("user", cascade="all, delete-orphan"))  # ORM117
""",
        },
        """
from typing import List
from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

article_tags = Table(
    "article_tags",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id")),
    Column("tag_id", ForeignKey("tags.id")),
)

class Article(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[List["Tag"]] = relationship(secondary=article_tags, cascade="all, delete-orphan")  # ORM117

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
    ]


def _synced_columns(ctx: RuleContext, rel: RelationshipInfo) -> Optional[list[ColumnInfo]]:
    """The foreign key columns a relationship writes when it flushes."""
    owner, target = rel.owner, rel.target
    if target is None or rel.viewonly or rel.has_join_condition:
        return None
    if owner.parent is not None or owner.children or target.parent is not None or target.children:
        return None
    left, right = owner.table, target.table
    if left is None or right is None:
        return None
    if rel.secondary is not None:
        if rel.secondary_status != "resolved" or rel.secondary_table is None or rel.has_secondary_join:
            return None
        columns: list[ColumnInfo] = []
        for side in (left, right):
            paths = foreign_key_constraints(ctx.index, rel.secondary_table, side)
            if paths is None or len(paths) != 1:
                return None
            columns.extend(next(iter(paths.values())))
        return columns
    paths = join_constraints(ctx.index, left, right)
    if paths is None or len(paths) != 1 or left is right:
        return None
    return next(iter(paths.values()))


def _linked(a: RelationshipInfo, b: RelationshipInfo) -> bool:
    if a.from_backref is b or b.from_backref is a:
        return True
    if a.back_populates == b.key and a.target is b.owner or b.back_populates == a.key and b.target is a.owner:
        return True
    return a.key in b.overlaps or b.key in a.overlaps or "__*" in a.overlaps or "__*" in b.overlaps


class ConflictingRelationships(Rule):
    """## What it does
    Flags two relationships that write the same foreign key column and are not
    linked to each other by `back_populates`/`backref`, `viewonly=True` or
    `overlaps=`: typically one pair declared twice, once from each side.

    ## Why is this bad?
    SQLAlchemy warns "relationship 'X' will copy column a.id to column b.a_id,
    which conflicts with relationship(s): 'Y'" (SAWarning qzyx). The two
    attributes are managed separately: changing one leaves the other stale,
    and the flush order decides which value is written.

    ## Example
    ```python
    class BankAccount(db.Model):
        transactions = db.relationship("Transaction")

    class Transaction(db.Model):
        account = db.relationship("BankAccount")
    ```

    ## Use instead
    ```python
    class BankAccount(db.Model):
        transactions = db.relationship("Transaction", back_populates="account")

    class Transaction(db.Model):
        account = db.relationship("BankAccount", back_populates="transactions")
    ```
    """

    code = "ORM118"
    name = "conflicting-relationships"
    severity = Severity.WARNING
    summary = "two unlinked relationships write the same foreign key column"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        writers: dict[int, list[RelationshipInfo]] = {}
        for rel in _relationships(ctx.index, include_backrefs=True):
            columns = _synced_columns(ctx, rel)
            for column in columns or ():
                writers.setdefault(id(column), []).append(rel)
        # A pair whose backrefs collide fails earlier (ORM106); SQLAlchemy never gets here.
        sources = _backref_sources(ctx.index)
        clashing = {
            frozenset((id(rel.owner), id(rel.target)))
            for rel in ctx.index.backref_sources
            if rel.target is not None and rel.backref is not None and _hierarchy_sources(rel, sources)
        }
        reported: set[int] = set()
        for rels in writers.values():
            ordered = sorted(rels, key=lambda r: (r.path, span_line(r.span), r.key))
            for index, later in enumerate(ordered):
                for earlier in ordered[:index]:
                    if id(later) in reported or _linked(earlier, later) or earlier.span == later.span:
                        continue
                    if any(frozenset((id(r.owner), id(r.target))) in clashing for r in (earlier, later)):
                        continue
                    reported.add(id(later))
                    message = (
                        f"`{later.label}` and `{earlier.label}` ({earlier.path}:{span_line(earlier.span)}) both write the same "
                        f"foreign key column and are not linked."
                    )
                    hint = f"Link them with back_populates on both sides, or mark one viewonly=True (or overlaps=\"{earlier.key}\")."
                    yield self.line_diagnostic(later.path, later.span, message, hint)

    VALID = [
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class BankAccount(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    transactions = db.relationship("Transaction", back_populates="account")

class Transaction(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("bank_account.id"))
    account = db.relationship("BankAccount", back_populates="transactions")
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", backref="author")
    recent_posts = relationship("Post", viewonly=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
""",
        """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[List["Child"]] = relationship()

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped["Parent"] = relationship(overlaps="children")
""",
    ]
    INVALID = [
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class BankAccount(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    transactions = db.relationship("Transaction", lazy=True)

class Transaction(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("bank_account.id"))
    account = db.relationship("BankAccount")  # ORM118
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", backref="author")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    writer = relationship("User")  # ORM118
""",
        """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[List["Child"]] = relationship()
    kids: Mapped[List["Child"]] = relationship()  # ORM118

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
""",
    ]
