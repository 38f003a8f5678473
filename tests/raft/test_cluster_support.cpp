#include "tests/raft/test_cluster.h"

#include <algorithm>

#include "systems/raft/message.h"

namespace simlab::testing {

std::string response_text(const kv::Response& response) {
  std::string text = kv::status_name(response.status);
  if (!response.value.is_nil()) text += " value=" + kv::value_text(response.value);
  if (response.leader_hint != kv::kNoLeader) text += " leader=" + std::to_string(response.leader_hint);
  return text;
}

// --- TestContext ---

TestContext::TestContext(TestCluster& cluster, NodeId id)
    : cluster_(cluster), id_(id), random_(0x9e3779b97f4a7c15ULL * (id + 1)) {}

std::uint64_t TestContext::SplitMix::next_u64() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void TestContext::send(NodeId to, Bytes payload) {
  cluster_.queue_message(Envelope{id_, to, std::move(payload)});
}

DiskOpId TestContext::disk_write(const std::string& file, std::uint64_t offset, Bytes bytes) {
  PendingDiskOp op{cluster_.next_disk_op(), PendingDiskOp::Kind::write, file, offset,
                   std::move(bytes)};
  disk_ops_.push_back(op);
  return op.id;
}

DiskOpId TestContext::disk_fsync(const std::string& file) {
  PendingDiskOp op{cluster_.next_disk_op(), PendingDiskOp::Kind::fsync, file, 0, {}};
  disk_ops_.push_back(op);
  return op.id;
}

DiskOpId TestContext::disk_read(const std::string& file, std::uint64_t, std::uint64_t length) {
  PendingDiskOp op{cluster_.next_disk_op(), PendingDiskOp::Kind::read, file, length, {}};
  disk_ops_.push_back(op);
  return op.id;
}

DiskOpId TestContext::disk_truncate(const std::string& file, std::uint64_t size) {
  PendingDiskOp op{cluster_.next_disk_op(), PendingDiskOp::Kind::truncate, file, size, {}};
  disk_ops_.push_back(op);
  return op.id;
}

void TestContext::reply(RequestId request, Bytes response) {
  cluster_.record_reply(id_, request, std::move(response));
}

void TestContext::log(std::string_view line) { cluster_.emit(std::string(line)); }

// --- TestCluster ---

TestCluster::TestCluster(int size, std::set<std::string> bugs, std::string options_json) {
  for (int i = 1; i <= size; ++i) base_config_.initial_members.push_back(static_cast<NodeId>(i));
  base_config_.bugs = std::move(bugs);
  base_config_.options_json = std::move(options_json);
  for (int i = 1; i <= size; ++i) start(static_cast<NodeId>(i));
}

std::vector<NodeId> TestCluster::ids() const {
  std::vector<NodeId> result;
  for (const auto& [id, slot] : nodes_) result.push_back(id);
  return result;
}

void TestCluster::start(NodeId id) {
  NodeConfig config = base_config_;
  config.id = id;
  nodes_[id].node = std::make_unique<kv::KvNode>(config);
  auto& context = contexts_[id];
  const std::int64_t now_ns = context ? context->now_ns_ : 0;
  const std::int64_t skew_ns = context ? context->skew_ns_ : 0;
  context = std::make_unique<TestContext>(*this, id);
  context->now_ns_ = now_ns;
  context->skew_ns_ = skew_ns;
  step(id, [](kv::KvNode& node, NodeContext& ctx) { node.on_start(ctx); });
}

void TestCluster::crash(NodeId id, std::uint64_t torn_bytes) {
  nodes_[id].node.reset();
  contexts_[id]->disk_ops_.clear();
  contexts_[id]->timers_.clear();
  for (auto& [name, image] : disks_[id]) {
    Bytes kept = image.durable;
    const bool extends = image.current.size() > image.durable.size() &&
                         std::equal(image.durable.begin(), image.durable.end(),
                                    image.current.begin());
    if (extends && torn_bytes > 0) {
      const std::uint64_t extra =
          std::min<std::uint64_t>(torn_bytes, image.current.size() - image.durable.size());
      kept.insert(kept.end(), image.current.begin() + static_cast<std::ptrdiff_t>(kept.size()),
                  image.current.begin() + static_cast<std::ptrdiff_t>(kept.size() + extra));
    }
    image.durable = kept;
    image.current = kept;
  }
  emit("crashed node " + std::to_string(id));
}

void TestCluster::step(NodeId id, const std::function<void(kv::KvNode&, NodeContext&)>& call) {
  kv::KvNode& node = *nodes_.at(id).node;
  try {
    call(node, *contexts_.at(id));
  } catch (const AssertionFailure& failure) {
    violations_.push_back(Violation{failure.invariant(), failure.detail(), id});
    emit("VIOLATION " + failure.invariant() + " at node " + std::to_string(id) + ": " +
         failure.detail());
    return;
  }
  run_checks(id);
}

void TestCluster::run_checks(NodeId id) {
  if (auto violation = nodes_.at(id).node->check_invariants()) {
    violations_.push_back(*violation);
    emit("VIOLATION " + violation->invariant + ": " + violation->detail);
  }
  std::vector<const Node*> all;
  for (const auto& [node_id, slot] : nodes_) all.push_back(slot.node.get());
  if (auto violation = observer_.check(all)) {
    violations_.push_back(*violation);
    emit("VIOLATION " + violation->invariant + ": " + violation->detail);
  }
}

void TestCluster::tick(NodeId id, int count) {
  for (int i = 0; i < count && up(id); ++i) {
    TestContext& context = *contexts_.at(id);
    auto timer = context.timers_.find(raft::kTickTimer);
    if (timer == context.timers_.end()) return;
    context.now_ns_ += timer->second;
    context.timers_.erase(timer);
    step(id, [](kv::KvNode& node, NodeContext& ctx) { node.on_timer(ctx, raft::kTickTimer); });
  }
}

void TestCluster::tick_all(int count) {
  for (int i = 0; i < count; ++i) {
    for (NodeId id : ids()) tick(id, 1);
  }
}

bool TestCluster::blocked(NodeId from, NodeId to) const {
  return isolated_.count(from) || isolated_.count(to) ||
         cut_.count({std::min(from, to), std::max(from, to)});
}

void TestCluster::deliver_at(std::size_t position) {
  if (position >= network_.size()) return;
  std::rotate(network_.begin(), network_.begin() + static_cast<std::ptrdiff_t>(position),
              network_.begin() + static_cast<std::ptrdiff_t>(position) + 1);
  const Envelope& front = network_.front();
  deliver(front.from, front.to, 1);
}

void TestCluster::drop_at(std::size_t position) {
  if (position < network_.size()) network_.erase(network_.begin() + static_cast<std::ptrdiff_t>(position));
}

void TestCluster::duplicate_at(std::size_t position) {
  if (position < network_.size()) network_.push_back(network_[position]);
}

int TestCluster::deliver(NodeId from, NodeId to, int count_max) {
  int delivered = 0;
  while (delivered < count_max) {
    auto it = std::find_if(network_.begin(), network_.end(), [&](const Envelope& envelope) {
      return (from == 0 || envelope.from == from) && (to == 0 || envelope.to == to);
    });
    if (it == network_.end()) break;
    Envelope envelope = std::move(*it);
    network_.erase(it);
    ++delivered;
    std::string text = "?";
    if (auto message = raft::decode_message(envelope.payload)) text = raft::message_text(*message);
    const std::string route = std::to_string(envelope.from) + "->" + std::to_string(envelope.to);
    if (blocked(envelope.from, envelope.to) || !up(envelope.to)) {
      if (print_messages) emit(route + " DROPPED " + text);
      continue;
    }
    if (print_messages) emit(route + " " + text);
    step(envelope.to, [&](kv::KvNode& node, NodeContext& ctx) {
      node.on_message(ctx, envelope.from, envelope.payload);
    });
  }
  return delivered;
}

std::size_t TestCluster::queued(NodeId from, NodeId to) const {
  return static_cast<std::size_t>(
      std::count_if(network_.begin(), network_.end(), [&](const Envelope& envelope) {
        return (from == 0 || envelope.from == from) && (to == 0 || envelope.to == to);
      }));
}

std::optional<std::size_t> TestCluster::position_of(NodeId from, NodeId to, std::size_t nth) const {
  for (std::size_t position = 0; position < network_.size(); ++position) {
    if (network_[position].from == from && network_[position].to == to && nth-- == 0) return position;
  }
  return std::nullopt;
}

int TestCluster::drop(NodeId from, NodeId to) {
  int dropped = 0;
  for (auto it = network_.begin(); it != network_.end();) {
    if ((from == 0 || it->from == from) && (to == 0 || it->to == to)) {
      it = network_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

void TestCluster::finish_disk_op(NodeId id, const PendingDiskOp& op) {
  FileImage& image = disks_[id][op.file];
  Bytes read_bytes;
  switch (op.kind) {
    case PendingDiskOp::Kind::write:
      if (image.current.size() < op.offset + op.bytes.size()) {
        image.current.resize(op.offset + op.bytes.size());
      }
      std::copy(op.bytes.begin(), op.bytes.end(),
                image.current.begin() + static_cast<std::ptrdiff_t>(op.offset));
      break;
    case PendingDiskOp::Kind::fsync: image.durable = image.current; break;
    case PendingDiskOp::Kind::read: read_bytes = image.current; break;
    case PendingDiskOp::Kind::truncate: image.current.resize(op.offset); break;
  }
  step(id, [&](kv::KvNode& node, NodeContext& ctx) {
    node.on_disk_done(ctx, op.id, DiskStatus::ok, read_bytes);
  });
}

int TestCluster::complete_disk(NodeId id, int count_max) {
  int completed = 0;
  while (completed < count_max && up(id) && !contexts_.at(id)->disk_ops_.empty()) {
    PendingDiskOp op = std::move(contexts_.at(id)->disk_ops_.front());
    contexts_.at(id)->disk_ops_.pop_front();
    finish_disk_op(id, op);
    ++completed;
  }
  return completed;
}

void TestCluster::stabilize() {
  // A cluster that keeps talking with no time passing is livelocked: report
  // it as a finding rather than hang the test.
  int rounds = 0;
  for (bool moved = true; moved;) {
    if (++rounds > 100) {
      violations_.push_back(Violation{"test.livelock", "messages never stop without ticks", {}});
      emit("VIOLATION test.livelock");
      return;
    }
    moved = false;
    for (NodeId id : ids()) moved = complete_disk(id) > 0 || moved;
    moved = deliver(0, 0, 2'000) > 0 || moved;
  }
}

void TestCluster::flip_byte(NodeId id, const std::string& name, std::uint64_t offset) {
  FileImage& image = disks_[id][name];
  if (offset < image.durable.size()) image.durable[offset] ^= 0x40;
  if (offset < image.current.size()) image.current[offset] ^= 0x40;
}

const FileImage* TestCluster::file(NodeId id, const std::string& name) const {
  auto disk = disks_.find(id);
  if (disk == disks_.end()) return nullptr;
  auto found = disk->second.find(name);
  return found == disk->second.end() ? nullptr : &found->second;
}

RequestId TestCluster::request(NodeId id, const kv::Request& request) {
  return request_bytes(id, kv::encode_request(request));
}

RequestId TestCluster::request_bytes(NodeId id, const Bytes& payload) {
  const RequestId request_id = ++request_counter_;
  if (!up(id)) return request_id;
  step(id, [&](kv::KvNode& node, NodeContext& ctx) { node.on_client(ctx, request_id, payload); });
  return request_id;
}

std::optional<kv::Response> TestCluster::response(RequestId request) const {
  auto found = responses_.find(request);
  if (found == responses_.end()) return std::nullopt;
  return found->second;
}

void TestCluster::record_reply(NodeId id, RequestId request, Bytes bytes) {
  auto response = kv::decode_response(bytes);
  if (!response) return;
  responses_[request] = *response;
  emit("reply #" + std::to_string(request) + " from " + std::to_string(id) + ": " +
       response_text(*response));
}

std::vector<std::string> TestCluster::take_output() {
  std::vector<std::string> lines = std::move(output_);
  output_.clear();
  if (!print_logs) {
    std::erase_if(lines, [](const std::string& line) { return line.rfind("raft ", 0) == 0; });
  }
  return lines;
}

}  // namespace simlab::testing
