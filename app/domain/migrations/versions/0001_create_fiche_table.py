"""create fiche table

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fiche',
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('structure', sa.Text(), nullable=True),
    sa.Column('departement', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('departement_code', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('statut', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('dimension', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('territoire', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('mots_cles', sa.JSON(), nullable=False),
    sa.Column('public', sa.JSON(), nullable=False),
    sa.Column('initiative', sa.JSON(), nullable=False),
    sa.Column('partenaires', sa.JSON(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('resume', sa.Text(), nullable=True),
    sa.Column('precision', sa.Text(), nullable=True),
    sa.Column('raison_fin', sa.Text(), nullable=True),
    sa.Column('diagnostic', sa.Text(), nullable=True),
    sa.Column('description_experience', sa.Text(), nullable=True),
    sa.Column('description_generale', sa.Text(), nullable=True),
    sa.Column('ressources_financieres', sa.Text(), nullable=True),
    sa.Column('personnes_mobilisees', sa.Text(), nullable=True),
    sa.Column('resultat_territoire', sa.Text(), nullable=True),
    sa.Column('resultat_centre', sa.Text(), nullable=True),
    sa.Column('resultat_habitants', sa.Text(), nullable=True),
    sa.Column('impacts', sa.Text(), nullable=True),
    sa.Column('facteurs_reussite', sa.Text(), nullable=True),
    sa.Column('limites', sa.Text(), nullable=True),
    sa.Column('perspectives', sa.Text(), nullable=True),
    sa.Column('budget_eur', sa.Float(), nullable=True),
    sa.Column('etp', sa.Float(), nullable=True),
    sa.Column('source_file', sa.Text(), nullable=True),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('duplicate_of', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fiche_departement_code'), ['departement_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_fiche_duplicate_of'), ['duplicate_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_fiche_title_key'), ['title_key'], unique=False)
        batch_op.create_index('ix_fiche_updated_at', ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_fiche_year'), ['year'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fiche_year'))
        batch_op.drop_index('ix_fiche_updated_at')
        batch_op.drop_index(batch_op.f('ix_fiche_title_key'))
        batch_op.drop_index(batch_op.f('ix_fiche_duplicate_of'))
        batch_op.drop_index(batch_op.f('ix_fiche_departement_code'))

    op.drop_table('fiche')
