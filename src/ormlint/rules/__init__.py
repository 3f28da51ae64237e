"""The rule registry: every rule class, in code order.

A new rule goes into ALL_RULES and, with its code, name and default, into
RULE_TABLE in ormlint/selection.py, which selects rules without importing them
(tests/test_rule_table.py checks the two agree and prints the line to add).
"""

from __future__ import annotations

from ormlint.rules.analyzer import ParseError
from ormlint.rules.base import Rule, RuleContext, RuleSettings
from ormlint.rules.column_policies import InconsistentDeletePolicy, NaiveDatetime, UnboundedNumericColumn
from ormlint.rules.declarations import AttributeAssignedTwice, ReservedMetadataAttribute, UnmappedAnnotation
from ormlint.rules.expressions import (
    ContradictoryDeleteRule,
    DefaultEvaluatedOnce,
    MutableDefault,
    NoneOrBoolComparison,
    PythonOperatorInCondition,
    UtcnowDefault,
)
from ormlint.rules.foreign_keys import (
    ForeignKeySizeMismatch,
    ForeignKeyTypeMismatch,
    ForeignKeyUnknownColumn,
    ForeignKeyUnknownTable,
)
from ormlint.rules.indexes import ForeignKeyWithoutIndex, RedundantIndex
from ormlint.rules.modernize import (
    BackrefInsteadOfBackPopulates,
    ClassicColumnInDeclarativeBase,
    DeclarativeBaseFromExt,
    DynamicRelationship,
    LegacyQueryApi,
    LegacyQueryGet,
)
from ormlint.rules.queries import (
    CompositeIndexCandidate,
    FullScanCondition,
    LazyLoadInLoop,
    RoundTripInLoop,
    UnboundedListQuery,
)
from ormlint.rules.migrations import (
    BrokenMigrationGraph,
    ColumnMissingFromMigrations,
    ColumnTypeDiffersFromMigrations,
    ConstraintMissingFromMigrations,
    ModelsOutsideTargetMetadata,
    NullabilityDiffersFromMigrations,
    OrphanInMigrations,
    TableNeverCreated,
)
from ormlint.rules.relationships import (
    AmbiguousClassName,
    BackPopulatesMismatch,
    BackrefClash,
    ConflictingRelationships,
    DeleteOrphanWithoutSingleParent,
    RelationshipUnknownTarget,
    RelationshipWithoutJoinPath,
)
from ormlint.rules.usage import (
    UnknownClassAttribute,
    UnknownColumnKeyword,
    UnknownConstructorKeyword,
    UnknownInstanceAttribute,
    UnknownNameInRelationshipString,
    ValueDoesNotFitColumn,
)
from ormlint.rules.sessions import (
    CommitInsideCommittingScope,
    CommitWithoutRollbackPath,
    EngineWithoutPoolSettings,
    HardDeleteOfSoftDeleteModel,
    HealthCheckWithoutQuery,
    SeveralSessionsInOneFunction,
    SqlBuiltFromInput,
    SwallowedFailedCommit,
)
from ormlint.rules.tables import (
    ColumnWithoutType,
    ConstraintUnknownColumn,
    DuplicateTableName,
    IdColumnWithoutForeignKey,
    MissingPrimaryKey,
    TableMappedTwiceDiffers,
)

ALL_RULES: tuple[type[Rule], ...] = tuple(
    sorted(
        [
            ParseError,
            ForeignKeyUnknownTable,
            ForeignKeyUnknownColumn,
            ForeignKeyTypeMismatch,
            ForeignKeySizeMismatch,
            DuplicateTableName,
            TableMappedTwiceDiffers,
            MissingPrimaryKey,
            ConstraintUnknownColumn,
            ColumnWithoutType,
            IdColumnWithoutForeignKey,
            RelationshipUnknownTarget,
            BackrefClash,
            BackPopulatesMismatch,
            RelationshipWithoutJoinPath,
            AmbiguousClassName,
            DeleteOrphanWithoutSingleParent,
            ConflictingRelationships,
            AttributeAssignedTwice,
            UnmappedAnnotation,
            ReservedMetadataAttribute,
            UnknownClassAttribute,
            UnknownConstructorKeyword,
            UnknownColumnKeyword,
            UnknownInstanceAttribute,
            ValueDoesNotFitColumn,
            UnknownNameInRelationshipString,
            ForeignKeyWithoutIndex,
            RedundantIndex,
            LegacyQueryGet,
            LegacyQueryApi,
            BackrefInsteadOfBackPopulates,
            DynamicRelationship,
            DeclarativeBaseFromExt,
            ClassicColumnInDeclarativeBase,
            FullScanCondition,
            CompositeIndexCandidate,
            LazyLoadInLoop,
            RoundTripInLoop,
            UnboundedListQuery,
            NoneOrBoolComparison,
            UtcnowDefault,
            DefaultEvaluatedOnce,
            MutableDefault,
            ContradictoryDeleteRule,
            UnboundedNumericColumn,
            NaiveDatetime,
            InconsistentDeletePolicy,
            PythonOperatorInCondition,
            HardDeleteOfSoftDeleteModel,
            SwallowedFailedCommit,
            CommitInsideCommittingScope,
            SeveralSessionsInOneFunction,
            SqlBuiltFromInput,
            EngineWithoutPoolSettings,
            HealthCheckWithoutQuery,
            CommitWithoutRollbackPath,
            TableNeverCreated,
            BrokenMigrationGraph,
            ColumnMissingFromMigrations,
            ColumnTypeDiffersFromMigrations,
            ModelsOutsideTargetMetadata,
            ConstraintMissingFromMigrations,
            OrphanInMigrations,
            NullabilityDiffersFromMigrations,
        ],
        key=lambda rule: rule.code,
    )
)

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
RULES_BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "RULES_BY_NAME", "Rule", "RuleContext", "RuleSettings"]
