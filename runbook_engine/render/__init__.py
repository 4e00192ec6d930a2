"""Drawing runbooks: pure DOT and Mermaid builders, the incident path overlay and the wiki writer.

Nothing here imports graphviz at module level: only `backend` runs `dot`, and only when asked to.
"""
