"""Suite-wide test setup: headless Qt and fail-fast on Qt warnings."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
