"""add placed_at"""
from typing import Sequence, Union

from alembic import op

revision: str = "9f8e7d6c5b4a"
down_revision: Union[str, None] = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE orders ADD COLUMN placed_at timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE orders DROP COLUMN placed_at")
