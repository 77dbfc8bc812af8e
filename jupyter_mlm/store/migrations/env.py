"""Alembic environment: migrations always run on the connection jupyter-mlm hands over."""

from alembic import context

from jupyter_mlm.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
context.run_migrations()
