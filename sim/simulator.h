// The deterministic simulator: one thread, one event queue, virtual time that
// jumps to the next event. It hosts N nodes of one system (each a pure state
// machine with its own clock, disk and random stream), the virtual network
// between them, and fibers for processes that wait (clients, the nemesis).
// One seed gives one run: every draw comes from a stream split off the seed.
//
// Nodes are stepped one event at a time; after every step the node's own
// check_invariants() and the system's ClusterObserver run (each can be
// switched off: they are the white-box judges). The first violation is a
// finding naming the node; the run ends there only with
// stop_at_first_violation, otherwise it goes on so the history is complete
// and the history's checker judges it too. A SIMLAB_ASSERT thrown inside a
// step aborts that node's process, as an assert would: the node is dropped
// (its disk, page cache included, is left as it was) and restarted a moment
// later; with node invariants on it is also a finding. A failing fiber ends
// the run as an internal error. Nothing aborts the lab.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/causal_log.h"
#include "sim/event_queue.h"
#include "sim/fiber.h"
#include "sim/keyed_draws.h"
#include "sim/network.h"
#include "sim/node_clock.h"
#include "sim/prng.h"
#include "sim/trace.h"
#include "sim/virtual_disk.h"
#include "systems/common/node.h"
#include "workloads/client_env.h"

namespace simlab::sim {

// A run keeps this many audit records (a long run with many merges would
// otherwise hold them all); the report says how many more there were.
inline constexpr std::size_t kAuditRecordsMax = 20'000;

struct SimConfig {
  std::uint64_t seed = 1;
  std::uint32_t node_count = 3;
  const SystemFactory* factory = nullptr;
  NodeConfig node_template;  // id and initial_members are filled in per node
  LatencyModel network_latency = LatencyModel::uniform(100'000, 1'000'000);
  LatencyModel client_latency = LatencyModel::uniform(50'000, 300'000);
  DiskConfig disk;
  bool buggify = false;
  bool keep_trace_lines = false;
  bool keep_trace_records = false;
  bool keep_causal_log = false;    // which event caused which (sim/causal_log.h)
  std::uint32_t inbox_max = 1024;  // messages a paused node holds before dropping
  // The white-box judges (`--invariants all|nodes|none`).
  bool node_invariants = true;  // each node's check_invariants() after its steps
  bool observer = true;         // the system's ClusterObserver after every step
  bool stop_at_first_violation = true;
  // A node whose step threw is restarted this long after (a supervisor).
  std::int64_t abort_restart_ns = 500 * kNanosecondsPerMillisecond;
};

// What a white-box judge saw: the first broken invariant of the run.
struct WhiteBoxFinding {
  enum class Judge : std::uint8_t { nodes, observer };
  Judge judge;
  std::string invariant;
  std::string detail;
  std::optional<NodeId> node;
  std::int64_t time_ns;
};
const char* white_box_judge_name(WhiteBoxFinding::Judge judge);

// A node process that died of an assertion (or an exception) in its code.
struct NodeAbort {
  NodeId node;
  std::int64_t time_ns;
  std::string invariant;
  std::string detail;
};

struct RunFailure {
  enum class Kind : std::uint8_t { safety, internal };
  Kind kind;
  std::string invariant;  // for safety: the invariant's name
  std::string detail;
  std::optional<NodeId> node;
  std::int64_t time_ns;
};

class Simulator {
 public:
  explicit Simulator(SimConfig config);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Boots every node (on_start) at time 0.
  void start();
  // Runs events up to and including `time_ns`; returns false once the run
  // has failed. Time ends at `time_ns` even if the queue empties earlier.
  bool run_until(std::int64_t time_ns);
  // Runs until `done()` holds (checked after each event) or `time_ns`.
  bool run_until(std::int64_t time_ns, const std::function<bool()>& done);
  std::int64_t now_ns() const { return now_ns_; }

  // Processes. A fiber starts at the current time.
  Fiber& spawn(std::string name, std::function<void()> body);
  void at(std::int64_t time_ns, std::function<void()> action);
  // Only from inside a fiber:
  void sleep_for(std::int64_t duration_ns);
  // The request's and the reply's latencies are drawn from `latency_random`
  // (a client env's own stream: one client's calls never shift another's
  // draws), or from a stream shared by every caller.
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns);
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns, Prng& latency_random);
  // Every request at once, each with its own drawn latency (so they may
  // arrive out of order); returns when all are answered or at the timeout.
  std::vector<CallResult> call_all(std::vector<CallRequest> requests, std::int64_t timeout_ns,
                                   Prng& latency_random);
  // A ClientEnv for a client fiber, with its own named random stream.
  std::unique_ptr<ClientEnv> client_env(std::string_view stream_name);
  // Clients see stopping() become true; they finish their op and return.
  void request_stop() { stopping_ = true; }
  bool stopping() const { return stopping_; }

  // A stream split off the run seed by a stable name.
  Prng stream(std::string_view name) const { return root_.split(name); }

  // Fault hooks (faults/ drives these).
  Network& network() { return network_; }
  VirtualDisk& disk(NodeId node) { return host(node).disk; }
  NodeClock& clock(NodeId node) { return host(node).clock; }
  CrashOutcome crash(NodeId node, bool lose_all_unsynced = false);
  void restart(NodeId node);
  // Crashes the node (if it runs) and empties its disk; restart() boots it
  // on the empty one.
  void lose_disk(NodeId node);
  void pause(NodeId node, std::int64_t duration_ns);
  bool is_up(NodeId node) const { return host(node).node != nullptr; }
  bool is_paused(NodeId node) const { return host(node).paused_until_ns > now_ns_; }
  // The node whose reply most recently reached a client (kNoNode before any).
  NodeId last_client_node() const { return last_client_node_; }

  // Inspection.
  std::uint32_t node_count() const { return static_cast<std::uint32_t>(hosts_.size()); }
  const Node* node(NodeId node) const { return host(node).node.get(); }
  // Node ids run from kFirstNodeId (1) to node_count().
  const std::vector<NodeId>& node_ids() const { return node_ids_; }
  bool is_node(NodeId node) const { return node >= kFirstNodeId && node - kFirstNodeId < hosts_.size(); }
  const Trace& trace() const { return trace_; }
  const CausalLog& causal_log() const { return causal_; }
  // The systems' audit trail (NodeContext::audit), the first
  // kAuditRecordsMax records; audit_dropped() counts the rest.
  const std::vector<AuditRecord>& audit() const { return audit_; }
  std::uint64_t audit_dropped() const { return audit_dropped_; }
  Trace& trace() { return trace_; }
  // Set when the run ended early: an internal error, or a safety finding
  // with stop_at_first_violation.
  const std::optional<RunFailure>& failure() const { return failure_; }
  const std::optional<WhiteBoxFinding>& white_box_finding() const { return finding_; }
  const std::vector<NodeAbort>& node_aborts() const { return aborts_; }
  std::uint64_t events() const { return trace_.events(); }
  const SimConfig& config() const { return config_; }
  void fail_internal(std::string detail);

 private:
  class HostContext;
  class SimClientEnv;
  struct Host {
    Host(NodeId id, const SimConfig& config, const Prng& root);
    NodeId id;
    std::unique_ptr<Node> node;
    NodeClock clock;
    VirtualDisk disk;
    Prng random;
    Prng buggify_random;
    Prng disk_random;
    std::uint64_t incarnation = 0;
    std::int64_t paused_until_ns = 0;
    std::uint32_t deferred_messages = 0;
    std::unordered_map<TimerId, std::uint64_t> timers;  // id -> generation
    std::unordered_map<TimerId, std::int64_t> timer_causes;  // id -> causal event (when logging)
    DiskOpId next_disk_op = 1;
    InstantRank disk_rank;                // keyed disk draws (sim/keyed_draws.h)
    std::vector<InstantRank> send_ranks;  // keyed message draws, by destination
    std::unique_ptr<HostContext> context;
  };
  struct InFlightMessage {
    NodeId from;
    NodeId to;
    Bytes payload;
    bool deferred_by_pause;
    std::int64_t cause = -1;  // the causal event that sent it
  };
  struct DiskOp {
    NodeId node;
    std::uint64_t incarnation;
    DiskOpId id;
    VirtualDisk::OpKind kind;
    std::string file;
    std::uint64_t offset;
    std::uint64_t length;
    Bytes bytes;
    std::int64_t cause = -1;  // the causal event that issued it
    std::uint64_t draw_key = 0;  // its keyed draws (sim/keyed_draws.h)
  };
  struct ClientMessage {
    std::uint32_t fiber;
    NodeId node;
    RequestId request;
    Bytes payload;
    std::int64_t cause = -1;  // a reply: the causal event that sent it
  };

  friend class HostContext;
  // REQUIRES: is_node(id).
  Host& host(NodeId id) { return *hosts_[id - kFirstNodeId]; }
  const Host& host(NodeId id) const { return *hosts_[id - kFirstNodeId]; }
  bool dispatch(const Event& event);
  std::uint64_t send_draw_key(NodeId from, NodeId to);  // sim/keyed_draws.h
  void deliver_message(const Event& event);
  void deliver_timer(const Event& event);
  void deliver_disk_done(const Event& event);
  void deliver_client_request(const Event& event);
  void deliver_client_reply(const Event& event);
  void resume_fiber(std::uint32_t fiber);
  bool defer_if_paused(Host& host, const Event& event);
  template <typename Step>
  void step_node(Host& host, Step&& step);
  void check_node(Host& host);
  void check_cluster(NodeId node);
  void record_finding(WhiteBoxFinding::Judge judge, std::string invariant, std::string detail,
                      std::optional<NodeId> node);
  void abort_node(Host& host, std::string invariant, std::string detail);
  void fail_safety(std::string invariant, std::string detail, std::optional<NodeId> node);
  void boot(Host& host);
  // The process is gone (crash or abort); the disk is the caller's business.
  void drop_process(Host& host);

  // Effects from HostContext.
  void send(NodeId from, NodeId to, Bytes payload);
  void set_timer(Host& host, TimerId id, std::int64_t after_local_ns);
  DiskOpId issue_disk_op(Host& host, VirtualDisk::OpKind kind, const std::string& file,
                         std::uint64_t offset, std::uint64_t length, Bytes bytes);
  void reply(NodeId from, RequestId request, Bytes response);
  bool buggify(Host& host, std::string_view site);

  template <typename T>
  std::uint64_t store(std::vector<T>& pool, std::vector<std::uint64_t>& free_slots, T value);

  SimConfig config_;
  Prng root_;
  Prng network_random_;
  Prng client_network_random_;
  Network network_;
  EventQueue queue_;
  Trace trace_;
  CausalLog causal_;
  std::int64_t now_ns_ = 0;
  std::uint64_t timer_generation_ = 0;
  RequestId next_request_ = 1;
  bool stopping_ = false;
  std::optional<RunFailure> failure_;
  std::optional<WhiteBoxFinding> finding_;
  std::vector<NodeAbort> aborts_;
  std::vector<NodeId> node_ids_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<const Node*> node_views_;  // for the observer, by id - 1; nullptr when down
  std::unique_ptr<ClusterObserver> observer_;
  void record_audit(NodeId node, std::string_view key, std::string_view entry);
  std::vector<AuditRecord> audit_;
  std::uint64_t audit_dropped_ = 0;

  std::vector<InFlightMessage> messages_;
  std::vector<std::uint64_t> free_messages_;
  std::vector<DiskOp> disk_ops_;
  std::vector<std::uint64_t> free_disk_ops_;
  std::vector<ClientMessage> client_messages_;
  std::vector<std::uint64_t> free_client_messages_;
  std::vector<std::function<void()>> callbacks_;
  std::vector<std::uint64_t> free_callbacks_;
  struct PendingCall {
    std::uint32_t fiber;
    Prng* latency_random;
  };
  std::unordered_map<RequestId, PendingCall> request_fibers_;  // request -> waiting fiber
  NodeId last_client_node_ = kNoNode;

  std::int64_t current_fiber_ = -1;
  // Last member: fibers unwind (Boost forced_unwind) before anything they use.
  std::vector<std::unique_ptr<Fiber>> fibers_;
};

}  // namespace simlab::sim
