"""structures (« Fiche identité ») and the fiche columns a structure brings

Revision ID: 0004_structures
Revises: 0003
Create Date: 2026-11-30

- ``structure``: one row per centre social or espace de vie sociale, keyed by name and département;
- ``fiche`` gains ``structure_key`` (its structure line, folded, and its département code: filled here for
  the fiches already stored) and the structure's attributes copied at link time (``structure_id``,
  ``type_structure``, ``commune``, ``qpv``, ``type_territoire``, ``mode_gestion``), empty until a structure
  is imported.
"""
import sqlalchemy as sa
from alembic import op

from app.domain.structures import structure_key

revision = '0004_structures'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'structure',
        sa.Column('id', sa.String(length=16), primary_key=True),
        sa.Column('structure_key', sa.String(length=300), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('nom', sa.Text(), nullable=False),
        sa.Column('type_structure', sa.String(length=3), nullable=True),
        sa.Column('adresse', sa.Text(), nullable=True),
        sa.Column('code_postal', sa.String(length=10), nullable=True),
        sa.Column('commune', sa.String(length=120), nullable=True),
        sa.Column('code_insee', sa.String(length=5), nullable=True),
        sa.Column('departement', sa.String(length=80), nullable=True),
        sa.Column('departement_code', sa.String(length=3), nullable=True),
        sa.Column('region', sa.String(length=80), nullable=True),
        sa.Column('site_internet', sa.Text(), nullable=True),
        sa.Column('siret', sa.String(length=14), nullable=True),
        sa.Column('date_agrement', sa.Date(), nullable=True),
        sa.Column('population', sa.Integer(), nullable=True),
        sa.Column('historique', sa.Text(), nullable=True),
        sa.Column('axes', sa.JSON(), nullable=False),
        sa.Column('mode_gestion', sa.String(length=80), nullable=True),
        sa.Column('type_territoire', sa.String(length=40), nullable=True),
        sa.Column('taille_territoire', sa.String(length=80), nullable=True),
        sa.Column('qpv', sa.Boolean(), nullable=True),
        sa.Column('adherent_fcsf', sa.Boolean(), nullable=True),
        sa.Column('autre_federation', sa.Text(), nullable=True),
        sa.Column('gens_du_voyage', sa.Boolean(), nullable=True),
        sa.Column('multi_sites', sa.Boolean(), nullable=True),
        sa.Column('itinerante', sa.Boolean(), nullable=True),
        sa.Column('truncated', sa.Boolean(), nullable=False),
        sa.Column('source_file', sa.Text(), nullable=True),
        sa.Column('source_line', sa.Integer(), nullable=True),
        sa.Column('source_url', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_structure_structure_key', 'structure', ['structure_key'], unique=True)
    op.create_index('ix_structure_departement_code', 'structure', ['departement_code'], unique=False)
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.add_column(sa.Column('structure_key', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('structure_id', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('type_structure', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('commune', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('qpv', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('type_territoire', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('mode_gestion', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_fiche_structure_key', ['structure_key'], unique=False)
        batch_op.create_index('ix_fiche_structure_id', ['structure_id'], unique=False)
    connection = op.get_bind()
    rows = connection.execute(sa.text('SELECT id, structure, departement_code FROM fiche')).all()
    fiche = sa.table('fiche', sa.column('id', sa.String), sa.column('structure_key', sa.String))
    keys = [{'b_id': row[0], 'b_key': structure_key(row[1], row[2])} for row in rows if row[1]]
    if keys:
        connection.execute(fiche.update().where(fiche.c.id == sa.bindparam('b_id'))
                           .values(structure_key=sa.bindparam('b_key')), keys)


def downgrade() -> None:
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.drop_index('ix_fiche_structure_id')
        batch_op.drop_index('ix_fiche_structure_key')
        for name in ('mode_gestion', 'type_territoire', 'qpv', 'commune', 'type_structure', 'structure_id',
                     'structure_key'):
            batch_op.drop_column(name)
    op.drop_index('ix_structure_departement_code', table_name='structure')
    op.drop_index('ix_structure_structure_key', table_name='structure')
    op.drop_table('structure')
