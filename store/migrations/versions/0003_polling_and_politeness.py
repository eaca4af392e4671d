"""Adaptive polling, failure accounting, per-host budget (issue 3)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("feed_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("poll_interval", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("failure_score", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("disabled_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("moved_to", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_unconditional_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_feed_state_next_poll_at", ["next_poll_at"], unique=False)

    with op.batch_alter_table("raw_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redirects", sa.JSON(), nullable=True))

    op.create_table(
        "feed_polls",
        sa.Column("id", _BigId, autoincrement=True, nullable=False),
        sa.Column("feed_id", _BigId, nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("new_items", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["feed_id"], ["feed_state.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feed_polls", schema=None) as batch_op:
        batch_op.create_index("ix_feed_polls_feed_id_polled_at", ["feed_id", "polled_at"], unique=False)
        batch_op.create_index("ix_feed_polls_source_id", ["source_id"], unique=False)

    op.create_table(
        "host_budget",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("in_flight", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_after_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host"),
    )


def downgrade() -> None:
    op.drop_table("host_budget")
    with op.batch_alter_table("feed_polls", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_polls_source_id")
        batch_op.drop_index("ix_feed_polls_feed_id_polled_at")
    op.drop_table("feed_polls")
    with op.batch_alter_table("raw_pages", schema=None) as batch_op:
        batch_op.drop_column("redirects")
    with op.batch_alter_table("feed_state", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_state_next_poll_at")
        batch_op.drop_column("last_unconditional_at")
        batch_op.drop_column("moved_to")
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("disabled_reason")
        batch_op.drop_column("failure_score")
        batch_op.drop_column("poll_interval")
        batch_op.drop_column("next_poll_at")
