"""The REST API under ``/mlm/api/`` (documented in ``../openapi.yaml``): thin Tornado handlers
over the store and the checkpoint service."""
