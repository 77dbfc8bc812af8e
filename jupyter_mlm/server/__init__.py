"""The Jupyter server extension: checkpoint history on every save, and the REST API
(``/mlm/api/``) the side panel and teammates' servers use. Enabled on install by
``jupyter-config/server-config/jupyter_mlm.json``."""
