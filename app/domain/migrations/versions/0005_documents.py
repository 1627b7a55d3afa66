"""documents: projets sociaux and federation plans, and their units

Revision ID: 0005_documents
Revises: 0003
Create Date: 2026-11-30

A document (title, type, structure or territory, period) and its units (objectif général with its
operational objectives and indicators, theme with its parts, section, slide), in reading order.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_documents'
down_revision = '0004_structures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'document',
        sa.Column('id', sa.String(length=32), primary_key=True),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('type', sa.String(length=20), nullable=False),
        sa.Column('layout', sa.String(length=20), nullable=False),
        sa.Column('structure', sa.Text(), nullable=True),
        sa.Column('territoire', sa.Text(), nullable=True),
        sa.Column('periode', sa.String(length=20), nullable=True),
        sa.Column('source_file', sa.Text(), nullable=True),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_document_type', 'document', ['type'])
    op.create_index('ix_document_updated_at', 'document', ['updated_at'])
    op.create_table(
        'document_unit',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('document_id', sa.String(length=32), sa.ForeignKey('document.id'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('titre', sa.Text(), nullable=False),
        sa.Column('axe', sa.Text(), nullable=True),
        sa.Column('objectifs_operationnels', sa.JSON(), nullable=False),
        sa.Column('indicateurs', sa.JSON(), nullable=False),
        sa.Column('exemples', sa.JSON(), nullable=False),
        sa.Column('parties', sa.JSON(), nullable=False),
        sa.Column('texte', sa.Text(), nullable=True),
        sa.Column('source_line', sa.Integer(), nullable=True),
    )
    op.create_index('ix_document_unit_document_id', 'document_unit', ['document_id'])


def downgrade() -> None:
    op.drop_index('ix_document_unit_document_id', table_name='document_unit')
    op.drop_table('document_unit')
    op.drop_index('ix_document_updated_at', table_name='document')
    op.drop_index('ix_document_type', table_name='document')
    op.drop_table('document')
