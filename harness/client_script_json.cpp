#include "harness/client_script_json.h"

#include <fmt/format.h>

#include "checkers/history/value_format.h"
#include "faults/json_fields.h"

namespace simlab {
namespace {

using json_fields::FieldError;
using nlohmann::json;

// Two days: past the end of any run (each phase lasts at most a day).
constexpr std::int64_t kAtNsMax = 2 * 24LL * 3600 * 1'000'000'000;

json op_to_json(const ScriptedOp& op) {
  json out{{"at_ns", op.at_ns}, {"f", op.f}};
  if (op.key) out["key"] = history::value_to_json(*op.key);
  if (!op.value.is_nil()) out["value"] = history::value_to_json(op.value);
  if (!op.node.empty()) out["node"] = op.node;
  if (op.final_read) out["final"] = true;
  if (op.crash) out["crash"] = true;
  return out;
}

history::Value read_value(const json& object, const std::string& path, const char* key) {
  history::Value value;
  if (!history::value_from_json(object.at(key), value))
    throw FieldError(json_fields::join(path, key), "expected a history value");
  return value;
}

ScriptedOp op_from_json(const json& object, const std::string& path) {
  if (!object.is_object())
    throw FieldError(path, "expected an op like {\"f\": \"read\", \"key\": 1}");
  json_fields::reject_unknown(object, path,
                              {"at_ns", "f", "key", "value", "node", "final", "crash"});
  ScriptedOp op;
  json_fields::read_integer<std::int64_t>(object, path, "at_ns", op.at_ns, 0, kAtNsMax);
  json_fields::read_string(object, path, "f", op.f);
  if (op.f.empty()) throw FieldError(json_fields::join(path, "f"), "expected the op's function");
  if (object.contains("key")) op.key = read_value(object, path, "key");
  if (object.contains("value")) op.value = read_value(object, path, "value");
  if (object.contains("node")) json_fields::read_string(object, path, "node", op.node);
  if (object.contains("final")) json_fields::read_bool(object, path, "final", op.final_read);
  if (object.contains("crash")) json_fields::read_bool(object, path, "crash", op.crash);
  return op;
}

}  // namespace

json scripts_to_json(const std::vector<ClientScript>& scripts) {
  json out = json::array();
  for (const ClientScript& script : scripts) {
    json ops = json::array();
    for (const ScriptedOp& op : script) ops.push_back(op_to_json(op));
    out.push_back(std::move(ops));
  }
  return out;
}

std::vector<ClientScript> scripts_from_json(const json& array) {
  if (!array.is_array())
    throw FieldError("script", "expected an array with one array of ops per client");
  std::vector<ClientScript> scripts;
  for (std::size_t client = 0; client < array.size(); ++client) {
    const std::string path = fmt::format("script[{}]", client);
    if (!array[client].is_array()) throw FieldError(path, "expected an array of ops");
    ClientScript script;
    for (std::size_t i = 0; i < array[client].size(); ++i)
      script.push_back(op_from_json(array[client][i], fmt::format("{}[{}]", path, i)));
    scripts.push_back(std::move(script));
  }
  return scripts;
}

}  // namespace simlab
