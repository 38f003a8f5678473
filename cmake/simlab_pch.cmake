# Precompiled headers, one artifact per group of targets (REUSE_FROM), so a
# build parses the standard library, fmt and nlohmann_json once instead of in
# every one of its ~220 files (most of a file's compile time here is that
# parsing: at -O0 a test file still takes 7 s). Two groups, because gtest's
# header depends on GTEST_HAS_PTHREAD, which only test targets define:
#   simlab_use_pch(TARGET lib)   libraries, the simlab binary, benches
#   simlab_use_pch(TARGET test)  test binaries (the same headers plus gtest)
# The forced include means a file that forgets <vector> still compiles; the
# fuzz build (tools/fuzz.sh) and clang-tidy (tools/lint-changed.sh) compile
# without it and catch that.
option(SIMLAB_PCH "Precompile the heaviest headers" ON)

set(simlab_pch_headers
  <algorithm> <array> <chrono> <cstdint> <cstdio> <filesystem> <fstream> <functional>
  <map> <memory> <optional> <set> <sstream> <stdexcept> <string> <string_view>
  <unordered_map> <variant> <vector>
  <fmt/format.h> <nlohmann/json.hpp>)

if(SIMLAB_PCH)
  set(anchor ${PROJECT_BINARY_DIR}/simlab_pch_anchor.cpp)
  file(WRITE ${anchor} "// The precompiled headers' own translation unit.\n")
  add_library(simlab_pch_lib OBJECT ${anchor})
  target_link_libraries(simlab_pch_lib PRIVATE fmt::fmt nlohmann_json::nlohmann_json)
  target_precompile_headers(simlab_pch_lib PRIVATE ${simlab_pch_headers})
  add_library(simlab_pch_test OBJECT ${anchor})
  target_link_libraries(simlab_pch_test PRIVATE fmt::fmt nlohmann_json::nlohmann_json GTest::gtest)
  target_precompile_headers(simlab_pch_test PRIVATE ${simlab_pch_headers} <gtest/gtest.h>)
endif()

function(simlab_use_pch target group)
  if(SIMLAB_PCH)
    target_precompile_headers(${target} REUSE_FROM simlab_pch_${group})
  endif()
endfunction()
