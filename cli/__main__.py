"""`python -m cli ...` is `mess ...` (child processes and tests start it this way)."""

import sys

from cli.main import main

sys.exit(main())
