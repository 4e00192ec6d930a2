"""The runbook linter: rules in `rules/`, configuration, and the engine that runs them over files."""
