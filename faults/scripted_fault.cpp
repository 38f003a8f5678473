#include "faults/scripted_fault.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace simlab::faults {

using nlohmann::json;

std::vector<NodeId> ScriptedFault::targets() const {
  std::vector<NodeId> all{node};
  all.insert(all.end(), more_nodes.begin(), more_nodes.end());
  return all;
}

namespace {

// "n2" or "n2,n4,n5".
std::string targets_text(const ScriptedFault& fault) {
  std::string text;
  for (NodeId target : fault.targets()) text += fmt::format("{}n{}", text.empty() ? "" : ",", target);
  return text;
}

}  // namespace

std::vector<NodeId> ScriptedFault::nodes() const {
  std::set<NodeId> touched;
  switch (kind) {
    case FaultKind::partition:
    case FaultKind::clog:
      for (const auto& [from, to] : links) {
        touched.insert(from);
        touched.insert(to);
      }
      break;
    case FaultKind::packet: break;  // every link
    default:
      for (NodeId target : targets()) touched.insert(target);
  }
  return {touched.begin(), touched.end()};
}

std::string ScriptedFault::describe() const {
  const std::int64_t ms = duration_ns / 1'000'000;
  switch (kind) {
    case FaultKind::partition: return fmt::format("partition {} ({} links) for {}ms", shape, links.size(), ms);
    case FaultKind::crash: return fmt::format("crash n{}, restart after {}ms", node, ms);
    case FaultKind::pause: return fmt::format("pause n{} for {}ms", node, ms);
    case FaultKind::clock:
      if (mode == "drift") return fmt::format("clock drift {} {:+}ppm for {}ms", targets_text(*this), amount, ms);
      if (mode == "strobe") return fmt::format("clock strobe {} {}ms every {}ms for {}ms", targets_text(*this), amount / 1'000'000, period_ns / 1'000'000, ms);
      return fmt::format("clock jump {} {:+}ms for {}ms", targets_text(*this), amount / 1'000'000, ms);
    case FaultKind::packet:
      return fmt::format("packet loss {:.0f}% dup {:.0f}% reorder {:.0f}% corrupt {:.1f}% for {}ms", loss * 100,
                         duplicate * 100, reorder * 100, corrupt * 100, ms);
    case FaultKind::clog:
      return links.empty() ? "clog" : fmt::format("clog n{}->n{} for {}ms", links[0].first, links[0].second, ms);
    case FaultKind::disk:
      if (mode == "flip") return fmt::format("disk bit flip n{} {}", node, file);
      if (mode == "eio") return fmt::format("disk EIO n{} for {}ms", node, ms);
      return fmt::format("disk stall n{} for {}ms", node, ms);
    case FaultKind::membership:
      if (mode == "remove" && !more_nodes.empty()) {
        return fmt::format("membership remove {} at once, re-add after {}ms", targets_text(*this), ms);
      }
      if (mode == "remove") return fmt::format("membership remove n{}, re-add after {}ms", node, ms);
      if (mode == "add") return fmt::format("membership add n{}", node);
      return fmt::format("membership transfer leadership to n{}", node);
  }
  return "fault";
}

json scripted_fault_to_json(const ScriptedFault& fault) {
  json out = {{"at_ns", fault.at_ns}, {"duration_ns", fault.duration_ns},
              {"kind", fault_kind_name(fault.kind)}};
  switch (fault.kind) {
    case FaultKind::partition:
      out["shape"] = fault.shape;
      [[fallthrough]];
    case FaultKind::clog: {
      json links = json::array();
      for (const auto& [from, to] : fault.links) links.push_back({from, to});
      out["links"] = links;
      break;
    }
    case FaultKind::crash:
    case FaultKind::pause: out["node"] = fault.node; break;
    case FaultKind::membership:
      out["node"] = fault.node;
      if (!fault.more_nodes.empty()) out["more_nodes"] = fault.more_nodes;
      out["mode"] = fault.mode;
      break;
    case FaultKind::clock:
      out["node"] = fault.node;
      if (!fault.more_nodes.empty()) out["more_nodes"] = fault.more_nodes;
      out["mode"] = fault.mode;
      out["amount"] = fault.amount;
      if (fault.mode == "strobe") out["period_ns"] = fault.period_ns;
      break;
    case FaultKind::packet:
      out["loss"] = fault.loss;
      out["duplicate"] = fault.duplicate;
      out["reorder"] = fault.reorder;
      out["corrupt"] = fault.corrupt;
      out["latency_shape"] = fault.latency_shape;
      break;
    case FaultKind::disk:
      out["node"] = fault.node;
      out["mode"] = fault.mode;
      if (fault.mode == "flip") out["file"] = fault.file;
      if (fault.mode == "eio") {
        out["read_error"] = fault.read_error;
        out["write_error"] = fault.write_error;
      }
      break;
  }
  return out;
}

namespace {

[[noreturn]] void bad(const std::string& field, const std::string& expected) {
  throw std::invalid_argument(field + ": " + expected);
}

template <typename T>
T field(const json& object, const std::string& path, const char* key, T fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) bad(path + "." + key, "expected a string");
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!it->is_number()) bad(path + "." + key, "expected a number");
  } else {
    if (!it->is_number_integer()) bad(path + "." + key, "expected an integer");
    if (std::is_unsigned_v<T> && it->template get<std::int64_t>() < 0) {
      bad(path + "." + key, "expected a non-negative integer");
    }
  }
  return it->template get<T>();
}

}  // namespace

ScriptedFault scripted_fault_from_json(const json& object, const std::string& path) {
  if (!object.is_object()) bad(path, "expected an object");
  static const std::set<std::string> known = {"at_ns", "duration_ns", "kind", "shape", "links", "node", "more_nodes", "mode",
                                              "amount", "period_ns", "loss", "duplicate", "reorder", "corrupt",
                                              "latency_shape", "file", "read_error", "write_error"};
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) bad(path + "." + key, "unknown field");
  }
  ScriptedFault fault;
  const auto kind = parse_fault_kind(field<std::string>(object, path, "kind", ""));
  if (!kind) bad(path + ".kind", "expected partition, crash, pause, clock, packet, clog, disk or membership");
  fault.kind = *kind;
  fault.at_ns = field<std::int64_t>(object, path, "at_ns", 0);
  fault.duration_ns = field<std::int64_t>(object, path, "duration_ns", 0);
  if (fault.at_ns < 0) bad(path + ".at_ns", "must not be negative");
  if (fault.duration_ns < 0) bad(path + ".duration_ns", "must not be negative");
  fault.shape = field<std::string>(object, path, "shape", "");
  fault.node = field<NodeId>(object, path, "node", 0);
  fault.mode = field<std::string>(object, path, "mode", "");
  if (auto it = object.find("more_nodes"); it != object.end()) {
    if (!it->is_array()) bad(path + ".more_nodes", "expected an array of node ids");
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_number_unsigned() || (*it)[i].get<NodeId>() == 0) {
        bad(fmt::format("{}.more_nodes[{}]", path, i), "expected a node id");
      }
      fault.more_nodes.push_back((*it)[i].get<NodeId>());
    }
  }
  fault.amount = field<std::int64_t>(object, path, "amount", 0);
  fault.period_ns = field<std::int64_t>(object, path, "period_ns", 0);
  fault.loss = field<double>(object, path, "loss", 0);
  fault.duplicate = field<double>(object, path, "duplicate", 0);
  fault.reorder = field<double>(object, path, "reorder", 0);
  fault.corrupt = field<double>(object, path, "corrupt", 0);
  fault.latency_shape = field<double>(object, path, "latency_shape", 0);
  fault.file = field<std::string>(object, path, "file", "");
  fault.read_error = field<double>(object, path, "read_error", 0);
  fault.write_error = field<double>(object, path, "write_error", 0);
  if (auto it = object.find("links"); it != object.end()) {
    if (!it->is_array()) bad(path + ".links", "expected an array of [from, to] pairs");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& link = (*it)[i];
      if (!link.is_array() || link.size() != 2 || !link[0].is_number_unsigned() || !link[1].is_number_unsigned()) {
        bad(fmt::format("{}.links[{}]", path, i), "expected [from, to] node ids");
      }
      fault.links.emplace_back(link[0].get<NodeId>(), link[1].get<NodeId>());
    }
  }
  if (fault.kind == FaultKind::clock && fault.mode != "jump" && fault.mode != "drift" && fault.mode != "strobe") {
    bad(path + ".mode", "expected jump, drift or strobe");
  }
  if (fault.kind == FaultKind::disk && fault.mode != "flip" && fault.mode != "eio" && fault.mode != "stall") {
    bad(path + ".mode", "expected flip, eio or stall");
  }
  if (fault.kind == FaultKind::membership && fault.mode != "remove" && fault.mode != "add" &&
      fault.mode != "transfer") {
    bad(path + ".mode", "expected remove, add or transfer");
  }
  if (!fault.more_nodes.empty() && fault.kind != FaultKind::clock &&
      (fault.kind != FaultKind::membership || fault.mode != "remove")) {
    bad(path + ".more_nodes", "only clock faults and membership removes take more nodes");
  }
  if (fault.kind == FaultKind::clog && fault.links.size() != 1) bad(path + ".links", "a clog needs exactly one link");
  return fault;
}

}  // namespace simlab::faults
