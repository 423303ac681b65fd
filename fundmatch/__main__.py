"""``python -m fundmatch``: the same as the ``fundmatch`` command."""

import sys

from fundmatch._cli import main

sys.exit(main())
