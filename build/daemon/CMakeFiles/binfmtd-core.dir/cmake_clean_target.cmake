file(REMOVE_RECURSE
  "libbinfmtd-core.a"
)
