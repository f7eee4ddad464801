"""Web links and finding contacts: what a digest item needs to open the meeting or
thread in the rep's own client and to draft the recap.

``web_link`` on events and messages keeps the provider's own page for the record
(Google Calendar ``htmlLink``, Outlook on the web ``webLink``, the Gmail thread URL);
findings copy the link and the customer addresses to write to, so a digest rendered
from stored findings needs no second look at the records. All columns are nullable:
rows stored before this revision simply have no link.

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-07 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("calendar_events") as batch:
        batch.add_column(sa.Column("web_link", sa.Text(), nullable=True))
    with op.batch_alter_table("email_messages") as batch:
        batch.add_column(sa.Column("web_link", sa.Text(), nullable=True))
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("web_link", sa.Text(), nullable=True))
        batch.add_column(sa.Column("contacts", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("contacts")
        batch.drop_column("web_link")
    with op.batch_alter_table("email_messages") as batch:
        batch.drop_column("web_link")
    with op.batch_alter_table("calendar_events") as batch:
        batch.drop_column("web_link")
