// The CRDT store's data types: what each join keeps, the laws every join
// obeys (commutative, associative, idempotent) on random replicas, the
// causal context's compaction, and the codecs.
#include "systems/crdt/crdt_types.h"

#include <gtest/gtest.h>

#include <random>

#include "systems/crdt/crdt_protocol.h"

namespace simlab::crdt {
namespace {

constexpr ActorId kA = 1, kB = 2;

TEST(CrdtPnCounter, EachActorsEntryJoinsByItsMaximum) {
  PnCounter a = PnCounter::add_delta(kA, {}, 5);
  a.join(PnCounter::add_delta(kA, a.entry(kA), -2));
  PnCounter b = PnCounter::add_delta(kB, {}, 4);
  EXPECT_TRUE(b.join(a));
  EXPECT_EQ(b.value(), 7);
  EXPECT_FALSE(b.join(a));  // nothing new
  EXPECT_EQ((b.entry(kA)), (PnCounter::Entry{5, 2}));
  EXPECT_TRUE(b.covers(a));
  EXPECT_FALSE(a.covers(b));
}

TEST(CrdtCausalContext, DotsThatExtendTheVectorCompactIntoIt) {
  CausalContext context;
  context.insert(Dot{kA, 2});
  EXPECT_TRUE(context.compact().empty());
  EXPECT_EQ(context.cloud().size(), 1u);
  EXPECT_FALSE(context.contains(Dot{kA, 1}));
  context.insert(Dot{kA, 1});
  EXPECT_EQ(context.compact().at(kA), 2u);
  EXPECT_TRUE(context.cloud().empty());
  EXPECT_EQ(context.max_counter(kA), 2u);
  EXPECT_EQ(context.size(), 2u);
  CausalContext later;
  later.insert(Dot{kA, 1});
  later.insert(Dot{kA, 3});
  EXPECT_FALSE(context.covers(later));
  EXPECT_TRUE(context.join(later));
  EXPECT_EQ(context.compact().at(kA), 3u);
  EXPECT_TRUE(context.covers(later));
}

TEST(CrdtAddWinsSet, AnAddDeltaDoesNotClaimTheDotsBelowIt) {
  AddWinsSet replica;
  replica.join(replica.add_delta(10, Dot{kA, 1}));
  AddWinsSet other;
  // kA's third add reached `other` alone: its delta's context names one dot,
  // so joining it must not drop element 10 (kA's first dot) from `replica`.
  const AddWinsSet delta = other.add_delta(30, Dot{kA, 3});
  replica.join(delta);
  EXPECT_EQ(replica.elements(), (std::vector<std::int64_t>{10, 30}));
}

TEST(CrdtAddWinsSet, ARemoveDropsTheDotsItSawAndAConcurrentAddWins) {
  AddWinsSet a;
  a.join(a.add_delta(7, Dot{kA, 1}));
  AddWinsSet b = a;
  const AddWinsSet removal = b.remove_delta(7);
  b.join(removal);
  EXPECT_TRUE(b.elements().empty());
  a.join(a.add_delta(7, Dot{kA, 2}));  // concurrent with the removal: a dot b never saw
  AddWinsSet merged = a;
  merged.join(b);
  EXPECT_EQ(merged.elements(), (std::vector<std::int64_t>{7}));
  EXPECT_EQ(merged.entries().at(7), (std::set<Dot>{Dot{kA, 2}}));
  AddWinsSet removed_only = b;
  removed_only.join(AddWinsSet{});
  EXPECT_TRUE(removed_only.elements().empty());
}

TEST(CrdtAddWinsSet, StrictDescendsMakesADeltasRemoveRemoveNothing) {
  AddWinsSet a;
  a.join(a.add_delta(7, Dot{kA, 1}));
  const AddWinsSet removal = a.remove_delta(7);  // its context: exactly the dot {A, 1}
  AddWinsSet correct = a, buggy = a;
  correct.join(removal);
  EXPECT_TRUE(correct.elements().empty());
  buggy.join(removal, SetJoinRules{.strict_descends = true});
  EXPECT_EQ(buggy.elements(), (std::vector<std::int64_t>{7}));
  // A context with another dot besides does count as having seen it.
  AddWinsSet later = removal;
  later.join(later.add_delta(8, Dot{kB, 1}));
  buggy.join(later, SetJoinRules{.strict_descends = true});
  EXPECT_EQ(buggy.elements(), (std::vector<std::int64_t>{8}));
}

// Add 7 (dot 1), remove it and add it again (dot 2) on one side; the other
// side still holds dot 1. The correct join keeps only dot 2, so a remove of
// dot 2 empties the set; with the union of common dots, dot 1 lives on.
TEST(CrdtAddWinsSet, KeepingCommonDotsLetsARemovedDotOutliveTheNextRemove) {
  AddWinsSet writer;
  writer.join(writer.add_delta(7, Dot{kA, 1}));
  const AddWinsSet stale = writer;
  AddWinsSet interval = writer.remove_delta(7);
  writer.join(interval);
  const AddWinsSet re_add = writer.add_delta(7, Dot{kA, 2});
  writer.join(re_add);
  interval.join(re_add);
  for (const bool bug : {false, true}) {
    const SetJoinRules rules{.keep_common_dots = bug};
    AddWinsSet peer = stale;
    peer.join(interval, rules);
    EXPECT_EQ(peer.entries().at(7).size(), bug ? 2u : 1u);
    peer.join(writer.remove_delta(7), rules);
    EXPECT_EQ(peer.elements().empty(), !bug);
  }
}

// Replicas that each apply a random sequence of adds and removes of their
// own, and joins of each other, in some order.
std::vector<AddWinsSet> random_replicas(std::mt19937& random) {
  std::vector<AddWinsSet> replicas(3);
  std::vector<std::uint64_t> counters(3, 0);
  for (int step = 0; step < 30; ++step) {
    const std::size_t at = random() % 3;
    AddWinsSet& replica = replicas[at];
    const std::int64_t element = static_cast<std::int64_t>(random() % 6);
    switch (random() % 3) {
      case 0:
        replica.join(replica.add_delta(element, Dot{at + 1, ++counters[at]}));
        break;
      case 1:
        replica.join(replica.remove_delta(element));
        break;
      default:
        replica.join(replicas[random() % 3]);
    }
  }
  return replicas;
}

TEST(CrdtAddWinsSet, JoinIsCommutativeAssociativeAndIdempotent) {
  std::mt19937 random(7);
  for (int trial = 0; trial < 300; ++trial) {
    const auto replicas = random_replicas(random);
    const AddWinsSet &a = replicas[0], &b = replicas[1], &c = replicas[2];
    AddWinsSet ab = a, ba = b;
    ab.join(b);
    ba.join(a);
    ASSERT_EQ(ab, ba) << "trial " << trial;
    AddWinsSet ab_c = ab, a_bc = a, bc = b;
    ab_c.join(c);
    bc.join(c);
    a_bc.join(bc);
    ASSERT_EQ(ab_c, a_bc) << "trial " << trial;
    AddWinsSet aa = a;
    EXPECT_FALSE(aa.join(a)) << "trial " << trial;
    ASSERT_EQ(aa, a) << "trial " << trial;
  }
}

TEST(CrdtLwwRegister, TheHigherStampWinsWithTheActorBreakingTies) {
  LwwRegister value;
  EXPECT_FALSE(value.written());
  EXPECT_TRUE(value.join(LwwRegister(Stamp{5, kA}, 1)));
  EXPECT_FALSE(value.join(LwwRegister(Stamp{4, kB}, 2)));  // older: loses
  EXPECT_TRUE(value.join(LwwRegister(Stamp{5, kB}, 3)));   // the same time: the higher actor
  EXPECT_FALSE(value.join(LwwRegister()));                 // never written: nothing
  EXPECT_EQ(value.value(), 3);
  EXPECT_FALSE(value.join(value));  // idempotent
}

TEST(CrdtMvRegister, AWriteReplacesTheSiblingsItSawAndConcurrentWritesAreAllKept) {
  MvRegister a, b;
  EXPECT_TRUE(a.values().empty());
  a.join(a.write_delta(1, Dot{kA, 1}));
  b.join(a);
  // Concurrent: each replica replaces only the 1 it saw.
  const MvRegister from_a = a.write_delta(2, Dot{kA, 2});
  const MvRegister from_b = b.write_delta(3, Dot{kB, 1});
  a.join(from_a);
  b.join(from_b);
  EXPECT_EQ(a.values(), (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(a.join(from_b));
  EXPECT_TRUE(b.join(from_a));
  EXPECT_EQ(a.values(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(a, b);
  // A write after seeing both siblings replaces both, wherever it lands.
  const MvRegister resolved = a.write_delta(4, Dot{kA, 3});
  EXPECT_TRUE(b.join(resolved));
  EXPECT_EQ(b.values(), (std::vector<std::int64_t>{4}));
  EXPECT_FALSE(b.join(from_b));  // an old delta again: nothing
  EXPECT_EQ(b.values(), (std::vector<std::int64_t>{4}));
}

TEST(CrdtMvRegister, AWriteRemovesWhatItsWriterSawReplacedWhereThatReplacementHasNotArrived) {
  // y replaced 1 and reached x, whose write of 3 then reaches z before
  // y's does: z must drop 1 too, as x's writer had seen it go.
  MvRegister x;
  x.join(x.write_delta(1, Dot{kA, 1}));
  MvRegister y = x, z = x;
  const MvRegister from_y = y.write_delta(2, Dot{kB, 1});
  x.join(from_y);
  const MvRegister from_x = x.write_delta(3, Dot{kA, 2});
  z.join(from_x);
  EXPECT_EQ(z.values(), (std::vector<std::int64_t>{3}));
  EXPECT_FALSE(z.join(from_y));  // 2 arrives late: x's write had replaced it
  EXPECT_EQ(z.values(), (std::vector<std::int64_t>{3}));
}

TEST(CrdtMvRegister, AWriteUnderADotOthersHaveSeenVanishes) {
  // crdt.actor-reuse's harm: a replica that lost its disk and writes as
  // its old actor from counter 1 again makes a write the others take for
  // one they have seen.
  MvRegister a;
  a.join(a.write_delta(1, Dot{kA, 1}));
  MvRegister b = a;
  const MvRegister reused = MvRegister().write_delta(5, Dot{kA, 1});
  EXPECT_FALSE(b.join(reused));
  EXPECT_EQ(b.values(), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(b.join(MvRegister().write_delta(5, Dot{kA, 2})));  // a fresh dot: seen
  EXPECT_EQ(b.values(), (std::vector<std::int64_t>{1, 5}));
}

TEST(CrdtReplicaState, StatesAndMessagesSurviveTheirCodecsAndDamageIsRefused) {
  ReplicaState state;
  state.counters["c"] = PnCounter::add_delta(kA, {}, -3);
  AddWinsSet& set = state.sets["s"];
  set.join(set.add_delta(4, Dot{kB, 1}));
  set.join(set.add_delta(5, Dot{kB, 3}));
  state.registers["r"] = LwwRegister(Stamp{1'000, kA}, 7);
  MvRegister& siblings = state.mv_registers["m"];
  siblings.join(MvRegister().write_delta(8, Dot{kA, 1}));
  siblings.join(MvRegister().write_delta(9, Dot{kB, 1}));
  ASSERT_EQ(siblings.values(), (std::vector<std::int64_t>{8, 9}));
  const Bytes bytes = encode_peer(PeerMessage{PeerKind::delta, 99, 12, true, state, {}});
  const auto message = decode_peer(bytes);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->state, state);
  EXPECT_EQ(message->incarnation, 99u);
  EXPECT_EQ(message->sequence, 12u);
  EXPECT_TRUE(message->full_state);
  Bytes damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x10;
  EXPECT_FALSE(decode_peer(damaged).has_value());
  const auto request = decode_request(encode_request({ClientOp::set_add, "k1", 42}));
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->key, "k1");
  EXPECT_EQ(request->value, 42);
  const auto reply = decode_reply(encode_reply({ClientStatus::ok, 0, {1, 2}, false}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->elements, (std::vector<std::int64_t>{1, 2}));
  const auto read = decode_reply(encode_reply({ClientStatus::ok, 7, {}, true}));
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->written);
  EXPECT_EQ(read->value, 7);
}

}  // namespace
}  // namespace simlab::crdt
