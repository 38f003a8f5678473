#include "checkers/set/set_full_explanation.h"

#include <fmt/format.h>

#include "checkers/history/value_format.h"

namespace simlab::set_full {
namespace {

std::string key_text(const std::optional<history::Value>& key) {
  return key ? history::format_value(*key) : std::string();
}

std::string element_text(const std::optional<history::Value>& key, const history::Value& element) {
  const std::string text = "element " + history::format_value(element);
  return key ? text + " of key " + history::format_value(*key) : text;
}

nlohmann::json finding_json(const ElementFinding& finding) {
  return {{"key", key_text(finding.key)},
          {"element", history::format_value(finding.element)},
          {"add", finding.add},
          {"acknowledged", finding.acknowledged},
          {"known", finding.known},
          {"last-present", finding.last_present},
          {"last-absent", finding.last_absent},
          {"remove", finding.remove},
          {"removed", finding.removed},
          {"latency-ns", finding.latency_ns}};
}

nlohmann::json read_finding_json(const ReadFinding& finding) {
  return {{"key", key_text(finding.key)},
          {"element", history::format_value(finding.element)},
          {"read", finding.read}};
}

template <class Finding, class ToJson>
nlohmann::json list_json(const std::vector<Finding>& findings, ToJson to_json) {
  nlohmann::json list = nlohmann::json::array();
  for (const Finding& finding : findings) list.push_back(to_json(finding));
  return list;
}

nlohmann::json latency_json(const std::optional<LatencyQuantiles>& latency) {
  if (!latency) return nullptr;
  return {{"min", latency->min_ns},
          {"median", latency->median_ns},
          {"p95", latency->p95_ns},
          {"p99", latency->p99_ns},
          {"max", latency->max_ns}};
}

std::string latency_text(const char* name, const std::optional<LatencyQuantiles>& latency) {
  if (!latency) return "";
  const auto ms = [](std::int64_t ns) { return static_cast<double>(ns) / 1e6; };
  return fmt::format(
      "; {} latency ms: min {:.1f}, median {:.1f}, p95 {:.1f}, p99 {:.1f}, max {:.1f}", name,
      ms(latency->min_ns), ms(latency->median_ns), ms(latency->p95_ns), ms(latency->p99_ns),
      ms(latency->max_ns));
}

std::string known_text(const ElementFinding& finding) {
  if (finding.known == finding.acknowledged)
    return fmt::format("acknowledged at op {}", finding.known);
  return fmt::format("first seen by the read ending at op {}", finding.known);
}

std::string lost_text(const ElementFinding& finding) {
  const std::string seen =
      finding.last_present >= 0
          ? fmt::format("last seen by the read ending at op {}", finding.last_present)
          : "never seen by a read begun after that";
  return fmt::format(
      "  lost: {}, added at op {}, {}, {}, missing from the read ending at op {} ({:.3f} s "
      "later)\n",
      element_text(finding.key, finding.element), finding.add, known_text(finding), seen,
      finding.last_absent, static_cast<double>(finding.latency_ns) / 1e9);
}

std::string stale_text(const ElementFinding& finding) {
  return fmt::format(
      "  stale: {}, added at op {}, {}, missing from the read ending at op {}, seen again by op "
      "{}\n",
      element_text(finding.key, finding.element), finding.add, known_text(finding),
      finding.last_absent, finding.last_present);
}

std::string resurrected_text(const ElementFinding& finding) {
  return fmt::format(
      "  resurrected: {}, added at op {}, removed by the remove at op {} (acknowledged at op "
      "{}), held again by the read ending at op {}\n",
      element_text(finding.key, finding.element), finding.add, finding.remove, finding.removed,
      finding.last_present);
}

std::string removes_text(const SetFullResult& result) {
  if (result.removed + result.resurrected + result.unjudged == 0) return "";
  return fmt::format("; with removes: {} removed, {} resurrected, {} unjudged", result.removed,
                     result.resurrected, result.unjudged);
}

std::string read_text(const char* what, const ReadFinding& finding) {
  return fmt::format("  {}: {} in the read ending at op {}\n", what,
                     element_text(finding.key, finding.element), finding.read);
}

}  // namespace

std::string explain_text(const SetFullResult& result) {
  std::string text = fmt::format(
      "{}: {} lost, {} resurrected, {} duplicated, {} unexpected; {} elements added ({} "
      "acknowledged) over {} key(s), {} ok reads: {} stable ({} read stale), {} lost, {} "
      "never-read{}{}{}\n",
      linearizability::verdict_name(result.verdict), result.lost, result.resurrected,
      result.duplicated, result.unexpected, result.attempted, result.acknowledged, result.keys,
      result.reads, result.stable, result.stale, result.lost, result.never_read,
      removes_text(result), latency_text("stable", result.stable_latency),
      latency_text("lost", result.lost_latency));
  for (const ElementFinding& finding : result.lost_examples) text += lost_text(finding);
  for (const ElementFinding& finding : result.resurrected_examples)
    text += resurrected_text(finding);
  for (const ReadFinding& finding : result.duplicated_examples)
    text += read_text("duplicated", finding);
  for (const ReadFinding& finding : result.unexpected_examples)
    text += read_text("unexpected (never added)", finding);
  if (result.verdict == Verdict::invalid) {
    for (const ElementFinding& finding : result.stale_examples) text += stale_text(finding);
  }
  return text;
}

nlohmann::json explain_json(const SetFullResult& result) {
  return {{"checker", "set-full"},
          {"verdict", linearizability::verdict_name(result.verdict)},
          {"keys", result.keys},
          {"attempted-count", result.attempted},
          {"acknowledged-count", result.acknowledged},
          {"read-count", result.reads},
          {"stable-count", result.stable},
          {"lost-count", result.lost},
          {"never-read-count", result.never_read},
          {"stale-count", result.stale},
          {"duplicated-count", result.duplicated},
          {"removed-count", result.removed},
          {"resurrected-count", result.resurrected},
          {"unjudged-count", result.unjudged},
          {"resurrected", list_json(result.resurrected_examples, finding_json)},
          {"unexpected-count", result.unexpected},
          {"lost", list_json(result.lost_examples, finding_json)},
          {"stale", list_json(result.stale_examples, finding_json)},
          {"never-read", list_json(result.never_read_examples, finding_json)},
          {"duplicated", list_json(result.duplicated_examples, read_finding_json)},
          {"unexpected", list_json(result.unexpected_examples, read_finding_json)},
          {"stable-latency-ns", latency_json(result.stable_latency)},
          {"lost-latency-ns", latency_json(result.lost_latency)}};
}

}  // namespace simlab::set_full
