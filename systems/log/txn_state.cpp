#include "systems/log/txn_state.h"

#include <fmt/format.h>

#include <algorithm>

#include "systems/common/byte_codec.h"

namespace simlab::commitlog {
namespace {

constexpr std::uint32_t kProducersMax = 1u << 20;
constexpr std::uint32_t kPartitionsMax = 1u << 12;

bool valid_phase(std::uint8_t phase) {
  return phase <= static_cast<std::uint8_t>(TxnPhase::prepare_abort);
}

void add_sorted(std::vector<PartitionId>& partitions, PartitionId partition) {
  const auto at = std::lower_bound(partitions.begin(), partitions.end(), partition);
  if (at == partitions.end() || *at != partition) partitions.insert(at, partition);
}

// The transaction's offset for the command's group and partition; a later
// one replaces an earlier one, as Kafka keeps the last TxnOffsetCommit.
void put_offset(std::vector<TxnOffset>& offsets, const TxnCommand& command) {
  const TxnOffset wanted{command.group, command.partition, command.offset};
  const auto before = [](const TxnOffset& a, const TxnOffset& b) {
    return std::pair(a.group, a.partition) < std::pair(b.group, b.partition);
  };
  const auto at = std::lower_bound(offsets.begin(), offsets.end(), wanted, before);
  if (at != offsets.end() && !before(wanted, *at)) {
    at->offset = command.offset;
  } else {
    offsets.insert(at, wanted);
  }
}

}  // namespace

bool is_txn_command(ByteView bytes) {
  return !bytes.empty() && bytes[0] >= static_cast<std::uint8_t>(TxnCommandKind::add_partition) &&
         bytes[0] <= static_cast<std::uint8_t>(TxnCommandKind::add_offset);
}

Bytes encode_txn_command(const TxnCommand& command) {
  ByteWriter out;
  out.u8(static_cast<std::uint8_t>(command.kind));
  out.u64(command.producer_id);
  out.i64(command.epoch);
  out.u32(command.partition);
  out.u8(command.commit ? 1 : 0);
  if (command.kind == TxnCommandKind::add_offset) {  // the others' bytes stay as they were
    out.u32(command.group);
    out.u64(command.member);
    out.i64(command.generation);
    out.i64(command.offset);
  }
  return out.take();
}

std::optional<TxnCommand> decode_txn_command(ByteView bytes) {
  if (!is_txn_command(bytes)) return std::nullopt;
  ByteReader in(bytes);
  TxnCommand command;
  command.kind = static_cast<TxnCommandKind>(in.u8());
  command.producer_id = in.u64();
  command.epoch = in.i64();
  command.partition = in.u32();
  const std::uint8_t commit = in.u8();
  if (command.kind == TxnCommandKind::add_offset) {
    command.group = in.u32();
    command.member = in.u64();
    command.generation = in.i64();
    command.offset = in.i64();
  }
  if (!in.ok() || !in.at_end() || commit > 1) return std::nullopt;
  command.commit = commit == 1;
  return command;
}

std::string txn_command_text(const TxnCommand& command) {
  switch (command.kind) {
    case TxnCommandKind::add_partition:
      return fmt::format("txn pid {} epoch {} adds p{}", command.producer_id, command.epoch,
                         command.partition);
    case TxnCommandKind::end:
      return fmt::format("txn pid {} epoch {} decides {}", command.producer_id, command.epoch,
                         command.commit ? "commit" : "abort");
    case TxnCommandKind::complete:
      return fmt::format("txn pid {} epoch {} complete", command.producer_id, command.epoch);
    case TxnCommandKind::add_offset:
      return fmt::format("txn pid {} epoch {} commits group {} p{} at {} (member {} gen {})",
                         command.producer_id, command.epoch, command.group, command.partition,
                         command.offset, command.member, command.generation);
  }
  return "?";
}

bool Txns::apply(const TxnCommand& command, std::vector<TxnOffset>* committed) {
  TxnState& state = producers_[command.producer_id];
  if (command.epoch != state.epoch) return false;
  switch (command.kind) {
    case TxnCommandKind::add_partition:
    case TxnCommandKind::add_offset:
      if (state.deciding()) return false;
      state.phase = TxnPhase::ongoing;
      if (command.kind == TxnCommandKind::add_partition) {
        add_sorted(state.partitions, command.partition);
      } else {
        put_offset(state.offsets, command);
      }
      return true;
    case TxnCommandKind::end:
      if (state.phase != TxnPhase::ongoing) return false;
      state.phase = command.commit ? TxnPhase::prepare_commit : TxnPhase::prepare_abort;
      // The decision is the commit point of the offsets: they live in this
      // same replicated state, so no marker is needed for them.
      if (command.commit && committed != nullptr) *committed = state.offsets;
      state.offsets.clear();
      return true;
    case TxnCommandKind::complete:
      if (!state.deciding()) return false;
      state.ended_epoch = state.epoch;
      state.ended_committed = state.phase == TxnPhase::prepare_commit;
      state.phase = TxnPhase::empty;
      state.partitions.clear();
      if (bump_epoch_per_txn_) ++state.epoch;
      return true;
  }
  return false;
}

bool Txns::holds_offset(std::uint32_t group, PartitionId partition) const {
  for (const auto& [producer, state] : producers_) {
    for (const TxnOffset& offset : state.offsets)
      if (offset.group == group && offset.partition == partition) return true;
  }
  return false;
}

const TxnState& Txns::producer(std::uint64_t producer_id) const {
  static const TxnState kNever;
  const auto it = producers_.find(producer_id);
  return it == producers_.end() ? kNever : it->second;
}

Bytes Txns::encode() const {
  ByteWriter out;
  out.u32(static_cast<std::uint32_t>(producers_.size()));
  for (const auto& [producer, state] : producers_) {
    out.u64(producer);
    out.i64(state.epoch);
    out.u8(static_cast<std::uint8_t>(state.phase));
    out.u32(static_cast<std::uint32_t>(state.partitions.size()));
    for (PartitionId partition : state.partitions) out.u32(partition);
    out.i64(state.ended_epoch);
    out.u8(state.ended_committed ? 1 : 0);
    out.u32(static_cast<std::uint32_t>(state.offsets.size()));
    for (const TxnOffset& offset : state.offsets) {
      out.u32(offset.group);
      out.u32(offset.partition);
      out.i64(offset.offset);
    }
  }
  return out.take();
}

bool Txns::decode(ByteView bytes) {
  ByteReader in(bytes);
  std::map<std::uint64_t, TxnState> producers;
  const std::uint32_t count = in.u32();
  if (!in.ok() || count > kProducersMax) return false;
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
    const std::uint64_t producer = in.u64();
    TxnState state;
    state.epoch = in.i64();
    const std::uint8_t phase = in.u8();
    const std::uint32_t partitions = in.u32();
    if (!in.ok() || !valid_phase(phase) || partitions > kPartitionsMax) return false;
    state.phase = static_cast<TxnPhase>(phase);
    for (std::uint32_t p = 0; p < partitions; ++p) state.partitions.push_back(in.u32());
    state.ended_epoch = in.i64();
    const std::uint8_t committed = in.u8();
    const std::uint32_t offsets = in.u32();
    if (!in.ok() || committed > 1 || offsets > kPartitionsMax) return false;
    state.ended_committed = committed == 1;
    for (std::uint32_t o = 0; o < offsets; ++o) {
      TxnOffset offset;
      offset.group = in.u32();
      offset.partition = in.u32();
      offset.offset = in.i64();
      state.offsets.push_back(offset);
    }
    producers[producer] = std::move(state);
  }
  if (!in.ok() || !in.at_end()) return false;
  producers_ = std::move(producers);
  return true;
}

}  // namespace simlab::commitlog
