"""write sequence: a clock-free watermark for the search indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Every write transaction takes the next value of ``store_seq`` and stamps the rows it writes with it
(``fiche.seq``). Existing rows get sequence numbers in ``updated_at`` order, so an index built before
this migration is simply caught up (indexes keep their watermark as a sequence number from now on).
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.create_index('ix_fiche_seq', ['seq'], unique=False)
    store_seq = op.create_table(
        'store_seq',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('value', sa.BigInteger(), nullable=False),
    )
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text('SELECT id FROM fiche ORDER BY updated_at, id'))]
    fiche = sa.table('fiche', sa.column('id', sa.String), sa.column('seq', sa.BigInteger))
    if ids:
        connection.execute(fiche.update().where(fiche.c.id == sa.bindparam('b_id')).values(seq=sa.bindparam('b_seq')),
                           [{'b_id': fiche_id, 'b_seq': n} for n, fiche_id in enumerate(ids, start=1)])
    op.bulk_insert(store_seq, [{'id': 1, 'value': len(ids)}])


def downgrade() -> None:
    op.drop_table('store_seq')
    with op.batch_alter_table('fiche', schema=None) as batch_op:
        batch_op.drop_index('ix_fiche_seq')
        batch_op.drop_column('seq')
