"""Near-duplicate signatures and LSH bands (issue 5)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "article_signatures",
        sa.Column("article_id", BigId, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("url_key_hash", sa.String(length=40), nullable=False),
        sa.Column("title_key_hash", sa.String(length=40), nullable=True),
        sa.Column("title_alt_hash", sa.String(length=40), nullable=True),
        sa.Column("shingle_count", sa.Integer(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("article_id"),
    )
    with op.batch_alter_table("article_signatures", schema=None) as batch_op:
        batch_op.create_index("ix_article_signatures_url_key_hash", ["url_key_hash"], unique=False)
        batch_op.create_index("ix_article_signatures_title", ["source_id", "title_key_hash"], unique=False)
        batch_op.create_index("ix_article_signatures_title_alt", ["source_id", "title_alt_hash"], unique=False)
    op.create_table(
        "article_bands",
        sa.Column("article_id", BigId, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("band_no", sa.SmallInteger(), nullable=False),
        sa.Column("band_hash", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "band_no"),
    )
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.create_index("ix_article_bands_band", ["band_no", "band_hash"], unique=False)
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wire_credits", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("wire_credits")
    op.drop_table("article_bands")
    op.drop_table("article_signatures")
