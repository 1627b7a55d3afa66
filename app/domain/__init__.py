"""The domain layer: settings, errors, the field catalogue, text folding, records, models, db, store.

It imports neither ingestion, search, FastAPI nor typer (checked by tests/test_layers.py)."""
