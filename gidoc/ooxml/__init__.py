"""Office Open XML, known once: reading packages safely, their parts and grids, and writing them in schema order."""
