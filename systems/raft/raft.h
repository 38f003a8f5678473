// Raft (Ongaro and Ousterhout 2014; Ongaro's thesis 2014) as a pure state
// machine: messages, ticks and disk completions in, effects out through the
// NodeContext. Election with pre-vote and check-quorum, pipelined batched
// replication, a CRC-checked WAL with fsync before acknowledgement,
// snapshots, one-server-at-a-time membership changes with learner catch-up,
// leader transfer, ReadIndex and lease reads.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/node_context.h"
#include "systems/raft/application.h"
#include "systems/raft/bugs.h"
#include "systems/raft/disk_queue.h"
#include "systems/raft/message.h"
#include "systems/raft/options.h"
#include "systems/raft/raft_log.h"
#include "systems/raft/wal_codec.h"

namespace simlab::raft {

enum class Role : std::uint8_t { follower, pre_candidate, candidate, leader };
const char* role_name(Role role);
std::string node_text(NodeId id);  // "-" for kNoNode

inline constexpr TimerId kTickTimer = 1;

// What the leader knows about one follower (etcd's Progress).
struct Progress {
  enum class State : std::uint8_t { probe, replicate, snapshot };
  State state = State::probe;
  Index match = 0;
  Index next = 1;
  std::deque<Index> inflight;   // last index of each append not yet acknowledged
  bool probe_sent = false;      // probe: one append outstanding
  bool recently_active = false; // heard from since the last check-quorum
  std::uint64_t read_round_acked = 0;
  std::int64_t snapshot_sent_tick = 0;
};

enum class ChangeResult : std::uint8_t { accepted, not_leader, busy, invalid };
const char* change_result_name(ChangeResult result);

class Raft {
 public:
  Raft(NodeId self, std::vector<NodeId> initial_members, Options options, Bugs bugs,
       Application& application);

  // --- driver inputs (forwarded by the hosting Node) ---
  void start(NodeContext& context);
  void on_message(NodeContext& context, NodeId from, ByteView payload);
  void on_timer(NodeContext& context, TimerId timer);
  void on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes);

  // --- application inputs ---
  // Appends a command; the application hears of it again through apply().
  std::optional<Index> propose(NodeContext& context, Bytes command);
  // Registers a linearizable read; read_done(read_id) follows.
  bool read(NodeContext& context, std::uint64_t read_id);
  ChangeResult add_server(NodeContext& context, NodeId id);
  ChangeResult remove_server(NodeContext& context, NodeId id);
  ChangeResult transfer_leadership(NodeContext& context, NodeId target);

  // --- observation (the observer, invariants, transcripts) ---
  NodeId self() const { return self_; }
  Term term() const { return hard_.term; }
  NodeId vote() const { return hard_.vote; }
  Role role() const { return role_; }
  NodeId leader() const { return leader_; }
  bool ready() const { return loaded_; }
  bool recovering() const { return recovering_; }
  // The repair mark is still on disk: a crash now would bring the node back
  // repairing (finish_repair's hard-state write is queued behind the
  // entries it waited for).
  bool repair_mark_on_disk() const {
    return recovering_ || repair_cleared_ticket_ > synced_ticket_;
  }
  const RaftLog& log() const { return log_; }
  Index commit_index() const { return commit_; }
  Index applied_index() const { return applied_; }
  Index durable_index() const { return durable_index_; }
  // A leader that has committed its own term's no-op knows the commit index
  // (§8): once it has applied that far, its state holds every committed
  // command, and it can answer from it.
  bool leader_knows_commit() const {
    return role_ == Role::leader && commit_ >= term_start_index_ && applied_ == commit_;
  }
  // Reads answered without a quorum round (lease reads), counted so the
  // observer can check each against the leaders it knows of.
  std::uint64_t local_reads() const { return local_reads_; }
  const ClusterConfig& config() const { return configs_.back().second; }
  const std::map<NodeId, Progress>& progress() const { return progress_; }
  std::string status_text() const;
  // Node-local invariants, checked after every step (TigerBeetle's
  // invariants()); throws AssertionFailure.
  void check_invariants() const;

 private:
  // raft.cpp: roles and dispatch
  void become_follower(NodeContext& context, Term term, NodeId leader);
  void become_pre_candidate(NodeContext& context);
  void become_candidate(NodeContext& context, bool transfer);
  void become_leader(NodeContext& context);
  void reset_role_state(NodeContext& context);
  void tick(NodeContext& context);
  void tick_leader(NodeContext& context);
  bool step_term(NodeContext& context, NodeId from, const Message& message);
  void dispatch(NodeContext& context, NodeId from, const Message& message);
  void send(NodeContext& context, NodeId to, Message message);
  void send_when_durable(NodeContext& context, NodeId to, Message message, std::uint64_t ticket);
  void set_hard_state(NodeContext& context, Term term, NodeId vote);
  void finish_repair(NodeContext& context, NodeId leader);
  void randomize_election_timeout(NodeContext& context);
  void trace(NodeContext& context, const std::string& line) const;

  // raft_election.cpp
  void campaign(NodeContext& context, bool pre_vote, bool transfer);
  void handle_vote_request(NodeContext& context, NodeId from, const Message& message);
  void handle_vote_response(NodeContext& context, NodeId from, const Message& message);
  bool in_leader_lease() const;
  void check_quorum_active(NodeContext& context);
  void handle_timeout_now(NodeContext& context, NodeId from, const Message& message);
  void tick_transfer(NodeContext& context);

  // raft_replication.cpp
  void broadcast_append(NodeContext& context);
  void send_append(NodeContext& context, NodeId to, bool allow_empty);
  void send_snapshot(NodeContext& context, NodeId to);
  void broadcast_heartbeat(NodeContext& context);
  void handle_append(NodeContext& context, NodeId from, const Message& message);
  Index conflict_hint(Index rejected_index, Term rejected_term) const;
  void append_from_leader(NodeContext& context, const std::vector<Entry>& entries);
  void handle_append_response(NodeContext& context, NodeId from, const Message& message);
  void handle_heartbeat(NodeContext& context, NodeId from, const Message& message);
  void handle_heartbeat_response(NodeContext& context, NodeId from, const Message& message);
  void handle_snapshot(NodeContext& context, NodeId from, const Message& message);
  void append_local(NodeContext& context, EntryType type, Bytes data);
  void maybe_commit(NodeContext& context);
  void advance_commit(NodeContext& context, Index commit);
  void apply_committed(NodeContext& context);

  // raft_read.cpp
  void handle_read_round_acked(NodeContext& context);
  void finish_ready_reads(NodeContext& context);
  void fail_pending_reads(NodeContext& context);
  bool lease_valid(NodeContext& context) const;
  std::int64_t lease_clock_ns(NodeContext& context) const;

  // raft_membership.cpp
  bool may_campaign() const;
  ChangeResult check_change_allowed() const;
  void propose_config(NodeContext& context, ClusterConfig config);
  void on_config_appended(const Entry& entry);
  void truncate_configs_after(Index index);
  void maybe_promote_learners(NodeContext& context);
  void sync_progress_with_config(NodeContext& context);
  void step_down_if_removed(NodeContext& context);

  // raft_storage.cpp: the WAL, hard-state slots and snapshots
  void recover(NodeContext& context);
  void load_hard_state(NodeContext& context, ByteView bytes);
  void load_snapshot_slot(NodeContext& context, int slot, ByteView bytes);
  void load_wal(NodeContext& context, ByteView bytes);
  void read_newer_segment(NodeContext& context, std::uint64_t wal_sequence);
  void rewrite_wal(NodeContext& context);
  void finish_recovery(NodeContext& context);
  void on_disk_error(NodeContext& context, DiskStatus status);
  std::uint64_t persist_hard_state(NodeContext& context);
  std::uint64_t persist_entries(NodeContext& context, Index from);
  std::uint64_t persist_snapshot(NodeContext& context);
  void on_synced(NodeContext& context, std::uint64_t ticket, Index durable_last);
  void maybe_snapshot(NodeContext& context);
  std::string wal_file() const { return wal_segment_file(wal_sequence_); }

  // Identity and switches.
  NodeId self_;
  std::vector<NodeId> initial_members_;
  Options options_;
  Bugs bugs_;
  Application& application_;

  // Durable state (§5, Figure 2) and its in-memory mirror.
  HardState hard_;
  RaftLog log_;
  // Configurations in the log, by index; the last one is in force (thesis
  // §4.1: a server uses the latest configuration in its log, committed or
  // not). The first is the snapshot's (or the bootstrap one).
  std::vector<std::pair<Index, ClusterConfig>> configs_;
  struct Snapshot {
    SnapshotMeta meta;
    Bytes data;
  };
  Snapshot snapshot_;  // the latest snapshot taken or installed

  // Volatile state.
  Role role_ = Role::follower;
  NodeId leader_ = kNoNode;
  Index commit_ = 0;
  Index applied_ = 0;
  bool loaded_ = false;
  std::int64_t ticks_ = 0;
  std::int64_t election_elapsed_ = 0;
  std::int64_t election_timeout_ = 0;
  std::int64_t heartbeat_elapsed_ = 0;
  std::map<NodeId, bool> votes_;

  // Leader state.
  std::map<NodeId, Progress> progress_;
  Index term_start_index_ = 0;  // the leader's no-op: reads wait for its commit
  NodeId transfer_target_ = kNoNode;
  std::int64_t transfer_elapsed_ = 0;

  // Reads (thesis §6.4).
  struct PendingRead {
    std::uint64_t id = 0;
    Index index = 0;
    std::uint64_t round = 0;
    bool confirmed = false;
  };
  std::deque<PendingRead> reads_;
  std::uint64_t local_reads_ = 0;
  std::uint64_t read_round_ = 0;
  std::map<std::uint64_t, std::int64_t> round_sent_tick_;
  std::map<std::uint64_t, std::int64_t> round_sent_ns_;  // on lease_clock_ns()
  std::int64_t lease_until_tick_ = 0;
  std::int64_t lease_round_ns_ = 0;  // lease_clock_ns() when the lease's round was sent
  std::int64_t lease_until_ns_ = 0;  // PLANTED BUG raft.lease-ignores-drift

  // Storage.
  DiskQueue disk_;
  std::uint64_t wal_sequence_ = 0;
  std::uint64_t wal_offset_ = 0;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t synced_ticket_ = 0;
  std::uint64_t hard_state_ticket_ = 0;
  Index durable_index_ = 0;  // the leader counts itself only up to here
  std::deque<std::pair<std::uint64_t, Index>> unsynced_;  // ticket -> last index written
  struct HeldMessage {
    std::uint64_t ticket = 0;
    NodeId to = 0;
    Message message;
  };
  std::deque<HeldMessage> held_;
  bool snapshot_in_progress_ = false;
  // Recovery found corruption: no votes and no campaigns until a leader has
  // brought the log back past everything the node may have acknowledged.
  bool recovering_ = false;
  Index recovering_until_ = 0;
  std::uint64_t repair_cleared_ticket_ = 0;  // the hard-state write that clears the mark
  // Scratch state of an in-progress recovery.
  struct Loading {
    std::optional<HardState> hard_state;
    bool hard_state_corrupt = false;
    std::optional<Snapshot> snapshot;
    std::uint64_t snapshot_wal_sequence = 0;
    bool snapshot_corrupt = false;
    // With a snapshot lost, the highest entry index in the WAL segments
    // newer than the one recovery reads: how far this node's log went.
    Index newer_segments_index_max = 0;
  };
  Loading loading_;
};

}  // namespace simlab::raft
