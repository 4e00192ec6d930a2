"""The ways an action can mitigate, as the runbook schema's `strategy` names them.

Apart from the model because the incident commands offer them (`propose --strategy`) and should
not load the runbook model to do so."""

STRATEGIES = ("rollback", "fix-forward", "degrade")
