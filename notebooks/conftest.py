"""`pytest --nbval notebooks/` compares outputs made with the host's fixed clock (times and
queue ids in the stored outputs are real, from that clock): the kernels nbval starts inherit
this environment."""

import os

os.environ.setdefault("MAILKIT_CLOCK", "fixed")
