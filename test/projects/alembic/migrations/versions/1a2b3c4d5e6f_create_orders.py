"""create orders"""
from alembic import op

revision = "1a2b3c4d5e6f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, legacy_status text)")
    op.execute("INSERT INTO orders (customer_id, legacy_status) SELECT g % 7, 'st' || (g % 3) FROM generate_series(1, 500) g")


def downgrade() -> None:
    op.execute("DROP TABLE orders")
