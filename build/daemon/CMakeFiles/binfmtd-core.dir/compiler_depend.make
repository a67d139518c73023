# Empty compiler generated dependencies file for binfmtd-core.
# This may be replaced when dependencies are built.
