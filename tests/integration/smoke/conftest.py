"""The smoke set runs in every venv of the version matrix (scripts/matrix.sh) as well as in `make test`."""

import os
import sys

# rel_play's runner reads results from a file, so it needs no callback plugin outside ansible-core.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'reliability'))
