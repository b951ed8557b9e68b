"""Reading and checking Office Open XML packages: what a zip and its parts may hold."""
