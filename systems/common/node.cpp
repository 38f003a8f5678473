#include "systems/common/node.h"

#include <nlohmann/json.hpp>

namespace simlab {

// A system without options accepts only none: an empty text or {}.
std::string SystemFactory::options_error(std::string_view options_json) const {
  if (options_json.empty()) return "";
  const auto json = nlohmann::json::parse(options_json, nullptr, false);
  if (json.is_object() && json.empty()) return "";
  return "this system takes no options";
}

}  // namespace simlab
