"""Notebook checkpoints: content chunks, checkpoints, and the runs and datasets they record.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("comments", sa.Column("author_name", sa.String(length=255), nullable=True))
    op.create_table(
        "checkpoint_chunks",
        sa.Column("chunk_id", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("codec", sa.String(length=8), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("chunk_id", name=op.f("pk_checkpoint_chunks")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE checkpoint_chunks ALTER COLUMN "data" SET STORAGE EXTERNAL')
    op.create_table(
        "checkpoints",
        sa.Column("checkpoint_id", sa.String(length=32), nullable=False),
        sa.Column("repo", sa.String(length=512), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("author_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("manifest_id", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("outputs_shared", sa.Boolean(), nullable=False),
        sa.Column("omitted_outputs", sa.Integer(), nullable=False),
        sa.Column("git_state", sa.String(length=16), nullable=False),
        sa.Column("git_commit", sa.String(length=64), nullable=True),
        sa.Column("git_branch", sa.String(length=255), nullable=True),
        sa.Column("git_dirty", sa.Boolean(), nullable=True),
        sa.Column("git_detail", sa.Text(), nullable=True),
        sa.Column("side_ref", sa.String(length=64), nullable=True),
        sa.Column("datasets_state", sa.String(length=16), nullable=False),
        sa.Column("datasets_detail", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("restored_from", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("checkpoint_id", name=op.f("pk_checkpoints")),
    )
    op.create_index(
        op.f("ix_checkpoints_repo_path_created_at"),
        "checkpoints",
        ["repo", "path", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_checkpoints_author_created_at"),
        "checkpoints",
        ["author", "created_at"],
        unique=False,
    )
    op.create_table(
        "checkpoint_runs",
        sa.Column("checkpoint_id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["checkpoints.checkpoint_id"],
            name=op.f("fk_checkpoint_runs_checkpoint_id_checkpoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("checkpoint_id", "run_id", name=op.f("pk_checkpoint_runs")),
    )
    op.create_table(
        "checkpoint_datasets",
        sa.Column("checkpoint_id", sa.String(length=32), nullable=False),
        sa.Column("content_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["checkpoints.checkpoint_id"],
            name=op.f("fk_checkpoint_datasets_checkpoint_id_checkpoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "checkpoint_id", "content_id", "name", name=op.f("pk_checkpoint_datasets")
        ),
    )


def downgrade() -> None:
    op.drop_table("checkpoint_datasets")
    op.drop_table("checkpoint_runs")
    op.drop_index(op.f("ix_checkpoints_author_created_at"), table_name="checkpoints")
    op.drop_index(op.f("ix_checkpoints_repo_path_created_at"), table_name="checkpoints")
    op.drop_table("checkpoints")
    op.drop_table("checkpoint_chunks")
    op.drop_column("comments", "author_name")
