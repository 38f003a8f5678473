#include "checkers/causal/causal_checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <unordered_map>

#include "checkers/causal/causal_events.h"
#include "checkers/causal/labelled_cycles.h"
#include "checkers/history/anomaly_list.h"
#include "checkers/history/value_format.h"

namespace simlab::causal {
namespace {

using history::History;
using history::Op;
using history::OpType;
using history::Value;

using Clock = std::vector<std::uint32_t>;  // per process: how many of its ops are in the past

// Walks the events in a topological order of co (Kahn's algorithm over
// session order and reads-from), giving each a vector clock, and judges
// each read against the writes of its key in its past. A read whose write
// never becomes ready is on a cycle of co.
class Judge {
 public:
  Judge(const History& history, const Compiled& compiled, Scope scope, CausalResult& result)
      : history_(history),
        compiled_(compiled),
        scope_(scope),
        result_(result),
        clocks_(compiled.events.size()),
        running_(compiled.sessions.size(), Clock(compiled.sessions.size(), 0)),
        next_(compiled.sessions.size(), 0),
        waiting_(compiled.events.size()),
        key_seen_(compiled.sessions.size()),
        writer_seen_(compiled.sessions.size()) {}

  void judge() {
    for (const std::size_t read : compiled_.thin_air) thin_air(read);
    std::vector<std::size_t> ready;
    for (std::size_t process = 0; process < compiled_.sessions.size(); ++process)
      ready.push_back(process);
    while (!ready.empty()) {
      const std::size_t process = ready.back();
      ready.pop_back();
      advance(process, ready);
    }
    // Edges beyond co: ccv's cf edges, and multi-value reads' hidden writes.
    if (report_cycles() && !conflicts_.empty()) report_conflict_cycles();
  }

 private:
  bool done(std::size_t write) const { return !clocks_[write].empty(); }

  std::span<const std::size_t> sources(const Event& read) const {
    return std::span(compiled_.sources)
        .subspan(read.sources_begin, read.sources_end - read.sources_begin);
  }

  std::size_t pending_source(const Event& read) const {  // a source not yet walked, or kNone
    for (const std::size_t source : sources(read))
      if (!done(source)) return source;
    return kNone;
  }

  void advance(std::size_t process, std::vector<std::size_t>& ready) {
    const auto& session = compiled_.sessions[process];
    while (next_[process] < session.size()) {
      const std::size_t id = session[next_[process]];
      const Event& event = compiled_.events[id];
      if (const std::size_t pending = pending_source(event); pending != kNone) {
        waiting_[pending].push_back(process);
        return;
      }
      step(id, event);
      ++next_[process];
      if (event.write) {
        for (const std::size_t woken : waiting_[id]) ready.push_back(woken);
        waiting_[id].clear();
      }
    }
  }

  void step(std::size_t id, const Event& event) {
    Clock& clock = running_[event.process];
    for (const std::size_t source : sources(event)) {
      const Clock& theirs = clocks_[source];
      for (std::size_t q = 0; q < clock.size(); ++q) clock[q] = std::max(clock[q], theirs[q]);
    }
    clock[event.process] = event.index;
    if (event.write) {
      clocks_[id] = clock;
      return;
    }
    judge_read(id, event, clock);  // a read's clock is the running one: nothing waits for it
    if (scope_ == Scope::session) remember_direct(event);
  }

  // What the reader has seen itself, for the session scope: per key, the
  // join of the clocks of the writes its reads of the key returned; per
  // writer, the latest of its writes the reader read.
  // A multi-value read's key clock takes only the writes it returned: a
  // write causally before one of them through a third party need not have
  // reached the replica (see overwritten_source).
  void remember_direct(const Event& read) {
    for (const std::size_t source : sources(read)) {
      const Event& write = compiled_.events[source];
      Clock& seen = key_seen_[read.process][read.key];
      const Clock& theirs = clocks_[source];
      if (seen.empty()) seen.assign(theirs.size(), 0);
      if (read.multi) {
        seen[write.process] = std::max(seen[write.process], write.index);
      } else {
        for (std::size_t q = 0; q < seen.size(); ++q) seen[q] = std::max(seen[q], theirs[q]);
      }
      std::uint32_t& latest = writer_seen_[read.process][write.process];
      latest = std::max(latest, write.index);
    }
  }

  // The session guarantee the reader's own reads and writes make the read
  // break, if any: w2 is the reader's own write (read-your-writes), at or
  // before a write an earlier read of the same key returned
  // (monotonic-reads), or before a later write of its writer's that the
  // reader read (monotonic-writes). A multi-value read that returned w2
  // beside the sibling `source` it overwrote: w2's writer wrote `source`
  // before it (monotonic-writes) or read it at its replica before it
  // (writes-follow-reads), so w2 replaced it where it was written.
  std::string direct_session_broken(const Event& read, std::size_t source, std::size_t w2) const {
    const Event& overwrite = compiled_.events[w2];
    if (returned(read, w2)) return direct_overwrite(source, w2);
    if (overwrite.process == read.process) return "read-your-writes";
    const auto& keys = key_seen_[read.process];
    if (const auto seen = keys.find(read.key);
        seen != keys.end() && seen->second[overwrite.process] >= overwrite.index)
      return "monotonic-reads";
    const auto& writers = writer_seen_[read.process];
    if (const auto seen = writers.find(overwrite.process);
        seen != writers.end() && seen->second > overwrite.index)
      return "monotonic-writes";
    return "";
  }

  // How w2's writer saw `source` itself before writing w2: it wrote it
  // (monotonic-writes) or read it (writes-follow-reads); "" if not.
  const char* direct_overwrite(std::size_t source, std::size_t w2) const {
    const Event& overwrite = compiled_.events[w2];
    const Event& earlier = compiled_.events[source];
    if (earlier.process == overwrite.process && earlier.index < overwrite.index)
      return "monotonic-writes";
    const auto first = compiled_.first_read.find(read_key(overwrite.process, source));
    if (first != compiled_.first_read.end() && first->second < overwrite.index)
      return "writes-follow-reads";
    return "";
  }

  bool before(std::size_t a, const Clock& clock) const {  // event a is in the past of clock
    const Event& event = compiled_.events[a];
    return clock[event.process] >= event.index;
  }

  // The latest write of `writer` in the past of `clock`, or kNone.
  std::size_t latest_in_past(const Writer& writer, const Clock& clock) const {
    const std::uint32_t bound = clock[writer.process];
    const auto after = std::upper_bound(
        writer.writes.begin(), writer.writes.end(), bound,
        [&](std::uint32_t index, std::size_t id) { return index < compiled_.events[id].index; });
    return after == writer.writes.begin() ? kNone : *std::prev(after);
  }

  // A source of the read other than w2 that is causally before w2 (w2
  // overwrote it in the read's past), or kNone. Under the session scope a
  // multi-value read's source counts as
  // overwritten only when w2's writer saw it itself: a multi-value write
  // replaces what its replica held, and a store that delivers each
  // writer's deltas in order (not causally across writers) may not yet
  // hold a write that reached w2's writer through a third party. (An LWW
  // register needs no such care: its hybrid-clock stamps order every
  // causal chain.)
  std::size_t overwritten_source(const Event& read, std::size_t w2) const {
    const bool direct = scope_ == Scope::session && read.multi;
    for (const std::size_t source : sources(read)) {
      if (source == w2) continue;
      if (direct ? *direct_overwrite(source, w2) != '\0' : before(source, clocks_[w2]))
        return source;
    }
    return kNone;
  }

  bool returned(const Event& read, std::size_t write) const {
    const auto all = sources(read);
    return std::find(all.begin(), all.end(), write) != all.end();
  }

  // Each write of the key in the read's past that it passed over (the
  // latest of each writer: the earlier ones are before it in session
  // order) gives an edge to the write it returned. Under ccv it is
  // arbitrated before it (a cf edge). A multi-value read returns the
  // maximal writes of its past, so a write it passed over is causally
  // before one of its siblings: before the only one, when there is one
  // (an edge of co the history did not show; with several, which one is
  // not known, and no edge is drawn).
  void judge_read(std::size_t id, const Event& read, const Clock& clock) {
    if (read.read_from == kNone && !read.initial) return;  // thin air: judged already
    if (scope_ == Scope::session && read.multi) return judge_direct_multi_read(read, clock);
    const std::size_t edges_before = conflicts_.size();
    const bool one_sibling = read.multi && read.sources_end - read.sources_begin == 1;
    for (const Writer& writer : compiled_.writers[read.key]) {
      const std::size_t w2 = latest_in_past(writer, clock);
      if (w2 == kNone) continue;
      // Reported as such: its edges would only say it again. (The session
      // scope reports only what the reader saw itself, and looks on.)
      if (read.initial) {
        if (report_overwritten(read, kNone, writer.writes.front(), clock, "write-co-init-read"))
          return conflicts_.resize(edges_before);
        continue;
      }
      if (const std::size_t hidden = overwritten_source(read, w2); hidden != kNone) {
        if (report_overwritten(read, hidden, w2, clock, "write-co-read"))
          return conflicts_.resize(edges_before);
        continue;
      }
      if (returned(read, w2)) continue;
      if ((scope_ == Scope::ccv && !read.multi) || (one_sibling && scope_ != Scope::session))
        conflicts_.push_back(LabelledEdge{w2, read.read_from, id});
    }
  }

  // Under the session scope a multi-value read breaks a guarantee only
  // through a write its reader wrote, or whose writer's writes it read, or
  // one it returned (direct_session_broken): only those writers are
  // visited, not every writer of the key.
  void judge_direct_multi_read(const Event& read, const Clock& clock) {
    candidates_.clear();
    candidates_.push_back(read.process);
    for (const auto& [writer, latest] : writer_seen_[read.process]) candidates_.push_back(writer);
    for (const std::size_t source : sources(read))
      candidates_.push_back(compiled_.events[source].process);
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    for (const std::size_t process : candidates_) {
      const auto slot = compiled_.writer_slots.find(read_key(read.key, process));
      if (slot == compiled_.writer_slots.end()) continue;
      const Writer& writer = compiled_.writers[read.key][slot->second];
      const std::size_t w2 = latest_in_past(writer, clock);
      if (w2 == kNone) continue;
      if (read.initial) {
        if (report_overwritten(read, kNone, writer.writes.front(), clock, "write-co-init-read"))
          return;
        continue;
      }
      if (const std::size_t hidden = overwritten_source(read, w2); hidden != kNone)
        if (report_overwritten(read, hidden, w2, clock, "write-co-read")) return;
    }
  }

  // Whether `process` has a write with a session index in (after, upto].
  bool writes_between(std::size_t process, std::uint32_t after, std::uint32_t upto) const {
    const auto& indices = compiled_.write_indices[process];
    const auto next = std::upper_bound(indices.begin(), indices.end(), after);
    return next != indices.end() && *next <= upto;
  }

  // The session guarantee the read breaks (causal consistency is the four
  // together, Brzezinski, Sobaniec and Wawrzyniak, 2004), named for how
  // the overwrite w2 came into the read's past: the reader wrote it
  // (read-your-writes); the reader saw a later write of w2's writer
  // (monotonic-writes); a process read w2 and then wrote something the
  // reader saw (writes-follow-reads); else through the reader's own
  // earlier reads (monotonic-reads).
  std::string session_broken(const Event& read, std::size_t w2, const Clock& clock) const {
    const Event& overwrite = compiled_.events[w2];
    if (overwrite.process == read.process) return "read-your-writes";
    if (writes_between(overwrite.process, overwrite.index, clock[overwrite.process]))
      return "monotonic-writes";
    for (const std::size_t reader : compiled_.readers[w2]) {
      const Event& seen = compiled_.events[reader];
      if (seen.process != read.process &&
          writes_between(seen.process, seen.index, clock[seen.process]))
        return "writes-follow-reads";
    }
    return "monotonic-reads";
  }

  // The read returned `source` (kNone: the initial value), which the
  // write w2 in its past overwrote; whether that was reported (the session
  // scope reports only what the reader saw itself).
  bool report_overwritten(const Event& read, std::size_t source, std::size_t w2, const Clock& clock,
                          const char* pattern) {
    CausalAnomaly anomaly = anomaly_of(read, pattern, source);
    if (scope_ == Scope::session) {
      anomaly.session = direct_session_broken(read, source, w2);
      if (anomaly.session.empty()) return false;
      anomaly.name = anomaly.session;
    } else if (returned(read, w2)) {  // siblings one of which overwrote the other
      anomaly.session = direct_overwrite(source, w2);
    } else {
      anomaly.session = session_broken(read, w2, clock);
    }
    const Event& overwrite = compiled_.events[w2];
    anomaly.overwrite = overwrite.invoke;
    anomaly.detail = fmt::format(
        "{} returned {}; the write of {} at op {} {}is causally before the read{}",
        reader_text(read), returned_text(read, source), history::format_value(overwrite.value),
        overwrite.invoke, read.initial ? "" : "overwrote it and ",
        anomaly.session.empty()
            ? ""
            : " (" + anomaly.session + ": " + session_text(anomaly, returned(read, w2)) + ")");
    keep(std::move(anomaly));
    return true;
  }

  // "the initial value", "1, written at op 0", or a multi-value read's
  // "the siblings [1 2], of them 1, written at op 0"
  std::string returned_text(const Event& read, std::size_t source) const {
    if (source == kNone) return "the initial value";
    const Event& write = compiled_.events[source];
    std::string written =
        fmt::format("{}, written at op {}", history::format_value(write.value), write.invoke);
    if (!read.multi) return written;
    return fmt::format("the siblings {}, of them {}", history::format_value(read.value), written);
  }

  // `sibling`: the overwrite is a sibling the read returned too.
  static std::string session_text(const CausalAnomaly& anomaly, bool sibling) {
    if (sibling && anomaly.session == "monotonic-writes")
      return "its writer wrote the other sibling before it";
    if (sibling) return "its writer read the other sibling before it";
    if (anomaly.session == "read-your-writes") return "the reader wrote it itself";
    if (anomaly.session == "monotonic-writes") return "the reader saw a later write of its writer";
    if (anomaly.session == "writes-follow-reads")
      return "a process read it, then wrote what the reader saw";
    return "the reader's earlier reads saw it";
  }

  void thin_air(std::size_t id) {
    if (scope_ == Scope::session) return;
    const Event& read = compiled_.events[id];
    CausalAnomaly anomaly = anomaly_of(read, "thin-air-read");
    anomaly.detail = fmt::format("{} returned {}, which no write wrote", reader_text(read),
                                 history::format_value(read.value));
    keep(std::move(anomaly));
  }

  // Each process's first read left waiting for its write is on a cycle of
  // co or after one. Whether co is acyclic.
  bool report_cycles() {
    bool acyclic = true;
    for (std::size_t process = 0; process < compiled_.sessions.size(); ++process) {
      const auto& session = compiled_.sessions[process];
      if (next_[process] == session.size()) continue;
      acyclic = false;
      if (scope_ == Scope::session) continue;
      const Event& read = compiled_.events[session[next_[process]]];
      CausalAnomaly anomaly = anomaly_of(read, "cyclic-co");
      anomaly.detail = fmt::format(
          "{} returned {}, written at op {}, but the write waits in causal order for the read "
          "(on a cycle of co, or after one)",
          reader_text(read), history::format_value(read.value), anomaly.read_from);
      keep(std::move(anomaly));
    }
    return acyclic;
  }

  // CyclicCF: co (session order and reads-from) with the cf edges has a
  // cycle; co alone has none here, so each cycle holds a cf edge.
  // Each cycle is named at its read that ended first.
  void report_conflict_cycles() {
    std::vector<LabelledEdge> edges = conflicts_;
    std::stable_sort(edges.begin(), edges.end(), [&](const LabelledEdge& a, const LabelledEdge& b) {
      return compiled_.events[a.label].done < compiled_.events[b.label].done;
    });
    for (const auto& session : compiled_.sessions)
      for (std::size_t i = 1; i < session.size(); ++i)
        edges.push_back(LabelledEdge{session[i - 1], session[i]});
    for (std::size_t write = 0; write < compiled_.readers.size(); ++write)
      for (const std::size_t reader : compiled_.readers[write])
        edges.push_back(LabelledEdge{write, reader});
    for (const auto& cycle : cycles_through_labels(compiled_.events.size(), edges, kExamplesMax))
      conflict_cycle(cycle);
  }

  void conflict_cycle(const std::vector<LabelledEdge>& cycle) {
    const LabelledEdge& first = cycle.front();
    const Event& read = compiled_.events[first.label];
    // A multi-value read's edges are causal order the history did not
    // show; a single-value read's, under ccv, the arbitration order.
    CausalAnomaly anomaly = anomaly_of(read, read.multi ? "cyclic-hidden-write" : "cyclic-cf");
    anomaly.overwrite = compiled_.events[first.from].invoke;
    std::string others;
    for (std::size_t i = 1; i < cycle.size(); ++i)
      if (cycle[i].label != kNoLabel) {
        others += "; " + passed_over_text(cycle[i]);
        anomaly.cycle_reads.push_back(compiled_.events[cycle[i].label].done);
      }
    anomaly.detail =
        fmt::format("{}{}; and causal order closes the cycle: {}", passed_over_text(first), others,
                    read.multi ? "no causal order explains every read"
                               : "no one order of the writes agrees with every read");
    keep(std::move(anomaly));
  }

  // "process 3's read of "x" ending at op 9 returned 2 (op 4) with 1 (op 0)
  // in its causal past, so 1 is ordered before 2" (a multi-value read's:
  // "causally before")
  std::string passed_over_text(const LabelledEdge& edge) const {
    const Event& read = compiled_.events[edge.label];
    const Event& passed = compiled_.events[edge.from];
    const Event& returned = compiled_.events[edge.to];
    return fmt::format(
        "{} returned {} (op {}) with {} (op {}) in its causal past, so {} is {} before {}",
        reader_text(read), history::format_value(returned.value), returned.invoke,
        history::format_value(passed.value), passed.invoke, history::format_value(passed.value),
        read.multi ? "causally" : "ordered", history::format_value(returned.value));
  }

  CausalAnomaly anomaly_of(const Event& read, const char* name) const {
    return anomaly_of(read, name, read.read_from);
  }

  CausalAnomaly anomaly_of(const Event& read, const char* name, std::size_t source) const {
    CausalAnomaly anomaly;
    anomaly.name = name;
    anomaly.key = compiled_.keys[read.key];
    anomaly.read = read.done;
    if (source != kNone) anomaly.read_from = compiled_.events[source].invoke;
    return anomaly;
  }

  std::string reader_text(const Event& read) const {
    const std::optional<Value>& key = compiled_.keys[read.key];
    return fmt::format("process {}'s read{} ending at op {}",
                       history_[static_cast<std::size_t>(read.invoke)].process,
                       key ? " of " + history::format_value(*key) : std::string(), read.done);
  }

  void keep(CausalAnomaly anomaly) {
    ++result_.counts[anomaly.name];
    result_.anomalies.push_back(std::move(anomaly));
  }

  const History& history_;
  const Compiled& compiled_;
  Scope scope_;
  CausalResult& result_;
  std::vector<Clock> clocks_;   // writes: their clock, once walked; reads: none
  std::vector<Clock> running_;  // per process: the clock of its latest judged event
  std::vector<std::size_t> next_;
  std::vector<std::vector<std::size_t>> waiting_;  // per write: processes whose next read needs it
  std::vector<LabelledEdge> conflicts_;            // ccv: w1 cf w2, labelled with the read
  std::vector<std::unordered_map<std::size_t, Clock>> key_seen_;  // per process: key -> clock
  std::vector<std::unordered_map<std::size_t, std::uint32_t>> writer_seen_;  // process -> index
  std::vector<std::size_t> candidates_;  // judge_direct_multi_read's, reused
};

}  // namespace

std::optional<Scope> parse_causal_model(std::string_view model) {
  if (model == kCausalModel) return Scope::causal;
  if (model == kSessionModel) return Scope::session;
  if (model == kCcvModel) return Scope::ccv;
  return std::nullopt;
}

const char* causal_model_name(Scope scope) {
  switch (scope) {
    case Scope::causal:
      return kCausalModel;
    case Scope::session:
      return kSessionModel;
    case Scope::ccv:
      return kCcvModel;
  }
  return kCausalModel;
}

CausalResult check_causal(const History& history, Scope scope) {
  const Compiled compiled = compile_history(history);
  CausalResult result;
  result.processes = compiled.sessions.size();
  for (const Event& event : compiled.events) ++(event.write ? result.writes : result.reads);
  Judge(history, compiled, scope, result).judge();
  std::sort(result.anomalies.begin(), result.anomalies.end(),
            [](const CausalAnomaly& a, const CausalAnomaly& b) { return a.read < b.read; });
  if (result.anomalies.size() > kExamplesMax) result.anomalies.resize(kExamplesMax);
  if (!result.anomalies.empty()) {
    result.verdict = Verdict::invalid;
  } else {
    result.verdict = result.reads > 0 ? Verdict::valid : Verdict::unknown;
  }
  return result;
}

std::string explain_text(const CausalResult& result, Scope scope) {
  const std::string counts = history::anomaly_counts_text(result.counts);
  std::string text = fmt::format("{}: {} ({} checked): {} reads, {} writes, {} processes\n",
                                 linearizability::verdict_name(result.verdict),
                                 counts.empty() ? "no anomalies" : counts, causal_model_name(scope),
                                 result.reads, result.writes, result.processes);
  for (const CausalAnomaly& anomaly : result.anomalies)
    text += "  " + anomaly.name + ": " + anomaly.detail + "\n";
  return text;
}

nlohmann::json explain_json(const CausalResult& result, Scope scope) {
  nlohmann::json anomalies = nlohmann::json::array();
  for (const CausalAnomaly& anomaly : result.anomalies) {
    anomalies.push_back({{"name", anomaly.name},
                         {"session", anomaly.session},
                         {"key", anomaly.key ? history::format_value(*anomaly.key) : ""},
                         {"read", anomaly.read},
                         {"read-from", anomaly.read_from},
                         {"overwrite", anomaly.overwrite},
                         {"cycle-reads", anomaly.cycle_reads},
                         {"detail", anomaly.detail}});
  }
  return {{"checker", causal_model_name(scope)},
          {"verdict", linearizability::verdict_name(result.verdict)},
          {"read-count", result.reads},
          {"write-count", result.writes},
          {"process-count", result.processes},
          {"counts", result.counts},
          {"anomalies", std::move(anomalies)}};
}

}  // namespace simlab::causal
