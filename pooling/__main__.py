"""``python -m pooling route INSTANCE.json``: the pooling engine's command line."""

import sys

from pooling.engine.cli import main

sys.exit(main())
