// The control socket of a real node: a Unix socket in its data folder
// (reachable from outside the node's network namespace, and untouched by
// any partition) on which the nemesis sets the node's clock and disk
// faults. One command a line, one answer a line ("ok" or "error: why").
//
//   clock jump NS | clock drift PPM | clock strobe NS PERIOD_NS | clock reset
//   disk eio READ_PROBABILITY WRITE_PROBABILITY | disk full 0|1
//   disk stall NS | disk heal
//   status        -> "ok unsynced_bytes=N"
#pragma once

#include <string>

#include "real/injected_clock.h"
#include "real/lazy_disk.h"

namespace simlab::real {

inline constexpr const char* kControlSocketName = "control.sock";

// Carries out one command line on the node's clock and disk.
std::string run_control_command(const std::string& line, InjectedClock& clock, LazyDisk& disk);

// From the harness: sends `line` to the node whose data folder is
// `folder` and returns its answer; throws std::runtime_error when the node
// does not answer (it is down or stopped) within `timeout_ms`.
std::string send_control_command(const std::string& folder, const std::string& line,
                                 int timeout_ms = 1000);

}  // namespace simlab::real
