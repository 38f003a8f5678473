#include "systems/crdt/crdt_types.h"

#include <algorithm>

namespace simlab::crdt {

// --- causal context ---

bool CausalContext::contains(const Dot& dot) const {
  const auto found = compact_.find(dot.actor);
  if (found != compact_.end() && dot.counter <= found->second) return true;
  return cloud_.contains(dot);
}

void CausalContext::insert(const Dot& dot) {
  if (contains(dot)) return;
  cloud_.insert(dot);
  compact_cloud();
}

bool CausalContext::join(const CausalContext& other) {
  bool changed = false;
  for (const auto& [actor, counter] : other.compact_) {
    std::uint64_t& mine = compact_[actor];
    if (counter > mine) {
      mine = counter;
      changed = true;
    }
  }
  for (const Dot& dot : other.cloud_) {
    if (contains(dot)) continue;
    cloud_.insert(dot);
    changed = true;
  }
  compact_cloud();
  return changed;
}

// The cloud is ordered by actor, then counter: one pass moves each run that
// continues its actor's vector entry into the entry.
void CausalContext::compact_cloud() {
  for (auto dot = cloud_.begin(); dot != cloud_.end();) {
    std::uint64_t& entry = compact_[dot->actor];
    if (dot->counter <= entry + 1) {
      entry = std::max(entry, dot->counter);
      dot = cloud_.erase(dot);
    } else {
      ++dot;
    }
  }
  std::erase_if(compact_, [](const auto& entry) { return entry.second == 0; });
}

std::uint64_t CausalContext::max_counter(ActorId actor) const {
  std::uint64_t counter = 0;
  if (const auto found = compact_.find(actor); found != compact_.end()) counter = found->second;
  const auto above = cloud_.lower_bound(Dot{actor + 1, 0});
  if (above != cloud_.begin() && std::prev(above)->actor == actor)
    counter = std::max(counter, std::prev(above)->counter);
  return counter;
}

bool CausalContext::covers(const CausalContext& other) const {
  for (const auto& [actor, counter] : other.compact_) {
    const auto mine = compact_.find(actor);
    const std::uint64_t from = mine == compact_.end() ? 1 : mine->second + 1;
    for (std::uint64_t c = from; c <= counter; ++c)
      if (!cloud_.contains(Dot{actor, c})) return false;
  }
  return std::all_of(other.cloud_.begin(), other.cloud_.end(),
                     [&](const Dot& dot) { return contains(dot); });
}

std::uint64_t CausalContext::size() const {
  std::uint64_t dots = cloud_.size();
  for (const auto& [actor, counter] : compact_) dots += counter;
  return dots;
}

void CausalContext::write(ByteWriter& out) const {
  out.u32(static_cast<std::uint32_t>(compact_.size()));
  for (const auto& [actor, counter] : compact_) {
    out.u64(actor);
    out.u64(counter);
  }
  out.u32(static_cast<std::uint32_t>(cloud_.size()));
  for (const Dot& dot : cloud_) {
    out.u64(dot.actor);
    out.u64(dot.counter);
  }
}

bool CausalContext::read(ByteReader& in) {
  const std::uint32_t entries = in.u32();
  for (std::uint32_t i = 0; i < entries && in.ok(); ++i) {
    const ActorId actor = in.u64();
    compact_[actor] = in.u64();
  }
  const std::uint32_t dots = in.u32();
  for (std::uint32_t i = 0; i < dots && in.ok(); ++i) {
    const ActorId actor = in.u64();
    cloud_.insert(Dot{actor, in.u64()});
  }
  compact_cloud();
  return in.ok();
}

// --- PN-Counter ---

std::int64_t PnCounter::value() const {
  std::uint64_t increments = 0, decrements = 0;
  for (const auto& [actor, entry] : entries_) {
    increments += entry.increments;
    decrements += entry.decrements;
  }
  return static_cast<std::int64_t>(increments - decrements);
}

PnCounter PnCounter::add_delta(ActorId actor, Entry issued, std::int64_t delta) {
  if (delta >= 0) {
    issued.increments += static_cast<std::uint64_t>(delta);
  } else {
    issued.decrements += static_cast<std::uint64_t>(-delta);
  }
  PnCounter counter;
  counter.entries_[actor] = issued;
  return counter;
}

bool PnCounter::join(const PnCounter& other) {
  bool changed = false;
  for (const auto& [actor, theirs] : other.entries_) {
    Entry& mine = entries_[actor];
    changed = changed || theirs.increments > mine.increments || theirs.decrements > mine.decrements;
    mine.increments = std::max(mine.increments, theirs.increments);
    mine.decrements = std::max(mine.decrements, theirs.decrements);
  }
  return changed;
}

bool PnCounter::covers(const PnCounter& other) const {
  return std::all_of(other.entries_.begin(), other.entries_.end(), [&](const auto& theirs) {
    const Entry mine = entry(theirs.first);
    return mine.increments >= theirs.second.increments &&
           mine.decrements >= theirs.second.decrements;
  });
}

PnCounter::Entry PnCounter::entry(ActorId actor) const {
  const auto found = entries_.find(actor);
  return found == entries_.end() ? Entry{} : found->second;
}

void PnCounter::write(ByteWriter& out) const {
  out.u32(static_cast<std::uint32_t>(entries_.size()));
  for (const auto& [actor, entry] : entries_) {
    out.u64(actor);
    out.u64(entry.increments);
    out.u64(entry.decrements);
  }
}

bool PnCounter::read(ByteReader& in) {
  const std::uint32_t count = in.u32();
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
    const ActorId actor = in.u64();
    Entry& entry = entries_[actor];
    entry.increments = in.u64();
    entry.decrements = in.u64();
  }
  return in.ok();
}

// --- add-wins set ---

std::vector<std::int64_t> AddWinsSet::elements() const {
  std::vector<std::int64_t> elements;
  elements.reserve(entries_.size());
  for (const auto& [element, dots] : entries_) elements.push_back(element);
  return elements;
}

AddWinsSet AddWinsSet::add_delta(std::int64_t element, const Dot& dot) const {
  AddWinsSet delta = remove_delta(element);
  delta.entries_[element] = {dot};
  delta.dot_index_[dot] = element;
  delta.context_.insert(dot);
  return delta;
}

AddWinsSet AddWinsSet::remove_delta(std::int64_t element) const {
  AddWinsSet delta;
  if (const auto found = entries_.find(element); found != entries_.end()) {
    for (const Dot& dot : found->second) delta.context_.insert(dot);
  }
  return delta;
}

AddWinsSet AddWinsSet::replace_delta(std::int64_t element, const Dot& dot) const {
  AddWinsSet delta;
  delta.context_ = context_;
  delta.entries_[element] = {dot};
  delta.dot_index_[dot] = element;
  delta.context_.insert(dot);
  return delta;
}

namespace {

// Whether `context` has seen `dot`, by the rules. Strictly descending the
// dot's own clock {actor: counter} needs a dot besides it.
bool seen(const CausalContext& context, const Dot& dot, SetJoinRules rules) {
  return context.contains(dot) && (!rules.strict_descends || context.size() > 1);
}

}  // namespace

// A dot survives the join if both sides hold it, or one side holds it and
// the other has never seen it; a dot one side has seen and dropped was
// removed there.
bool AddWinsSet::join(const AddWinsSet& other, SetJoinRules rules) {
  // Anti-entropy sends whole states, most of whose sets the receiver
  // already holds as they are: a linear comparison instead of a lookup per
  // element (join is idempotent under every rule, the bugs' too).
  if (*this == other) return false;
  const auto removed = removed_by(other, rules);
  bool changed = !removed.empty();
  for (const auto& [dot, element] : removed) drop(dot, element);
  for (const auto& [element, dots] : other.entries_)
    changed = join_entry(element, dots, other.context_, rules) || changed;
  return context_.join(other.context_) || changed;
}

std::vector<std::pair<Dot, std::int64_t>> AddWinsSet::removed_by(const AddWinsSet& other,
                                                                 SetJoinRules rules) const {
  std::vector<std::pair<Dot, std::int64_t>> removed;
  if (other.dot_index_.size() == other.context_.size()) return removed;
  const auto consider = [&](const auto& held) {
    if (!other.entries_.contains(held.second)) removed.emplace_back(held.first, held.second);
  };
  if (rules.strict_descends && other.context_.size() <= 1) return removed;  // seen: nothing
  // From the smaller side: an MV register holds a sibling or two against a
  // context of every actor; a set holds many dots against a delta's few.
  const std::size_t context_entries =
      other.context_.compact().size() + other.context_.cloud().size();
  if (dot_index_.size() <= context_entries) {
    for (const auto& held : dot_index_)
      if (other.context_.contains(held.first)) consider(held);
    return removed;
  }
  for (const auto& [actor, counter] : other.context_.compact()) {
    const auto end = dot_index_.upper_bound(Dot{actor, counter});
    for (auto held = dot_index_.lower_bound(Dot{actor, 1}); held != end; ++held) consider(*held);
  }
  for (const Dot& dot : other.context_.cloud()) {
    if (const auto held = dot_index_.find(dot); held != dot_index_.end()) consider(*held);
  }
  return removed;
}

bool AddWinsSet::join_entry(std::int64_t element, const std::set<Dot>& theirs,
                            const CausalContext& their_context, SetJoinRules rules) {
  const auto mine = entries_.find(element);
  // The same dots on both sides: each side has seen them all, so nothing
  // drops and nothing is new (whatever the rules), and a lookup per dot is saved.
  if (mine != entries_.end() && mine->second == theirs) return false;
  const bool union_of_both = rules.keep_common_dots && mine != entries_.end();
  std::vector<Dot> dropped;
  if (mine != entries_.end() && !union_of_both) {
    for (const Dot& dot : mine->second)
      if (!theirs.contains(dot) && seen(their_context, dot, rules)) dropped.push_back(dot);
  }
  for (const Dot& dot : dropped) drop(dot, element);
  bool added = false;
  for (const Dot& dot : theirs) {
    if (context_.contains(dot) && !union_of_both) continue;  // seen here: held, or removed here
    if (entries_[element].insert(dot).second) added = true;
    dot_index_[dot] = element;
  }
  return added || !dropped.empty();
}

void AddWinsSet::drop(const Dot& dot, std::int64_t element) {
  dot_index_.erase(dot);
  const auto entry = entries_.find(element);
  if (entry == entries_.end()) return;
  entry->second.erase(dot);
  if (entry->second.empty()) entries_.erase(entry);
}

void AddWinsSet::write(ByteWriter& out) const {
  out.u32(static_cast<std::uint32_t>(entries_.size()));
  for (const auto& [element, dots] : entries_) {
    out.i64(element);
    out.u32(static_cast<std::uint32_t>(dots.size()));
    for (const Dot& dot : dots) {
      out.u64(dot.actor);
      out.u64(dot.counter);
    }
  }
  context_.write(out);
}

bool AddWinsSet::read(ByteReader& in) {
  const std::uint32_t count = in.u32();
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
    const std::int64_t element = in.i64();
    std::set<Dot>& dots = entries_[element];
    const std::uint32_t dot_count = in.u32();
    for (std::uint32_t j = 0; j < dot_count && in.ok(); ++j) {
      const ActorId actor = in.u64();
      const Dot dot{actor, in.u64()};
      dots.insert(dot);
      dot_index_[dot] = element;
    }
  }
  return context_.read(in);
}

// --- LWW-Register ---

bool LwwRegister::join(const LwwRegister& other) {
  if (!other.written_ || (written_ && other.stamp_ <= stamp_)) return false;
  *this = other;
  return true;
}

void LwwRegister::write(ByteWriter& out) const {
  out.u8(written_ ? 1 : 0);
  out.i64(stamp_.time_ns);
  out.u64(stamp_.actor);
  out.i64(value_);
}

bool LwwRegister::read(ByteReader& in) {
  written_ = in.u8() != 0;
  stamp_.time_ns = in.i64();
  stamp_.actor = in.u64();
  value_ = in.i64();
  return in.ok();
}

// --- a replica's state ---

bool ReplicaState::join(const ReplicaState& other, SetJoinRules rules) {
  bool changed = false;
  for (const auto& [key, counter] : other.counters)
    changed = counters[key].join(counter) || changed;
  for (const auto& [key, set] : other.sets) changed = sets[key].join(set, rules) || changed;
  for (const auto& [key, value] : other.registers) changed = registers[key].join(value) || changed;
  for (const auto& [key, value] : other.mv_registers)
    changed = mv_registers[key].join(value, rules) || changed;
  return changed;
}

std::int64_t ReplicaState::latest_stamp_ns() const {
  std::int64_t latest_ns = 0;
  for (const auto& [key, value] : registers) latest_ns = std::max(latest_ns, value.stamp().time_ns);
  return latest_ns;
}

void write_state(ByteWriter& out, const ReplicaState& state) {
  out.u32(static_cast<std::uint32_t>(state.counters.size()));
  for (const auto& [key, counter] : state.counters) {
    out.str(key);
    counter.write(out);
  }
  out.u32(static_cast<std::uint32_t>(state.sets.size()));
  for (const auto& [key, set] : state.sets) {
    out.str(key);
    set.write(out);
  }
  out.u32(static_cast<std::uint32_t>(state.registers.size()));
  for (const auto& [key, value] : state.registers) {
    out.str(key);
    value.write(out);
  }
  out.u32(static_cast<std::uint32_t>(state.mv_registers.size()));
  for (const auto& [key, value] : state.mv_registers) {
    out.str(key);
    value.write(out);
  }
}

std::optional<ReplicaState> read_state(ByteReader& in) {
  ReplicaState state;
  const std::uint32_t counters = in.u32();
  for (std::uint32_t i = 0; i < counters && in.ok(); ++i) {
    const std::string key = in.str();
    if (!state.counters[key].read(in)) return std::nullopt;
  }
  const std::uint32_t sets = in.u32();
  for (std::uint32_t i = 0; i < sets && in.ok(); ++i) {
    const std::string key = in.str();
    if (!state.sets[key].read(in)) return std::nullopt;
  }
  const std::uint32_t registers = in.u32();
  for (std::uint32_t i = 0; i < registers && in.ok(); ++i) {
    const std::string key = in.str();
    if (!state.registers[key].read(in)) return std::nullopt;
  }
  const std::uint32_t mv_registers = in.u32();
  for (std::uint32_t i = 0; i < mv_registers && in.ok(); ++i) {
    const std::string key = in.str();
    if (!state.mv_registers[key].read(in)) return std::nullopt;
  }
  if (!in.ok()) return std::nullopt;
  return state;
}

}  // namespace simlab::crdt
