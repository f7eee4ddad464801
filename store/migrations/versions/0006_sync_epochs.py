"""Sync epochs: one row per rep naming the sync run that may write its records.

A worker that froze past its heartbeat and wakes after its job was handed over
would otherwise re-apply old pages and move cursors back; every write of a run
now compares the run's epoch with this row in the same transaction.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-07 05:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_epochs",
        sa.Column("rep", sa.String(length=320), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["rep"], ["reps.email"], name=op.f("fk_sync_epochs_rep_reps"),
                                onupdate="CASCADE", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rep", name=op.f("pk_sync_epochs")),
    )


def downgrade() -> None:
    op.drop_table("sync_epochs")
