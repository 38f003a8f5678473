# simlab_embed_asset(TARGET t ASSET file SYMBOL name HEADER h NAMESPACE ns)
# Compiles `file` (CSS, JavaScript, anything) into `t` as the bytes of
# `const std::string_view ns::name`, which `h` declares. The asset stays a
# real file that editors, linters and diffs see as what it is; the generated
# .cpp is rebuilt whenever the asset (or the generator) changes.
set(SIMLAB_EMBED_GENERATOR "${CMAKE_CURRENT_LIST_DIR}/write_embedded_asset.cmake")

function(simlab_embed_asset)
  cmake_parse_arguments(PARSE_ARGV 0 embed "" "TARGET;ASSET;SYMBOL;HEADER;NAMESPACE" "")
  get_filename_component(asset "${embed_ASSET}" ABSOLUTE)
  get_filename_component(asset_name "${asset}" NAME)
  file(RELATIVE_PATH asset_shown "${PROJECT_SOURCE_DIR}" "${asset}")
  set(generated "${CMAKE_CURRENT_BINARY_DIR}/embedded/${asset_name}.cpp")
  add_custom_command(
    OUTPUT "${generated}"
    COMMAND "${CMAKE_COMMAND}"
      "-DASSET=${asset}" "-DASSET_SHOWN=${asset_shown}" "-DOUTPUT=${generated}"
      "-DSYMBOL=${embed_SYMBOL}" "-DHEADER=${embed_HEADER}" "-DNAMESPACE=${embed_NAMESPACE}"
      -P "${SIMLAB_EMBED_GENERATOR}"
    DEPENDS "${asset}" "${SIMLAB_EMBED_GENERATOR}"
    COMMENT "Embedding ${asset_shown} as ${embed_NAMESPACE}::${embed_SYMBOL}"
    VERBATIM)
  target_sources(${embed_TARGET} PRIVATE "${generated}")
endfunction()
