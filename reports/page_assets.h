// The CSS and JavaScript every report page inlines (a report opens from the
// file system, with no network). Each asset is a real file under
// reports/assets/, compiled in byte for byte at build time
// (reports/CMakeLists.txt, cmake/simlab_embed_asset.cmake), so it is read,
// linted (tests/reports/asset_lint_test.cpp) and diffed as what it is.
#pragma once

#include <string_view>

namespace simlab::reports {

// assets/page_style.css: plain, readable, printable; shared by both pages.
extern const std::string_view kPageStyle;
// assets/page_helpers.js: runs first on both pages; builds DOM and SVG nodes
// with text set through textContent (never markup), formats durations.
extern const std::string_view kPageHelpersScript;
// assets/run_page.js: draws the header, the explanation, the timeline, the
// charts and the trace excerpt from the page's JSON. Data only ever reaches
// the DOM through textContent and setAttribute, never as markup.
extern const std::string_view kRunPageScript;
// assets/index_page.js: the runs table (sort by any column, filter by
// verdict, system and bug, also from the URL's
// #verdict=..&system=..&bug=..&sort=..&order=..) and the summary charts,
// drawn from the page's JSON with textContent only.
extern const std::string_view kIndexPageScript;

}  // namespace simlab::reports
