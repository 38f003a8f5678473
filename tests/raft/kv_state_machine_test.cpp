// The KV state machine: operations, client-session dedupe (at most once),
// and snapshots that carry the sessions along.
#include <gtest/gtest.h>

#include "systems/kv/kv_state_machine.h"

namespace simlab::kv {
namespace {

Request command(RequestKind kind, std::uint64_t client, std::uint64_t sequence, std::uint64_t key,
                KvValue value, KvValue expected = {}) {
  Request request;
  request.kind = kind;
  request.client_id = client;
  request.sequence = sequence;
  request.key = key;
  request.value = std::move(value);
  request.expected = std::move(expected);
  return request;
}

const KvValue kText(std::string text) { return KvValue{std::move(text)}; }
const KvValue kNumber(std::int64_t number) { return KvValue{number}; }

TEST(KvStateMachine, WriteCasAppend) {
  KvStateMachine state;
  EXPECT_EQ(state.apply(1, command(RequestKind::write, 1, 1, 0, kNumber(5))).status, Status::ok);
  EXPECT_EQ(state.apply(2, command(RequestKind::cas, 1, 2, 0, kNumber(6), kNumber(4))).status,
            Status::fail);
  EXPECT_EQ(state.apply(3, command(RequestKind::cas, 1, 3, 0, kNumber(6), kNumber(5))).status,
            Status::ok);
  EXPECT_EQ(state.read(0), kNumber(6));
  state.apply(4, command(RequestKind::append, 1, 4, 1, kText("a,")));
  state.apply(5, command(RequestKind::append, 1, 5, 1, kText("b,")));
  EXPECT_EQ(state.read(1), kText("a,b,"));
  EXPECT_EQ(state.apply(6, command(RequestKind::append, 1, 6, 0, kText("x"))).status,
            Status::fail);  // appending to an integer
  EXPECT_TRUE(state.read(9).is_nil());
}

TEST(KvStateMachine, RetryAppliesAtMostOnce) {
  KvStateMachine state;
  const Request append = command(RequestKind::append, 7, 1, 1, kText("x,"));
  state.apply(1, append);
  const Response again = state.apply(2, append);
  EXPECT_EQ(again.status, Status::ok);  // the cached answer
  EXPECT_EQ(state.read(1), kText("x,"));
  // An older command arriving after a newer one never runs.
  state.apply(3, command(RequestKind::append, 7, 2, 1, kText("y,")));
  EXPECT_EQ(state.apply(4, append).status, Status::fail);
  EXPECT_EQ(state.read(1), kText("x,y,"));
}

TEST(KvStateMachine, PlantedNoDedupeAppliesTwice) {
  KvStateMachine state(true);
  const Request append = command(RequestKind::append, 7, 1, 1, kText("x,"));
  state.apply(1, append);
  state.apply(2, append);
  EXPECT_EQ(state.read(1), kText("x,x,"));
}

TEST(KvStateMachine, SnapshotKeepsValuesAndSessions) {
  KvStateMachine state;
  const Request append = command(RequestKind::append, 7, 1, 1, kText("x,"));
  state.apply(1, append);
  state.apply(2, command(RequestKind::write, 8, 1, 2, kNumber(-3)));
  KvStateMachine restored;
  ASSERT_TRUE(restored.restore(state.snapshot()));
  EXPECT_EQ(restored.read(2), kNumber(-3));
  restored.apply(3, append);  // a retry after the snapshot is still deduped
  EXPECT_EQ(restored.read(1), kText("x,"));
  Bytes damaged = state.snapshot();
  damaged.resize(damaged.size() - 1);
  EXPECT_FALSE(restored.restore(damaged));
}

TEST(KvStateMachine, SessionTableIsBounded) {
  KvStateMachine state;
  for (std::uint64_t client = 1; client <= kSessionsMax + 10; ++client) {
    state.apply(client, command(RequestKind::write, client, 1, 0, kNumber(1)));
  }
  EXPECT_EQ(state.session_count(), kSessionsMax);
}

TEST(KvProtocol, RoundTrips) {
  const Request request = command(RequestKind::cas, 3, 4, 5, kNumber(1), kText("s"));
  const auto decoded = decode_request(encode_request(request));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->expected, kText("s"));
  EXPECT_EQ(decoded->sequence, 4u);
  const Response response{Status::not_leader, kNumber(2), 3};
  const auto back = decode_response(encode_response(response));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->leader_hint, 3u);
  EXPECT_FALSE(decode_request(Bytes{99}).has_value());
}

}  // namespace
}  // namespace simlab::kv
