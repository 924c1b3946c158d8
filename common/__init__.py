"""The base layer every app builds on: who is who (roles), the one access decorator, the read-only admin, the
reader's language, the singleton-settings loader, the refusal error and the idempotent replay.

It imports Django and nothing of ours (inventory, catalog, pooling, guyub): the import-linter contracts in
pyproject.toml keep it so, and every other app may import it.
"""
