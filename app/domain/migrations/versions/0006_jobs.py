"""import jobs: state, progress and report of background imports

Revision ID: 0006_jobs
Revises: 0005_documents
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_jobs'
down_revision = '0005_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_job',
        sa.Column('id', sa.String(length=32), primary_key=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('sources_total', sa.Integer(), nullable=False),
        sa.Column('sources_done', sa.Integer(), nullable=False),
        sa.Column('fiches_read', sa.Integer(), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
    )
    op.create_index('ix_import_job_state', 'import_job', ['state'])


def downgrade() -> None:
    op.drop_index('ix_import_job_state', table_name='import_job')
    op.drop_table('import_job')
