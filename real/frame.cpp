#include "real/frame.h"

#include "systems/common/byte_codec.h"

namespace simlab::real {

namespace {

constexpr std::size_t kHeaderBytes = 4;
constexpr std::size_t kTypeAndIdBytes = 1 + 8;

std::uint32_t read_u32(const std::uint8_t* bytes) {
  return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
         static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
}

bool known_type(std::uint8_t type) {
  return type >= 1 && type <= static_cast<std::uint8_t>(FrameType::client_reply);
}

}  // namespace

Bytes encode_frame(const Frame& frame) {
  ByteWriter writer;
  writer.u32(static_cast<std::uint32_t>(kTypeAndIdBytes + frame.payload.size()));
  writer.u8(static_cast<std::uint8_t>(frame.type));
  writer.u64(frame.id);
  writer.raw(frame.payload);
  return writer.take();
}

void FrameReader::feed(const std::uint8_t* data, std::size_t size) {
  if (start_ > 0 && start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), data, data + size);
}

std::optional<Frame> FrameReader::next() {
  if (broken_ || buffer_.size() - start_ < kHeaderBytes) return std::nullopt;
  const std::uint32_t length = read_u32(buffer_.data() + start_);
  if (length < kTypeAndIdBytes || length > kFrameBytesMax) {
    broken_ = true;
    return std::nullopt;
  }
  if (buffer_.size() - start_ < kHeaderBytes + length) return std::nullopt;
  ByteReader reader(ByteView(buffer_.data() + start_ + kHeaderBytes, length));
  const std::uint8_t type = reader.u8();
  if (!known_type(type)) {
    broken_ = true;
    return std::nullopt;
  }
  Frame frame;
  frame.type = static_cast<FrameType>(type);
  frame.id = reader.u64();
  const std::uint8_t* payload = buffer_.data() + start_ + kHeaderBytes + kTypeAndIdBytes;
  frame.payload.assign(payload, payload + (length - kTypeAndIdBytes));
  start_ += kHeaderBytes + length;
  // Keep the buffer from growing without bound on a long-lived connection.
  if (start_ > (1u << 20) && start_ * 2 > buffer_.size()) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  return frame;
}

}  // namespace simlab::real
