"""Article metadata: modified_at, agencies, section, image (issue 4)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("agencies", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("section", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("image", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("extraction_method", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("extraction_method")
        batch_op.drop_column("image")
        batch_op.drop_column("section")
        batch_op.drop_column("agencies")
        batch_op.drop_column("modified_at")
