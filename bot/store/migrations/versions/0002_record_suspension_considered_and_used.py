"""Record whether suspension or exclusion was considered for a case, and whether it was used.

Revision ID: 0002_suspension_considered_used
Revises: 0001_cases_and_follow_ups
Create Date: 2026-12-01 00:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002_suspension_considered_used"
down_revision: Union[str, Sequence[str], None] = "0001_cases_and_follow_ups"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Unknown (NULL) until a manager says: earlier cases were never asked.
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("suspension_considered", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("suspension_used", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("suspension_used")
        batch.drop_column("suspension_considered")
