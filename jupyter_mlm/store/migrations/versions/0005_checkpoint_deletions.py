"""When a user deleted a file or folder: Jupyter's checkpoint list of a new file at that path
starts after it.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkpoint_deletions",
        sa.Column("repo", sa.String(length=512), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("deleted_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("repo", "path", "author", name=op.f("pk_checkpoint_deletions")),
    )


def downgrade() -> None:
    op.drop_table("checkpoint_deletions")
