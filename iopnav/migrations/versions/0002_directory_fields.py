"""directory fields: languages, typical length, intake hours, last verified

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:51:05.587714
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch_alter_table: SQLite rebuilds the table, PostgreSQL runs plain ALTERs.
    # languages gets a server default so rows that already exist stay valid.
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("languages", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("typical_weeks", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("intake_hours", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("last_verified", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_column("last_verified")
        batch_op.drop_column("intake_hours")
        batch_op.drop_column("typical_weeks")
        batch_op.drop_column("languages")
