"""Cross-checks: the runtime failure each rule pre-empts, reproduced with SQLAlchemy itself.

ormlint never imports the code it analyses; these tests do, on purpose. Each
test writes a tiny model module (its own declarative base, so its own registry
and MetaData) to `tmp_path`, runs ormlint on it in-process, then imports it
with SQLAlchemy and configures the mappers / creates the tables on in-memory
SQLite, asserting the exact exception or warning the rule stands for. Every
failing fixture has a clean look-alike that SQLAlchemy accepts without any
SAWarning and on which ormlint reports nothing for that rule.

Expected diagnostics are written into the fixture source as trailing
`# ORMxxx` comments, as in the rules' INVALID examples; the test asserts that
ormlint reports exactly those (file, line, code) triples for the selected rule.

Not cross-checked, because SQLAlchemy raises nothing for them at runtime:
ORM103 and ORM104 (type / size mismatch across a foreign key: only PostgreSQL
and friends refuse it, SQLite accepts anything) and ORM115 (a `<name>_id`
column without ForeignKey is legal).

The last section holds the cases where the two disagree (ormlint misses an
error SQLAlchemy raises, or flags code SQLAlchemy accepts): strict xfails that
turn red once ormlint is fixed.

Runs against SQLAlchemy 2.0 and 2.1 (ORM120 differs between the two).
"""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
import warnings
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest

sa = pytest.importorskip("sqlalchemy")

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy import exc as sa_exc  # noqa: E402
from sqlalchemy.orm import clear_mappers, configure_mappers  # noqa: E402
from sqlalchemy.orm.exc import MappedAnnotationError  # noqa: E402

from ormlint.config import Config  # noqa: E402
from ormlint.engine import run  # noqa: E402
from ormlint.selection import resolve_selection  # noqa: E402

SA_VERSION = tuple(int(part) for part in re.findall(r"\d+", sa.__version__)[:2])

_MARK = re.compile(r"#\s*(ORM\d{3}(?:[\s,]+ORM\d{3})*)\s*$")

Triple = tuple[str, int, str]


class LintMismatch(AssertionError):
    """ormlint's diagnostics differ from the `# ORMxxx` marks (the only failure the xfail tests expect)."""


class CrossCheck:
    """A tmp_path project that ormlint analyses and Python then imports."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # -- the fixture -----------------------------------------------------
    def write(self, files: dict[str, str]) -> None:
        for relative, source in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")

    def expected(self, code: str) -> set[Triple]:
        marks: set[Triple] = set()
        for path in sorted(self.root.rglob("*.py")):
            relative = path.relative_to(self.root).as_posix()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                match = _MARK.search(line)
                if match and code in re.split(r"[\s,]+", match.group(1)):
                    marks.add((relative, number, code))
        return marks

    # -- ormlint -----------------------------------------------------------
    def lint(self, code: str) -> set[Triple]:
        result = run([self.root], Config(), resolve_selection([code], [], []))
        assert not result.internal_errors, result.internal_errors
        found: set[Triple] = set()
        for diagnostic in result.diagnostics:
            relative = Path(diagnostic.filename).resolve().relative_to(self.root.resolve()).as_posix()
            found.add((relative, diagnostic.location.row, diagnostic.code))
        return found

    def assert_reports(self, code: str) -> None:
        """ormlint reports `code` exactly where the fixture's `# CODE` marks say."""
        expected = self.expected(code)
        assert expected, f"the fixture marks no line with {code}"
        found = self.lint(code)
        if found != expected:
            raise LintMismatch(f"ormlint reported {sorted(found)}, expected {sorted(expected)}")

    def assert_silent(self, code: str) -> None:
        assert not self.expected(code), "a clean fixture must carry no mark"
        found = self.lint(code)
        if found:
            raise LintMismatch(f"ormlint reported {sorted(found)} on a fixture SQLAlchemy accepts")

    # -- SQLAlchemy -------------------------------------------------------
    def load(self, module: str) -> ModuleType:
        """Import a fixture module by name (so SQLAlchemy sees a real module path)."""
        assert module not in sys.modules, f"{module} is already imported"
        importlib.invalidate_caches()
        return importlib.import_module(module)

    def load_cleanly(self, module: str) -> ModuleType:
        """Import, configure the mappers and create the tables: no exception, no SAWarning."""
        with warnings.catch_warnings():
            warnings.simplefilter("error", sa_exc.SAWarning)
            loaded = self.load(module)
            configure_mappers()
            create_all(loaded)
        return loaded


def resolve_foreign_keys(metadata: "sa.MetaData") -> None:
    """What create_all() does first, without any DDL (SQLite knows no schemas)."""
    for table in metadata.tables.values():
        for foreign_key in table.foreign_keys:
            foreign_key.column  # noqa: B018 - resolving raises NoReferencedTableError/ColumnError


def create_all(module: ModuleType) -> None:
    engine = create_engine("sqlite://")
    try:
        module.Base.metadata.create_all(engine)
    finally:
        engine.dispose()


@pytest.fixture
def xc(tmp_path: Path) -> Iterator[CrossCheck]:
    clear_mappers()
    sys.path.insert(0, str(tmp_path))
    try:
        yield CrossCheck(tmp_path)
    finally:
        sys.path.remove(str(tmp_path))
        root = str(tmp_path.resolve())
        for name, module in list(sys.modules.items()):
            origin = getattr(module, "__file__", None) or ""
            if origin and str(Path(origin).resolve()).startswith(root):
                del sys.modules[name]
        clear_mappers()
        importlib.invalidate_caches()


# ---------------------------------------------------------------------------
# ORM101: ForeignKey names an unknown table -> NoReferencedTableError
# ---------------------------------------------------------------------------

ORM101_BAD = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("user.id"))  # ORM101
"""

ORM101_OTHER_BASE = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class LegacyBase(DeclarativeBase):
    pass

class User(LegacyBase):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)

class AuditEntry(Base):
    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # ORM101
"""

ORM101_CLEAN = ORM101_BAD.replace('ForeignKey("user.id"))  # ORM101', 'ForeignKey("users.id"))')


@pytest.mark.crosscheck
@pytest.mark.parametrize("source", [ORM101_BAD, ORM101_OTHER_BASE], ids=["misspelt-table", "table-on-other-base"])
def test_orm101_unknown_table_raises_no_referenced_table(xc: CrossCheck, source: str) -> None:
    xc.write({"xc101_bad.py": source})
    xc.assert_reports("ORM101")
    module = xc.load("xc101_bad")
    with pytest.raises(sa_exc.NoReferencedTableError, match=r"could not find table '(user|users)'"):
        create_all(module)


@pytest.mark.crosscheck
def test_orm101_clean(xc: CrossCheck) -> None:
    xc.write({"xc101_clean.py": ORM101_CLEAN})
    xc.assert_silent("ORM101")
    xc.load_cleanly("xc101_clean")


# ---------------------------------------------------------------------------
# ORM102: ForeignKey names an unknown column -> NoReferencedColumnError
# ---------------------------------------------------------------------------

ORM102_BAD = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))  # ORM102
"""

ORM102_CLEAN = ORM102_BAD.replace('ForeignKey("users.user_id"))  # ORM102', 'ForeignKey("users.id"))')


@pytest.mark.crosscheck
def test_orm102_unknown_column_raises_no_referenced_column(xc: CrossCheck) -> None:
    xc.write({"xc102_bad.py": ORM102_BAD})
    xc.assert_reports("ORM102")
    module = xc.load("xc102_bad")
    with pytest.raises(sa_exc.NoReferencedColumnError, match=r"table 'users' has no column named 'user_id'"):
        create_all(module)


@pytest.mark.crosscheck
def test_orm102_clean(xc: CrossCheck) -> None:
    xc.write({"xc102_clean.py": ORM102_CLEAN})
    xc.assert_silent("ORM102")
    xc.load_cleanly("xc102_clean")


# ---------------------------------------------------------------------------
# ORM105: relationship target class not found -> "failed to locate a name"
# ---------------------------------------------------------------------------

ORM105_BAD = """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts: Mapped[List["Post"]] = relationship("Posts")  # ORM105

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
"""

ORM105_CLEAN = ORM105_BAD.replace('relationship("Posts")  # ORM105', 'relationship("Post")')


@pytest.mark.crosscheck
def test_orm105_unknown_target_fails_to_locate_name(xc: CrossCheck) -> None:
    xc.write({"xc105_bad.py": ORM105_BAD})
    xc.assert_reports("ORM105")
    xc.load("xc105_bad")
    with pytest.raises(sa_exc.InvalidRequestError, match=r"expression 'Posts' failed to locate a name"):
        configure_mappers()


@pytest.mark.crosscheck
def test_orm105_clean(xc: CrossCheck) -> None:
    xc.write({"xc105_clean.py": ORM105_CLEAN})
    xc.assert_silent("ORM105")
    xc.load_cleanly("xc105_clean")


# ---------------------------------------------------------------------------
# ORM106: backref clashes with an existing attribute -> "Error creating backref"
# ---------------------------------------------------------------------------

ORM106_PAIR_TWICE = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class BankAccount(Base):
    __tablename__ = "bank_account"
    id = Column(Integer, primary_key=True)
    transactions = relationship("Transaction", backref="account")  # ORM106

class Transaction(Base):
    __tablename__ = "transaction"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("bank_account.id"))
    account = relationship("BankAccount", backref="transactions")  # ORM106
"""

ORM106_ONTO_COLUMN = """
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
"""

ORM106_CLEAN = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class BankAccount(Base):
    __tablename__ = "bank_account"
    id = Column(Integer, primary_key=True)
    transactions = relationship("Transaction", backref="account")

class Transaction(Base):
    __tablename__ = "transaction"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("bank_account.id"))
"""


@pytest.mark.crosscheck
@pytest.mark.parametrize("source", [ORM106_PAIR_TWICE, ORM106_ONTO_COLUMN], ids=["pair-declared-twice", "backref-onto-column"])
def test_orm106_backref_clash_raises_error_creating_backref(xc: CrossCheck, source: str) -> None:
    xc.write({"xc106_bad.py": source})
    xc.assert_reports("ORM106")
    xc.load("xc106_bad")
    with pytest.raises(sa_exc.ArgumentError, match=r"Error creating backref '\w+' on relationship '\w+\.\w+': property of that name exists"):
        configure_mappers()


@pytest.mark.crosscheck
def test_orm106_clean(xc: CrossCheck) -> None:
    xc.write({"xc106_clean.py": ORM106_CLEAN})
    xc.assert_silent("ORM106")
    module = xc.load_cleanly("xc106_clean")
    account = module.BankAccount()
    entry = module.Transaction(account=account)
    assert account.transactions == [entry]


# ---------------------------------------------------------------------------
# ORM107: back_populates names a missing attribute -> "has no property";
#         one-sided back_populates -> accepted, but the sides fall out of sync
# ---------------------------------------------------------------------------

ORM107_MISSING = """
from typing import List
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts: Mapped[List["Post"]] = relationship(back_populates="owner")  # ORM107

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author: Mapped["User"] = relationship(back_populates="posts")  # ORM107
"""

ORM107_ONE_SIDED = """
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
    parent: Mapped["Parent"] = relationship(back_populates="children")  # ORM107
"""

ORM107_CLEAN = ORM107_ONE_SIDED.replace(
    "children: Mapped[List[\"Child\"]] = relationship()", "children: Mapped[List[\"Child\"]] = relationship(back_populates=\"parent\")"
).replace('relationship(back_populates="children")  # ORM107', 'relationship(back_populates="children")')


@pytest.mark.crosscheck
def test_orm107_missing_back_populates_has_no_property(xc: CrossCheck) -> None:
    xc.write({"xc107_bad.py": ORM107_MISSING})
    xc.assert_reports("ORM107")
    xc.load("xc107_bad")
    with pytest.raises(sa_exc.InvalidRequestError, match=r"Mapper 'Mapper\[Post\(posts\)\]' has no property 'owner'"):
        configure_mappers()


@pytest.mark.crosscheck
def test_orm107_one_sided_pair_is_accepted_but_out_of_sync(xc: CrossCheck) -> None:
    xc.write({"xc107_one_sided.py": ORM107_ONE_SIDED})
    xc.assert_reports("ORM107")
    # SQLAlchemy configures it without a word ...
    module = xc.load_cleanly("xc107_one_sided")
    # ... but appending to the side without back_populates leaves the other side stale.
    parent, child = module.Parent(), module.Child()
    parent.children.append(child)
    assert child.parent is None
    # (Only the declaring side propagates: setting Child.parent does reach Parent.children.)
    other = module.Child()
    other.parent = parent
    assert other in parent.children


@pytest.mark.crosscheck
def test_orm107_clean(xc: CrossCheck) -> None:
    xc.write({"xc107_clean.py": ORM107_CLEAN})
    xc.assert_silent("ORM107")
    module = xc.load_cleanly("xc107_clean")
    parent, child = module.Parent(), module.Child()
    parent.children.append(child)
    assert child.parent is parent


# ---------------------------------------------------------------------------
# ORM108: no foreign key path -> NoForeignKeysError; several -> AmbiguousForeignKeysError
# ---------------------------------------------------------------------------

ORM108_NO_PATH = """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer)
    author = relationship("User")  # ORM108
"""

ORM108_AMBIGUOUS = """
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
"""

ORM108_CLEAN = """
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
"""


@pytest.mark.crosscheck
def test_orm108_no_foreign_key_path(xc: CrossCheck) -> None:
    xc.write({"xc108_none.py": ORM108_NO_PATH})
    xc.assert_reports("ORM108")
    xc.load("xc108_none")
    with pytest.raises(sa_exc.NoForeignKeysError, match=r"relationship Post\.author - there are no foreign keys linking these tables"):
        configure_mappers()


@pytest.mark.crosscheck
def test_orm108_ambiguous_foreign_key_paths(xc: CrossCheck) -> None:
    xc.write({"xc108_ambiguous.py": ORM108_AMBIGUOUS})
    xc.assert_reports("ORM108")
    xc.load("xc108_ambiguous")
    with pytest.raises(sa_exc.AmbiguousForeignKeysError, match=r"relationship Post\.author - there are multiple foreign key paths"):
        configure_mappers()


@pytest.mark.crosscheck
def test_orm108_clean(xc: CrossCheck) -> None:
    xc.write({"xc108_clean.py": ORM108_CLEAN})
    xc.assert_silent("ORM108")
    xc.load_cleanly("xc108_clean")


# ---------------------------------------------------------------------------
# ORM109: the same table twice in one MetaData -> "already defined for this MetaData"
# ---------------------------------------------------------------------------

ORM109_BAD = """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Account(Base):  # ORM109
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
"""

ORM109_CLEAN = ORM109_BAD.replace('class Account(Base):  # ORM109\n    __tablename__ = "users"', 'class Account(Base):\n    __tablename__ = "accounts"')


@pytest.mark.crosscheck
def test_orm109_duplicate_table_already_defined(xc: CrossCheck) -> None:
    xc.write({"xc109_bad.py": ORM109_BAD})
    xc.assert_reports("ORM109")
    with pytest.raises(sa_exc.InvalidRequestError, match=r"Table 'users' is already defined for this MetaData instance"):
        xc.load("xc109_bad")


@pytest.mark.crosscheck
def test_orm109_clean(xc: CrossCheck) -> None:
    assert ORM109_CLEAN != ORM109_BAD
    xc.write({"xc109_clean.py": ORM109_CLEAN})
    xc.assert_silent("ORM109")
    xc.load_cleanly("xc109_clean")


# ---------------------------------------------------------------------------
# ORM111: no primary key -> "could not assemble any primary key columns"
# ---------------------------------------------------------------------------

ORM111_BAD = """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Setting(Base):  # ORM111
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column()
    value: Mapped[str]
"""

ORM111_CLEAN = ORM111_BAD.replace("class Setting(Base):  # ORM111", "class Setting(Base):").replace(
    "mapped_column()", "mapped_column(primary_key=True)"
)


@pytest.mark.crosscheck
def test_orm111_missing_primary_key(xc: CrossCheck) -> None:
    xc.write({"xc111_bad.py": ORM111_BAD})
    xc.assert_reports("ORM111")
    with pytest.raises(sa_exc.ArgumentError, match=r"could not assemble any primary key columns for mapped table 'settings'"):
        xc.load("xc111_bad")


@pytest.mark.crosscheck
def test_orm111_clean(xc: CrossCheck) -> None:
    xc.write({"xc111_clean.py": ORM111_CLEAN})
    xc.assert_silent("ORM111")
    xc.load_cleanly("xc111_clean")


# ---------------------------------------------------------------------------
# ORM113: a constraint names a missing column -> ConstraintColumnNotFoundError (an ArgumentError)
# ---------------------------------------------------------------------------

ORM113_TEMPLATE = """
from sqlalchemy import Column, ForeignKeyConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200))
    org_id = Column(Integer)
    __table_args__ = (CONSTRAINT,)
"""

ORM113_CASES = [
    pytest.param('Index("ix_users_mail", "mail")', "Index", "mail", id="Index"),
    pytest.param('UniqueConstraint("org_id", "mail")', "UniqueConstraint", "mail", id="UniqueConstraint"),
    pytest.param('ForeignKeyConstraint(["org"], ["users.id"])', "ForeignKeyConstraint", "org", id="ForeignKeyConstraint"),
]

ORM113_TABLE_PK = """
from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, Table

metadata = MetaData()

tags = Table(
    "tags",
    metadata,
    Column("tag_id", Integer),
    Column("page_id", Integer),
    PrimaryKeyConstraint("tag_id", "post_id"),  # ORM113
)
"""


@pytest.mark.crosscheck
@pytest.mark.parametrize("constraint, kind, column", ORM113_CASES)
def test_orm113_constraint_names_missing_column(xc: CrossCheck, constraint: str, kind: str, column: str) -> None:
    xc.write({"xc113_bad.py": ORM113_TEMPLATE.replace("(CONSTRAINT,)", f"({constraint},)  # ORM113")})
    xc.assert_reports("ORM113")
    with pytest.raises(sa_exc.ArgumentError, match=rf"Can't create {kind} on table 'users': no column named '{column}' is present"):
        xc.load("xc113_bad")


@pytest.mark.crosscheck
def test_orm113_table_primary_key_constraint_names_missing_column(xc: CrossCheck) -> None:
    xc.write({"xc113_table.py": ORM113_TABLE_PK})
    xc.assert_reports("ORM113")
    with pytest.raises(sa_exc.ArgumentError, match=r"Can't create PrimaryKeyConstraint on table 'tags': no column named 'post_id' is present"):
        xc.load("xc113_table")


@pytest.mark.crosscheck
def test_orm113_clean(xc: CrossCheck) -> None:
    constraints = 'Index("ix_users_email", "email"), UniqueConstraint("org_id", "email"), ForeignKeyConstraint(["org_id"], ["users.id"])'
    xc.write({"xc113_clean.py": ORM113_TEMPLATE.replace("CONSTRAINT,", constraints)})
    xc.assert_silent("ORM113")
    xc.load_cleanly("xc113_clean")


# ---------------------------------------------------------------------------
# ORM114: a column without a type -> NullType, CREATE TABLE fails (CompileError)
# ---------------------------------------------------------------------------

ORM114_TEMPLATE = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Owner(Base):
    __tablename__ = "owners"
    id = Column(Integer, primary_key=True)

class Setting(Base):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    owner_id = Column(ForeignKey("owners.id"))
    value = COLUMN
"""


@pytest.mark.crosscheck
@pytest.mark.parametrize(
    "column",
    ['Column("value", type_=None, nullable=True)', "Column(nullable=True)"],
    ids=["explicit-type-none", "no-type"],
)
def test_orm114_column_without_type_cannot_be_created(xc: CrossCheck, column: str) -> None:
    xc.write({"xc114_bad.py": ORM114_TEMPLATE.replace("COLUMN", f"{column}  # ORM114")})
    xc.assert_reports("ORM114")
    module = xc.load("xc114_bad")
    assert type(module.Setting.__table__.c.value.type).__name__ == "NullType"
    # SQLite refuses it as well, no need for a PostgreSQL dialect.
    with pytest.raises(sa_exc.CompileError, match=r"\(in table 'settings', column 'value'\): Can't generate DDL for NullType\(\)"):
        create_all(module)


@pytest.mark.crosscheck
def test_orm114_clean(xc: CrossCheck) -> None:
    # The type-less `owner_id` takes its type from the ForeignKey: that is fine.
    xc.write({"xc114_clean.py": ORM114_TEMPLATE.replace("COLUMN", 'Column("value", Integer, nullable=True)')})
    xc.assert_silent("ORM114")
    module = xc.load_cleanly("xc114_clean")
    assert isinstance(module.Setting.__table__.c.owner_id.type, sa.Integer)


ORM114_MAPPED_COLUMN = """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Setting(Base):
    __tablename__ = "settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    value = mapped_column()  # ORM114
"""


@pytest.mark.crosscheck
def test_orm114_untyped_mapped_column_without_annotation(xc: CrossCheck) -> None:
    # With mapped_column() SQLAlchemy does not even get to NullType: it refuses the class.
    xc.write({"xc114_mapped.py": ORM114_MAPPED_COLUMN})
    xc.assert_reports("ORM114")
    with pytest.raises(sa_exc.ArgumentError, match=r'Python typing annotation is required for attribute "Setting\.value"'):
        xc.load("xc114_mapped")


@pytest.mark.crosscheck
def test_orm114_mapped_column_clean(xc: CrossCheck) -> None:
    xc.write({"xc114_mapped_clean.py": ORM114_MAPPED_COLUMN.replace("value = mapped_column()  # ORM114", "value: Mapped[str] = mapped_column()")})
    xc.assert_silent("ORM114")
    xc.load_cleanly("xc114_mapped_clean")


# ---------------------------------------------------------------------------
# ORM116: a string names a class several mapped classes are called -> "Multiple classes found for path"
# ---------------------------------------------------------------------------

ORM116_FILES = {
    "xc_blog/__init__.py": "",
    "xc_blog/base.py": """
from sqlalchemy.orm import declarative_base

Base = declarative_base()
""",
    "xc_blog/models.py": """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import relationship
from xc_blog.base import Base

class Tag(Base):
    __tablename__ = "blog_tags"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id"))

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    tags = relationship(TARGET)
""",
    "xc_shop/__init__.py": "",
    "xc_shop/models.py": """
from sqlalchemy import Column, Integer
from xc_blog.base import Base

class Tag(Base):
    __tablename__ = "shop_tags"
    id = Column(Integer, primary_key=True)
""",
    "xc116_app.py": """
import xc_blog.models
import xc_shop.models
from xc_blog.base import Base
""",
}


def _orm116_files(relationship: str) -> dict[str, str]:
    return {path: source.replace("relationship(TARGET)", relationship) for path, source in ORM116_FILES.items()}


@pytest.mark.crosscheck
def test_orm116_ambiguous_class_name_multiple_classes_found(xc: CrossCheck) -> None:
    xc.write(_orm116_files('relationship("Tag")  # ORM116'))
    xc.assert_reports("ORM116")
    xc.load("xc116_app")
    with pytest.raises(sa_exc.InvalidRequestError, match=r'Multiple classes found for path "Tag" in the registry of this declarative base'):
        configure_mappers()


@pytest.mark.crosscheck
def test_orm116_clean(xc: CrossCheck) -> None:
    xc.write(_orm116_files('relationship("xc_blog.models.Tag")'))
    xc.assert_silent("ORM116")
    module = xc.load_cleanly("xc116_app")
    assert module.xc_blog.models.Post.tags.property.mapper.class_ is module.xc_blog.models.Tag


# ---------------------------------------------------------------------------
# ORM117: delete-orphan on many-to-one without single_parent -> ArgumentError bbf0
# ---------------------------------------------------------------------------

ORM117_MANY_TO_ONE = """
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
"""

ORM117_MANY_TO_MANY = """
from typing import List
from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

article_tags = Table(
    "article_tags",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)

class Article(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[List["Tag"]] = relationship(secondary=article_tags, cascade="all, delete-orphan")  # ORM117

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

ORM117_CLEAN = """
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

class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)

class Person(Base):
    __tablename__ = "people"
    id = Column(Integer, primary_key=True)
    profile_id = Column(ForeignKey("profiles.id"))
    profile = relationship("Profile", cascade="all, delete-orphan", single_parent=True)
"""


@pytest.mark.crosscheck
@pytest.mark.parametrize(
    "source, direction, label",
    [(ORM117_MANY_TO_ONE, "many-to-one", r"Post\.author"), (ORM117_MANY_TO_MANY, "many-to-many", r"Article\.tags")],
    ids=["many-to-one", "many-to-many"],
)
def test_orm117_delete_orphan_without_single_parent(xc: CrossCheck, source: str, direction: str, label: str) -> None:
    xc.write({"xc117_bad.py": source})
    xc.assert_reports("ORM117")
    xc.load("xc117_bad")
    # 1.x said "delete-orphan cascade is not supported on a many-to-many or
    # many-to-one relationship when single_parent is not set"; 2.0 and 2.1 say:
    with pytest.raises(sa_exc.ArgumentError, match=rf"For {direction} relationship {label}, delete-orphan cascade is normally configured only on the \"one\" side") as raised:
        configure_mappers()
    assert raised.value.code == "bbf0"


@pytest.mark.crosscheck
def test_orm117_clean(xc: CrossCheck) -> None:
    xc.write({"xc117_clean.py": ORM117_CLEAN})
    xc.assert_silent("ORM117")
    xc.load_cleanly("xc117_clean")


# ---------------------------------------------------------------------------
# ORM118: two unlinked relationships write one FK column -> SAWarning qzyx
# ---------------------------------------------------------------------------

ORM118_BAD = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class BankAccount(Base):
    __tablename__ = "bank_account"
    id = Column(Integer, primary_key=True)
    transactions = relationship("Transaction")

class Transaction(Base):
    __tablename__ = "transaction"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("bank_account.id"))
    account = relationship("BankAccount")  # ORM118
"""

ORM118_CLEAN = ORM118_BAD.replace('relationship("Transaction")', 'relationship("Transaction", back_populates="account")').replace(
    'relationship("BankAccount")  # ORM118', 'relationship("BankAccount", back_populates="transactions")'
)


@pytest.mark.crosscheck
def test_orm118_conflicting_relationships_warn(xc: CrossCheck) -> None:
    xc.write({"xc118_bad.py": ORM118_BAD})
    xc.assert_reports("ORM118")
    xc.load("xc118_bad")
    with pytest.warns(
        sa_exc.SAWarning,
        match=r"relationship '\w+\.\w+' will copy column bank_account\.id to column transaction\.account_id, which conflicts with relationship\(s\)",
    ) as caught:
        configure_mappers()
    assert any(getattr(w.message, "code", None) == "qzyx" for w in caught)


@pytest.mark.crosscheck
def test_orm118_clean(xc: CrossCheck) -> None:
    xc.write({"xc118_clean.py": ORM118_CLEAN})
    xc.assert_silent("ORM118")
    xc.load_cleanly("xc118_clean")


# ---------------------------------------------------------------------------
# ORM119: a non-Mapped annotation in a DeclarativeBase class -> MappedAnnotationError zlpr
# ---------------------------------------------------------------------------

ORM119_BAD = """
from typing import ClassVar
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: ClassVar[str] = "user"
    nickname: str  # ORM119
"""

ORM119_CLEAN = ORM119_BAD.replace("nickname: str  # ORM119", "nickname: Mapped[str]")


@pytest.mark.crosscheck
def test_orm119_unmapped_annotation(xc: CrossCheck) -> None:
    xc.write({"xc119_bad.py": ORM119_BAD})
    xc.assert_reports("ORM119")
    with pytest.raises(MappedAnnotationError, match=r'Type annotation for "User\.nickname" can\'t be correctly interpreted') as raised:
        xc.load("xc119_bad")
    assert raised.value.code == "zlpr"


@pytest.mark.crosscheck
def test_orm119_clean(xc: CrossCheck) -> None:
    xc.write({"xc119_clean.py": ORM119_CLEAN})
    xc.assert_silent("ORM119")
    xc.load_cleanly("xc119_clean")


# ---------------------------------------------------------------------------
# ORM120: an attribute named `metadata` -> InvalidRequestError (< 2.1) / SAWarning (2.1)
# ---------------------------------------------------------------------------

ORM120_BAD = """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    metadata = Column(JSON)  # ORM120
"""

ORM120_CLEAN = ORM120_BAD.replace("metadata = Column(JSON)  # ORM120", 'metadata_ = Column("metadata", JSON)')


@pytest.mark.crosscheck
def test_orm120_reserved_metadata_attribute(xc: CrossCheck) -> None:
    xc.write({"xc120_bad.py": ORM120_BAD})
    xc.assert_reports("ORM120")
    if SA_VERSION < (2, 1):
        with pytest.raises(sa_exc.InvalidRequestError, match=r"Attribute name 'metadata' is reserved when using the Declarative API"):
            xc.load("xc120_bad")
    else:
        with pytest.warns(sa_exc.SAWarning, match=r"Attribute name 'metadata' should be left reserved for the MetaData instance"):
            module = xc.load("xc120_bad")
        # and the class attribute no longer is the MetaData
        assert not isinstance(module.Document.metadata, sa.MetaData)


@pytest.mark.crosscheck
def test_orm120_clean(xc: CrossCheck) -> None:
    xc.write({"xc120_clean.py": ORM120_CLEAN})
    xc.assert_silent("ORM120")
    module = xc.load_cleanly("xc120_clean")
    assert module.Document.__table__.c.metadata is not None


# ===========================================================================
# Discrepancies found by cross-checking: SQLAlchemy and ormlint disagree.
#
# Each test asserts SQLAlchemy's behaviour first (a failure there is a real
# failure), then ormlint's, which raises LintMismatch: the only exception the
# strict xfail accepts. When ormlint is fixed, the test passes and the strict
# xfail turns it red: remove the marker then.
# ===========================================================================


def known_gap(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, raises=LintMismatch, reason=reason)


ORM101_SCHEMA_UNQUALIFIED = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    __table_args__ = {"schema": "auth"}
    id: Mapped[int] = mapped_column(primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # ORM101
"""


@pytest.mark.crosscheck
def test_fixed_gap_orm101_unqualified_reference_to_schema_table(xc: CrossCheck) -> None:
    xc.write({"xc101_schema.py": ORM101_SCHEMA_UNQUALIFIED})
    module = xc.load("xc101_schema")
    with pytest.raises(sa_exc.NoReferencedTableError, match=r"could not find table 'users'"):
        resolve_foreign_keys(module.Base.metadata)
    assert "auth.users" in module.Base.metadata.tables  # ForeignKey("auth.users.id") would resolve
    xc.assert_reports("ORM101")


ORM102_ATTRIBUTE_NOT_COLUMN = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    user_id: Mapped[int] = mapped_column("id", primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))  # ORM102
"""


@pytest.mark.crosscheck
def test_fixed_gap_orm102_foreign_key_names_attribute_not_column(xc: CrossCheck) -> None:
    xc.write({"xc102_attr.py": ORM102_ATTRIBUTE_NOT_COLUMN})
    module = xc.load("xc102_attr")
    with pytest.raises(sa_exc.NoReferencedColumnError, match=r"table 'users' has no column named 'user_id'"):
        create_all(module)
    xc.assert_reports("ORM102")


ORM102_TABLE_COLUMN_KEY = """
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

metadata = MetaData()

users = Table("users", metadata, Column("id", Integer, primary_key=True, key="uid"))

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("author_id", ForeignKey("users.REF")),MARK
)
"""


@pytest.mark.crosscheck
def test_fixed_gap_orm102_foreign_key_to_column_key_is_valid(xc: CrossCheck) -> None:
    xc.write({"xc102_key.py": ORM102_TABLE_COLUMN_KEY.replace("REF", "uid").replace("MARK", "")})
    module = xc.load("xc102_key")
    resolve_foreign_keys(module.metadata)
    module.metadata.create_all(create_engine("sqlite://"))
    xc.assert_silent("ORM102")


@pytest.mark.crosscheck
def test_fixed_gap_orm102_foreign_key_to_column_name_when_key_differs(xc: CrossCheck) -> None:
    xc.write({"xc102_name.py": ORM102_TABLE_COLUMN_KEY.replace("REF", "id").replace("MARK", "  # ORM102")})
    module = xc.load("xc102_name")
    with pytest.raises(sa_exc.NoReferencedColumnError, match=r"table 'users' has no column named 'id'"):
        resolve_foreign_keys(module.metadata)
    xc.assert_reports("ORM102")


ORM113_ATTRIBUTE_NOT_COLUMN = """
from sqlalchemy import Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Pet(Base):
    __tablename__ = "pets"
    __table_args__ = (Index("ix_pets_owner", "owner_id"),)  # ORM113
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[str] = mapped_column("ownerId", String(36))
"""


@pytest.mark.crosscheck
def test_fixed_gap_orm113_constraint_names_attribute_not_column(xc: CrossCheck) -> None:
    xc.write({"xc113_attr.py": ORM113_ATTRIBUTE_NOT_COLUMN})
    with pytest.raises(sa_exc.ArgumentError, match=r"Can't create Index on table 'pets': no column named 'owner_id' is present"):
        xc.load("xc113_attr")
    xc.assert_reports("ORM113")


ORM113_TABLE_COLUMN_KEY = """
from sqlalchemy import Column, Index, Integer, MetaData, Table

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind_code", Integer, key="kind"),
    Index("ix_events_kind", "REF"),MARK
)
"""


@pytest.mark.crosscheck
def test_fixed_gap_orm113_constraint_names_column_key_is_valid(xc: CrossCheck) -> None:
    xc.write({"xc113_key.py": ORM113_TABLE_COLUMN_KEY.replace("REF", "kind").replace("MARK", "")})
    module = xc.load("xc113_key")
    module.metadata.create_all(create_engine("sqlite://"))
    xc.assert_silent("ORM113")


@pytest.mark.crosscheck
def test_fixed_gap_orm113_constraint_names_column_name_when_key_differs(xc: CrossCheck) -> None:
    xc.write({"xc113_name.py": ORM113_TABLE_COLUMN_KEY.replace("REF", "kind_code").replace("MARK", "  # ORM113")})
    with pytest.raises(sa_exc.ArgumentError, match=r"Can't create Index on table 'events': no column named 'kind_code' is present"):
        xc.load("xc113_name")
    xc.assert_reports("ORM113")


ORM117_SELF_REFERENTIAL = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Node(Base):
    __tablename__ = "nodes"
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("nodes.id"))
    parent = relationship("Node", remote_side=[id], cascade="all, delete-orphan")  # ORM117
"""


@pytest.mark.crosscheck
def test_fixed_gap_orm117_self_referential_many_to_one(xc: CrossCheck) -> None:
    xc.write({"xc117_self.py": ORM117_SELF_REFERENTIAL})
    xc.load("xc117_self")
    with pytest.raises(sa_exc.ArgumentError, match=r"For many-to-one relationship Node\.parent, delete-orphan cascade") as raised:
        configure_mappers()
    assert raised.value.code == "bbf0"
    xc.assert_reports("ORM117")


ORM119_DATACLASS_FIELD = """
from typing import Optional
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column

class Base(MappedAsDataclass, DeclarativeBase):
    pass

class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    note: "Optional[str]"
"""


@pytest.mark.crosscheck
def test_fixed_gap_orm119_plain_annotation_on_mapped_as_dataclass_is_valid(xc: CrossCheck) -> None:
    xc.write({"xc119_dataclass.py": ORM119_DATACLASS_FIELD})
    module = xc.load_cleanly("xc119_dataclass")
    item = module.Item(note="kept on the instance")
    assert item.note == "kept on the instance"
    assert "note" not in module.Item.__table__.c  # a dataclass field, not a column
    xc.assert_silent("ORM119")


ORM119_WITH_VALUE = """
from typing import Optional
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    friend_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    ATTRIBUTE
"""


@pytest.mark.crosscheck
@pytest.mark.parametrize(
    "attribute, name",
    [
        ("nickname: str = mapped_column(String(30))  # ORM119", "nickname"),
        ('friend: "User" = relationship(remote_side=[id])  # ORM119', "friend"),
    ],
    ids=["mapped_column", "relationship"],
)
def test_fixed_gap_orm119_plain_annotation_with_orm_value(xc: CrossCheck, attribute: str, name: str) -> None:
    xc.write({"xc119_value.py": ORM119_WITH_VALUE.replace("ATTRIBUTE", attribute)})
    with pytest.raises(MappedAnnotationError, match=rf'Type annotation for "User\.{name}" can\'t be correctly interpreted'):
        xc.load("xc119_value")
    xc.assert_reports("ORM119")


ORM119_LEGACY_BASE = """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    nickname: str  # ORM119
"""


@pytest.mark.crosscheck
@known_gap(
    "ORM119 is limited to DeclarativeBase subclasses, but sqlalchemy.orm.declarative_base() classes raise the same "
    "MappedAnnotationError on SQLAlchemy 2.x for an annotation without Mapped[] and without a value"
)
def test_gap_orm119_legacy_declarative_base(xc: CrossCheck) -> None:
    xc.write({"xc119_legacy.py": ORM119_LEGACY_BASE})
    with pytest.raises(MappedAnnotationError, match=r'Type annotation for "User\.nickname" can\'t be correctly interpreted'):
        xc.load("xc119_legacy")
    xc.assert_reports("ORM119")


ORM120_INHERITED = """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

HOLDER

class Document(PARENT):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
"""


@pytest.mark.crosscheck
@pytest.mark.parametrize(
    "holder, parent",
    [
        ("class Abstract(Base):\n    __abstract__ = True\n    metadata = Column(JSON)  # ORM120", "Abstract"),
        ("class Mixin:\n    metadata = Column(JSON)  # ORM120", "Mixin, Base"),
    ],
    ids=["abstract-base", "mixin"],
)
def test_fixed_gap_orm120_inherited_metadata_attribute(xc: CrossCheck, holder: str, parent: str) -> None:
    xc.write({"xc120_inherited.py": ORM120_INHERITED.replace("HOLDER", holder).replace("PARENT", parent)})
    if SA_VERSION < (2, 1):
        with pytest.raises(sa_exc.InvalidRequestError, match=r"Attribute name 'metadata' is reserved when using the Declarative API"):
            xc.load("xc120_inherited")
    else:
        with pytest.warns(sa_exc.SAWarning, match=r"Attribute name 'metadata' should be left reserved for the MetaData instance"):
            xc.load("xc120_inherited")
    xc.assert_reports("ORM120")
