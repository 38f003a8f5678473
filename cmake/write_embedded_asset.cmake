# cmake -DASSET=... -DASSET_SHOWN=... -DOUTPUT=... -DSYMBOL=... -DHEADER=... -DNAMESPACE=...
#   -P write_embedded_asset.cmake
# Writes OUTPUT, a .cpp that defines NAMESPACE::SYMBOL (declared in HEADER as
# `extern const std::string_view`) as the exact bytes of ASSET. Bytes as hex,
# not a raw string literal, so no asset content (a ")delim\"", a NUL, a CR)
# can change what is compiled. simlab_embed_asset.cmake runs it at build time.
foreach(argument ASSET ASSET_SHOWN OUTPUT SYMBOL HEADER NAMESPACE)
  if(NOT DEFINED ${argument})
    message(FATAL_ERROR "write_embedded_asset.cmake: -D${argument}=... is required")
  endif()
endforeach()

file(READ "${ASSET}" hex HEX)
# "\xNN" escapes (not 0xNN initializers, which narrow for bytes over 0x7f
# into a signed char), sixteen bytes to a line.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
string(REPEAT "\\\\x[0-9a-f][0-9a-f]" 16 line_of_bytes)
string(REGEX REPLACE "(${line_of_bytes})" "    \"\\1\"\n" lines "${escaped}")
# What is left after the last full line, and "" so an empty asset compiles.
string(REGEX REPLACE "([^\n]+)$" "    \"\\1\"\n" lines "${lines}")

file(WRITE "${OUTPUT}" "// Generated from ${ASSET_SHOWN} by cmake/write_embedded_asset.cmake: edit the asset.
#include \"${HEADER}\"

namespace ${NAMESPACE} {
namespace {

// The literal's terminating NUL is not part of the asset.
constexpr char kBytes[] =
${lines}    \"\";

}  // namespace

const std::string_view ${SYMBOL}(kBytes, sizeof kBytes - 1);

}  // namespace ${NAMESPACE}
")
