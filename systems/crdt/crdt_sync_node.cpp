// The sync protocol's two halves in the replica (crdt_sync.h says what it
// is): an offline replica's requests and what it does with the answers, and
// a server's answers.
#include <fmt/format.h>

#include "systems/crdt/crdt_node.h"

namespace simlab::crdt {

// Every kSyncInterval_ns: the writes not yet sent (and those of a request
// still unanswered), the whole state of each key the last answer left
// differing, and a digest of every key held.
void CrdtNode::sync_with_home(NodeContext& context) {
  const std::int64_t now_ns = context.monotonic_ns();
  const std::int64_t wait_ns = sync_answered_ ? kSyncInterval_ns : kUnansweredResendInterval_ns;
  if (home_ == kNoNode || (sync_sent_ns_ >= 0 && now_ns - sync_sent_ns_ < wait_ns)) return;
  sync_sent_ns_ = now_ns;
  sync_answered_ = false;
  sent_outbox_.join(outbox_);
  outbox_ = ReplicaState{};
  PeerMessage request{PeerKind::sync, incarnation_, ++sync_round_, false, sent_outbox_, {}};
  request.state.join(select_keys(state_, pushes_));
  request.digests = digests();
  context.send(home_, encode_peer(request));
}

// Durable here: the keys whose digests differ from the offline replica's
// (after what it sent is joined) go back whole, with this side's digests.
void CrdtNode::answer_sync(NodeContext& context, const Waiting& waiting) {
  PeerMessage reply{PeerKind::sync_reply, incarnation_, waiting.peer_sequence, false, {}, {}};
  reply.digests = digests();
  reply.state = select_keys(state_, differing_keys(reply.digests, waiting.digests));
  context.send(waiting.peer, encode_peer(reply));
}

// What still differs from the server's digests after its keys were joined
// here is this side's news: the next request sends it whole. Nothing
// differing: the two are in sync.
void CrdtNode::after_sync_reply(const Waiting& waiting) {
  pushes_ = differing_keys(digests(), waiting.digests);
}

// The audit trail: for each key the other side sent, what this side had,
// what it received (the other side's whole key, or its changes), and what
// the merge chose.
void CrdtNode::merge_synced(NodeContext& context, const Waiting& waiting) {
  const std::set<std::string> keys = typed_keys(waiting.delta);
  std::vector<std::string> had;
  had.reserve(keys.size());
  for (const std::string& key : keys) had.push_back(describe_key(state_, key));
  join_applied(waiting.delta, merge_rules_);
  std::size_t index = 0;
  for (const std::string& key : keys) {
    context.audit(key, fmt::format("sync with n{}: had {}, received {}, merged {}", waiting.peer,
                                   had[index++], describe_key(waiting.delta, key),
                                   describe_key(state_, key)));
  }
  hlc_ns_ = std::max(hlc_ns_, waiting.delta.latest_stamp_ns());
}

}  // namespace simlab::crdt
