"""Create the store schema: reps, cursors, events, participants, messages, findings,
nudges and sync health.

Written without importing ``store.models`` so later model changes cannot alter what
this revision did; instants are ``timestamptz`` on PostgreSQL and (through the same
``DateTime(timezone=True)``) plain DATETIME text on SQLite, which is what
``store.types.UTCDateTime`` expects there.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:06:02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('reps',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_reps'))
    )
    op.create_table('calendar_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rep', sa.String(length=320), nullable=False),
    sa.Column('stream', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.Text(), nullable=False),
    sa.Column('uid', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('start_at', INSTANT, nullable=False),
    sa.Column('start_tz', sa.String(length=64), nullable=False),
    sa.Column('end_at', INSTANT, nullable=False),
    sa.Column('end_tz', sa.String(length=64), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('organizer', sa.Text(), nullable=True),
    sa.Column('recurrence_id', INSTANT, nullable=True),
    sa.Column('recurrence_tz', sa.String(length=64), nullable=True),
    sa.Column('updated', INSTANT, nullable=True),
    sa.Column('updated_tz', sa.String(length=64), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('confirmed', 'tentative', 'cancelled')", name=op.f('ck_calendar_events_status')),
    sa.ForeignKeyConstraint(['rep'], ['reps.email'], name=op.f('fk_calendar_events_rep_reps'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_events')),
    sa.UniqueConstraint('rep', 'stream', 'source_id', name=op.f('uq_calendar_events_rep_stream_source_id'))
    )
    op.create_index(op.f('ix_calendar_events_rep_start_at'), 'calendar_events', ['rep', 'start_at'])
    op.create_table('email_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rep', sa.String(length=320), nullable=False),
    sa.Column('stream', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.Text(), nullable=False),
    sa.Column('message_id', sa.Text(), nullable=False),
    sa.Column('sent_at', INSTANT, nullable=False),
    sa.Column('sent_tz', sa.String(length=64), nullable=False),
    sa.Column('sender_email', sa.Text(), nullable=False),
    sa.Column('sender_name', sa.Text(), nullable=False),
    sa.Column('to_addresses', JSON, nullable=False),
    sa.Column('cc_addresses', JSON, nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('folder', sa.String(length=16), nullable=False),
    sa.Column('is_auto_reply', sa.Boolean(), nullable=False),
    sa.Column('in_reply_to', sa.Text(), nullable=True),
    sa.Column('reference_ids', JSON, nullable=False),
    sa.Column('thread_id', sa.Text(), nullable=True),
    sa.Column('attachments', JSON, nullable=False),
    sa.CheckConstraint("folder IN ('inbox', 'sent', 'other')", name=op.f('ck_email_messages_folder')),
    sa.ForeignKeyConstraint(['rep'], ['reps.email'], name=op.f('fk_email_messages_rep_reps'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_messages')),
    sa.UniqueConstraint('rep', 'stream', 'source_id', name=op.f('uq_email_messages_rep_stream_source_id'))
    )
    op.create_index(op.f('ix_email_messages_rep_sent_at'), 'email_messages', ['rep', 'sent_at'])
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('rep', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('account', sa.Text(), nullable=False),
    sa.Column('meeting_uid', sa.Text(), nullable=True),
    sa.Column('meeting_key', sa.Text(), nullable=True),
    sa.Column('since', INSTANT, nullable=False),
    sa.Column('since_tz', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('meeting_title', sa.Text(), nullable=True),
    sa.Column('meeting_start', INSTANT, nullable=True),
    sa.Column('meeting_start_tz', sa.String(length=64), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('last_customer_action', INSTANT, nullable=True),
    sa.Column('last_customer_action_tz', sa.String(length=64), nullable=True),
    sa.Column('seller_touches', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('first_seen', INSTANT, nullable=False),
    sa.Column('last_seen', INSTANT, nullable=False),
    sa.Column('closed_at', INSTANT, nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_findings_status')),
    sa.ForeignKeyConstraint(['rep'], ['reps.email'], name=op.f('fk_findings_rep_reps'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    sa.UniqueConstraint('key', name=op.f('uq_findings_key'))
    )
    op.create_index(op.f('ix_findings_rep_status'), 'findings', ['rep', 'status'])
    op.create_table('nudges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rep', sa.String(length=320), nullable=False),
    sa.Column('local_day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('finding_keys', JSON, nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('claimed_at', INSTANT, nullable=False),
    sa.Column('finished_at', INSTANT, nullable=True),
    sa.CheckConstraint("status IN ('sending', 'sent', 'failed')", name=op.f('ck_nudges_status')),
    sa.ForeignKeyConstraint(['rep'], ['reps.email'], name=op.f('fk_nudges_rep_reps'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudges')),
    sa.UniqueConstraint('rep', 'local_day', 'kind', name=op.f('uq_nudges_rep_local_day_kind')),
    sqlite_autoincrement=True,
    )
    op.create_table('sync_cursors',
    sa.Column('rep', sa.String(length=320), nullable=False),
    sa.Column('stream', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', INSTANT, nullable=False),
    sa.ForeignKeyConstraint(['rep'], ['reps.email'], name=op.f('fk_sync_cursors_rep_reps'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rep', 'stream', name=op.f('pk_sync_cursors'))
    )
    op.create_table('sync_health',
    sa.Column('rep', sa.String(length=320), nullable=False),
    sa.Column('stream', sa.String(length=200), nullable=False),
    sa.Column('last_success', INSTANT, nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', INSTANT, nullable=True),
    sa.Column('last_error_kind', sa.String(length=16), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rep'], ['reps.email'], name=op.f('fk_sync_health_rep_reps'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rep', 'stream', name=op.f('pk_sync_health'))
    )
    op.create_table('event_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('response', sa.String(length=16), nullable=False),
    sa.Column('is_organizer', sa.Boolean(), nullable=False),
    sa.Column('is_self', sa.Boolean(), nullable=False),
    sa.Column('is_resource', sa.Boolean(), nullable=False),
    sa.CheckConstraint("response IN ('accepted', 'declined', 'tentative', 'needs_action')", name=op.f('ck_event_participants_response')),
    sa.ForeignKeyConstraint(['event_id'], ['calendar_events.id'], name=op.f('fk_event_participants_event_id_calendar_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_participants')),
    sa.UniqueConstraint('event_id', 'position', name=op.f('uq_event_participants_event_id_position'))
    )


def downgrade() -> None:
    op.drop_table('event_participants')
    op.drop_table('sync_health')
    op.drop_table('sync_cursors')
    op.drop_table('nudges')
    op.drop_index(op.f('ix_findings_rep_status'), table_name='findings')
    op.drop_table('findings')
    op.drop_index(op.f('ix_email_messages_rep_sent_at'), table_name='email_messages')
    op.drop_table('email_messages')
    op.drop_index(op.f('ix_calendar_events_rep_start_at'), table_name='calendar_events')
    op.drop_table('calendar_events')
    op.drop_table('reps')
