// Transactional producers' replicated state, kept in the controller's Raft
// log beside the partitions' metadata and the groups (Kafka keeps it in the
// __transaction_state topic): per producer, the epoch of its current
// transaction, where that transaction is (open, or decided and waiting for
// its markers), the partitions it wrote to, and how the last one ended.
// Every broker applies the same committed commands. The coordinator decides
// a transaction's outcome here, durably, before any marker is written, so a
// marker resent by a later coordinator carries the same decision.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"
#include "systems/log/log_protocol.h"

namespace simlab::commitlog {

enum class TxnPhase : std::uint8_t { empty, ongoing, prepare_commit, prepare_abort };

// A consumer group's offset that a transaction commits (Kafka's
// TxnOffsetCommit): held in the transaction until it ends, then made the
// group's committed offset if it commits, dropped if it aborts.
struct TxnOffset {
  std::uint32_t group = 0;
  PartitionId partition = 0;
  Offset offset = 0;
  friend bool operator==(const TxnOffset&, const TxnOffset&) = default;
};

struct TxnState {
  Epoch epoch = 0;  // the current transaction's (or the next one's)
  TxnPhase phase = TxnPhase::empty;
  std::vector<PartitionId> partitions;  // sorted: where it wrote
  std::vector<TxnOffset> offsets;       // sorted by (group, partition): what it commits
  Epoch ended_epoch = -1;               // the last transaction that ended (-1: none)
  bool ended_committed = false;
  bool deciding() const {
    return phase == TxnPhase::prepare_commit || phase == TxnPhase::prepare_abort;
  }
  friend bool operator==(const TxnState&, const TxnState&) = default;
};

// The kind byte follows the groups' (group_state.h) in the same Raft log.
enum class TxnCommandKind : std::uint8_t {
  add_partition = 5,
  end = 6,
  complete = 7,
  add_offset = 8,
};
bool is_txn_command(ByteView bytes);

struct TxnCommand {
  TxnCommandKind kind = TxnCommandKind::add_partition;
  std::uint64_t producer_id = 0;
  Epoch epoch = 0;            // the transaction's: the command holds only in it
  PartitionId partition = 0;  // add_partition, add_offset
  bool commit = false;        // end
  // add_offset: the group's offset for `partition`, from `member` in the
  // group's `generation` (fenced at apply like a plain offset commit)
  std::uint32_t group = 0;
  std::uint64_t member = 0;
  std::int64_t generation = 0;
  Offset offset = 0;
};

Bytes encode_txn_command(const TxnCommand& command);
std::optional<TxnCommand> decode_txn_command(ByteView bytes);
std::string txn_command_text(const TxnCommand& command);

class Txns {
 public:
  // KIP-890: every transaction's end bumps the producer's epoch, so nothing
  // of one transaction (a late marker, a late produce) can be taken for the
  // next one's. Off: the planted log.late-txn-marker.
  explicit Txns(bool bump_epoch_per_txn = true) : bump_epoch_per_txn_(bump_epoch_per_txn) {}

  // True if the command changed something (it held in the producer's state).
  // An end that commits moves the transaction's offsets into `committed`
  // (the caller makes them the groups'); an end that aborts drops them.
  bool apply(const TxnCommand& command, std::vector<TxnOffset>* committed = nullptr);
  // Whether an open transaction holds an offset for `group`'s `partition`.
  bool holds_offset(std::uint32_t group, PartitionId partition) const;
  // A producer never seen: epoch 0, nothing open.
  const TxnState& producer(std::uint64_t producer_id) const;
  const std::map<std::uint64_t, TxnState>& all() const { return producers_; }
  Bytes encode() const;
  bool decode(ByteView bytes);

 private:
  bool bump_epoch_per_txn_;
  std::map<std::uint64_t, TxnState> producers_;
};

}  // namespace simlab::commitlog
