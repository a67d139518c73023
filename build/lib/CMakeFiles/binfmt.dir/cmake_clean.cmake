file(REMOVE_RECURSE
  "CMakeFiles/binfmt.dir/bytes.cpp.o"
  "CMakeFiles/binfmt.dir/bytes.cpp.o.d"
  "CMakeFiles/binfmt.dir/config.cpp.o"
  "CMakeFiles/binfmt.dir/config.cpp.o.d"
  "CMakeFiles/binfmt.dir/entry.cpp.o"
  "CMakeFiles/binfmt.dir/entry.cpp.o.d"
  "CMakeFiles/binfmt.dir/kernel_entry.cpp.o"
  "CMakeFiles/binfmt.dir/kernel_entry.cpp.o.d"
  "CMakeFiles/binfmt.dir/matcher.cpp.o"
  "CMakeFiles/binfmt.dir/matcher.cpp.o.d"
  "CMakeFiles/binfmt.dir/native.cpp.o"
  "CMakeFiles/binfmt.dir/native.cpp.o.d"
  "CMakeFiles/binfmt.dir/plan.cpp.o"
  "CMakeFiles/binfmt.dir/plan.cpp.o.d"
  "CMakeFiles/binfmt.dir/presets.cpp.o"
  "CMakeFiles/binfmt.dir/presets.cpp.o.d"
  "CMakeFiles/binfmt.dir/register_string.cpp.o"
  "CMakeFiles/binfmt.dir/register_string.cpp.o.d"
  "CMakeFiles/binfmt.dir/validate.cpp.o"
  "CMakeFiles/binfmt.dir/validate.cpp.o.d"
  "libbinfmt.a"
  "libbinfmt.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/binfmt.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
