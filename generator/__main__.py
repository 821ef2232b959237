"""`python -m generator` runs the `wwsgen` command line."""

import sys

from generator.cli import main

sys.exit(main())
