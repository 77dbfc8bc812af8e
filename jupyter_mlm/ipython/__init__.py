"""The IPython adapter: ``%mlm_track`` (magics, their argument parsing) and the kernel's link to
the labextension. Imported only by ``%load_ext jupyter_mlm``."""
