# Empty dependencies file for binfmt.
# This may be replaced when dependencies are built.
