"""PyInstaller entry point: the same as the ``otklik`` console script (desktop_app.cli:main)."""

import sys

from desktop_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
