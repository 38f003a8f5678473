// Consumer groups' replicated state, kept beside the partitions' metadata
// in the controller's Raft log (where Kafka keeps it in the
// __consumer_offsets topic): each group's generation, its members, and the
// offset it has committed per partition. Every broker applies the same
// committed commands. A membership change is compare-and-set on the
// generation; an offset commit holds only in the generation it names and
// only from the partition's owner in it, so a member the group has moved
// on from (a zombie) cannot move the group's position (Kafka's generation
// fencing).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"
#include "systems/log/log_protocol.h"

namespace simlab::commitlog {

using GroupId = std::uint32_t;
using MemberId = std::uint64_t;
inline constexpr MemberId kNoMember = 0;

struct GroupState {
  std::int64_t generation = 0;    // 0: never formed
  std::vector<MemberId> members;  // sorted
  std::map<PartitionId, Offset> committed;
  // Round-robin over the sorted members: partition p goes to members[p % n]
  // (a server-side assignor, as KIP-848 moved assignment to the
  // coordinator). kNoMember when the group is empty.
  MemberId owner(PartitionId partition) const;
  std::vector<AssignedPartition> assignment(MemberId member, std::uint32_t partitions) const;
  bool has_member(MemberId member) const;
  // Whether `member` may commit an offset for `partition` now: it owns it
  // in the group's current `generation` (a zombie's commit is fenced).
  bool accepts_commit(MemberId member, std::int64_t generation, PartitionId partition) const;
  friend bool operator==(const GroupState&, const GroupState&) = default;
};

// The kind byte follows the partition commands' (metadata.h) in the same
// Raft log.
enum class GroupCommandKind : std::uint8_t { members = 3, offset_commit = 4 };
bool is_group_command(ByteView bytes);

struct GroupCommand {
  GroupCommandKind kind = GroupCommandKind::members;
  GroupId group = 0;
  // members: the generation the change was decided at; offset_commit: the
  // generation the committing member's assignment is from.
  std::int64_t generation = 0;
  std::vector<MemberId> members;  // members: the new membership
  MemberId member = kNoMember;    // offset_commit
  PartitionId partition = 0;
  Offset offset = 0;
};

Bytes encode_group_command(const GroupCommand& command);
std::optional<GroupCommand> decode_group_command(ByteView bytes);
std::string group_command_text(const GroupCommand& command);

class Groups {
 public:
  // True if the command changed something (its generation check held).
  bool apply(const GroupCommand& command);
  // A committed transaction's offset (fenced when it was added to the
  // transaction, not now: Kafka's TxnOffsetCommit).
  void commit_transactional(GroupId id, PartitionId partition, Offset offset);
  // An empty, never-formed state for a group nobody has joined.
  const GroupState& group(GroupId id) const;
  const std::map<GroupId, GroupState>& all() const { return groups_; }

  Bytes encode() const;
  bool decode(ByteView bytes);

 private:
  std::map<GroupId, GroupState> groups_;
};

}  // namespace simlab::commitlog
