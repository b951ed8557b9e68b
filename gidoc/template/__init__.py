"""Word templates an office adapts: the variables they may use, the guide, and the template check."""
