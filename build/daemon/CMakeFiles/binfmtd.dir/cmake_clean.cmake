file(REMOVE_RECURSE
  "CMakeFiles/binfmtd.dir/main.cpp.o"
  "CMakeFiles/binfmtd.dir/main.cpp.o.d"
  "binfmtd"
  "binfmtd.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/binfmtd.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
