"""console: audit rows carry source IP and user agent; login throttle per (address, email)

Revision ID: 0006_console_login_audit
Revises: 0005_flag_moments
Create Date: 2026-12-01 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_console_login_audit"
down_revision = "0005_flag_moments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_ip", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("user_agent", sa.String(length=300), nullable=True))
    # Throttle rows are short-lived counters keyed differently now: start afresh.
    op.drop_table("console_login_throttle")
    op.create_table(
        "console_login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("console_login_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_console_login_throttle_account"), ["account"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_console_login_throttle_last_failure_at"),
            ["last_failure_at"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("console_login_throttle")
    op.create_table(
        "console_login_throttle",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("email"),
    )
    with op.batch_alter_table("console_audit", schema=None) as batch_op:
        batch_op.drop_column("user_agent")
        batch_op.drop_column("source_ip")
