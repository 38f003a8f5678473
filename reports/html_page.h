// The shell of a report page: inline style, the data as JSON in a
// <script type="application/json">, and the script that renders it. A
// Content-Security-Policy forbids every network load, so a page can never
// phone home, whatever a history holds.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace simlab::reports {

// `data_id` is the id of the JSON element the script reads.
std::string html_page(std::string_view title, std::string_view data_id, const nlohmann::json& data,
                      std::string_view script);

// Writes `text` to `path` (creating its folder); throws std::runtime_error
// naming the path when it cannot.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace simlab::reports
