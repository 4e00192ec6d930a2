"""runbook-engine: runbooks as YAML decision trees, linted, walked during incidents and rendered."""

__version__ = "0.1.0"
