#include "systems/kv/kv_node.h"

#include <stdexcept>

#include "systems/kv/kv_bugs.h"

namespace simlab::kv {
namespace {

raft::Options options_from(const NodeConfig& config) {
  raft::Options options;
  const std::string error = raft::parse_options(config.options_json, options);
  if (!error.empty()) throw std::invalid_argument(error);
  return options;
}

}  // namespace

KvNode::KvNode(const NodeConfig& config)
    : state_(KvBugs::from(config.bugs).no_dedupe),
      raft_(std::make_unique<raft::Raft>(config.id, config.initial_members, options_from(config),
                                         raft::Bugs::from(config.bugs), *this)) {}

void KvNode::on_start(NodeContext& context) {
  raft_->start(context);
  after_step(context);
}

void KvNode::on_message(NodeContext& context, NodeId from, ByteView payload) {
  raft_->on_message(context, from, payload);
  after_step(context);
}

void KvNode::on_timer(NodeContext& context, TimerId timer) {
  raft_->on_timer(context, timer);
  after_step(context);
}

void KvNode::on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) {
  raft_->on_disk_done(context, op, status, bytes);
  after_step(context);
}

void KvNode::on_client(NodeContext& context, RequestId request_id, ByteView payload) {
  const std::optional<Request> request = decode_request(payload);
  if (!request) {
    answer(context, request_id, Response{Status::fail, {}});
    return;
  }
  switch (request->kind) {
    case RequestKind::add_server:
    case RequestKind::remove_server:
    case RequestKind::transfer_leader: handle_admin(context, request_id, *request); break;
    case RequestKind::status:
      answer(context, request_id, status());
      break;
    case RequestKind::read: {
      // BUGGIFY: a leader that cannot serve reads just now says it is not
      // the leader and names nobody: the client has to search.
      if (context.buggify("kv.read-refused")) {
        answer(context, request_id, Response{Status::not_leader, {}, kNoLeader});
        break;
      }
      const std::uint64_t read_id = ++next_read_id_;
      reads_[read_id] = PendingRead{request_id, request->key};
      if (!raft_->read(context, read_id)) {
        reads_.erase(read_id);
        answer(context, request_id, redirect());
      }
      break;
    }
    default: handle_command(context, request_id, *request); break;
  }
  after_step(context);
}

void KvNode::handle_admin(NodeContext& context, RequestId request_id, const Request& request) {
  raft::ChangeResult result = raft::ChangeResult::invalid;
  if (request.kind == RequestKind::add_server) result = raft_->add_server(context, request.node);
  if (request.kind == RequestKind::remove_server) {
    result = raft_->remove_server(context, request.node);
  }
  if (request.kind == RequestKind::transfer_leader) {
    result = raft_->transfer_leadership(context, request.node);
  }
  switch (result) {
    case raft::ChangeResult::accepted: answer(context, request_id, Response{}); break;
    case raft::ChangeResult::not_leader: answer(context, request_id, redirect()); break;
    case raft::ChangeResult::busy: answer(context, request_id, Response{Status::busy, {}}); break;
    case raft::ChangeResult::invalid:
      answer(context, request_id, Response{Status::fail, {}});
      break;
  }
}

void KvNode::handle_command(NodeContext& context, RequestId request_id, const Request& request) {
  if (raft_->role() != raft::Role::leader) {
    answer(context, request_id, redirect());
    return;
  }
  // BUGGIFY: an overloaded leader turns the command away (definitely not
  // applied), so the client's retry path runs under the same sequence number.
  if (context.buggify("kv.busy")) {
    answer(context, request_id, Response{Status::busy, {}, raft_->leader()});
    return;
  }
  const auto session = std::make_pair(request.client_id, request.sequence);
  writes_[session].push_back(request_id);
  if (!raft_->propose(context, encode_request(request))) {
    writes_[session].pop_back();
    if (writes_[session].empty()) writes_.erase(session);
    answer(context, request_id, Response{Status::busy, {}, raft_->leader()});
  }
}

void KvNode::apply(NodeContext& context, const raft::Entry& entry) {
  const std::optional<Request> request = decode_request(entry.data);
  if (!request) return;  // the leader only proposes decodable requests
  const Response response = state_.apply(entry.index, *request);
  auto waiting = writes_.find({request->client_id, request->sequence});
  if (waiting == writes_.end()) return;
  for (RequestId request_id : waiting->second) answer(context, request_id, response);
  writes_.erase(waiting);
}

void KvNode::read_done(NodeContext& context, std::uint64_t read_id, bool ok) {
  auto found = reads_.find(read_id);
  if (found == reads_.end()) return;
  const PendingRead pending = found->second;
  reads_.erase(found);
  if (!ok) {
    answer(context, pending.request, redirect());
    return;
  }
  answer(context, pending.request, Response{Status::ok, state_.read(pending.key)});
}

// A leader that lost office cannot say whether its pending commands will
// commit under the next leader: the client must treat them as unknown (and
// may retry them under the same sequence number, which dedupe makes safe).
void KvNode::after_step(NodeContext& context) {
  const bool leader = raft_->role() == raft::Role::leader;
  if (was_leader_ && !leader) {
    auto pending = std::move(writes_);
    writes_.clear();
    for (const auto& [session, requests] : pending) {
      for (RequestId request_id : requests) {
        answer(context, request_id, Response{Status::unknown, {}, raft_->leader()});
      }
    }
  }
  was_leader_ = leader;
}

void KvNode::answer(NodeContext& context, RequestId request_id, Response response) {
  context.reply(request_id, encode_response(response));
}

Response KvNode::status() const {
  Response response;
  response.leader = raft_->role() == raft::Role::leader;
  response.leader_hint = raft_->leader();
  response.term = raft_->term();
  response.last_index = raft_->log().last_index();
  return response;
}

Response KvNode::redirect() const {
  const NodeId hint = raft_->leader() == raft_->self() ? kNoLeader : raft_->leader();
  return Response{Status::not_leader, {}, hint};
}

std::optional<Violation> KvNode::check_invariants() const {
  try {
    raft_->check_invariants();
  } catch (const AssertionFailure& failure) {
    return Violation{failure.invariant(), failure.detail(), raft_->self()};
  }
  return std::nullopt;
}

}  // namespace simlab::kv
