
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/daemon/atomic_file.cpp" "daemon/CMakeFiles/binfmtd-core.dir/atomic_file.cpp.o" "gcc" "daemon/CMakeFiles/binfmtd-core.dir/atomic_file.cpp.o.d"
  "/work/main/daemon/binfmt_fs.cpp" "daemon/CMakeFiles/binfmtd-core.dir/binfmt_fs.cpp.o" "gcc" "daemon/CMakeFiles/binfmtd-core.dir/binfmt_fs.cpp.o.d"
  "/work/main/daemon/log.cpp" "daemon/CMakeFiles/binfmtd-core.dir/log.cpp.o" "gcc" "daemon/CMakeFiles/binfmtd-core.dir/log.cpp.o.d"
  "/work/main/daemon/ownership.cpp" "daemon/CMakeFiles/binfmtd-core.dir/ownership.cpp.o" "gcc" "daemon/CMakeFiles/binfmtd-core.dir/ownership.cpp.o.d"
  "/work/main/daemon/reconciler.cpp" "daemon/CMakeFiles/binfmtd-core.dir/reconciler.cpp.o" "gcc" "daemon/CMakeFiles/binfmtd-core.dir/reconciler.cpp.o.d"
  "/work/main/daemon/trust.cpp" "daemon/CMakeFiles/binfmtd-core.dir/trust.cpp.o" "gcc" "daemon/CMakeFiles/binfmtd-core.dir/trust.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/lib/CMakeFiles/binfmt.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
