"""partial index of the tombstones: the live fiches are counted as all rows less the tombstones, both read
from indexes (never every row's record). Partial (``deleted_at IS NOT NULL``): no plan of a query on live
fiches (``deleted_at IS NULL``) can use it, on SQLite as on PostgreSQL

Revision ID: 0007_fiche_tombstones
Revises: 0006_jobs
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_fiche_tombstones'
down_revision = '0006_jobs'
branch_labels = None
depends_on = None

_TOMBSTONES = sa.text("deleted_at IS NOT NULL")


def upgrade() -> None:
    op.create_index('ix_fiche_tombstones', 'fiche', ['deleted_at'], sqlite_where=_TOMBSTONES,
                    postgresql_where=_TOMBSTONES)


def downgrade() -> None:
    op.drop_index('ix_fiche_tombstones', table_name='fiche')
