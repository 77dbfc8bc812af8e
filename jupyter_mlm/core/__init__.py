"""The floor every other package stands on: plain values and pure helpers (entities, errors,
validation, packed series, downsampling, hashing, the repository root). Standard library and
numpy only; nothing here imports another jupyter_mlm package."""
