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

}  // namespace

bool is_txn_command(ByteView bytes) {
  return !bytes.empty() && bytes[0] >= static_cast<std::uint8_t>(TxnCommandKind::add_partition) &&
         bytes[0] <= static_cast<std::uint8_t>(TxnCommandKind::complete);
}

Bytes encode_txn_command(const TxnCommand& command) {
  ByteWriter out;
  out.u8(static_cast<std::uint8_t>(command.kind));
  out.u64(command.producer_id);
  out.i64(command.epoch);
  out.u32(command.partition);
  out.u8(command.commit ? 1 : 0);
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
  }
  return "?";
}

bool Txns::apply(const TxnCommand& command) {
  TxnState& state = producers_[command.producer_id];
  if (command.epoch != state.epoch) return false;
  switch (command.kind) {
    case TxnCommandKind::add_partition: {
      if (state.deciding()) return false;
      state.phase = TxnPhase::ongoing;
      auto& partitions = state.partitions;
      const auto at = std::lower_bound(partitions.begin(), partitions.end(), command.partition);
      if (at == partitions.end() || *at != command.partition)
        partitions.insert(at, command.partition);
      return true;
    }
    case TxnCommandKind::end:
      if (state.phase != TxnPhase::ongoing) return false;
      state.phase = command.commit ? TxnPhase::prepare_commit : TxnPhase::prepare_abort;
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
    if (committed > 1) return false;
    state.ended_committed = committed == 1;
    producers[producer] = std::move(state);
  }
  if (!in.ok() || !in.at_end()) return false;
  producers_ = std::move(producers);
  return true;
}

}  // namespace simlab::commitlog
