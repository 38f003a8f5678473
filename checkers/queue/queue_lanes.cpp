#include "checkers/queue/queue_lanes.h"

#include <algorithm>
#include <cassert>
#include <set>
#include <unordered_map>

namespace simlab::queue {
namespace {

// Every write and read of one offset, before the limits.
struct FullCell {
  std::vector<std::string> values;
  std::vector<LaneAccess> writes;
  std::vector<LaneAccess> reads;
};

using FullLane = std::map<std::int64_t, FullCell>;  // offset -> what the history says of it

void note(FullCell& cell, std::vector<LaneAccess>& accesses, LaneAccess access) {
  if (std::find(cell.values.begin(), cell.values.end(), access.value) == cell.values.end())
    cell.values.push_back(access.value);
  accesses.push_back(std::move(access));
}

// The keys the anomalies name, in the order they first name them.
std::vector<std::string> named_keys(const QueueCheckResult& result) {
  std::vector<std::string> keys;
  for (const Anomaly& anomaly : result.anomalies) {
    if (std::find(keys.begin(), keys.end(), anomaly.key) == keys.end()) keys.push_back(anomaly.key);
  }
  return keys;
}

// Kafka's offsets start at 0: a negative one has no cell.
std::map<std::string, FullLane> read_lanes(const QueueHistory& history,
                                           const std::vector<std::string>& keys) {
  std::map<std::string, FullLane> lanes;
  for (const std::string& key : keys) lanes[key];
  std::unordered_map<Atom, FullLane*, AtomHash> lane_of;  // a key's lane, null when not drawn
  const auto find_lane = [&](Atom key) {
    const auto [it, fresh] = lane_of.try_emplace(key, nullptr);
    if (fresh) {
      const auto lane = lanes.find(history.text(key));
      if (lane != lanes.end()) it->second = &lane->second;
    }
    return it->second;
  };
  for (const QueueOp& op : history.ops) {
    if (op.status == OpStatus::ok) {
      for (const Send& send : op.sends) {
        FullLane* lane = find_lane(send.key);
        if (lane == nullptr || !send.offset || *send.offset < 0) continue;
        FullCell& cell = (*lane)[*send.offset];
        note(cell, cell.writes, {op.invoke_index, op.process, history.text(send.value), false});
      }
    }
    for (const Poll& poll : op.polls) {
      FullLane* lane = find_lane(poll.key);
      if (lane == nullptr) continue;
      for (const Record& record : poll.records) {
        if (record.offset < 0) continue;
        FullCell& cell = (*lane)[record.offset];
        note(cell, cell.reads,
             {op.invoke_index, op.process, history.text(record.value), op.f == QueueF::final_poll});
      }
    }
  }
  return lanes;
}

bool marked_from_lane(const std::string& name) {
  return name == "inconsistent-offsets" || name == "duplicate";
}

// offset -> the anomalies that mark it; examples that name no offset go to `unplaced`.
std::map<std::int64_t, std::set<std::string>> marks_of(const std::string& key, const FullLane& lane,
                                                       const QueueCheckResult& result,
                                                       std::vector<Anomaly>& unplaced) {
  std::map<std::int64_t, std::set<std::string>> marks;
  std::map<std::string, std::set<std::int64_t>> offsets_of;  // value -> offsets
  for (const auto& [offset, cell] : lane) {
    if (cell.values.size() > 1) marks[offset].insert("inconsistent-offsets");
    for (const std::string& value : cell.values) offsets_of[value].insert(offset);
  }
  for (const auto& [value, offsets] : offsets_of) {
    if (offsets.size() < 2) continue;
    for (const std::int64_t offset : offsets) marks[offset].insert("duplicate");
  }
  for (const Anomaly& anomaly : result.anomalies) {
    if (anomaly.key != key || marked_from_lane(anomaly.name)) continue;
    if (anomaly.offsets.empty()) unplaced.push_back(anomaly);
    for (const std::int64_t offset : anomaly.offsets) {
      if (lane.count(offset) > 0) marks[offset].insert(anomaly.name);
    }
  }
  return marks;
}

// The offset a long lane's window starts from: the first example's on this
// key, else the first marked one.
std::int64_t anchor_of(const std::string& key, const QueueCheckResult& result,
                       const std::map<std::int64_t, std::set<std::string>>& marks) {
  for (const Anomaly& anomaly : result.anomalies) {
    if (anomaly.key == key && !anomaly.offsets.empty())
      return *std::min_element(anomaly.offsets.begin(), anomaly.offsets.end());
  }
  return marks.empty() ? 0 : marks.begin()->first;
}

// The first `limit` accesses, writes before reads, but first one of each
// value: the read that saw the other value must not be the one cut.
void keep_accesses(const FullCell& full, std::size_t limit, LaneCell& cell) {
  std::vector<const LaneAccess*> all;
  for (const LaneAccess& access : full.writes) all.push_back(&access);
  for (const LaneAccess& access : full.reads) all.push_back(&access);
  std::vector<bool> kept(all.size(), false);
  std::set<std::string> covered;
  std::size_t count = 0;
  for (std::size_t i = 0; i < all.size() && count < limit; ++i) {
    if (!covered.insert(all[i]->value).second) continue;
    kept[i] = true;
    ++count;
  }
  for (std::size_t i = 0; i < all.size() && count < limit; ++i) {
    if (kept[i]) continue;
    kept[i] = true;
    ++count;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!kept[i]) continue;
    (i < full.writes.size() ? cell.writes : cell.reads).push_back(*all[i]);
  }
  cell.accesses_left_out = all.size() - count;
}

Lane lane_of(const std::string& key, const FullLane& full, const QueueCheckResult& result,
             const LaneLimits& limits) {
  Lane lane;
  lane.key = key;
  lane.end = full.empty() ? 0 : full.rbegin()->first + 1;
  const auto marks = marks_of(key, full, result, lane.unplaced);
  lane.from = 0;
  lane.to = lane.end;
  if (lane.end > limits.offsets_max) {
    const std::int64_t anchor = anchor_of(key, result, marks);
    lane.from =
        std::clamp(anchor - limits.offsets_before, std::int64_t{0}, lane.end - limits.offsets_max);
    lane.to = lane.from + limits.offsets_max;
  }
  for (const auto& [offset, names] : marks) {
    for (const std::string& name : names) ++lane.marked[name];
    if (offset < lane.from || offset >= lane.to) ++lane.marked_outside;
  }
  for (std::int64_t offset = lane.from; offset < lane.to; ++offset) {
    LaneCell cell;
    cell.offset = offset;
    if (const auto it = full.find(offset); it != full.end()) {
      cell.values = it->second.values;
      keep_accesses(it->second, limits.accesses_max, cell);
    }
    if (const auto it = marks.find(offset); it != marks.end())
      cell.marks.assign(it->second.begin(), it->second.end());
    lane.cells.push_back(std::move(cell));
  }
  assert(lane.cells.size() == static_cast<std::size_t>(lane.to - lane.from));
  return lane;
}

}  // namespace

Lanes lanes_of(const QueueHistory& history, const QueueCheckResult& result,
               const LaneLimits& limits) {
  assert(limits.offsets_max > 0 && limits.offsets_before >= 0);
  std::vector<std::string> keys = named_keys(result);
  Lanes lanes;
  if (keys.size() > limits.keys_max) {
    lanes.keys_left_out = keys.size() - limits.keys_max;
    keys.resize(limits.keys_max);
  }
  const std::map<std::string, FullLane> full = read_lanes(history, keys);
  for (const std::string& key : keys)
    lanes.lanes.push_back(lane_of(key, full.at(key), result, limits));
  return lanes;
}

}  // namespace simlab::queue
