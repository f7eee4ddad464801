"""Sync health keeps the items a round skipped and the data it refused to delete.

``skipped`` counts the items (messages, events, files) the last round of a stream
could not read, ``skipped_detail`` holds the first reasons ("<item>: <reason>", one a
line), and ``warning`` says what the round refused to do (a calendar snapshot that
shrank sharply, a source that could not be read whole), so `dealnudge status` shows
it until a clean round clears it. Existing rows read as "nothing skipped".

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-07 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('sync_health') as batch:
        batch.add_column(sa.Column('skipped', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('skipped_detail', sa.Text(), nullable=True))
        batch.add_column(sa.Column('warning', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_health') as batch:
        batch.drop_column('warning')
        batch.drop_column('skipped_detail')
        batch.drop_column('skipped')
