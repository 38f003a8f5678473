#include "checkers/convergence/convergence.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_map>

#include "checkers/history/value_format.h"

namespace simlab::convergence {
namespace {

using history::History;
using history::OpType;
using history::Value;

// What a value means, as text: a list's items sorted (a set read in any
// order is the same set), anything else as written.
std::string canonical_text(const Value& value) {
  if (!value.is_list()) return history::format_value(value);
  std::vector<std::string> items;
  items.reserve(value.as_list().size());
  for (const Value& item : value.as_list()) items.push_back(history::format_value(item));
  std::sort(items.begin(), items.end());
  std::string text = "[";
  for (const std::string& item : items) text += item + " ";
  return text + "]";
}

struct KeyReads {
  std::optional<Value> key;
  std::vector<FinalRead> firsts;  // the first read of each distinct value
  std::vector<std::size_t> holding;
  std::map<std::string, std::size_t> by_value;  // canonical text -> index in firsts
};

}  // namespace

ConvergenceResult check_convergence(const History& history) {
  const std::vector<std::int64_t> completion = history::completion_positions(history);
  std::unordered_map<Value, std::size_t, history::ValueHash> key_ids;
  std::vector<KeyReads> keys;
  ConvergenceResult result;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const history::Op& invocation = history[i];
    if (invocation.type != OpType::invoke || completion[i] < 0) continue;
    const history::Op& done = history[static_cast<std::size_t>(completion[i])];
    if (done.type != OpType::ok || !(invocation.final_read || done.final_read)) continue;
    const Value key = invocation.key ? *invocation.key : Value();
    const auto [id, inserted] = key_ids.try_emplace(key, keys.size());
    if (inserted) keys.push_back(KeyReads{invocation.key, {}, {}, {}});
    KeyReads& reads = keys[id->second];
    const auto [value, fresh] =
        reads.by_value.try_emplace(canonical_text(done.value), reads.firsts.size());
    if (fresh) {
      reads.firsts.push_back(FinalRead{completion[i], invocation.process,
                                       invocation.node.empty() ? done.node : invocation.node,
                                       done.value});
      reads.holding.push_back(0);
    }
    ++reads.holding[value->second];
    ++result.final_reads;
  }
  result.keys = keys.size();
  for (KeyReads& reads : keys) {
    if (reads.firsts.size() < 2) continue;
    ++result.diverged;
    if (result.examples.size() < kExamplesMax)
      result.examples.push_back(
          Divergence{reads.key, std::move(reads.firsts), std::move(reads.holding)});
  }
  if (result.final_reads == 0) {
    result.verdict = Verdict::unknown;
  } else {
    result.verdict = result.diverged > 0 ? Verdict::invalid : Verdict::valid;
  }
  return result;
}

namespace {

inline constexpr std::size_t kDifferenceShownMax = 8;

std::string items_text(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < kDifferenceShownMax; ++i)
    text += (i == 0 ? "" : " ") + items[i];
  if (items.size() > kDifferenceShownMax)
    text += fmt::format(" and {} more", items.size() - kDifferenceShownMax);
  return "{" + text + "}";
}

std::vector<std::string> sorted_items(const Value& value) {
  std::vector<std::string> items;
  for (const Value& item : value.as_list()) items.push_back(history::format_value(item));
  std::sort(items.begin(), items.end());
  return items;
}

// What `value` holds against `first`: the whole value, or for two sets
// what it lacks and what it has besides.
std::string held_text(const Value& first, const Value& value, bool is_first) {
  if (is_first || !first.is_list() || !value.is_list()) {
    if (value.is_list()) return fmt::format("{} elements", value.as_list().size());
    return history::format_value(value);
  }
  const std::vector<std::string> mine = sorted_items(value), theirs = sorted_items(first);
  std::vector<std::string> lacks, besides;
  std::set_difference(theirs.begin(), theirs.end(), mine.begin(), mine.end(),
                      std::back_inserter(lacks));
  std::set_difference(mine.begin(), mine.end(), theirs.begin(), theirs.end(),
                      std::back_inserter(besides));
  std::string text = fmt::format("{} elements", value.as_list().size());
  if (!lacks.empty()) text += ", lacking " + items_text(lacks);
  if (!besides.empty()) text += ", with " + items_text(besides) + " besides";
  return text;
}

}  // namespace

std::string describe_divergence(const Divergence& divergence) {
  std::string text =
      divergence.key ? "key " + history::format_value(*divergence.key) : std::string("the history");
  text += ": final reads differ:";
  const Value& first = divergence.reads.front().value;
  for (std::size_t i = 0; i < divergence.reads.size(); ++i) {
    const FinalRead& read = divergence.reads[i];
    const std::string who = read.node.empty() ? fmt::format("process {}", read.process) : read.node;
    const std::size_t others = divergence.holding[i] - 1;
    text += fmt::format("{} {} read {} (op {}{})", i == 0 ? "" : ";", who,
                        held_text(first, read.value, i == 0), read.read,
                        others > 0 ? fmt::format(", as did {} more", others) : "");
  }
  return text;
}

std::string explain_text(const ConvergenceResult& result) {
  std::string text = fmt::format("{}: {} of {} key(s) diverged, {} ok final reads\n",
                                 linearizability::verdict_name(result.verdict), result.diverged,
                                 result.keys, result.final_reads);
  for (const Divergence& divergence : result.examples)
    text += "  " + describe_divergence(divergence) + "\n";
  return text;
}

nlohmann::json explain_json(const ConvergenceResult& result) {
  nlohmann::json diverged = nlohmann::json::array();
  for (const Divergence& divergence : result.examples) {
    nlohmann::json reads = nlohmann::json::array();
    for (std::size_t i = 0; i < divergence.reads.size(); ++i) {
      const FinalRead& read = divergence.reads[i];
      reads.push_back({{"read", read.read},
                       {"process", read.process},
                       {"node", read.node},
                       {"value", history::format_value(read.value)},
                       {"holding", divergence.holding[i]}});
    }
    diverged.push_back(
        {{"key", divergence.key ? history::format_value(*divergence.key) : std::string()},
         {"reads", std::move(reads)},
         {"detail", describe_divergence(divergence)}});
  }
  return {{"checker", kConvergenceModel},
          {"verdict", linearizability::verdict_name(result.verdict)},
          {"keys", result.keys},
          {"final-read-count", result.final_reads},
          {"diverged-count", result.diverged},
          {"diverged", std::move(diverged)}};
}

}  // namespace simlab::convergence
