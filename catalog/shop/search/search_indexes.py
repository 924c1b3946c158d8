# Oscar's haystack index, kept only so bench/search_bench.py can still time the old view beside the new one.
from oscar.apps.search.search_indexes import *  # noqa: F401,F403
