# simlab_library(NAME DIR [DEPS ...])
# One static library per top-level folder, from every .cpp below it except
# files named main.cpp or *_fuzz.cpp (entry points build on their own). A folder with no sources
# yet becomes an INTERFACE library so dependants still link.
function(simlab_library name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${dir}/*.cpp")
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$|_fuzz\\.cpp$")
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARGN})
    simlab_use_pch(${name} lib)
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARGN})
  endif()
endfunction()
