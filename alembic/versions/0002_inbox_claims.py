"""inbox claims: one row per file that arrived, with its work lease and outcome

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("queued", "running", "done", "failed", "duplicate", "quarantined", "missing")


def upgrade() -> None:
    allowed = ", ".join(f"'{s}'" for s in STATES)
    op.create_table(
        "inbox_claims",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("moved_to", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"state IN ({allowed})", name=op.f("ck_inbox_claims_state")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_inbox_claims_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_claims")),
    )
    with op.batch_alter_table("inbox_claims", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_claims_state_lease_expires_at", ["state", "lease_expires_at"], unique=False)
        batch_op.create_index("ix_inbox_claims_sha256", ["sha256"], unique=False)
        batch_op.create_index("ix_inbox_claims_finished_at", ["finished_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_claims_finished_at")
        batch_op.drop_index("ix_inbox_claims_sha256")
        batch_op.drop_index("ix_inbox_claims_state_lease_expires_at")
    op.drop_table("inbox_claims")
