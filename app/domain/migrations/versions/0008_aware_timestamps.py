"""the dates of structures, documents and import jobs with their time zone on PostgreSQL, as the models
declare them (``UTCDateTime``: ``TIMESTAMP WITH TIME ZONE``). Migrations 0004 to 0006 made them
``TIMESTAMP WITHOUT TIME ZONE``: PostgreSQL then stored each instant as the session's local time and the
models read it back as UTC, hours off on a server whose time zone is not UTC. Each stored value is read as
the session's local time it was written in. SQLite has no time zones: nothing changes there.

Revision ID: 0008_aware_timestamps
Revises: 0007_fiche_tombstones
Create Date: 2026-12-01
"""
from alembic import op

revision = '0008_aware_timestamps'
down_revision = '0007_fiche_tombstones'
branch_labels = None
depends_on = None

_COLUMNS = {
    'structure': ('created_at', 'updated_at'),
    'document': ('created_at', 'updated_at'),
    'import_job': ('created_at', 'heartbeat_at', 'finished_at'),
}


def _alter(target: str, at_time_zone: str) -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in _COLUMNS.items():
        changes = ', '.join(f'ALTER COLUMN {column} TYPE {target} USING {column} AT TIME ZONE {at_time_zone}'
                            for column in columns)
        op.execute(f'ALTER TABLE {table} {changes}')


def upgrade() -> None:
    _alter('TIMESTAMP WITH TIME ZONE', "current_setting('TimeZone')")


def downgrade() -> None:
    _alter('TIMESTAMP WITHOUT TIME ZONE', "current_setting('TimeZone')")
