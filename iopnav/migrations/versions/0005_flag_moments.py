"""crisis flags: one open flag per conversation, counted moments, alert state

Revision ID: 0005_flag_moments
Revises: 0004
Create Date: 2026-12-01 19:30:00

Existing flags: each becomes its own first moment; they count as alerted
(they were, under the old code). Where a conversation already has several
open flags, the earliest stays open and counts the others, which are marked
acknowledged by "system" with the reason: no row is deleted.
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0005_flag_moments"
down_revision = "0004"
branch_labels = None
depends_on = None

MERGED = "merged into flag {} (one open flag per conversation)"


def upgrade() -> None:
    with op.batch_alter_table("crisis_flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moments", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("last_moment_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("alerted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("realerted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("acknowledge_reason", sa.String(length=300), nullable=True))
    op.create_table(
        "crisis_flag_moments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("event_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["flag_id"], ["crisis_flags.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id", "event_key", name="uq_crisis_moment_event"),
    )
    with op.batch_alter_table("crisis_flag_moments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crisis_flag_moments_flag_id"), ["flag_id"])
        batch_op.create_index(batch_op.f("ix_crisis_flag_moments_sender_id"), ["sender_id"])
    _carry_over_existing_flags()
    op.create_index(
        "uq_crisis_flag_open",
        "crisis_flags",
        ["sender_id"],
        unique=True,
        sqlite_where=sa.text("acknowledged = 0"),
        postgresql_where=sa.text("NOT acknowledged"),
    )


def _carry_over_existing_flags() -> None:
    bind = op.get_bind()
    flags = sa.table(
        "crisis_flags",
        sa.column("id"),
        sa.column("sender_id"),
        sa.column("event_key"),
        sa.column("created_at"),
        sa.column("category"),
        sa.column("acknowledged", sa.Boolean),
        sa.column("acknowledged_by"),
        sa.column("acknowledged_at"),
        sa.column("acknowledge_reason"),
        sa.column("moments"),
        sa.column("last_moment_at"),
        sa.column("alerted_at"),
    )
    moments = sa.table(
        "crisis_flag_moments",
        sa.column("flag_id"),
        sa.column("sender_id"),
        sa.column("event_key"),
        sa.column("created_at"),
        sa.column("category"),
    )
    rows = bind.execute(sa.select(flags).order_by(flags.c.id)).fetchall()
    open_by_sender = defaultdict(list)
    for row in rows:
        bind.execute(
            moments.insert().values(
                flag_id=row.id,
                sender_id=row.sender_id,
                event_key=row.event_key,
                created_at=row.created_at,
                category=row.category,
            )
        )
        bind.execute(
            flags.update()
            .where(flags.c.id == row.id)
            .values(last_moment_at=row.created_at, alerted_at=row.created_at)
        )
        if not row.acknowledged:
            open_by_sender[row.sender_id].append(row)
    for opened in open_by_sender.values():
        keeper, extra = opened[0], opened[1:]
        if not extra:
            continue
        bind.execute(
            flags.update()
            .where(flags.c.id == keeper.id)
            .values(moments=len(opened), last_moment_at=extra[-1].created_at)
        )
        for row in extra:
            bind.execute(
                moments.update().where(moments.c.flag_id == row.id).values(flag_id=keeper.id)
            )
            bind.execute(
                flags.update()
                .where(flags.c.id == row.id)
                .values(
                    acknowledged=True,
                    acknowledged_by="system",
                    acknowledged_at=keeper.created_at,
                    acknowledge_reason=MERGED.format(keeper.id),
                )
            )


def downgrade() -> None:
    op.drop_index("uq_crisis_flag_open", table_name="crisis_flags")
    with op.batch_alter_table("crisis_flag_moments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crisis_flag_moments_sender_id"))
        batch_op.drop_index(batch_op.f("ix_crisis_flag_moments_flag_id"))
    op.drop_table("crisis_flag_moments")
    with op.batch_alter_table("crisis_flags", schema=None) as batch_op:
        for name in (
            "acknowledge_reason",
            "realerted_at",
            "alerted_at",
            "note",
            "last_moment_at",
            "moments",
        ):
            batch_op.drop_column(name)
