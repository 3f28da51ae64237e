"""Where ORM204 learns an instance's type beyond a plain annotation: FastAPI's
`Annotated[...]` dependencies and their aliases, and a project function's return
annotation; and the hint for a variable that hides the module it meant."""

from __future__ import annotations

from pathlib import Path

from helpers import expected_marks, reported, write_example

from ormlint.config import Config
from ormlint.engine import run
from ormlint.selection import resolve_selection

MODELS = """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Ticket(Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    title = Column(String(80))
"""


def test_a_pep_695_alias_of_an_annotated_dependency(tmp_path: Path) -> None:
    # `type X = ...` is an assignment on every Python ormlint runs on.
    write_example(tmp_path, {"models.py": MODELS, "deps.py": """
from typing import Annotated

from fastapi import Depends

from models import Ticket

def load_ticket() -> Ticket: ...

type CurrentTicket = Annotated[Ticket, Depends(load_ticket)]
""", "views.py": """
from deps import CurrentTicket

def show(ticket: CurrentTicket):
    return ticket.title, ticket.subject  # ORM204
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_a_returned_list_types_the_loop_and_a_method_is_not_followed(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS, "service.py": """
from models import Ticket

def open_tickets(session) -> "list[Ticket]":
    return session.query(Ticket).all()

class Desk:
    def first(self) -> Ticket: ...
""", "views.py": """
import service

def titles(session, desk: service.Desk):
    head = desk.first()  # a method's annotation is not read: `desk` is not a model
    names = [t.name for t in service.open_tickets(session)]  # ORM204
    return names, head.name
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_a_variable_hiding_a_module_gets_a_rename_hint(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS, "views.py": """
from typing import Optional

from models import Ticket

def get(session, ticket_id: int) -> Optional[Ticket]: ...

def show(session, ticket_id: int):
    status = get(session, ticket_id)
    if not status:
        return status.HTTP_404_NOT_FOUND  # ORM204
    return status.titel  # ORM204
"""})
    result = run([tmp_path], Config(), resolve_selection(["ORM204"], [], []))
    hints = {d.location.row: d.hint for d in result.diagnostics}
    assert set(hints) == {line for _, line, _ in expected_marks(tmp_path)}
    assert hints[10] == ("`HTTP_404_NOT_FOUND` reads like a constant of a module or class named `status`, "
                         "which this variable hides: rename the variable.")
    assert "HTTP" not in hints[11] and "hides" not in hints[11]


def test_a_dependency_decides_what_an_annotated_parameter_holds(tmp_path: Path) -> None:
    # A dependency whose own annotation says it returns something else is what
    # the parameter gets (FastAPI does not check `Annotated`'s first item); one
    # that yields a model gives that model.
    write_example(tmp_path, {"models.py": MODELS, "deps.py": """
from typing import Annotated, AsyncIterator

from fastapi import Depends

from models import Ticket

def claims() -> dict:
    return {"sub": "1"}

async def open_ticket() -> AsyncIterator[Ticket]:
    yield Ticket()

Claims = Annotated[Ticket, Depends(claims)]
OpenTicket = Annotated[Ticket, Depends(open_ticket)]
""", "views.py": """
from deps import Claims, OpenTicket

def who(claims: Claims):
    return claims.get("sub")

def show(ticket: OpenTicket):
    return ticket.subject  # ORM204
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_setattr_with_a_literal_name_stores_the_attribute(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS, "deps.py": """
from typing import Optional

from models import Ticket

def find(session, ticket_id: int) -> Optional[Ticket]: ...

def with_owner(session, ticket_id: int):
    ticket = find(session, ticket_id)
    setattr(ticket, "owner_name", "x")  # added per request
    return ticket

def show(session, ticket_id: int):
    ticket = find(session, ticket_id)
    owner = ticket.owner_name
    return owner, ticket.priority  # ORM204
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_the_mapped_class_own_methods_return_what_they_say(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS + '''
LEGACY = False

def paginated(method):
    return lambda *args: {"items": method(*args)}

class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)

    @classmethod
    def by_email(cls, session, email: str) -> Optional["Customer"]:
        return session.query(cls).filter_by(email=email).first()

    @classmethod
    def create(cls, **values) -> Self:
        return cls(**values)

    @staticmethod
    def first_ticket(session) -> Ticket: ...

    def latest_ticket(self) -> Ticket: ...

    def owner(self) -> "Customer": ...

    @overload
    def find(self, key: str) -> dict: ...
    @overload
    def find(self, key: int) -> Ticket: ...

    if LEGACY:  # which one the class has is decided at import
        def settings(self) -> Ticket: ...
    else:
        def settings(self) -> dict: ...

    @classmethod
    @paginated  # decides what a call returns
    def page(cls, number: int) -> "Customer": ...

    @hybrid_method
    def ticket_for(self, key) -> Ticket: ...

    def describe(self) -> dict: ...
'''.replace("from sqlalchemy.orm import declarative_base", "from typing import Optional, Self, overload\\n"
            "from sqlalchemy.ext.hybrid import hybrid_method\\nfrom sqlalchemy.orm import declarative_base"),
        "views.py": """
from models import Customer

def show(session, email: str):
    customer = Customer.by_email(session, email)
    made = Customer.create(id=1)
    first = Customer.first_ticket(session)
    latest = customer.latest_ticket()
    unbound = Customer.owner(customer)  # a plain method called on the class: not followed
    found = customer.find("key")
    hybrid = customer.ticket_for("key")
    described = customer.describe()
    page = Customer.page(1)
    settings = customer.settings()
    a = customer.nickname  # ORM204
    b = made.nickname  # ORM204
    c = first.subject  # ORM204
    d = latest.subject  # ORM204
    return a, b, c, d, unbound.nickname, found.keys(), hybrid.anything, described.items(), page["items"], page.get("n"), settings.get("theme")
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_a_property_of_the_mapped_class_gives_its_getter_annotation(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS + '''
class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)

    @property
    def ticket(self) -> Ticket: ...

    @ticket.setter
    def ticket(self, value: Ticket) -> None: ...

    @property
    def receipt(self) -> Ticket: ...

    def receipt(self):  # redefined: a plain method now
        return {"total": 1}

    @property
    def summary(self) -> dict: ...

    @lru_cache
    def latest(self) -> Ticket: ...  # read as an attribute: the cached function
'''.replace("from sqlalchemy import", "from functools import lru_cache\nfrom sqlalchemy import"), "views.py": """
from models import Order

def show(order: Order):
    subject = order.ticket.subject  # ORM204
    order.latest.cache_clear()
    return subject, order.ticket.title, order.receipt().get("total"), order.summary.get("x")
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_an_annotation_over_rows_of_columns_is_not_taken_at_its_word(tmp_path: Path) -> None:
    # packit: `get_merged_chroots() -> Iterable["CoprBuildTargetModel"]` returns
    # rows of labelled columns, one of them `packit_id_per_chroot`.
    write_example(tmp_path, {"models.py": MODELS.replace("from sqlalchemy import", "from sqlalchemy import func,") + '''
    @classmethod
    def merged(cls, session) -> "list[Ticket]":
        return session.query(cls, func.count(cls.id).label("copies")).group_by(cls.id).all()

    @classmethod
    def titled(cls, session) -> "list[Ticket]":
        return session.query(cls).filter(cls.title.isnot(None)).all()

def slim(session) -> "list[Ticket]":  # the rows are (id, n)
    return session.query(Ticket).with_entities(Ticket.id, func.count().label("n")).all()
''', "views.py": """
from models import Ticket, slim

def show(session):
    firsts = [merged.copies for merged in Ticket.merged(session)]
    ids = [row.n for row in slim(session)]
    titles = [ticket.headline for ticket in Ticket.titled(session)]  # ORM204
    return firsts, ids, titles
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_a_query_the_method_returns_or_gets_from_a_helper_is_read(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS.replace("from sqlalchemy import", "from sqlalchemy import func,") + '''
    @classmethod
    def _merged(cls, session):
        return session.query(func.min(cls.id).label("merged_id"), cls.title)

    @classmethod
    def merged(cls, session) -> "list[Ticket]":
        return cls._merged(session).group_by(cls.title).all()

    @classmethod
    def by_owner(cls, session, owner: int) -> "Ticket":
        return session.query(cls).filter_by(owner_id=owner)  # a Query, whatever it says

    @classmethod
    def newest(cls, session) -> "Ticket":
        return session.query(cls).order_by(cls.id.desc()).first()
''', "views.py": """
from models import Ticket

def show(session):
    firsts = [row.merged_id for row in Ticket.merged(session)]
    count = Ticket.by_owner(session, 1).count()
    newest = Ticket.newest(session)
    return firsts, count, newest.headline  # ORM204
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_self_in_optional_and_in_a_list(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS.replace("from sqlalchemy.orm import declarative_base",
                                                         "from typing import Optional, Self\nfrom sqlalchemy.orm import declarative_base") + '''
    @classmethod
    def maybe(cls, session, key: int) -> Optional[Self]:
        return session.get(cls, key)

    @classmethod
    def every(cls, session) -> list[Self]:
        return session.query(cls).all()

    @classmethod
    def pair(cls, session) -> tuple[Self, Self]: ...
''', "views.py": """
from models import Ticket

def show(session):
    found = Ticket.maybe(session, 1)
    subject = found.subject  # ORM204
    names = [ticket.name for ticket in Ticket.every(session)]  # ORM204
    first, second = Ticket.pair(session)
    return subject, names, first.anything
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)
