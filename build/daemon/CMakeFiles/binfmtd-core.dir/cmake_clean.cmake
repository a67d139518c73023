file(REMOVE_RECURSE
  "CMakeFiles/binfmtd-core.dir/atomic_file.cpp.o"
  "CMakeFiles/binfmtd-core.dir/atomic_file.cpp.o.d"
  "CMakeFiles/binfmtd-core.dir/binfmt_fs.cpp.o"
  "CMakeFiles/binfmtd-core.dir/binfmt_fs.cpp.o.d"
  "CMakeFiles/binfmtd-core.dir/log.cpp.o"
  "CMakeFiles/binfmtd-core.dir/log.cpp.o.d"
  "CMakeFiles/binfmtd-core.dir/ownership.cpp.o"
  "CMakeFiles/binfmtd-core.dir/ownership.cpp.o.d"
  "CMakeFiles/binfmtd-core.dir/reconciler.cpp.o"
  "CMakeFiles/binfmtd-core.dir/reconciler.cpp.o.d"
  "CMakeFiles/binfmtd-core.dir/trust.cpp.o"
  "CMakeFiles/binfmtd-core.dir/trust.cpp.o.d"
  "libbinfmtd-core.a"
  "libbinfmtd-core.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/binfmtd-core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
