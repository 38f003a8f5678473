#include "systems/log/log_bugs.h"

#include <array>

namespace simlab::commitlog {
namespace {

constexpr std::array<PlantedBug, 6> kBugs = {{
    {kUncleanLeaderElectionBug,
     "the controller may make a replica outside the ISR the leader when no ISR member is alive, "
     "throwing away acknowledged records (Jepsen, Kafka 0.8, 2013; unclean.leader.election)"},
    {kHwTruncationBug,
     "a broker becoming a follower truncates its log to its own high watermark instead of asking "
     "the leader where its epoch ends, so a committed record is lost after two leader changes "
     "(KIP-101, Kafka before 0.11)"},
    {kAckBeforeFsyncLastReplicaBug,
     "with the ISR shrunk to the leader alone, the leader acknowledges a record before it is on "
     "disk; a crash loses the unsynced tail and the leader, the only ISR member, is elected again "
     "(the last-replica-standing loss; KIP-966)"},
    {kCommitBeforeProcessBug,
     "a consumer-group member commits the offset past a poll's records before it has handled "
     "them, so a consumer that crashes in between leaves them unprocessed for the whole group "
     "(at-most-once where at-least-once was meant; Kafka's documented auto-commit pitfall)"},
    {kRetriableOutOfOrderBug,
     "an idempotent producer with several batches in flight treats out_of_order_sequence as "
     "retriable: it bumps its epoch and resends every unanswered batch under fresh sequences, so "
     "a batch an earlier try appended (its answer lost or late) is appended twice (Redpanda issue "
     "3039, Jepsen 2022)"},
    {kLateTxnMarkerBug,
     "a transaction's end does not bump its producer's epoch, so a commit or abort marker that "
     "arrives late (resent by the coordinator, or by an old one) is taken for the producer's next "
     "transaction on that partition and ends it with the wrong outcome (the Kafka transaction "
     "protocol flaw KIP-890 fixes with an epoch bump per transaction)"},
}};

}  // namespace

std::span<const PlantedBug> log_bugs() { return kBugs; }

LogBugs LogBugs::from(const std::set<std::string>& names) {
  LogBugs bugs;
  bugs.unclean_leader_election = names.contains(std::string(kUncleanLeaderElectionBug));
  bugs.hw_truncation = names.contains(std::string(kHwTruncationBug));
  bugs.ack_before_fsync_last_replica = names.contains(std::string(kAckBeforeFsyncLastReplicaBug));
  bugs.late_txn_marker = names.contains(std::string(kLateTxnMarkerBug));
  return bugs;
}

}  // namespace simlab::commitlog
