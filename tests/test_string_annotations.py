"""A string annotation (`member: "User"`) names a class lazily: a name the
module does not bind is looked up among the mapped classes by name; a name
the module binds (also only under `if TYPE_CHECKING:`) means what it is bound to."""

from __future__ import annotations

from pathlib import Path

from helpers import expected_marks, reported, write_example

MODELS = """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
"""

SCHEMAS = """
class Event:
    def __init__(self, resources):
        self.resources = resources

    @property
    def involved_resources(self):
        return list(self.resources)
"""


def test_a_string_annotation_follows_the_module_import(tmp_path: Path) -> None:
    # Prefect's shape: the annotation's class is a pydantic model of the same name.
    write_example(tmp_path, {"models.py": MODELS, "schemas.py": SCHEMAS, "usage.py": """
from schemas import Event

def first_resource(event: "Event"):
    return event.involved_resources[0]
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_a_string_annotation_follows_a_type_checking_import(tmp_path: Path) -> None:
    # Open WebUI's shape: loguru's Message, imported only for type checkers.
    write_example(tmp_path, {"models.py": MODELS.replace("Event", "Message"), "logsink.py": """
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loguru import Message

def sink(message: "Message") -> None:
    print(message.record["time"])
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_an_unbound_string_annotation_names_the_mapped_class(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS, "usage.py": """
def label(event: "Event"):
    return event.title  # ORM204
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)


def test_a_string_annotation_of_an_imported_model_is_that_model(tmp_path: Path) -> None:
    write_example(tmp_path, {"models.py": MODELS, "usage.py": """
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models import Event

def label(event: "Event"):
    return event.title  # ORM204
"""})
    assert reported(tmp_path, select=["ORM204"]) == expected_marks(tmp_path)
