// A replica of the CRDT store: every node takes reads and writes for every
// key on its own (multi-master, no coordination) and the replicas converge
// by shipping deltas.
//   Writes   a client's counter add or set add/remove becomes a delta under
//            this replica's actor id (a remove of an element the replica
//            does not hold is answered not-found and writes nothing); the
//            deltas that arrive while a WAL write is in flight are
//            committed together by the next one (group commit). A delta is
//            offered to the other replicas once its WAL frame is fsynced,
//            and read and answered only once one of them acknowledged
//            holding it durably too (Riak's w = 2): what a client is told or
//            shown is on two disks, so losing any one disk loses none of it
//            (a replica cut off from every other answers no write: its
//            writes time out as unknown, and spread when the partition
//            heals). A peer's delta is on two disks once durable here.
//   Replication  Almeida, Shoker and Baquero's anti-entropy algorithm with
//            causal delta-interval delivery (JPDC 2018, algorithm 2): each
//            applied delta gets the next sequence number; a replica sends
//            each peer the join of the deltas it has not acknowledged as
//            soon as the peer is idle (it acknowledged the last interval):
//            when a batch of its own writes is durable, when the peer's
//            acknowledgement arrives, and every 50 ms (a peer that left the
//            last one unanswered waits 500 ms); the peer makes it durable,
//            joins it and acknowledges the interval's end. One interval in
//            flight per peer bounds the resending to a slow peer, and the
//            write's wait for a second disk to about one round trip. A replica ships only its own
//            clients' deltas: every replica talks to every other, so
//            forwarding would only send each delta again N - 2 times; a
//            replica cut off from the writer's replica gets its deltas once
//            the two can talk (every fault heals). A peer that
//            never acknowledged this boot of the sender, or fell behind the
//            bounded buffer, gets the whole state instead (full-state
//            anti-entropy, the fallback after long partitions).
//   Disk     a WAL of delta frames and two snapshot slots, each frame with a
//            CRC-32C; recovery joins every whole frame it finds (join is
//            idempotent, so no frame needs a sequence number) and cuts a torn
//            WAL tail. When the WAL grows past kWalCompactBytes (or a write
//            failed), the state goes to the older snapshot slot and the WAL
//            is emptied.
//   Actor    drawn at random on a boot that finds no actor file, and fsynced
//            before the first write: a replica that lost its disk writes as
//            a new actor, never reusing its old dots (Riak KV issue 679).
//   Rebuild  a boot that finds no actor file cannot tell a new cluster from
//            a lost disk, so it asks every other replica for its whole
//            state (resync); a boot that finds one holds what it recovered
//            unseen until a peer acknowledges it (it may hold writes of its
//            own no other disk has). Until then it takes only the writes
//            that depend on nothing it has seen (counter adds, set adds): a
//            read, a remove or a register write (whose stamp must pass what
//            its client read) answers not-ready. After a lost disk it then
//            offers its whole state to every replica (the writes only the
//            lost disk had shipped live on in one other replica, which
//            ships only its own) and notes on disk that it is rebuilt.
//   Offline  an offline replica (crdt_options.h: a client's own device)
//            answers its clients' writes and reads from its own disk alone,
//            takes no part in the servers' gossip, rebuilds or
//            confirmations, and replicates with its home server by the
//            sync protocol (crdt_sync.h, crdt_sync_node.cpp); the home
//            server ships what it receives to the others as its own.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "systems/common/node.h"
#include "systems/crdt/crdt_options.h"
#include "systems/crdt/crdt_protocol.h"
#include "systems/crdt/crdt_sync.h"
#include "systems/crdt/crdt_types.h"

namespace simlab::crdt {

inline constexpr TimerId kGossipTimer = 1;
inline constexpr std::int64_t kGossipInterval_ns = 50 * kNanosecondsPerMillisecond;
inline constexpr std::int64_t kFullStateInterval_ns = 500 * kNanosecondsPerMillisecond;
// A peer that has not acknowledged the last interval (down, cut off, slow)
// is sent the next one only after this: resending every tick to a peer
// that cannot hear costs the sender the whole buffer each time.
inline constexpr std::int64_t kUnansweredResendInterval_ns = 500 * kNanosecondsPerMillisecond;
inline constexpr std::size_t kDeltaBufferMax = 4096;
inline constexpr std::uint64_t kStateCheckPeriod = 256;
// An offline replica syncs this often while it hears from its server, and
// after an unanswered request waits kUnansweredResendInterval_ns.
inline constexpr std::int64_t kSyncInterval_ns = 200 * kNanosecondsPerMillisecond;
inline constexpr std::uint64_t kWalCompactBytes = 256 * 1024;
inline constexpr const char* kActorFile = "crdt.actor";
inline constexpr const char* kWalFile = "crdt.wal";
inline constexpr const char* kSnapshotFiles[2] = {"crdt.snapshot.0", "crdt.snapshot.1"};

class CrdtNode final : public Node {
 public:
  explicit CrdtNode(const NodeConfig& config);

  void on_start(NodeContext& context) override;
  void on_message(NodeContext& context, NodeId from, ByteView payload) override;
  void on_timer(NodeContext& context, TimerId timer) override;
  void on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) override;
  void on_client(NodeContext& context, RequestId request, ByteView payload) override;
  // crdt.state-is-join-of-deltas: every kStateCheckPeriod state versions (a
  // sample: the comparison walks the whole state), the state equals the
  // join, from nothing, of every delta and recovered frame it applied (kept
  // apart as they were applied): nothing changes the state but a join
  // (Almeida et al.'s delta-state model).
  std::optional<Violation> check_invariants() const override;

  // Inspection for the observer and tests.
  const ReplicaState& state() const { return state_; }
  std::uint64_t state_version() const { return state_version_; }  // bumps with every change
  // Per key, the state version under which a join last changed it (this
  // boot): the observer compares only the keys changed since it looked.
  const std::map<std::string, std::uint64_t>& counters_changed_at() const {
    return counters_changed_at_;
  }
  const std::map<std::string, std::uint64_t>& sets_changed_at() const { return sets_changed_at_; }
  const std::map<std::string, std::uint64_t>& mv_changed_at() const { return mv_changed_at_; }
  ActorId actor() const { return actor_; }
  bool serving() const { return phase_ == Phase::serving; }
  bool rebuilding() const { return phase_ == Phase::rebuilding; }
  // What this actor has issued on a key (0 and {0, 0}: nothing).
  std::uint64_t issued_dot(const std::string& key) const;     // a set's
  std::uint64_t issued_mv_dot(const std::string& key) const;  // an MV register's
  PnCounter::Entry issued_counter(const std::string& key) const;

 private:
  friend class CrdtNodeTestPeer;  // tests/crdt: breaks the state to show the invariant fire
  enum class Phase : std::uint8_t { reading, writing_actor, rebuilding, serving };
  // A delta waiting for its WAL frame: a client's write, or a peer's interval.
  struct Waiting {
    ReplicaState delta;
    std::optional<RequestId> request;  // a client's: answered ok once durable
    NodeId peer = kNoNode;  // a peer's: acknowledge once durable
    std::uint64_t peer_incarnation = 0;
    std::uint64_t peer_sequence = 0;
    bool full_state = false;  // a peer's whole state (a rebuild waits for every peer's)
    // delta: acknowledge it; sync: an offline replica's changes, answered by
    // a sync_reply; sync_reply: the home server's keys, then this side's pushes.
    PeerKind peer_kind = PeerKind::delta;
    KeyDigests digests;  // sync and sync_reply: the sender's
  };
  struct PeerProgress {
    std::optional<std::uint64_t> acked;  // the highest sequence of this boot it holds
    std::int64_t full_state_sent_ns = -1;
    std::int64_t sent_ns = -1;  // the last delta interval sent
    bool answered = true;       // it acknowledged something since then
  };

  // Recovery (crdt_node_disk.cpp).
  void on_recovery_read(NodeContext& context, DiskOpId op, ByteView bytes);
  void recover(NodeContext& context);
  void start_serving(NodeContext& context);
  void write_actor(NodeContext& context);  // and fsync it; serving waits for that
  void ask_for_states(NodeContext& context);  // resync to every peer not yet heard
  // The WAL and compaction (crdt_node_disk.cpp).
  void flush_batch(NodeContext& context);
  void on_batch_durable(NodeContext& context, const std::vector<Waiting>& batch, bool ok);
  void maybe_compact(NodeContext& context);
  void on_compaction_step(NodeContext& context, DiskOpId op, DiskStatus status);

  void handle_write(NodeContext& context, RequestId request, const ClientRequest& decoded);
  std::int64_t next_stamp_ns(NodeContext& context);
  void on_delta(NodeContext& context, NodeId from, PeerMessage message);
  void on_ack(NodeId from, const PeerMessage& message);
  void apply(NodeContext& context, const std::vector<Waiting>& batch);
  void confirm(NodeContext& context, std::uint64_t sequence);
  ReplicaState whole_state() const;
  Bytes encode_whole_state(std::uint64_t last) const;
  void maybe_finish_rebuild(NodeContext& context);
  bool write_allowed_while_rebuilding(ClientOp op) const;
  // Joins into the state and, apart, into its re-derivation.
  void join_applied(const ReplicaState& delta, SetJoinRules rules);
  // Why a send happens: the gossip tick, or at once (a batch became
  // durable, a peer acknowledged or asked).
  enum class Send : std::uint8_t { tick, eager };
  void gossip(NodeContext& context, Send send);
  // A server: this node takes part in gossip, rebuilds and confirmations.
  // An offline replica: it answers its clients from its own disk alone
  // and replicates by the sync protocol with its home server.
  bool alone() const { return offline_ || roles_.servers.size() <= 1; }
  // The sync protocol (crdt_sync_node.cpp).
  void sync_with_home(NodeContext& context);
  void answer_sync(NodeContext& context, const Waiting& waiting);
  void after_sync_reply(const Waiting& waiting);
  void merge_synced(NodeContext& context, const Waiting& waiting);
  const KeyDigests& digests();  // of the state, brought up to date
  void send_to_peer(NodeContext& context, NodeId peer, PeerProgress& progress, Send send);
  const ReplicaState& interval_after(std::uint64_t acked);
  void trim_buffer();

  NodeConfig config_;
  bool delta_lost_bug_ = false;
  bool wall_clock_bug_ = false;
  bool actor_reuse_bug_ = false;
  DigestRule digest_rule_ = DigestRule::whole_state;  // heads_only: crdt.sync-false-in-sync
  CrdtRoles roles_;
  bool offline_ = false;
  NodeId home_ = kNoNode;  // an offline replica's server
  // An offline replica's own writes not yet sent, and those sent in the
  // request still unanswered (sent again with the next one).
  ReplicaState outbox_, sent_outbox_;
  std::set<std::string> pushes_;  // typed keys whose whole state the next sync sends
  // The state's digest per typed key, but for the keys joins changed since.
  KeyDigests digests_;
  std::set<std::string> stale_digests_;
  std::uint64_t sync_round_ = 0;
  std::int64_t sync_sent_ns_ = -1;
  bool sync_answered_ = true;
  std::int64_t hlc_ns_ = 0;  // the highest register stamp issued or applied here
  // How this replica joins what other replicas sent (and what recovery
  // reads back): the correct rules, or an ORSWOT merge bug's. Its own
  // clients' writes are applied as local operations, by the correct rules.
  SetJoinRules merge_rules_;
  Phase phase_ = Phase::reading;
  ActorId actor_ = 0;
  bool rebuilt_ = false;  // durable in the actor file: every peer's state was joined once
  std::set<NodeId> rebuild_awaiting_;  // peers whose whole state a rebuild still needs
  std::int64_t resync_sent_ns_ = -1;
  std::uint64_t incarnation_ = 0;
  ReplicaState state_;    // what is durable and applied
  ReplicaState derived_;  // the same joins, applied apart: check_invariants compares
  std::uint64_t state_version_ = 0;
  std::map<std::string, std::uint64_t> counters_changed_at_, sets_changed_at_, mv_changed_at_;
  // This actor's own writes as issued, ahead of state_ while they wait.
  std::map<std::string, PnCounter::Entry> issued_counters_;
  // Per set, this actor's last dot: a set's dots from one actor run 1, 2, 3
  // with no gaps, so its causal context stays a version vector.
  std::map<std::string, std::uint64_t> issued_dots_;
  std::map<std::string, std::uint64_t> issued_mv_dots_;  // the same, per MV register

  std::map<DiskOpId, int> recovery_reads_;  // op -> 0 actor, 1 and 2 snapshots, 3 WAL
  Bytes recovery_bytes_[4];
  DiskOpId actor_fsync_ = 0;

  std::uint64_t wal_end_ = 0;
  bool wal_poisoned_ = false;  // a WAL write failed: what follows may be unreadable
  std::vector<Waiting> batch_;
  std::optional<std::pair<DiskOpId, std::vector<Waiting>>> in_flight_;  // its fsync and batch
  int next_snapshot_slot_ = 0;
  DiskOpId compaction_fsync_ = 0, compaction_truncate_ = 0;
  bool compacting_ = false;

  std::deque<std::pair<std::uint64_t, ReplicaState>> deltas_;  // sequence -> delta
  // The join of the deltas in (after, upto], per ack point some peer is at.
  struct Interval {
    std::uint64_t after = 0, upto = 0;
    ReplicaState state;
  };
  std::vector<Interval> intervals_;
  // This replica's writes durable on its disk alone, by the sequence they
  // were shipped under: joined into the state and answered when a peer
  // acknowledges that sequence. After a restart, what recovery read waits
  // here too (it may hold writes no other disk has).
  struct Unconfirmed {
    std::uint64_t sequence = 0;
    ReplicaState delta;
    std::vector<RequestId> requests;
    SetJoinRules rules;      // recovery's are merge_rules_
    bool recovered = false;  // the state recovery read
  };
  std::deque<Unconfirmed> unconfirmed_;
  bool recovery_unconfirmed_ = false;
  std::uint64_t next_sequence_ = 1;
  // A peer that has acknowledged nothing from here on gets the whole state
  // (set when a rebuild ends: every peer needs what it brought).
  std::uint64_t whole_state_floor_ = 0;
  std::map<NodeId, PeerProgress> peers_;
  std::map<NodeId, std::pair<std::uint64_t, std::uint64_t>>
      received_;  // peer -> (incarnation, sequence)
};

class CrdtFactory final : public SystemFactory {
 public:
  std::unique_ptr<Node> make_node(const NodeConfig& config) const override;
  std::unique_ptr<ClusterObserver> make_observer() const override;
  std::vector<PlantedBug> planted_bugs() const override;
  // None: a damaged WAL frame is cut at recovery, and the replica, not
  // knowing it lost anything, serves reads at once.
  std::uint32_t damaged_disks_tolerated(std::string_view, std::uint32_t) const override {
    return 0;
  }
  // One server: an acknowledged write is on two disks, and a server whose
  // disk is empty rebuilds from every other before it reads. (An offline
  // replica's disk is never emptied: it holds its offline writes alone.)
  std::uint32_t lost_disks_tolerated(std::string_view options_json,
                                     std::uint32_t nodes) const override;
  std::vector<NodeId> offline_nodes(std::string_view options_json,
                                    std::uint32_t nodes) const override;
  std::string options_error(std::string_view options_json) const override;
  std::string cluster_error(std::string_view options_json, std::uint32_t nodes) const override;
  std::string describe_message(ByteView payload) const override;
  std::string describe_request(ByteView payload) const override;
  std::string describe_reply(ByteView payload) const override;
};

inline constexpr const char* kCrdtSystemName = "crdt";
inline constexpr const char* kDeltaLostBug = "crdt.delta-lost";
inline constexpr const char* kOrswotDescendsBug = "crdt.orswot-descends";
inline constexpr const char* kRemoveKeepsCommonDotsBug = "crdt.remove-keeps-common-dots";
inline constexpr const char* kLwwWallClockBug = "crdt.lww-wall-clock";
inline constexpr const char* kActorReuseBug = "crdt.actor-reuse";
inline constexpr const char* kSyncFalseInSyncBug = "crdt.sync-false-in-sync";

}  // namespace simlab::crdt
