// Raft's wire messages, one struct for all of them (as etcd's raftpb.Message):
// fields a type does not use stay zero. Encoded to bytes so the network can
// delay, duplicate or corrupt them; a payload that does not decode is dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "systems/raft/entry.h"

namespace simlab::raft {

enum class MessageType : std::uint8_t {
  pre_vote = 1,    // "would you vote for me?", without raising terms (thesis §9.6)
  pre_vote_response,
  vote,
  vote_response,
  append,          // AppendEntries (§5.3)
  append_response,
  heartbeat,       // commit index plus a ReadIndex round (thesis §6.4)
  heartbeat_response,
  snapshot,        // InstallSnapshot, the whole snapshot in one message (§7)
  timeout_now,     // leader transfer: campaign now (thesis §3.10)
};

const char* message_type_name(MessageType type);

struct SnapshotMeta {
  Index index = 0;
  Term term = 0;
  ClusterConfig config;
  std::uint64_t chain = 0;  // hash chain of the log up to index (observer only)
};

struct Message {
  MessageType type = MessageType::heartbeat;
  Term term = 0;
  // append: the entry before `entries`; votes: the candidate's last entry.
  Index log_index = 0;
  Term log_term = 0;
  Index commit = 0;
  std::vector<Entry> entries;
  bool reject = false;      // responses: false means granted / success
  Index hint = 0;           // append_response: match index, or where to retry
  std::uint64_t read_round = 0;  // heartbeats: the ReadIndex round echoed back
  bool transfer = false;    // vote: a leader transfer, bypassing leader stickiness
  SnapshotMeta snapshot;    // snapshot messages only
  Bytes snapshot_data;
};

Bytes encode_message(const Message& message);
std::optional<Message> decode_message(ByteView bytes);
// One line for transcripts and traces, e.g. "append t2 i5/t1 c4 e[6/t2]".
std::string message_text(const Message& message);

}  // namespace simlab::raft
