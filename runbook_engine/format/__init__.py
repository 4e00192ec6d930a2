"""The runbook format: loading YAML safely, the schema, the typed model, and finding runbook files.

Everything that knows what a runbook file is lives here; lint, walk, render and drill build on it.
"""
