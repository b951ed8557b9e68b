"""WordprocessingML details gidoc gets right by construction: child order, package properties."""
