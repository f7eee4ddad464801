"""Remember each event's first start; findings carry a due day, a count and a Message-ID.

A moved meeting arrives from every provider with its new start only, so the store
keeps the first start it saw per (rep, stream, source id) in ``event_history``.
Existing stores are backfilled with each event's current start: nothing stored so
far counts as moved. The four finding columns are for the deal-signal kinds
(slipped commitments, repeated reschedules, unanswered customers: due day, count,
Message-ID and the mail's subject for a reply draft); older findings
leave them empty.

Revision ID: 0002
Revises: 0003 (written against 0001; follows the web-link revision so both chain)
Create Date: 2026-12-07 05:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('event_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rep', sa.String(length=320), nullable=False),
    sa.Column('stream', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.Text(), nullable=False),
    sa.Column('first_start_at', INSTANT, nullable=False),
    sa.Column('first_start_tz', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['rep'], ['reps.email'], name=op.f('fk_event_history_rep_reps'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_history')),
    sa.UniqueConstraint('rep', 'stream', 'source_id', name=op.f('uq_event_history_rep_stream_source_id'))
    )
    op.execute(
        "INSERT INTO event_history (rep, stream, source_id, first_start_at, first_start_tz) "
        "SELECT rep, stream, source_id, start_at, start_tz FROM calendar_events")
    with op.batch_alter_table('findings') as batch:
        batch.add_column(sa.Column('due', sa.Date(), nullable=True))
        batch.add_column(sa.Column('reschedule_count', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('message_id', sa.Text(), nullable=True))
        batch.add_column(sa.Column('subject', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('findings') as batch:
        batch.drop_column('subject')
        batch.drop_column('message_id')
        batch.drop_column('reschedule_count')
        batch.drop_column('due')
    op.drop_table('event_history')
