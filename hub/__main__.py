"""Allow `python -m hub` as an alias of the `menjin` command."""

from hub.cli import main

raise SystemExit(main())
