"""Record the optional equality monitoring groups of a case: ethnic group, staff group, employment.

Revision ID: 0003_equality_monitoring
Revises: 0002_suspension_considered_used
Create Date: 2026-12-01 00:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003_equality_monitoring"
down_revision: Union[str, Sequence[str], None] = "0002_suspension_considered_used"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The allowed groups as they were when this migration was written (a later change needs its own).
ETHNIC_GROUPS = ("white", "bme", "not_stated")
STAFF_GROUPS = (
    "medical_dental",
    "nursing_midwifery",
    "additional_clinical",
    "allied_health",
    "scientific_technical",
    "admin_clerical",
    "estates_ancillary",
    "other",
    "not_stated",
)
EMPLOYMENT_TYPES = ("substantive", "bank", "agency", "not_stated")
COLUMNS = (
    ("ethnic_group", ETHNIC_GROUPS),
    ("staff_group", STAFF_GROUPS),
    ("employment_type", EMPLOYMENT_TYPES),
)


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    # NULL when not asked: monitoring is off by default, and earlier cases were never asked.
    with op.batch_alter_table("cases") as batch:
        for column, _ in COLUMNS:
            batch.add_column(sa.Column(column, sa.String(length=32), nullable=True))
        for column, allowed in COLUMNS:
            batch.create_check_constraint(op.f(f"ck_cases_{column}_known"), f"{column} IN ({_quoted(allowed)})")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for column, _ in reversed(COLUMNS):
            batch.drop_constraint(op.f(f"ck_cases_{column}_known"), type_="check")
        for column, _ in reversed(COLUMNS):
            batch.drop_column(column)
