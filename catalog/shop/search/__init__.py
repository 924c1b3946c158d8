"""Oscar's search app, forked: product search through Wagtail's search framework instead of haystack."""
