"""SQLAlchemy models: a 1.x-style backref on a DeclarativeBase, a hybrid, Mapped[] columns."""

from typing import List, Optional

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "team"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    created = Column(DateTime)

    @hybrid_property
    def label(self):
        return self.name

    @label.expression
    def label(cls):
        return cls.name + "!"


class Member(Base):
    __tablename__ = "member"
    id = Column(Integer, primary_key=True)
    team_id = Column(Integer, ForeignKey("team.id"), index=True)
    team = relationship("Team", backref="members")


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    books: Mapped[List["Book"]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
    author: Mapped[Optional[Author]] = relationship(back_populates="books")
    title: Mapped[str]
