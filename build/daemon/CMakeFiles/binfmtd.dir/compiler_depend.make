# Empty compiler generated dependencies file for binfmtd.
# This may be replaced when dependencies are built.
