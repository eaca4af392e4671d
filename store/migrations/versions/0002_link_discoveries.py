"""Per-link discovery records (issue 3)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_discoveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("link_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("from_url", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "via", "from_url", name="uq_link_discoveries_link_via_from"),
    )
    with op.batch_alter_table("link_discoveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_discoveries_link_id"), ["link_id"], unique=False)
    # Links found before this table existed: their first discovery is on the link row itself.
    op.execute(
        "INSERT INTO link_discoveries (link_id, via, from_url, first_seen_at, last_seen_at) "
        "SELECT id, discovered_via, discovered_from, first_seen_at, last_seen_at FROM links"
    )


def downgrade() -> None:
    with op.batch_alter_table("link_discoveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_discoveries_link_id"))
    op.drop_table("link_discoveries")
