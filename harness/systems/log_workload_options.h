// The queue workload's knobs in a scenario's "workload_options":
//   "roles"              a list of "producer", "consumer" and "mixed",
//                        cycled over the client slots (default: one of each)
//   "send_percent"       a mixed client's ops that send
//   "txn_percent"        producer processes that send in transactions
//   "txn_poll_percent"   transactions that poll first
//   "txn_abort_percent"  transactions meant to abort
//   "subscribe_percent"  consumer processes that join the group
//   "crash_percent"      polls after which the client crashes
// The percentages are integers from 0 to 100.
//   "batch_records_max"  values per produce batch (Kafka's batch.size, in
//                        records), 1 (the default) to 64
//   "send_values_max"    values per send op, 1 to 3 batches' worth (the
//                        default: 3 batches' worth)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "workloads/log_workload.h"

namespace simlab {

// Sets what `options_json` names in `options`; returns what is wrong with
// the first bad knob ("roles: expected ..."), or empty.
std::string read_log_workload_options(const nlohmann::json& options_json,
                                      LogWorkloadOptions& options);

}  // namespace simlab
