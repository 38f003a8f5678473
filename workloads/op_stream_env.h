// A client env whose randomness is the current scripted op's own: each op
// draws (the node it asks first, its back-offs) from a stream seeded by
// what the op is (its client, time, function, key and value), never by the
// ops before it. With the client's single stream, removing one op shifts
// every later op's draws and reshuffles the rest of the run, so delta
// debugging could remove almost nothing singly; with a stream per op, a
// removal changes only what the removed op itself did.
#pragma once

#include <cstdint>
#include <memory>

#include "checkers/history/value_format.h"
#include "sim/hash.h"
#include "sim/prng.h"
#include "workloads/client_env.h"
#include "workloads/client_script.h"

namespace simlab {

class OpStreamEnv final : public ClientEnv {
 public:
  OpStreamEnv(ClientEnv& inner, std::int64_t client) : inner_(inner), client_(client) {}

  // From now until the next call, random() is `op`'s stream.
  void start_op(const ScriptedOp& op) {
    std::uint64_t seed =
        sim::fold64(sim::name_hash64("scripted-op"), static_cast<std::uint64_t>(client_));
    seed = sim::fold64(seed, static_cast<std::uint64_t>(op.at_ns));
    seed = sim::fold64(seed, sim::name_hash64(op.f));
    seed = sim::fold64(seed, sim::name_hash64(op.key ? history::format_value(*op.key) : ""));
    seed = sim::fold64(seed, sim::name_hash64(history::format_value(op.value)));
    random_ = sim::Prng(seed);
  }

  std::int64_t now_ns() const override { return inner_.now_ns(); }
  RandomSource& random() override { return random_; }
  void sleep_for(std::int64_t duration_ns) override { inner_.sleep_for(duration_ns); }
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns) override {
    return inner_.call(node, std::move(request), timeout_ns);
  }
  std::vector<CallResult> call_all(std::vector<CallRequest> requests,
                                   std::int64_t timeout_ns) override {
    return inner_.call_all(std::move(requests), timeout_ns);
  }
  const std::vector<NodeId>& nodes() const override { return inner_.nodes(); }
  bool stopping() const override { return inner_.stopping(); }

 private:
  ClientEnv& inner_;
  std::int64_t client_;
  sim::Prng random_{0};
};

}  // namespace simlab
