// The CSS and JavaScript every report page inlines (a report opens from the
// file system, with no network). Each asset lives in its own .cpp as a raw
// string so it reads as CSS or JavaScript.
#pragma once

#include <string_view>

namespace simlab::reports {

extern const std::string_view kPageStyle;          // page_style.cpp: shared by both pages
extern const std::string_view kPageHelpersScript;  // page_helpers_script.cpp: shared, runs first
extern const std::string_view kRunPageScript;      // run_page_script.cpp
extern const std::string_view kIndexPageScript;    // index_page_script.cpp

}  // namespace simlab::reports
