"""ORM112, ORM119, ORM120: what a model class body declares."""

from __future__ import annotations

from typing import Iterator

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import span_line
from ormlint.rules.base import Rule, RuleContext


class AttributeAssignedTwice(Rule):
    """## What it does
    Flags an attribute assigned twice in one model class body.

    ## Why is this bad?
    The first definition is silently replaced by the second: a column vanishes
    from the table, or a relationship loses its options, and nothing says so.

    ## Example
    ```python
    class User(Base):
        email = Column(String(200), unique=True)
        ...
        email = Column(String(100))
    ```

    ## Use instead
    Keep one definition (the one the migrations created).

    Definitions under `if`/`else` or `try` are alternatives (a column type
    chosen by a setting, say): only one of them may run, so they are not
    compared.
    """

    code = "ORM112"
    name = "attribute-assigned-twice"
    severity = Severity.WARNING
    summary = "an attribute is assigned twice in one model class body"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for mapped, first, second in ctx.index.duplicate_assignments:
            message = f"`{mapped.name}.{second.target}` is assigned again here; the definition at line {span_line(first.span)} is lost."
            hint = f"Remove one of the two definitions of `{second.target}`."
            yield self.line_diagnostic(mapped.path, second.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200))
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]

    @property
    def label(self) -> str:
        return self.name

    @label.setter
    def label(self, value: str) -> None:
        self.name = value
""",
        """
class Plain:
    x = 1
    x = 2
""",
        """
import os

from sqlalchemy import Column, LargeBinary, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()
ENCRYPTED = os.environ.get("ENCRYPTED") == "1"

class Chunk(Base):
    __tablename__ = "chunk"
    id = Column(Text, primary_key=True)
    if ENCRYPTED:
        body = Column(LargeBinary, nullable=True)
    else:
        body = Column(Text, nullable=True)
    try:
        from pgvector.sqlalchemy import Vector
        embedding = Column(Vector(3))
    except ImportError:
        embedding = Column(Text)
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), unique=True)
    email = Column(String(100))  # ORM112
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column()
    name: Mapped[str] = mapped_column(unique=True)  # ORM112
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    entries = db.relationship("Entry", lazy=True)
    entries = db.relationship("Entry", lazy="dynamic")  # ORM112

class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("account.id"))
""",
        },
    ]


class UnmappedAnnotation(Rule):
    """## What it does
    In a class on a SQLAlchemy 2.0 `DeclarativeBase`, flags an annotated
    attribute without a value whose annotation is not `Mapped[...]` (or
    `ClassVar[...]`), unless the class sets `__allow_unmapped__ = True`.
    Annotations under `if TYPE_CHECKING:` (or another branch) are left alone:
    the first never run, so SQLAlchemy never sees them.

    ## Why is this bad?
    SQLAlchemy raises MappedAnnotationError (code zlpr) when the class is
    created: "Type annotation for 'User.nickname' can't be correctly interpreted
    for Annotated Declarative Table form." The module cannot be imported.

    ## Example
    ```python
    class User(Base):
        nickname: str
    ```

    ## Use instead
    ```python
    class User(Base):
        nickname: Mapped[str]
    ```
    """

    code = "ORM119"
    name = "unmapped-annotation"
    severity = Severity.ERROR
    summary = "annotated attribute in a 2.0 declarative class is not Mapped[...]"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for mapped, assign in ctx.index.unmapped_annotations:
            if mapped.allow_unmapped:
                continue
            message = f"`{mapped.name}.{assign.target}` is annotated without `Mapped[...]` in a DeclarativeBase model."
            hint = f"Write `{assign.target}: Mapped[...]`, use `ClassVar[...]` for a class constant, or set `__allow_unmapped__ = True`."
            yield self.line_diagnostic(mapped.path, assign.span, message, hint)

    VALID = [
        """
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

class Base(DeclarativeBase):
    pass

class Rsvp(Base):
    __tablename__ = "rsvp"
    id: Mapped[int] = mapped_column(primary_key=True)
    if TYPE_CHECKING:
        # Funnel: only for a protocol the type checker compares against.
        id_: declared_attr[Any]
""",
        """
from typing import ClassVar
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str]
    kind: ClassVar[str] = "user"
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    __allow_unmapped__ = True

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    cache: dict
""",
        """
from typing import Optional
from sqlalchemy import Column, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column

class Base(MappedAsDataclass, DeclarativeBase):
    pass

class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    note: "Optional[str]" = None
    greeting: str = Column(Integer)
""",
    ]
    INVALID = [
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: str  # ORM119
""",
        """
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    note: str = mapped_column(String(30))  # ORM119
    parent: "Item" = relationship(remote_side=[id])  # ORM119
""",
        {
            "db/__init__.py": "",
            "db/base.py": """
from sqlalchemy.orm import DeclarativeBase

class Base(DeclarativeBase):
    pass
""",
            "db/models.py": """
from sqlalchemy.orm import Mapped, mapped_column
from db.base import Base

class Mixin:
    created: Mapped[int]

class Event(Mixin, Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    payload: dict  # ORM119
""",
        },
    ]


class ReservedMetadataAttribute(Rule):
    """## What it does
    Flags a mapped class that defines an attribute named `metadata`.

    ## Why is this bad?
    `metadata` is reserved on declarative classes for the `MetaData` object.
    SQLAlchemy 1.4 and 2.0 raise InvalidRequestError ("Attribute name 'metadata'
    is reserved when using the Declarative API"); 2.1 warns and the attribute
    shadows the MetaData.

    ## Example
    ```python
    class Document(Base):
        metadata = Column(JSON)
    ```

    ## Use instead
    ```python
    class Document(Base):
        metadata_ = Column("metadata", JSON)
    ```

    `metadata = MetaData(...)` on an `__abstract__` base is not reported: it
    gives the base's subclasses their own MetaData, as the declarative docs show.
    Nor is `metadata` on a class the declarative base derives from
    (`declarative_base(cls=CommonBase)`): the base's own MetaData replaces it;
    on a mixin listed after the base (`class Service(BASE, CommonMixin)`),
    which the base's MetaData hides; or `metadata = None` on a mixin (not
    mapped; a class whose `metadata` is None gets its registry's MetaData).
    """

    code = "ORM120"
    name = "reserved-metadata-attribute"
    severity = Severity.ERROR
    summary = "a mapped class defines `metadata`"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for mapped, path, span in ctx.index.reserved_metadata:
            message = f"`{mapped.name}.metadata` is reserved for the declarative MetaData."
            hint = "Rename the attribute (e.g. `metadata_ = Column(\"metadata\", JSON)` keeps the column name)."
            yield self.line_diagnostic(path, span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

class CommonBase:
    # ironic: replaced by the MetaData declarative_base() sets on Base.
    metadata = None
    version = Column(String(15))

Base = declarative_base(cls=CommonBase)

class Chassis(Base):
    __tablename__ = "chassis"
    id = Column(Integer, primary_key=True)
""",
        """
from sqlalchemy import JSON, Column, DateTime, Integer
from sqlalchemy.orm import declarative_base

BASE = declarative_base()

class SoftDeleteMixin:
    deleted_at = Column(DateTime)
    metadata = Column(JSON)

class Service(BASE, SoftDeleteMixin):
    # cinder: the mixin comes after the base, whose MetaData hides its `metadata`.
    __tablename__ = "services"
    id = Column(Integer, primary_key=True)

class NoMetadataMixin:
    metadata = None

class Volume(NoMetadataMixin, BASE):
    # Not mapped; SQLAlchemy takes the registry's MetaData for a None.
    __tablename__ = "volumes"
    id = Column(Integer, primary_key=True)
""",
        """
import sqlalchemy
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Model(Base):
    # Mailu: a naming convention for the tables of its models.
    __abstract__ = True
    metadata = sqlalchemy.schema.MetaData(naming_convention={"ix": "ix_%(column_0_label)s"})

class Config(Model):
    __tablename__ = "config"
    id = Column(Integer, primary_key=True)
""",
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    metadata_ = Column("metadata", JSON)
""",
        """
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    metadata = MetaData(schema="app")

class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        """
class NotAModel:
    metadata = {"a": 1}
""",
    ]
    INVALID = [
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    metadata = Column(JSON)  # ORM120
""",
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Described:
    metadata = Column(JSON)  # ORM120

class Document(Described, Base):
    # The mixin comes first: its column is mapped as `metadata`.
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)

    def metadata(self):  # ORM120
        return {}
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Upload(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    metadata = db.Column(db.JSON)  # ORM120
""",
        },
    ]
