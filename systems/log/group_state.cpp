#include "systems/log/group_state.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "systems/common/byte_codec.h"

namespace simlab::commitlog {
namespace {

constexpr std::uint32_t kMembersMax = 1u << 10;
constexpr std::uint32_t kGroupsMax = 1u << 10;
constexpr std::uint32_t kPartitionsMax = 1u << 12;

void write_members(ByteWriter& out, const std::vector<MemberId>& members) {
  out.u32(static_cast<std::uint32_t>(members.size()));
  for (MemberId member : members) out.u64(member);
}

bool read_members(ByteReader& in, std::vector<MemberId>& members) {
  const std::uint32_t count = in.u32();
  if (!in.ok() || count > kMembersMax) return false;
  members.clear();
  for (std::uint32_t i = 0; i < count; ++i) members.push_back(in.u64());
  return in.ok();
}

}  // namespace

MemberId GroupState::owner(PartitionId partition) const {
  return members.empty() ? kNoMember : members[partition % members.size()];
}

std::vector<AssignedPartition> GroupState::assignment(MemberId member,
                                                      std::uint32_t partitions) const {
  std::vector<AssignedPartition> assigned;
  for (PartitionId p = 0; p < partitions; ++p) {
    if (owner(p) != member) continue;
    const auto it = committed.find(p);
    assigned.push_back({p, it == committed.end() ? -1 : it->second});
  }
  return assigned;
}

bool GroupState::has_member(MemberId member) const {
  return std::binary_search(members.begin(), members.end(), member);
}

bool GroupState::accepts_commit(MemberId member, std::int64_t at_generation,
                                PartitionId partition) const {
  return at_generation == generation && member != kNoMember && owner(partition) == member;
}

bool is_group_command(ByteView bytes) {
  return !bytes.empty() && (bytes[0] == static_cast<std::uint8_t>(GroupCommandKind::members) ||
                            bytes[0] == static_cast<std::uint8_t>(GroupCommandKind::offset_commit));
}

Bytes encode_group_command(const GroupCommand& command) {
  ByteWriter out;
  out.u8(static_cast<std::uint8_t>(command.kind));
  out.u32(command.group);
  out.i64(command.generation);
  write_members(out, command.members);
  out.u64(command.member);
  out.u32(command.partition);
  out.i64(command.offset);
  return out.take();
}

std::optional<GroupCommand> decode_group_command(ByteView bytes) {
  if (!is_group_command(bytes)) return std::nullopt;
  ByteReader in(bytes);
  GroupCommand command;
  command.kind = static_cast<GroupCommandKind>(in.u8());
  command.group = in.u32();
  command.generation = in.i64();
  if (!read_members(in, command.members)) return std::nullopt;
  command.member = in.u64();
  command.partition = in.u32();
  command.offset = in.i64();
  if (!in.ok() || !in.at_end()) return std::nullopt;
  return command;
}

std::string group_command_text(const GroupCommand& command) {
  if (command.kind == GroupCommandKind::members) {
    return fmt::format("group {} members [{}] (at generation {})", command.group,
                       fmt::join(command.members, ","), command.generation);
  }
  return fmt::format("group {} commit p{} at {} by member {} gen {}", command.group,
                     command.partition, command.offset, command.member, command.generation);
}

const GroupState& Groups::group(GroupId id) const {
  static const GroupState kEmpty;
  const auto it = groups_.find(id);
  return it == groups_.end() ? kEmpty : it->second;
}

bool Groups::apply(const GroupCommand& command) {
  const auto it = groups_.find(command.group);
  if (it == groups_.end()) {  // a group forms with its first membership
    if (command.kind != GroupCommandKind::members || command.generation != 0) return false;
  } else if (it->second.generation != command.generation) {
    return false;
  }
  GroupState& state = groups_[command.group];
  if (command.kind == GroupCommandKind::members) {
    state.members = command.members;
    std::sort(state.members.begin(), state.members.end());
    state.members.erase(std::unique(state.members.begin(), state.members.end()),
                        state.members.end());
    ++state.generation;
    return true;
  }
  if (!state.accepts_commit(command.member, command.generation, command.partition)) return false;
  state.committed[command.partition] = command.offset;
  return true;
}

void Groups::commit_transactional(GroupId id, PartitionId partition, Offset offset) {
  const auto it = groups_.find(id);
  if (it != groups_.end()) it->second.committed[partition] = offset;
}

Bytes Groups::encode() const {
  ByteWriter out;
  out.u32(static_cast<std::uint32_t>(groups_.size()));
  for (const auto& [id, state] : groups_) {
    out.u32(id);
    out.i64(state.generation);
    write_members(out, state.members);
    out.u32(static_cast<std::uint32_t>(state.committed.size()));
    for (const auto& [partition, offset] : state.committed) {
      out.u32(partition);
      out.i64(offset);
    }
  }
  return out.take();
}

bool Groups::decode(ByteView bytes) {
  ByteReader in(bytes);
  const std::uint32_t count = in.u32();
  if (!in.ok() || count > kGroupsMax) return false;
  std::map<GroupId, GroupState> groups;
  for (std::uint32_t g = 0; g < count; ++g) {
    const GroupId id = in.u32();
    GroupState& state = groups[id];
    state.generation = in.i64();
    if (!read_members(in, state.members)) return false;
    const std::uint32_t committed = in.u32();
    if (!in.ok() || committed > kPartitionsMax) return false;
    for (std::uint32_t i = 0; i < committed && in.ok(); ++i) {
      const PartitionId partition = in.u32();
      state.committed[partition] = in.i64();
    }
  }
  if (!in.ok() || !in.at_end()) return false;
  groups_ = std::move(groups);
  return true;
}

}  // namespace simlab::commitlog
