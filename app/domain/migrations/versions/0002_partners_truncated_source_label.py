"""partners split, truncated flag, human source label

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

- ``partenaires`` becomes ``partenaires_action`` (SENACS printed action partners under that label; the
  financial partners were never read apart), and ``partenaires_financiers`` starts empty;
- ``truncated`` (the source text was cut off) starts false: it was never stored before;
- ``source_file`` held the path of the imported file on the server: only its name is kept, and
  ``source_label`` (what the page shows) is that name, or « Catalogue SENACS » for a senacs.fr address.
"""
import posixpath

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _file_name(path: str | None) -> str | None:
    if not path:
        return None
    return posixpath.basename(path.replace("\\", "/")) or path


def upgrade() -> None:
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.alter_column('partenaires', new_column_name='partenaires_action', existing_type=sa.JSON(),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('partenaires_financiers', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('truncated', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('source_label', sa.Text(), nullable=True))
    fiche = sa.table('fiche', sa.column('id', sa.String), sa.column('source_file', sa.Text),
                     sa.column('source_url', sa.Text), sa.column('source_label', sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(fiche.c.id, fiche.c.source_file, fiche.c.source_url)).all()
    updates = []
    for fiche_id, source_file, source_url in rows:
        name = _file_name(source_file)
        label = "Catalogue SENACS" if source_url and "senacs" in source_url.lower() else name
        updates.append({"b_id": fiche_id, "source_file": name, "source_label": label})
    if updates:
        connection.execute(
            fiche.update().where(fiche.c.id == sa.bindparam("b_id")).values(
                source_file=sa.bindparam("source_file"), source_label=sa.bindparam("source_label")),
            updates)


def downgrade() -> None:
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.drop_column('source_label')
        batch_op.drop_column('truncated')
        batch_op.drop_column('partenaires_financiers')
        batch_op.alter_column('partenaires_action', new_column_name='partenaires', existing_type=sa.JSON(),
                              existing_nullable=False)
