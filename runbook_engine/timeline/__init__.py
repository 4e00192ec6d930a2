"""The incident timeline: typed events, a pure state fold and rules, a durable hash-chained store."""
