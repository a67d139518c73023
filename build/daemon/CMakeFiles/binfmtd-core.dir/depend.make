# Empty dependencies file for binfmtd-core.
# This may be replaced when dependencies are built.
