// Putting untrusted text into an HTML page. Every value a report shows comes
// from a history, a scenario or a log a stranger may have written, so the
// page carries it only as JSON inside <script type="application/json"> and
// its script renders it with textContent; these are the two escapes that
// make that safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace simlab::reports {

// JSON text safe inside a <script> element: `<`, `>` and `&` become \u003c,
// \u003e and \u0026 (so no `</script>` or `<!--` can end or confuse the
// element), and U+2028/U+2029 become \u2028/\u2029 (line terminators to
// older JavaScript parsers). Invalid UTF-8 is replaced, never thrown.
std::string json_for_script(const nlohmann::json& json);

// Text safe as HTML element content or a quoted attribute value.
std::string html_escape(std::string_view text);

}  // namespace simlab::reports
