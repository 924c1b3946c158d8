"""Oscar's partner app, forked into the shop (INSTALLED_APPS names its AppConfig in apps.py)."""
