"""`ormlint schema`: what ormlint understood, as JSON or a mermaid erDiagram."""

from __future__ import annotations

import re
from typing import Any

from ormlint.expr import span_line
from ormlint.index import ProjectIndex, foreign_key_target
from ormlint.schema import TableInfo


def _table_record(index: ProjectIndex, table: TableInfo) -> dict[str, Any]:
    mapped = table.mapped_class
    columns = []
    for column in table.columns:
        foreign_keys = []
        for ref in column.foreign_keys:
            target = foreign_key_target(index, ref, table.metadata)
            if target.table is not None and target.column is not None:
                foreign_keys.append(f"{target.table.display}.{target.column.name}")
            elif ref.target_text is not None:
                foreign_keys.append(ref.target_text)
            else:
                foreign_keys.append("?")
        columns.append({
            "name": column.name,
            "attribute": column.key,
            "type": column.type.display,
            "family": column.type.family,
            "primary_key": column.primary_key,
            "nullable": column.nullable,
            "index": column.index,
            "unique": column.unique,
            "foreign_keys": foreign_keys,
        })
    relationships = []
    if mapped is not None:
        for klass in [mapped, *mapped.children]:
            for rel in klass.relationships.values():
                relationships.append({
                    "class": klass.name,
                    "name": rel.key,
                    "target": rel.target.name if rel.target else rel.target_text,
                    "back_populates": rel.back_populates,
                    "backref": rel.backref,
                    "from_backref": rel.from_backref is not None,
                })
    return {
        "name": table.name,
        "schema": table.schema,
        "metadata": table.metadata,
        "class": mapped.qualname if mapped else None,
        "subclasses": [c.qualname for c in mapped.descendants()] if mapped else [],
        "defined_in": f"{table.path}:{span_line(table.span)}",
        "complete": table.complete,
        "columns": columns,
        "indexes": [
            {"kind": c.kind, "name": c.name, "columns": list(c.columns)}
            for c in table.constraints
            if c.kind != "ForeignKeyConstraint"
        ],
        "relationships": relationships,
    }


def schema_json(index: ProjectIndex) -> dict[str, Any]:
    tables = sorted(index.tables, key=lambda t: (t.metadata, t.schema or "", t.name or "", t.path))
    return {
        "tables": [_table_record(index, table) for table in tables],
        "mapped_classes": len(index.classes),
        "tables_count": len(index.tables),
    }


def _mermaid_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def schema_mermaid(index: ProjectIndex) -> str:
    lines = ["erDiagram"]
    relations: list[str] = []
    for table in sorted(index.tables, key=lambda t: (t.name or "", t.path)):
        if table.name is None:
            continue
        entity = _mermaid_name(table.display)
        lines.append(f"    {entity} {{")
        for column in table.columns:
            keys = ["PK"] if column.primary_key else []
            if column.foreign_keys:
                keys.append("FK")
            type_name = _mermaid_name(column.type.family or "unknown")
            suffix = f" {','.join(keys)}" if keys else ""
            lines.append(f"        {type_name} {_mermaid_name(column.name or column.key)}{suffix}")
            for ref in column.foreign_keys:
                target = foreign_key_target(index, ref, table.metadata)
                if target.table is not None and target.table.name is not None:
                    relations.append(f"    {_mermaid_name(target.table.display)} ||--o{{ {entity} : \"{column.name or column.key}\"")
        lines.append("    }")
    lines.extend(sorted(set(relations)))
    return "\n".join(lines) + "\n"
