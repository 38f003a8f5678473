// What real-node tests share: whether this machine can run them (root,
// network namespaces, iptables; else the test is skipped with the reason),
// what simlab leaves behind, and scenario files.
#pragma once

#include <string>
#include <vector>

namespace simlab::real::testing {

// Empty when real nodes can run here, else why not.
std::string unavailable_reason();
// Network namespaces and node processes whose names carry simlab's run prefix.
std::vector<std::string> leftovers();

#define SIMLAB_REQUIRE_REAL_NODES()                                           \
  do {                                                                        \
    const std::string reason = ::simlab::real::testing::unavailable_reason(); \
    if (!reason.empty()) GTEST_SKIP() << reason;                              \
  } while (false)

}  // namespace simlab::real::testing
