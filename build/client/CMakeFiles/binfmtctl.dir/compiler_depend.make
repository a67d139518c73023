# Empty compiler generated dependencies file for binfmtctl.
# This may be replaced when dependencies are built.
