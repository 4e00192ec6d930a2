"""`python -m runbook_engine` runs the `runbook` command."""

from runbook_engine.cli.main import main

raise SystemExit(main())
