"""The `runbook` command line: one small module per subcommand, dispatched by name."""
