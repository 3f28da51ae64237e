"""What ormlint knows about SQLAlchemy, Flask-SQLAlchemy and SQLModel, as data.

Supporting a new type or construct is one line in a table here.
"""

from __future__ import annotations

from typing import Optional

# Top-level packages whose public names are SQLAlchemy-family constructs.
SQLALCHEMY_FAMILY_ROOTS = frozenset({"sqlalchemy", "sqlmodel", "flask_sqlalchemy", "sqlalchemy_utils"})

# Column type name -> (family, size rank). The rank orders sizes inside a
# family (SmallInteger < Integer < BigInteger); None when size does not apply.
TYPE_FAMILIES: dict[str, tuple[str, Optional[int]]] = {
    # integers
    "SmallInteger": ("integer", 2), "SMALLINT": ("integer", 2),
    "Integer": ("integer", 4), "INTEGER": ("integer", 4), "INT": ("integer", 4),
    "BigInteger": ("integer", 8), "BIGINT": ("integer", 8),
    # strings (size comes from the length argument)
    "String": ("string", None), "VARCHAR": ("string", None), "Unicode": ("string", None),
    "NVARCHAR": ("string", None), "CHAR": ("string", None), "NCHAR": ("string", None),
    "Text": ("string", None), "TEXT": ("string", None), "UnicodeText": ("string", None),
    "CITEXT": ("string", None), "AutoString": ("string", None), "CLOB": ("string", None),
    "EmailType": ("string", None), "URLType": ("string", None), "PasswordType": ("binary", None),
    # uuids
    "UUID": ("uuid", None), "Uuid": ("uuid", None), "UUIDType": ("uuid", None), "GUID": ("uuid", None),
    # numbers that are not integers
    "Numeric": ("numeric", None), "NUMERIC": ("numeric", None), "DECIMAL": ("numeric", None),
    "Float": ("float", None), "FLOAT": ("float", None), "REAL": ("float", None),
    "Double": ("float", None), "DOUBLE": ("float", None), "DOUBLE_PRECISION": ("float", None),
    # time
    "DateTime": ("datetime", None), "DATETIME": ("datetime", None), "TIMESTAMP": ("datetime", None),
    "Date": ("date", None), "DATE": ("date", None),
    "Time": ("time", None), "TIME": ("time", None),
    "Interval": ("interval", None), "INTERVAL": ("interval", None),
    # others
    "Boolean": ("boolean", None), "BOOLEAN": ("boolean", None),
    "JSON": ("json", None), "JSONB": ("json", None), "JSONType": ("json", None),
    "LargeBinary": ("binary", None), "BLOB": ("binary", None), "BYTEA": ("binary", None),
    "BINARY": ("binary", None), "VARBINARY": ("binary", None), "PickleType": ("pickle", None),
    "Enum": ("enum", None), "ENUM": ("enum", None), "ChoiceType": ("enum", None),
    "ARRAY": ("array", None), "INET": ("inet", None), "CIDR": ("inet", None),
    "MutableDict": ("json", None), "MutableList": ("json", None),
}

# Families whose values a foreign key can be compared across with certainty.
# Pairs outside this set (enum vs string, numeric vs integer) are left alone:
# whether they mismatch depends on the dialect.
COMPARABLE_FAMILIES = frozenset({"integer", "string", "uuid", "datetime", "date", "boolean", "binary", "float"})

# Python annotation -> column type name, as SQLAlchemy 2.0's default
# type_annotation_map and SQLModel's field mapping do it.
ANNOTATION_TYPES: dict[str, str] = {
    "int": "Integer",
    "str": "String",
    "float": "Float",
    "bool": "Boolean",
    "bytes": "LargeBinary",
    "datetime": "DateTime",
    "datetime.datetime": "DateTime",
    "date": "Date",
    "datetime.date": "Date",
    "time": "Time",
    "datetime.time": "Time",
    "timedelta": "Interval",
    "datetime.timedelta": "Interval",
    "Decimal": "Numeric",
    "decimal.Decimal": "Numeric",
    "UUID": "Uuid",
    "uuid.UUID": "Uuid",
    "dict": "JSON",
}

# Names (last component) of SQLAlchemy-family constructs, by role.
COLUMN_FACTORIES = frozenset({"Column", "mapped_column"})
SQLMODEL_FIELD = "Field"
RELATIONSHIP_FACTORIES = frozenset({"relationship", "relation", "Relationship", "dynamic_loader"})
BACKREF_FACTORIES = frozenset({"backref"})
FOREIGN_KEY = "ForeignKey"
TABLE_FACTORY = "Table"
CONSTRAINT_FACTORIES = frozenset({"Index", "UniqueConstraint", "PrimaryKeyConstraint", "ForeignKeyConstraint"})
# Mapped attributes that are not columns of the class's own table.
PROPERTY_FACTORIES = frozenset({
    "column_property", "synonym", "composite", "deferred", "query_expression",
    "association_proxy", "hybrid_property", "hybrid_method", "comparable_property",
})
MAPPED_ANNOTATIONS = frozenset({"Mapped", "WriteOnlyMapped", "DynamicMapped"})
# Classes whose direct subclasses are declarative bases (2.0 style).
DECLARATIVE_BASE_CLASSES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
# Callables returning a declarative base (1.x style).
DECLARATIVE_BASE_FACTORIES = frozenset({"declarative_base", "as_declarative_base"})
# Mixins from the libraries that add nothing to the schema.
NEUTRAL_LIBRARY_BASES = frozenset({"MappedAsDataclass", "AsyncAttrs", "object", "Generic", "Protocol", "ABC"})
TYPE_DECORATOR_BASES = frozenset({"TypeDecorator", "UserDefinedType"})

# Attributes SQLAlchemy, Flask-SQLAlchemy and SQLModel add to mapped classes.
LIBRARY_CLASS_ATTRIBUTES = frozenset({
    "__table__", "__tablename__", "__mapper__", "__mapper_args__", "__table_args__",
    "metadata", "registry", "_sa_instance_state", "_sa_class_manager", "_sa_registry",
    "query", "query_class", "__bind_key__",
})


def type_family(type_name: str) -> Optional[tuple[str, Optional[int]]]:
    return TYPE_FAMILIES.get(type_name)


def snake_case(name: str) -> str:
    """Flask-SQLAlchemy 3.x `camel_to_snake_case`."""
    import re

    name = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return name.lower().lstrip("_")


def snake_case_v2(name: str) -> str:
    """Flask-SQLAlchemy 2.x `_camelcase_re` naming."""
    import re

    def join(match: "re.Match[str]") -> str:
        word = match.group()
        if len(word) > 1:
            return f"_{word[:-1]}_{word[-1]}".lower()
        return "_" + word.lower()

    return re.sub(r"([A-Z]+)(?=[a-z0-9])", join, name).lstrip("_")


# Mixins from other libraries whose attributes are known and fixed: a model
# using them stays fully known (its other attributes can still be checked).
KNOWN_EXTERNAL_MIXINS: dict[str, frozenset[str]] = {
    "flask_login.UserMixin": frozenset({"is_active", "is_authenticated", "is_anonymous", "get_id"}),
    "flask_login.mixins.UserMixin": frozenset({"is_active", "is_authenticated", "is_anonymous", "get_id"}),
    # oslo.db's mixins, under every OpenStack service's models (manila's ManilaBase).
    "oslo_db.sqlalchemy.models.SoftDeleteMixin": frozenset({"deleted_at", "deleted", "soft_delete"}),
    "oslo_db.sqlalchemy.models.TimestampMixin": frozenset({"created_at", "updated_at"}),
}
