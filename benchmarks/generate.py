"""Write a synthetic SQLAlchemy project for benchmarking ormlint.

    python benchmarks/generate.py --models N --out DIR

N models are spread over packages of about 50 models each. Each package uses one
declaration style (Flask-SQLAlchemy, SQLAlchemy 2.0 ``Mapped[]``, 1.x declarative,
in rotation) and has its own base / ``db`` object. Every model has an integer
primary key; models after the first have an indexed foreign key to an earlier model
of the same package and a relationship to it (``back_populates`` on both sides, or a
``backref`` for every third model). Each package has a ``repositories`` module that
queries and constructs its models, and ``migrations/versions/`` holds one Alembic
revision per package creating its tables. The output is deterministic for a given N.

Stdlib only; not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

PER_PACKAGE = 50
STYLES = ("flask", "v2", "v1")


class Model:
    def __init__(self, package: int, index: int, parent: "Model | None", backref: bool) -> None:
        self.package = package
        self.index = index
        self.name = f"P{package}M{index}"
        self.table = f"p{package}_m{index}"
        self.parent = parent
        self.backref = backref  # relationship to the parent declared with backref=
        self.children: list[Model] = []  # children related with back_populates

    @property
    def child_attr(self) -> str:  # name of the collection on the parent side
        return f"m{self.index}_items"


def plan(total: int) -> list[list[Model]]:
    rng = random.Random(total)
    packages: list[list[Model]] = []
    for start in range(0, total, PER_PACKAGE):
        number = len(packages)
        models: list[Model] = []
        for index in range(min(PER_PACKAGE, total - start)):
            parent = None
            if index > 0:
                # mostly the previous model, sometimes any earlier one
                parent = models[index - 1] if rng.random() < 0.6 else models[rng.randrange(index)]
            model = Model(number, index, parent, backref=index % 3 == 0)
            if parent is not None and not model.backref:
                parent.children.append(model)
            models.append(model)
        packages.append(models)
    return packages


def flask_models(models: list[Model]) -> str:
    out = [
        '"""Models (Flask-SQLAlchemy)."""',
        "",
        "from flask_sqlalchemy import SQLAlchemy",
        "",
        "db = SQLAlchemy()",
        "",
    ]
    for m in models:
        out += ["", f"class {m.name}(db.Model):", f'    __tablename__ = "{m.table}"', ""]
        out.append("    id = db.Column(db.Integer, primary_key=True)")
        out.append("    name = db.Column(db.String(80), nullable=False)")
        out.append("    value = db.Column(db.Integer, nullable=True)")
        if m.parent is not None:
            p = m.parent
            out.append(
                f'    parent_id = db.Column(db.Integer, db.ForeignKey("{p.table}.id"), nullable=True, index=True)'
            )
            if m.backref:
                out.append(f'    parent = db.relationship("{p.name}", backref="{m.child_attr}")')
            else:
                out.append(f'    parent = db.relationship("{p.name}", back_populates="{m.child_attr}")')
        for c in m.children:
            out.append(f'    {c.child_attr} = db.relationship("{c.name}", back_populates="parent")')
        out += ["", "    def __repr__(self):", f'        return f"<{m.name} {{self.id}}>"', ""]
    return "\n".join(out).rstrip() + "\n"


def v2_models(models: list[Model]) -> str:
    out = [
        '"""Models (SQLAlchemy 2.0 typed declarative)."""',
        "",
        "from typing import List, Optional",
        "",
        "from sqlalchemy import ForeignKey, String",
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship",
        "",
        "",
        "class Base(DeclarativeBase):",
        "    pass",
        "",
    ]
    for m in models:
        out += ["", f"class {m.name}(Base):", f'    __tablename__ = "{m.table}"', ""]
        out.append("    id: Mapped[int] = mapped_column(primary_key=True)")
        out.append("    name: Mapped[str] = mapped_column(String(80))")
        out.append("    value: Mapped[Optional[int]]")
        if m.parent is not None:
            p = m.parent
            out.append(
                f'    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("{p.table}.id"), index=True)'
            )
            if m.backref:
                out.append(f'    parent: Mapped[Optional["{p.name}"]] = relationship(backref="{m.child_attr}")')
            else:
                out.append(
                    f'    parent: Mapped[Optional["{p.name}"]] = relationship(back_populates="{m.child_attr}")'
                )
        for c in m.children:
            out.append(f'    {c.child_attr}: Mapped[List["{c.name}"]] = relationship(back_populates="parent")')
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def v1_models(models: list[Model]) -> str:
    out = [
        '"""Models (SQLAlchemy 1.x declarative)."""',
        "",
        "from sqlalchemy import Column, ForeignKey, Integer, String",
        "from sqlalchemy.orm import declarative_base, relationship",
        "",
        "Base = declarative_base()",
        "",
    ]
    for m in models:
        out += ["", f"class {m.name}(Base):", f'    __tablename__ = "{m.table}"', ""]
        out.append("    id = Column(Integer, primary_key=True)")
        out.append("    name = Column(String(80), nullable=False)")
        out.append("    value = Column(Integer, nullable=True)")
        if m.parent is not None:
            p = m.parent
            out.append(f'    parent_id = Column(Integer, ForeignKey("{p.table}.id"), nullable=True, index=True)')
            if m.backref:
                out.append(f'    parent = relationship("{p.name}", backref="{m.child_attr}")')
            else:
                out.append(f'    parent = relationship("{p.name}", back_populates="{m.child_attr}")')
        for c in m.children:
            out.append(f'    {c.child_attr} = relationship("{c.name}", back_populates="parent")')
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def repositories(models: list[Model], style: str) -> str:
    out = [
        '"""Queries and constructors for the models of this package."""',
        "",
        "from sqlalchemy import select",
        "",
        "from .models import (",
    ]
    out += [f"    {m.name}," for m in models]
    out += [")", ""]
    for m in models:
        n = m.name.lower()
        out += [
            "",
            f"def get_{n}(session, name):",
            f"    return session.query({m.name}).filter({m.name}.name == name).first()",
            "",
            "",
            f"def list_{n}(session, minimum):",
            f"    stmt = select({m.name}).where({m.name}.value >= minimum).order_by({m.name}.id)",
            "    return session.execute(stmt).scalars().all()",
            "",
            "",
            f"def create_{n}(session, name, value=None):",
            f"    obj = {m.name}(name=name, value=value)",
            "    session.add(obj)",
            "    return obj",
        ]
        if m.parent is not None:
            out += [
                "",
                "",
                f"def {n}_for_parent(session, parent_id):",
                f"    return session.query({m.name}).filter({m.name}.parent_id == parent_id).all()",
            ]
        if style == "flask":
            out += [
                "",
                "",
                f"def find_{n}(name):",
                f"    return {m.name}.query.filter_by(name=name).first()",
            ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def migration(models: list[Model], revision: str, down: str | None) -> str:
    out = [
        f'"""create tables of package {models[0].package}',
        "",
        f"Revision ID: {revision}",
        f"Revises: {down or ''}",
        '"""',
        "",
        "import sqlalchemy as sa",
        "from alembic import op",
        "",
        f'revision = "{revision}"',
        f"down_revision = {down!r}" if down else "down_revision = None",
        "branch_labels = None",
        "depends_on = None",
        "",
        "",
        "def upgrade():",
    ]
    for m in models:
        out.append("    op.create_table(")
        out.append(f'        "{m.table}",')
        out.append('        sa.Column("id", sa.Integer(), nullable=False),')
        out.append('        sa.Column("name", sa.String(length=80), nullable=False),')
        out.append('        sa.Column("value", sa.Integer(), nullable=True),')
        if m.parent is not None:
            out.append('        sa.Column("parent_id", sa.Integer(), nullable=True),')
            out.append(f'        sa.ForeignKeyConstraint(["parent_id"], ["{m.parent.table}.id"]),')
        out.append('        sa.PrimaryKeyConstraint("id"),')
        out.append("    )")
        if m.parent is not None:
            out.append(
                f'    op.create_index(op.f("ix_{m.table}_parent_id"), "{m.table}", ["parent_id"], unique=False)'
            )
    out += ["", "", "def downgrade():"]
    for m in reversed(models):
        if m.parent is not None:
            out.append(f'    op.drop_index(op.f("ix_{m.table}_parent_id"), table_name="{m.table}")')
        out.append(f'    op.drop_table("{m.table}")')
    return "\n".join(out) + "\n"


def generate(total: int, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    app = out / "app"
    versions = out / "migrations" / "versions"
    versions.mkdir(parents=True)
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (out / "pyproject.toml").write_text('[project]\nname = "synthetic-app"\nversion = "0"\n')
    (out / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n")
    down = None
    for models in plan(total):
        number = models[0].package
        style = STYLES[number % len(STYLES)]
        package = app / f"pkg{number}"
        package.mkdir()
        (package / "__init__.py").write_text("")
        writer = {"flask": flask_models, "v2": v2_models, "v1": v1_models}[style]
        (package / "models.py").write_text(writer(models))
        (package / "repositories.py").write_text(repositories(models, style))
        revision = f"{number + 1:04d}abcd{number:04d}"
        (versions / f"{revision}_create_pkg{number}.py").write_text(migration(models, revision, down))
        down = revision


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, required=True, help="number of models (10 to 20000)")
    parser.add_argument("--out", type=Path, required=True, help="output directory (replaced if it exists)")
    options = parser.parse_args(argv)
    if options.models < 1:
        parser.error("--models must be at least 1")
    generate(options.models, options.out)
    print(f"wrote {options.models} models to {options.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
