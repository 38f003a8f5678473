// What a client process (a fiber) sees. Workload code reads like blocking
// client code: `auto reply = env.call(node, request, timeout_ns)`. The
// simulator implements it on virtual time; a real-node driver on an epoll
// loop. Nothing here says which.
#pragma once

#include <cstdint>
#include <vector>

#include "systems/common/random_source.h"
#include "systems/common/types.h"

namespace simlab {

struct CallResult {
  enum class Status : std::uint8_t { ok, timeout };
  Status status = Status::timeout;
  Bytes response;  // empty unless ok
};

struct CallRequest {
  NodeId node = kNoNode;
  Bytes request;
};

class ClientEnv {
 public:
  virtual ~ClientEnv() = default;
  // The test's own time (not any node's clock): history timestamps use it.
  virtual std::int64_t now_ns() const = 0;
  virtual RandomSource& random() = 0;
  // Blocks this client for `duration_ns` of test time.
  virtual void sleep_for(std::int64_t duration_ns) = 0;
  // Sends a request to a node's on_client and blocks until its reply or the
  // timeout. A timeout says nothing about whether the request took effect.
  virtual CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns) = 0;
  // Sends every request at once (a pipeline, like a Kafka producer's
  // in-flight batches: they may reach their nodes, and be answered, in any
  // order) and blocks until each has its reply or the timeout; result i is
  // request i's. Drivers pipeline; this default, for test doubles, sends one
  // after another within the same overall timeout.
  virtual std::vector<CallResult> call_all(std::vector<CallRequest> requests,
                                           std::int64_t timeout_ns) {
    const std::int64_t deadline_ns = now_ns() + timeout_ns;
    std::vector<CallResult> results(requests.size());
    for (std::size_t i = 0; i < requests.size() && now_ns() < deadline_ns; ++i)
      results[i] = call(requests[i].node, std::move(requests[i].request), deadline_ns - now_ns());
    return results;
  }
  // Ids of the nodes a client may address.
  virtual const std::vector<NodeId>& nodes() const = 0;
  // True once the run asks clients to stop issuing new operations.
  virtual bool stopping() const = 0;
};

}  // namespace simlab
