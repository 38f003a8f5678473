// Randomness keyed by the event it is drawn for, instead of taken from one
// running stream. A message's delay, a disk operation's latency and a client
// call's latency come from a stream named by where the event happens and
// when (channel, simulated time, its rank among same-channel events at that
// instant). Why: with one running stream, removing a single client op while
// shrinking shifts every later draw, so every later delay changes and the
// failure vanishes for reasons unrelated to the op (a butterfly effect:
// kv.no-dedupe kept 41 ops because dropping any one of them reshuffled the
// whole schedule). Keyed, the events the removal did not touch keep their
// times, in the spirit of DEMi's fixed delivery schedules (Scott et al.,
// "Minimizing Faulty Executions of Distributed Systems", NSDI 2016).
#pragma once

#include <cstdint>

#include "sim/hash.h"
#include "sim/prng.h"

namespace simlab::sim {

// Ranks events of one channel within one instant, so two messages a node
// sends to the same peer in one step draw from different streams.
class InstantRank {
 public:
  // REQUIRES: now_ns never decreases between calls.
  std::uint32_t next(std::int64_t now_ns) {
    if (now_ns != instant_ns_) {
      instant_ns_ = now_ns;
      rank_ = 0;
    }
    return rank_++;
  }

 private:
  std::int64_t instant_ns_ = -1;
  std::uint32_t rank_ = 0;
};

inline std::uint64_t event_key(std::uint64_t channel, std::int64_t now_ns, std::uint32_t rank) {
  return fold64(fold64(channel, static_cast<std::uint64_t>(now_ns)), rank);
}

inline Prng keyed_draws(const Prng& base, std::uint64_t key) { return base.derive(key); }

}  // namespace simlab::sim
