"""The store's tables (SQLAlchemy Core). Alembic revisions under ``migrations/`` build the same."""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    event,
)

#: The Alembic revision this code writes; a store stamped with another known revision is
#: migrated, an unknown (newer) one is refused.
SCHEMA_VERSION = "0006"
KNOWN_VERSIONS = ("0001", "0002", "0003", "0004", "0005", "0006")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(32)
KEY = String(250)
BLOB_ID = String(64)


def _run_fk() -> ForeignKey:
    return ForeignKey("runs.run_id", ondelete="CASCADE")


experiments = Table(
    "experiments",
    metadata,
    Column("experiment_id", ID, primary_key=True),
    Column("name", KEY, nullable=False, unique=True),
    Column("description", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("lifecycle", String(16), nullable=False, server_default="active"),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", ID, primary_key=True),
    Column(
        "experiment_id",
        ID,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", KEY, nullable=False),
    Column("status", String(16), nullable=False),
    Column("parent_run_id", ID, ForeignKey("runs.run_id", ondelete="SET NULL"), nullable=True),
    Column("start_time", Float, nullable=False),
    Column("end_time", Float, nullable=True),
    Column("heartbeat_at", Float, nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("pid_started", String(32), nullable=False),
    Column("user", String(255), nullable=False),
    Column("error", Text, nullable=True),
    Column("lifecycle", String(16), nullable=False, server_default="active"),
    Index(None, "experiment_id", "start_time"),
    Index(None, "parent_run_id"),
)

params = Table(
    "params",
    metadata,
    Column("run_id", ID, _run_fk(), primary_key=True),
    Column("key", KEY, primary_key=True),
    Column("value", Text, nullable=False),  # canonical JSON
    Column("value_num", Float, nullable=True),  # the number, for range filters
    Index(None, "key", "value_num"),
)

tags = Table(
    "tags",
    metadata,
    Column("run_id", ID, _run_fk(), primary_key=True),
    Column("key", KEY, primary_key=True),
    Column("value", Text, nullable=False),
)

# A metric series is stored in blocks of up to BLOCK_POINTS points: three packed little-endian
# arrays (int64 steps, float64 values, float64 unix times) per row.
metric_blocks = Table(
    "metric_blocks",
    metadata,
    Column("run_id", ID, _run_fk(), primary_key=True),
    Column("key", KEY, primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
    Column("first_step", BigInteger, nullable=False),
    Column("last_step", BigInteger, nullable=False),
    Column("steps", LargeBinary, nullable=False),
    Column("values", LargeBinary, nullable=False),
    Column("times", LargeBinary, nullable=False),
)

# Revision 0006: a min/max sketch of each full block (``metric_sketches.py``), so an overview
# of a long series reads the sketches, not the points.
metric_sketches = Table(
    "metric_sketches",
    metadata,
    Column("run_id", ID, _run_fk(), primary_key=True),
    Column("key", KEY, primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("sketch", LargeBinary, nullable=False),
)

# PostgreSQL would compress the packed arrays (pglz), which costs far more than it saves on
# float data: keep them out of line, uncompressed. (Migration 0001 does the same.)
PG_BLOCK_STORAGE = [
    f'ALTER TABLE metric_blocks ALTER COLUMN "{col}" SET STORAGE EXTERNAL'
    for col in ("steps", "values", "times")
]
for _stmt in PG_BLOCK_STORAGE:
    event.listen(metric_blocks, "after_create", DDL(_stmt).execute_if(dialect="postgresql"))

# One row per (run, metric): what leaderboards and run listings read.
metric_summaries = Table(
    "metric_summaries",
    metadata,
    Column("run_id", ID, _run_fk(), primary_key=True),
    Column("key", KEY, primary_key=True),
    Column("experiment_id", ID, nullable=False),
    Column("last", Float, nullable=True),
    Column("last_step", BigInteger, nullable=False),
    Column("last_time", Float, nullable=False),
    Column("min", Float, nullable=True),
    Column("max", Float, nullable=True),
    Column("count", BigInteger, nullable=False),
    Column("sum", Float, nullable=True),
    Index(None, "experiment_id", "key", "last"),
    Index(None, "experiment_id", "key", "min"),
    Index(None, "experiment_id", "key", "max"),
)

texts = Table(
    "texts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", ID, _run_fk(), nullable=False),
    Column("name", KEY, nullable=False),
    Column("step", BigInteger, nullable=True),
    Column("blob_id", BLOB_ID, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
    Index(None, "run_id", "name"),
)

images = Table(
    "images",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", ID, _run_fk(), nullable=False),
    Column("name", KEY, nullable=False),
    Column("step", BigInteger, nullable=True),
    Column("blob_id", BLOB_ID, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Index(None, "run_id", "name"),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("run_id", ID, _run_fk(), primary_key=True),
    Column("name", String(1024), primary_key=True),
    Column("blob_id", BLOB_ID, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
)

# Journal files (points spilled while the store was unreachable) already written to the store:
# replay is idempotent because the id is inserted in the same transaction as the points.
journal_replays = Table(
    "journal_replays",
    metadata,
    Column("journal_id", String(128), primary_key=True),
    Column("replayed_at", Float, nullable=False),
)

# Revision 0002: comments by users on runs, experiments and (later) checkpoints and models.
comments = Table(
    "comments",
    metadata,
    Column("comment_id", ID, primary_key=True),
    Column("target_kind", String(16), nullable=False),
    Column("target_id", String(64), nullable=False),
    Column("author", String(255), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("author_name", String(255), nullable=True),  # revision 0004
    Index(None, "target_kind", "target_id", "created_at"),
)

# Revision 0003: dataset versions (one row per name and content) and their use by runs.
dataset_versions = Table(
    "dataset_versions",
    metadata,
    Column("content_id", BLOB_ID, primary_key=True),
    Column("name", KEY, primary_key=True),
    Column("kind", String(16), nullable=False),  # file, folder, frame, array
    Column("source", Text, nullable=False),  # where it was read, credentials removed
    Column("file_count", BigInteger, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    Column("manifest_blob", BLOB_ID, nullable=True),  # JSON list of files (folders)
    Column("schema_json", Text, nullable=True),  # columns, dtypes, rows (frames, arrays)
    Column("rows_blob", BLOB_ID, nullable=True),  # packed uint64 row hashes (frames)
    Column("created_at", Float, nullable=False),
    Column("created_by", String(255), nullable=False),
    Index(None, "content_id"),
    Index(None, "name", "created_at"),
)

run_datasets = Table(
    "run_datasets",
    metadata,
    Column("run_id", ID, _run_fk(), primary_key=True),
    Column("content_id", BLOB_ID, primary_key=True),
    Column("context", String(64), primary_key=True),
    Column("direction", String(8), primary_key=True),  # input or output
    Column("name", KEY, nullable=False),
    Column("created_at", Float, nullable=False),
    Index(None, "content_id"),
)

# Revision 0004: notebook checkpoints. Content is split into chunks (a cell without its outputs,
# one output, a whole plain file), stored once per blake3 id; a checkpoint names its manifest.
checkpoint_chunks = Table(
    "checkpoint_chunks",
    metadata,
    Column("chunk_id", BLOB_ID, primary_key=True),
    Column("size", BigInteger, nullable=False),  # bytes before compression
    Column("codec", String(8), nullable=False),  # raw | zlib
    Column("data", LargeBinary, nullable=False),
    Column("created_at", Float, nullable=False),
)
event.listen(
    checkpoint_chunks,
    "after_create",
    DDL('ALTER TABLE checkpoint_chunks ALTER COLUMN "data" SET STORAGE EXTERNAL').execute_if(
        dialect="postgresql"
    ),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("checkpoint_id", ID, primary_key=True),
    Column("repo", String(512), nullable=False),  # repository identity, "" outside git
    Column("path", String(1024), nullable=False),  # repo-relative (or server-relative) POSIX path
    Column("kind", String(16), nullable=False),  # notebook | file
    Column("author", String(255), nullable=False),
    Column("author_name", String(255), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("message", Text, nullable=True),
    Column("manifest_id", BLOB_ID, nullable=True),  # None when the content could not be read
    Column("content_hash", BLOB_ID, nullable=True),  # blake3 of the file as saved
    Column("size", BigInteger, nullable=False),
    Column("outputs_shared", Boolean, nullable=False),
    Column("omitted_outputs", Integer, nullable=False),
    Column("git_state", String(16), nullable=False),  # pending | ok | none | error | timeout
    Column("git_commit", String(64), nullable=True),
    Column("git_branch", String(255), nullable=True),
    Column("git_dirty", Boolean, nullable=True),
    Column("git_detail", Text, nullable=True),
    Column("side_ref", String(64), nullable=True),  # commit on refs/mlm/checkpoints/... (opt-in)
    Column("datasets_state", String(16), nullable=False),
    Column("datasets_detail", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("restored_from", ID, nullable=True),
    Index(None, "repo", "path", "created_at"),
    Index(None, "author", "created_at"),
)


def _checkpoint_fk() -> ForeignKey:
    return ForeignKey("checkpoints.checkpoint_id", ondelete="CASCADE")


checkpoint_runs = Table(
    "checkpoint_runs",
    metadata,
    Column("checkpoint_id", ID, _checkpoint_fk(), primary_key=True),
    Column("run_id", ID, primary_key=True),
)

checkpoint_datasets = Table(
    "checkpoint_datasets",
    metadata,
    Column("checkpoint_id", ID, _checkpoint_fk(), primary_key=True),
    Column("content_id", BLOB_ID, primary_key=True),
    Column("name", KEY, primary_key=True),
    Column("source", Text, nullable=False),
    Column("origin", String(16), nullable=False),  # run | metadata
)

# Revision 0005: when a user deleted a file (or a folder above it) in their clone. Its history
# stays; Jupyter's checkpoint list of a new file at that path starts after the deletion.
checkpoint_deletions = Table(
    "checkpoint_deletions",
    metadata,
    Column("repo", String(512), primary_key=True),
    Column("path", String(1024), primary_key=True),
    Column("author", String(255), primary_key=True),
    Column("deleted_at", Float, nullable=False),
)

alembic_version = Table(
    "alembic_version",
    metadata,
    Column("version_num", String(32), primary_key=True),
)

# Tables that hold blob ids: the garbage collector keeps every blob they name.
BLOB_REFERENCES = (
    (texts, "blob_id"),
    (images, "blob_id"),
    (artifacts, "blob_id"),
    (dataset_versions, "manifest_blob"),
    (dataset_versions, "rows_blob"),
)

__all__ = [
    "BLOB_REFERENCES",
    "KNOWN_VERSIONS",
    "SCHEMA_VERSION",
    "metadata",
]
