#include "systems/log/metadata.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "systems/common/byte_codec.h"

namespace simlab::commitlog {
namespace {

constexpr std::uint32_t kMembersMax = 64;
constexpr std::uint32_t kPartitionsMax = 1u << 12;

void write_nodes(ByteWriter& out, const std::vector<NodeId>& nodes) {
  out.u32(static_cast<std::uint32_t>(nodes.size()));
  for (NodeId node : nodes) out.u32(node);
}

bool read_nodes(ByteReader& in, std::vector<NodeId>& nodes) {
  const std::uint32_t count = in.u32();
  if (!in.ok() || count > kMembersMax) return false;
  nodes.clear();
  for (std::uint32_t i = 0; i < count; ++i) nodes.push_back(in.u32());
  return in.ok();
}

bool contains(const std::vector<NodeId>& nodes, NodeId node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

}  // namespace

bool PartitionState::in_isr(NodeId node) const { return contains(isr, node); }
bool PartitionState::is_replica(NodeId node) const { return contains(replicas, node); }

Bytes encode_command(const ControllerCommand& command) {
  ByteWriter out;
  out.u8(static_cast<std::uint8_t>(command.kind));
  out.u32(command.partition);
  out.i64(command.expected_partition_epoch);
  out.u32(command.leader);
  out.u64(command.leader_incarnation);
  out.i64(command.leader_epoch);
  write_nodes(out, command.isr);
  return out.take();
}

std::optional<ControllerCommand> decode_command(ByteView bytes) {
  ByteReader in(bytes);
  ControllerCommand command;
  const std::uint8_t kind = in.u8();
  command.partition = in.u32();
  command.expected_partition_epoch = in.i64();
  command.leader = in.u32();
  command.leader_incarnation = in.u64();
  command.leader_epoch = in.i64();
  if (!read_nodes(in, command.isr) || !in.at_end()) return std::nullopt;
  if (kind != static_cast<std::uint8_t>(CommandKind::elect) &&
      kind != static_cast<std::uint8_t>(CommandKind::alter_isr))
    return std::nullopt;
  command.kind = static_cast<CommandKind>(kind);
  return command;
}

std::string command_text(const ControllerCommand& command) {
  if (command.kind == CommandKind::elect) {
    return fmt::format("elect p{} leader n{} isr [{}] (at partition epoch {})", command.partition,
                       command.leader, fmt::join(command.isr, ","),
                       command.expected_partition_epoch);
  }
  return fmt::format("alter-isr p{} by n{} e{} isr [{}] (at partition epoch {})", command.partition,
                     command.leader, command.leader_epoch, fmt::join(command.isr, ","),
                     command.expected_partition_epoch);
}

Metadata Metadata::initial(const std::vector<NodeId>& members, std::uint32_t partitions,
                           std::uint32_t replication_factor) {
  Metadata metadata;
  const std::size_t count = members.size();
  for (std::uint32_t p = 0; p < partitions; ++p) {
    PartitionState state;
    for (std::uint32_t r = 0; r < replication_factor && r < count; ++r) {
      state.replicas.push_back(members[(p + r) % count]);
    }
    state.leader = state.replicas.empty() ? kNoNode : state.replicas.front();
    state.isr = state.replicas;
    std::sort(state.isr.begin(), state.isr.end());
    metadata.partitions_.push_back(std::move(state));
  }
  return metadata;
}

bool Metadata::apply(const ControllerCommand& command) {
  if (command.partition >= partitions_.size()) return false;
  PartitionState& state = partitions_[command.partition];
  if (state.partition_epoch != command.expected_partition_epoch) return false;
  std::vector<NodeId> isr = command.isr;
  std::sort(isr.begin(), isr.end());
  if (command.kind == CommandKind::elect) {
    state.leader = command.leader;
    state.leader_incarnation = command.leader_incarnation;
    ++state.leader_epoch;
  } else {
    if (state.leader != command.leader || state.leader_epoch != command.leader_epoch) return false;
    if (!contains(isr, state.leader)) return false;  // a leader never leaves its own ISR
  }
  state.isr = std::move(isr);
  ++state.partition_epoch;
  return true;
}

Bytes Metadata::encode() const {
  ByteWriter out;
  out.u32(static_cast<std::uint32_t>(partitions_.size()));
  for (const PartitionState& state : partitions_) {
    write_nodes(out, state.replicas);
    out.u32(state.leader);
    out.u64(state.leader_incarnation);
    out.i64(state.leader_epoch);
    out.i64(state.partition_epoch);
    write_nodes(out, state.isr);
  }
  return out.take();
}

bool Metadata::decode(ByteView bytes) {
  ByteReader in(bytes);
  const std::uint32_t count = in.u32();
  if (!in.ok() || count > kPartitionsMax) return false;
  std::vector<PartitionState> partitions;
  for (std::uint32_t p = 0; p < count; ++p) {
    PartitionState state;
    if (!read_nodes(in, state.replicas)) return false;
    state.leader = in.u32();
    state.leader_incarnation = in.u64();
    state.leader_epoch = in.i64();
    state.partition_epoch = in.i64();
    if (!read_nodes(in, state.isr)) return false;
    partitions.push_back(std::move(state));
  }
  if (!in.at_end()) return false;
  partitions_ = std::move(partitions);
  return true;
}

}  // namespace simlab::commitlog
