file(REMOVE_RECURSE
  "CMakeFiles/binfmtctl.dir/main.cpp.o"
  "CMakeFiles/binfmtctl.dir/main.cpp.o.d"
  "CMakeFiles/binfmtctl.dir/offline.cpp.o"
  "CMakeFiles/binfmtctl.dir/offline.cpp.o.d"
  "CMakeFiles/binfmtctl.dir/table.cpp.o"
  "CMakeFiles/binfmtctl.dir/table.cpp.o.d"
  "binfmtctl"
  "binfmtctl.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/binfmtctl.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
