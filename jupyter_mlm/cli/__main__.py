"""``python -m jupyter_mlm.cli``."""

import sys

from .main import main

sys.exit(main())
