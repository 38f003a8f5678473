// The consumer groups' replicated state: how a membership change and an
// offset commit apply, what fences a zombie member, and the codecs.
#include "systems/log/group_state.h"

#include <gtest/gtest.h>

#include "systems/log/log_protocol.h"

namespace simlab::commitlog {
namespace {

GroupCommand members(std::int64_t generation, std::vector<MemberId> who) {
  GroupCommand command;
  command.kind = GroupCommandKind::members;
  command.group = 1;
  command.generation = generation;
  command.members = std::move(who);
  return command;
}

GroupCommand commit(std::int64_t generation, MemberId member, PartitionId partition,
                    Offset offset) {
  GroupCommand command;
  command.kind = GroupCommandKind::offset_commit;
  command.group = 1;
  command.generation = generation;
  command.member = member;
  command.partition = partition;
  command.offset = offset;
  return command;
}

TEST(LogGroups, AMembershipChangeIsCompareAndSetOnTheGeneration) {
  Groups groups;
  EXPECT_FALSE(groups.apply(commit(0, 7, 0, 3))) << "nobody commits to a group never formed";
  EXPECT_TRUE(groups.all().empty());
  EXPECT_TRUE(groups.apply(members(0, {9, 7})));
  EXPECT_EQ(groups.group(1).generation, 1);
  EXPECT_EQ(groups.group(1).members, (std::vector<MemberId>{7, 9}));
  EXPECT_FALSE(groups.apply(members(0, {7}))) << "decided on generation 0: stale";
  EXPECT_EQ(groups.group(1).members.size(), 2u);
}

TEST(LogGroups, RoundRobinAssignsEveryPartitionToOneMember) {
  Groups groups;
  ASSERT_TRUE(groups.apply(members(0, {7, 9})));
  const GroupState& state = groups.group(1);
  EXPECT_EQ(state.owner(0), 7u);
  EXPECT_EQ(state.owner(1), 9u);
  EXPECT_EQ(state.owner(2), 7u);
  EXPECT_EQ(state.assignment(7, 3), (std::vector<AssignedPartition>{{0, -1}, {2, -1}}));
  EXPECT_EQ(GroupState{}.owner(0), kNoMember);
}

TEST(LogGroups, OnlyThePartitionsOwnerInTheCurrentGenerationCommits) {
  Groups groups;
  ASSERT_TRUE(groups.apply(members(0, {7, 9})));
  EXPECT_TRUE(groups.apply(commit(1, 9, 1, 12)));
  EXPECT_FALSE(groups.apply(commit(1, 7, 1, 30))) << "7 does not own partition 1";
  ASSERT_TRUE(groups.apply(members(1, {7})));
  EXPECT_FALSE(groups.apply(commit(1, 9, 1, 40))) << "a zombie of generation 1";
  EXPECT_EQ(groups.group(1).assignment(7, 2), (std::vector<AssignedPartition>{{0, -1}, {1, 12}}));
}

TEST(LogGroups, StateAndCommandsSurviveTheirCodecs) {
  Groups groups;
  ASSERT_TRUE(groups.apply(members(0, {7, 9})));
  ASSERT_TRUE(groups.apply(commit(1, 9, 1, 12)));
  Groups copy;
  ASSERT_TRUE(copy.decode(groups.encode()));
  EXPECT_EQ(copy.all(), groups.all());
  EXPECT_FALSE(copy.decode(Bytes{1, 2, 3}));

  const Bytes wire = encode_group_command(commit(4, 9, 2, 8));
  EXPECT_TRUE(is_group_command(wire));
  const auto back = decode_group_command(wire);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->offset, 8);
  EXPECT_EQ(back->member, 9u);
  EXPECT_FALSE(is_group_command(Bytes{1}));  // a partition command's kind

  ClientReply reply;
  reply.generation = 3;
  reply.assigned = {{0, 4}, {2, -1}};
  const auto decoded = decode_client_reply(encode_client_reply(reply));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->generation, 3);
  EXPECT_EQ(decoded->assigned, reply.assigned);
}

}  // namespace
}  // namespace simlab::commitlog
