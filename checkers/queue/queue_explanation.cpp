#include "checkers/queue/queue_explanation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "checkers/queue/queue_lanes.h"

namespace simlab::queue {
namespace {

nlohmann::json anomaly_json(const Anomaly& anomaly) {
  return {{"name", anomaly.name},     {"key", anomaly.key}, {"offsets", anomaly.offsets},
          {"values", anomaly.values}, {"ops", anomaly.ops}, {"detail", anomaly.detail}};
}

nlohmann::json accesses_json(const std::vector<LaneAccess>& accesses) {
  nlohmann::json list = nlohmann::json::array();
  for (const LaneAccess& access : accesses) {
    nlohmann::json entry = {
        {"op", access.op}, {"process", access.process}, {"value", access.value}};
    if (access.final_poll) entry["final"] = true;
    list.push_back(std::move(entry));
  }
  return list;
}

nlohmann::json lane_json(const Lane& lane) {
  nlohmann::json cells = nlohmann::json::array();
  for (const LaneCell& cell : lane.cells) {
    cells.push_back({{"offset", cell.offset},
                     {"values", cell.values},
                     {"marks", cell.marks},
                     {"writes", accesses_json(cell.writes)},
                     {"reads", accesses_json(cell.reads)},
                     {"left-out", cell.accesses_left_out}});
  }
  nlohmann::json unplaced = nlohmann::json::array();
  for (const Anomaly& anomaly : lane.unplaced) unplaced.push_back(anomaly_json(anomaly));
  return {{"key", lane.key},
          {"end", lane.end},
          {"from", lane.from},
          {"to", lane.to},
          {"cut", lane.cut()},
          {"marked", lane.marked},
          {"marked-outside", lane.marked_outside},
          {"unplaced", unplaced},
          {"cells", cells}};
}

// The first kExplainedAnomaliesMax examples, in the checker's order, with
// the first of every kind among them however many of another kind came first.
nlohmann::json first_examples(const QueueCheckResult& result) {
  const std::vector<Anomaly>& all = result.anomalies;
  std::vector<bool> kept(all.size(), false);
  std::set<std::string> kinds;
  std::size_t count = 0;
  for (std::size_t i = 0; i < all.size() && count < kExplainedAnomaliesMax; ++i) {
    if (!kinds.insert(all[i].name).second) continue;
    kept[i] = true;
    ++count;
  }
  for (std::size_t i = 0; i < all.size() && count < kExplainedAnomaliesMax; ++i) {
    if (kept[i]) continue;
    kept[i] = true;
    ++count;
  }
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (kept[i]) list.push_back(anomaly_json(all[i]));
  }
  return list;
}

}  // namespace

std::string explain_text(const QueueCheckResult& result) {
  std::string text =
      fmt::format("{} ({} keys, {} acknowledged sends, {} polled records, {} unseen)\n",
                  result.valid ? "valid" : "invalid", result.keys, result.acknowledged_sends,
                  result.polled_records, result.unseen);
  for (const auto& [name, count] : result.counts) text += fmt::format("  {}: {}\n", name, count);
  if (result.write_cycles > 0)
    text += fmt::format(
        "  {} write cycles (G0) among transactions: allowed, Kafka's transactions do not isolate "
        "writes\n",
        result.write_cycles);
  for (const Anomaly& anomaly : result.anomalies) {
    text += fmt::format("    {}: {} (ops {})\n", anomaly.name, anomaly.detail,
                        fmt::join(anomaly.ops, ", "));
  }
  return text;
}

nlohmann::json explain_json(const QueueCheckResult& result) {
  nlohmann::json anomalies = nlohmann::json::array();
  for (const Anomaly& anomaly : result.anomalies) anomalies.push_back(anomaly_json(anomaly));
  return {{"verdict", result.valid ? "valid" : "invalid"},
          {"counts", result.counts},
          {"anomalies", anomalies},
          {"keys", result.keys},
          {"acknowledged-sends", result.acknowledged_sends},
          {"polled-records", result.polled_records},
          {"unseen", result.unseen},
          {"write-cycles", result.write_cycles}};
}

nlohmann::json explanation_json(const QueueHistory& history, const QueueCheckResult& result) {
  nlohmann::json json = explain_json(result);
  json["anomalies"] = first_examples(result);
  std::size_t found = 0;
  for (const auto& [name, count] : result.counts) found += count;
  const std::size_t listed = json["anomalies"].size();
  const Lanes lanes = lanes_of(history, result);
  nlohmann::json drawn = nlohmann::json::array();
  for (const Lane& lane : lanes.lanes) drawn.push_back(lane_json(lane));
  json["checker"] = "queue";
  json["lanes"] = std::move(drawn);
  json["cut"] = {{"anomalies", found - listed}, {"keys", lanes.keys_left_out}};
  return json;
}

}  // namespace simlab::queue
