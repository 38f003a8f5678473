#include "faults/scripted_fault.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>

#include "faults/json_fields.h"

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
    case FaultKind::offline:
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
  std::string text = describe_action();
  if (!target.empty()) text += " [" + target + "]";
  return text;
}

std::string ScriptedFault::describe_action() const {
  const std::int64_t ms = duration_ns / 1'000'000;
  switch (kind) {
    case FaultKind::partition: return fmt::format("partition {} ({} links) for {}ms", shape, links.size(), ms);
    case FaultKind::crash: {
      const char* loss = mode == "lose-unsynced" ? ", every unsynced write lost" : "";
      if (!more_nodes.empty()) {
        return fmt::format("crash {} at once{}, restart after {}ms", targets_text(*this), loss, ms);
      }
      return fmt::format("crash n{}{}, restart after {}ms", node, loss, ms);
    }
    case FaultKind::pause: return fmt::format("pause n{} for {}ms", node, ms);
    case FaultKind::disk_loss:
      return fmt::format("disk loss n{}: crash, its disk emptied, restart after {}ms", node, ms);
    case FaultKind::offline:
      return fmt::format("offline n{}: cut off from every other node for {}ms", node, ms);
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
      return fmt::format("disk stall n{} for {}ms", node, ms);
    case FaultKind::eio:
      return fmt::format("disk EIO n{} (reads {:.0f}%, writes {:.0f}%) for {}ms", node,
                         read_error * 100, write_error * 100, ms);
    case FaultKind::enospc:
      return fmt::format("disk full (ENOSPC) n{} for {}ms", node, ms);
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
    case FaultKind::offline:
      if (fault.kind == FaultKind::partition) out["shape"] = fault.shape;
      if (fault.kind == FaultKind::offline) out["node"] = fault.node;
      [[fallthrough]];
    case FaultKind::clog: {
      json links = json::array();
      for (const auto& [from, to] : fault.links) links.push_back({from, to});
      out["links"] = links;
      break;
    }
    case FaultKind::crash:
      out["node"] = fault.node;
      if (!fault.more_nodes.empty()) out["more_nodes"] = fault.more_nodes;
      if (!fault.mode.empty()) out["mode"] = fault.mode;
      break;
    case FaultKind::pause:
    case FaultKind::enospc:
    case FaultKind::disk_loss:
      out["node"] = fault.node;
      break;
    case FaultKind::eio:
      out["node"] = fault.node;
      out["read_error"] = fault.read_error;
      out["write_error"] = fault.write_error;
      break;
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
      break;
  }
  if (!fault.target.empty()) out["target"] = fault.target;
  return out;
}

namespace {

using json_fields::FieldError;

[[noreturn]] void bad(const std::string& field, const std::string& expected) {
  throw FieldError(field, expected);
}

// A scripted fault lasts at most a day and starts within a day.
constexpr std::int64_t kTimelineNsMax = 24 * 3600 * kNanosecondsPerSecond;

NodeId node_id(const json& value, const std::string& field) {
  const bool in_range = value.is_number_unsigned()
                            ? value.get<std::uint64_t>() >= 1 &&
                                  value.get<std::uint64_t>() <= std::numeric_limits<NodeId>::max()
                            : value.is_number_integer() && value.get<std::int64_t>() >= 1 &&
                                  value.get<std::int64_t>() <= std::numeric_limits<NodeId>::max();
  if (!in_range) bad(field, "expected a node id (1 or more)");
  return static_cast<NodeId>(value.get<std::int64_t>());
}

void read_links(const json& object, const std::string& path, ScriptedFault& fault) {
  auto it = object.find("links");
  if (it == object.end()) return;
  if (!it->is_array()) bad(path + ".links", "expected an array of [from, to] pairs");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& link = (*it)[i];
    const std::string field = fmt::format("{}.links[{}]", path, i);
    if (!link.is_array() || link.size() != 2) bad(field, "expected [from, to] node ids");
    fault.links.emplace_back(node_id(link[0], field), node_id(link[1], field));
  }
}

void read_more_nodes(const json& object, const std::string& path, ScriptedFault& fault) {
  auto it = object.find("more_nodes");
  if (it == object.end()) return;
  if (!it->is_array()) bad(path + ".more_nodes", "expected an array of node ids");
  for (std::size_t i = 0; i < it->size(); ++i) {
    fault.more_nodes.push_back(node_id((*it)[i], fmt::format("{}.more_nodes[{}]", path, i)));
  }
}

void read_parameters(const json& object, const std::string& path, ScriptedFault& fault) {
  using json_fields::read_integer;
  using json_fields::read_number;
  read_integer<std::int64_t>(object, path, "at_ns", fault.at_ns, 0, kTimelineNsMax);
  read_integer<std::int64_t>(object, path, "duration_ns", fault.duration_ns, 0, kTimelineNsMax);
  json_fields::read_string(object, path, "shape", fault.shape);
  if (object.contains("node")) fault.node = node_id(object["node"], path + ".node");
  json_fields::read_string(object, path, "mode", fault.mode);
  read_more_nodes(object, path, fault);
  read_integer<std::int64_t>(object, path, "amount", fault.amount, -kTimelineNsMax, kTimelineNsMax);
  read_integer<std::int64_t>(object, path, "period_ns", fault.period_ns, 0, kTimelineNsMax);
  read_number(object, path, "loss", fault.loss, 0, 1);
  read_number(object, path, "duplicate", fault.duplicate, 0, 1);
  read_number(object, path, "reorder", fault.reorder, 0, 1);
  read_number(object, path, "corrupt", fault.corrupt, 0, 1);
  read_number(object, path, "latency_shape", fault.latency_shape, 0, 100);
  json_fields::read_string(object, path, "file", fault.file);
  json_fields::read_string(object, path, "target", fault.target);
  read_number(object, path, "read_error", fault.read_error, 0, 1);
  read_number(object, path, "write_error", fault.write_error, 0, 1);
  read_links(object, path, fault);
}

}  // namespace

ScriptedFault scripted_fault_from_json(const json& object, const std::string& path) {
  if (!object.is_object()) bad(path, "expected an object");
  static const std::set<std::string> known = {
      "at_ns", "duration_ns", "kind",        "shape",   "links",
      "node",  "more_nodes",  "mode",        "amount",  "period_ns",
      "loss",  "duplicate",   "reorder",     "corrupt", "latency_shape",
      "file",  "read_error",  "write_error", "target"};
  json_fields::reject_unknown(object, path, known);
  ScriptedFault fault;
  std::string kind_name;
  json_fields::read_string(object, path, "kind", kind_name);
  const auto kind = parse_fault_kind(kind_name);
  if (!kind) {
    bad(path + ".kind",
        "expected partition, crash, pause, clock, packet, clog, disk, membership, eio, enospc, "
        "disk-loss or offline");
  }
  fault.kind = *kind;
  read_parameters(object, path, fault);
  if (fault.kind == FaultKind::clock && fault.mode != "jump" && fault.mode != "drift" && fault.mode != "strobe") {
    bad(path + ".mode", "expected jump, drift or strobe");
  }
  if (fault.kind == FaultKind::disk && fault.mode != "flip" && fault.mode != "stall") {
    bad(path + ".mode",
        "expected flip or stall (EIO and ENOSPC are kinds of their own: eio, enospc)");
  }
  if (fault.kind == FaultKind::crash && !fault.mode.empty() && fault.mode != "lose-unsynced") {
    bad(path + ".mode",
        "expected lose-unsynced, or no mode (a seeded choice of unsynced writes survives)");
  }
  if (fault.kind == FaultKind::membership && fault.mode != "remove" && fault.mode != "add" &&
      fault.mode != "transfer") {
    bad(path + ".mode", "expected remove, add or transfer");
  }
  if (!fault.more_nodes.empty() && fault.kind != FaultKind::clock &&
      fault.kind != FaultKind::crash &&
      (fault.kind != FaultKind::membership || fault.mode != "remove")) {
    bad(path + ".more_nodes", "only crashes, clock faults and membership removes take more nodes");
  }
  if (fault.kind == FaultKind::clog && fault.links.size() != 1) bad(path + ".links", "a clog needs exactly one link");
  return fault;
}

}  // namespace simlab::faults
