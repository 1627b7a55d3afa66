"""index on fiche.deleted_at: counting the live fiches reads the index, not every row

Revision ID: 0007_fiche_deleted_at
Revises: 0006_jobs
Create Date: 2026-11-30
"""
from alembic import op

revision = '0007_fiche_deleted_at'
down_revision = '0006_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_fiche_deleted_at', 'fiche', ['deleted_at'])


def downgrade() -> None:
    op.drop_index('ix_fiche_deleted_at', table_name='fiche')
