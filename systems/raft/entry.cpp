#include "systems/raft/entry.h"

#include "systems/raft/limits.h"

namespace simlab::raft {
namespace {

void encode_ids(ByteWriter& writer, const std::vector<NodeId>& ids) {
  writer.u32(static_cast<std::uint32_t>(ids.size()));
  for (NodeId id : ids) writer.u32(id);
}

std::vector<NodeId> decode_ids(ByteReader& reader) {
  const std::uint32_t count = reader.u32();
  std::vector<NodeId> ids;
  if (count > kMembersMax) return ids;  // garbage: the caller sees !ok() or an empty set
  for (std::uint32_t i = 0; i < count && reader.ok(); ++i) ids.push_back(reader.u32());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

void encode_config(ByteWriter& writer, const ClusterConfig& config) {
  encode_ids(writer, config.voters);
  encode_ids(writer, config.learners);
}

ClusterConfig decode_config(ByteReader& reader) {
  ClusterConfig config;
  config.voters = decode_ids(reader);
  config.learners = decode_ids(reader);
  return config;
}

Bytes config_bytes(const ClusterConfig& config) {
  ByteWriter writer;
  encode_config(writer, config);
  return writer.take();
}

std::string config_text(const ClusterConfig& config) {
  std::string text = "voters=(";
  for (std::size_t i = 0; i < config.voters.size(); ++i) {
    text += (i ? " " : "") + std::to_string(config.voters[i]);
  }
  text += ")";
  if (!config.learners.empty()) {
    text += " learners=(";
    for (std::size_t i = 0; i < config.learners.size(); ++i) {
      text += (i ? " " : "") + std::to_string(config.learners[i]);
    }
    text += ")";
  }
  return text;
}

void encode_entry(ByteWriter& writer, const Entry& entry) {
  writer.u64(entry.index);
  writer.u64(entry.term);
  writer.u8(static_cast<std::uint8_t>(entry.type));
  writer.blob(entry.data);
}

Entry decode_entry(ByteReader& reader) {
  Entry entry;
  entry.index = reader.u64();
  entry.term = reader.u64();
  entry.type = static_cast<EntryType>(reader.u8());
  entry.data = reader.blob();
  return entry;
}

}  // namespace simlab::raft
