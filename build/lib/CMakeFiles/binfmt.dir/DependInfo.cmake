
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/lib/bytes.cpp" "lib/CMakeFiles/binfmt.dir/bytes.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/bytes.cpp.o.d"
  "/work/main/lib/config.cpp" "lib/CMakeFiles/binfmt.dir/config.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/config.cpp.o.d"
  "/work/main/lib/entry.cpp" "lib/CMakeFiles/binfmt.dir/entry.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/entry.cpp.o.d"
  "/work/main/lib/kernel_entry.cpp" "lib/CMakeFiles/binfmt.dir/kernel_entry.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/kernel_entry.cpp.o.d"
  "/work/main/lib/matcher.cpp" "lib/CMakeFiles/binfmt.dir/matcher.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/matcher.cpp.o.d"
  "/work/main/lib/native.cpp" "lib/CMakeFiles/binfmt.dir/native.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/native.cpp.o.d"
  "/work/main/lib/plan.cpp" "lib/CMakeFiles/binfmt.dir/plan.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/plan.cpp.o.d"
  "/work/main/lib/presets.cpp" "lib/CMakeFiles/binfmt.dir/presets.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/presets.cpp.o.d"
  "/work/main/lib/register_string.cpp" "lib/CMakeFiles/binfmt.dir/register_string.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/register_string.cpp.o.d"
  "/work/main/lib/validate.cpp" "lib/CMakeFiles/binfmt.dir/validate.cpp.o" "gcc" "lib/CMakeFiles/binfmt.dir/validate.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
