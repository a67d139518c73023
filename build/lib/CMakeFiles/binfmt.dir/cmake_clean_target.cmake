file(REMOVE_RECURSE
  "libbinfmt.a"
)
