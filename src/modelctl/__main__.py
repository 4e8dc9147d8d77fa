from __future__ import annotations

from modelctl.cli import main

main()
