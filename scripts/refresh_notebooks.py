"""Rebuild the course notebooks from notebooks/src/ and re-execute them to refresh their outputs.

    python scripts/refresh_notebooks.py          # every chapter, both languages
    python scripts/refresh_notebooks.py 04       # chapters whose name starts with 04
    python scripts/refresh_notebooks.py --build  # only write the notebooks, no execution

Same as `python -m mailkit.course refresh|build`. Kernels run with MAILKIT_CLOCK=fixed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailkit import course  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--build"]:
        sys.exit(course.main(["build", *args[1:]]))
    sys.exit(course.main(["refresh", *args]))
