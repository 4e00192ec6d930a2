"""Drills: scripted incident walks that test runbooks like code (see docs/drills.md)."""
