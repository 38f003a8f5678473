#include "reports/run_page_data.h"

#include <algorithm>
#include <set>

#include "checkers/history/op_type.h"
#include "checkers/history/value_format.h"
#include "reports/explanation_data.h"
#include "reports/op_intervals.h"
#include "reports/timeline_sample.h"

namespace simlab::reports {
namespace {

std::string value_text(const history::Value& value) {
  std::string text = history::format_value(value);
  if (text.size() > kValueCharsMax) {
    text.resize(kValueCharsMax);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
      text.pop_back();  // whole UTF-8 chars
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
    text += "...";
  }
  return text;
}

std::string outcome_name(history::OpType type) {
  return type == history::OpType::invoke ? "pending" : std::string(history::op_type_name(type));
}

nlohmann::json header_json(const RunSummary& summary) {
  nlohmann::json header = {{"title", summary.title},
                           {"system", summary.system},
                           {"scenario", summary.scenario},
                           {"workload", summary.workload},
                           {"model", summary.model},
                           {"bug", summary.bug},
                           {"verdict", summary.verdict},
                           {"anomaly", summary.anomaly},
                           {"detail", summary.detail},
                           {"trace_hash", summary.trace_hash},
                           {"simulated_ns", summary.simulated_ns},
                           {"heal_ns", summary.heal_ns},
                           {"wall_ms", summary.wall_ms},
                           {"commands", summary.commands},
                           {"judges", summary.judges_ran},
                           {"caught_by", summary.caught_by},
                           {"white_box", summary.white_box}};
  if (summary.seed) header["seed"] = std::to_string(*summary.seed);  // a string: seeds exceed 2^53
  if (summary.node) header["node"] = *summary.node;
  return header;
}

nlohmann::json op_json(const history::History& history, const OpInterval& op) {
  const history::Op& invocation = history[static_cast<std::size_t>(op.invoke_index)];
  nlohmann::json result = nullptr;
  if (op.outcome == history::OpType::ok)
    result = value_text(history[static_cast<std::size_t>(op.completion_index)].value);
  return nlohmann::json::array(
      {op.invoke_index, invocation.process, op.start_ns, op.end_ns, outcome_name(op.outcome),
       invocation.f, invocation.key ? nlohmann::json(value_text(*invocation.key)) : nullptr,
       value_text(invocation.value), result});
}

nlohmann::json latency_json(const std::vector<OpInterval>& intervals) {
  std::size_t completed = 0;
  for (const OpInterval& op : intervals) completed += op.end_ns >= 0 ? 1 : 0;
  const std::size_t every =
      std::max<std::size_t>(1, (completed + kLatencyPointsMax - 1) / kLatencyPointsMax);
  nlohmann::json points = nlohmann::json::array();
  std::size_t seen = 0;
  for (const OpInterval& op : intervals) {
    if (op.end_ns < 0 || seen++ % every != 0) continue;
    points.push_back(
        nlohmann::json::array({op.end_ns, op.end_ns - op.start_ns, outcome_name(op.outcome)}));
  }
  return {{"points", points}, {"every", every}, {"completed", completed}};
}

nlohmann::json throughput_json(const std::vector<OpInterval>& intervals, std::int64_t start_ns,
                               std::int64_t end_ns) {
  const std::int64_t width_ns =
      std::max<std::int64_t>(1, (end_ns - start_ns + kThroughputBuckets - 1) / kThroughputBuckets);
  std::vector<std::int64_t> ok(kThroughputBuckets, 0), fail(kThroughputBuckets, 0),
      info(kThroughputBuckets, 0);
  for (const OpInterval& op : intervals) {
    if (op.end_ns < 0) continue;
    const auto bucket = std::min<std::size_t>(
        kThroughputBuckets - 1,
        static_cast<std::size_t>(std::max<std::int64_t>(0, op.end_ns - start_ns) / width_ns));
    (op.outcome == history::OpType::ok     ? ok
     : op.outcome == history::OpType::fail ? fail
                                           : info)[bucket] += 1;
  }
  return {
      {"start_ns", start_ns}, {"bucket_ns", width_ns}, {"ok", ok}, {"fail", fail}, {"info", info}};
}

nlohmann::json faults_json(const std::vector<FaultPeriod>& faults) {
  nlohmann::json array = nlohmann::json::array();
  for (const FaultPeriod& fault : faults) {
    array.push_back({{"kind", fault.kind},
                     {"detail", fault.detail},
                     {"nodes", fault.nodes},
                     {"start_ns", fault.start_ns},
                     {"end_ns", fault.end_ns}});
  }
  return array;
}

nlohmann::json trace_json(const std::optional<TraceExcerpt>& trace) {
  if (!trace) return nullptr;
  return {{"lines", trace->lines},
          {"first_line", trace->first_line},
          {"focus_line", trace->focus_line},
          {"total_lines", trace->total_lines}};
}

std::pair<std::int64_t, std::int64_t> time_range(const RunSummary& summary,
                                                 const history::History& history) {
  std::int64_t start_ns = history.empty() ? 0 : history.front().time, end_ns = start_ns;
  for (const history::Op& op : history) {
    start_ns = std::min(start_ns, op.time);
    end_ns = std::max(end_ns, op.time);
  }
  for (const FaultPeriod& fault : summary.faults) {
    start_ns = std::min(start_ns, fault.start_ns);
    end_ns = std::max(end_ns, fault.end_ns);
  }
  end_ns = std::max(end_ns, summary.failure_time_ns);
  return {start_ns, std::max(end_ns, start_ns + 1)};
}

}  // namespace

nlohmann::json run_page_data(const RunSummary& summary, const history::History& history,
                             const std::optional<TraceExcerpt>& trace) {
  const std::vector<OpInterval> intervals = pair_ops(history);
  const auto [start_ns, end_ns] = time_range(summary, history);
  nlohmann::json explanation = explanation_data(summary, history);
  std::set<std::int64_t> named = named_ops(explanation);
  const TimelineSample sample = sample_timeline(intervals, named, focus_time(explanation, history));
  nlohmann::json ops = nlohmann::json::array();
  std::set<std::int64_t> processes;
  for (const history::Op& op : history) processes.insert(op.process);
  for (const std::size_t i : sample.kept) ops.push_back(op_json(history, intervals[i]));
  // Jepsen logs and hand-written histories carry no clock: their "time" is the position.
  const bool by_position =
      !history.empty() && std::all_of(history.begin(), history.end(),
                                      [](const history::Op& op) { return op.time == op.index; });
  return {{"header", header_json(summary)},
          {"time_unit", by_position ? "position" : "ns"},
          {"start_ns", start_ns},
          {"end_ns", end_ns},
          {"processes", processes},
          {"ops", ops},
          {"ops_total", intervals.size()},
          {"sample",
           {{"sampled", sample.sampled}, {"every", sample.every}, {"kept", sample.kept.size()}}},
          {"faults", faults_json(summary.faults)},
          {"latency", latency_json(intervals)},
          {"throughput", throughput_json(intervals, start_ns, end_ns)},
          {"explanation", explanation},
          {"story", summary.story},
          {"audit", summary.audit},
          {"trace", trace_json(trace)}};
}

}  // namespace simlab::reports
