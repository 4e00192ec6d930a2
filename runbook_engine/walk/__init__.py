"""The interactive navigator: a pure walker, the session that appends its moves, and the screen."""
