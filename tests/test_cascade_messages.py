"""ORM405's message says what SQLAlchemy does when it cannot cascade a delete."""

from __future__ import annotations

from pathlib import Path

from helpers import write_example
from ormlint.config import Config
from ormlint.engine import run
from ormlint.selection import resolve_selection


def test_a_key_column_is_refused_before_the_database_sees_it(tmp_path: Path) -> None:
    # open-event-server: `OrderTicket.order_id` is part of the primary key, so
    # SQLAlchemy raises "tried to blank-out primary key column" (checked in
    # sqlalchemy/orm/sync.py) instead of sending the UPDATE that would fail.
    write_example(tmp_path, {"models.py": """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    tickets = relationship("OrderTicket")
    notes = relationship("Note")

class OrderTicket(Base):
    __tablename__ = "order_tickets"
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    ticket_id = Column(Integer, primary_key=True)

class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
"""})
    result = run([tmp_path], Config(), resolve_selection(["ORM405"], [], []))
    assert sorted((d.location.row, d.message) for d in result.diagnostics) == [
        (14, "`OrderTicket.order_id` is NOT NULL with ondelete='CASCADE', but `Order.tickets` neither cascades deletes "
             "nor sets passive_deletes: deleting a `Order` tries to set it to NULL, which SQLAlchemy refuses for a "
             "primary key column (AssertionError: \"tried to blank-out primary key column\")."),
        (20, "`Note.order_id` is NOT NULL with ondelete='CASCADE', but `Order.notes` neither cascades deletes "
             "nor sets passive_deletes: deleting a `Order` first sets it to NULL (IntegrityError)."),
    ]


def test_a_key_column_of_a_primary_key_constraint_too(tmp_path: Path) -> None:
    # phoenix, agenta: the primary key is a `PrimaryKeyConstraint` of `__table_args__`.
    write_example(tmp_path, {"models.py": """
from sqlalchemy import Column, ForeignKey, Integer, PrimaryKeyConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    tickets = relationship("OrderTicket")

class OrderTicket(Base):
    __tablename__ = "order_tickets"
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    ticket_id = Column(Integer, nullable=False)
    __table_args__ = (PrimaryKeyConstraint("order_id", "ticket_id"),)
"""})
    result = run([tmp_path], Config(), resolve_selection(["ORM405"], [], []))
    assert [(d.location.row, d.message) for d in result.diagnostics] == [
        (13, "`OrderTicket.order_id` is NOT NULL with ondelete='CASCADE', but `Order.tickets` neither cascades deletes "
             "nor sets passive_deletes: deleting a `Order` tries to set it to NULL, which SQLAlchemy refuses for a "
             "primary key column (AssertionError: \"tried to blank-out primary key column\")."),
    ]
