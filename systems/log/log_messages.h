// What brokers say to each other. Every node-to-node payload starts with a
// channel byte: the controller's Raft messages and the brokers' own share
// the network, and a corrupt channel byte is dropped like any bad message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"
#include "systems/log/log_record.h"

namespace simlab::commitlog {

enum class Channel : std::uint8_t { raft = 1, broker = 2 };

enum class BrokerKind : std::uint8_t {
  replica_fetch = 1,  // follower -> leader: send me records from fetch_offset
  replica_fetch_reply,
  epoch_query,  // follower -> leader: where does my latest epoch end in your log? (KIP-101)
  epoch_answer,
  alter_isr,       // partition leader -> controller: change the ISR (Kafka's AlterPartition)
  heartbeat,       // broker -> controller: I am alive
  resign,          // broker -> controller: my copy lost committed records; do not count on it
  txn_marker,      // transaction coordinator -> partition leader: write this marker
  txn_marker_ack,  // partition leader -> coordinator: the marker is committed here
};
const char* broker_kind_name(BrokerKind kind);

enum class FetchError : std::uint8_t {
  none = 0,
  not_leader,   // the receiver does not lead this partition
  stale_epoch,  // the request names another leader epoch than the receiver's
};

struct BrokerMessage {
  BrokerKind kind = BrokerKind::heartbeat;
  PartitionId partition = 0;
  Epoch leader_epoch = 0;  // the partition's leader epoch the sender acts in
  // replica_fetch
  Offset fetch_offset = 0;  // the follower's log end
  Offset durable_end = 0;   // what of it is on the follower's disk
  // replica_fetch_reply
  FetchError error = FetchError::none;
  Offset high_watermark = 0;
  std::vector<Record> records;
  // epoch_query: `epoch` asked about; epoch_answer: the largest epoch of the
  // leader's log at or below it, and where that epoch ends there;
  // replica_fetch_reply: end_offset is the leader's log end
  Epoch epoch = -1;
  Offset end_offset = 0;
  // alter_isr
  std::int64_t partition_epoch = 0;
  std::vector<NodeId> isr;
  // heartbeat: the sender's process incarnation (new at every start)
  std::uint64_t incarnation = 0;
  // txn_marker, txn_marker_ack: the transaction (its producer and epoch),
  // its outcome, and the epoch the producer's next transaction carries
  std::uint64_t producer_id = 0;
  Epoch producer_epoch = 0;
  bool commit = false;
  Epoch next_epoch = 0;
};

// The payload on the wire, channel byte included.
Bytes encode_broker_message(const BrokerMessage& message);
// `bytes` without the channel byte.
std::optional<BrokerMessage> decode_broker_message(ByteView bytes);
std::string broker_message_text(const BrokerMessage& message);

}  // namespace simlab::commitlog
