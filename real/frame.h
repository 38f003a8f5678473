// What travels on a real node's TCP connections: length-prefixed frames.
// A connection opens with a hello saying who is calling (a peer node, or a
// client); then peers exchange the system's messages (the same bytes a
// node hands to NodeContext::send) and clients send requests that the node
// answers by id.
//
//   u32 length (of what follows) | u8 type | u64 id | payload
//
// id: the caller's node id (hello_peer), or the request id (client
// request and reply); 0 otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "systems/common/types.h"

namespace simlab::real {

enum class FrameType : std::uint8_t {
  hello_peer = 1,
  hello_client = 2,
  peer_message = 3,
  client_request = 4,
  client_reply = 5,
};

struct Frame {
  FrameType type = FrameType::peer_message;
  std::uint64_t id = 0;
  Bytes payload;
};

// A frame larger than this is a broken or hostile peer (a snapshot, the
// largest message, is at most 16 MiB).
inline constexpr std::uint32_t kFrameBytesMax = 64u << 20;

Bytes encode_frame(const Frame& frame);

// Frames out of a byte stream, however it is cut into reads.
class FrameReader {
 public:
  void feed(const std::uint8_t* data, std::size_t size);
  // The next whole frame, or nullopt until more bytes come. After a frame
  // that cannot be one (too long, unknown type) broken() is true for good.
  std::optional<Frame> next();
  bool broken() const { return broken_; }

 private:
  Bytes buffer_;
  std::size_t start_ = 0;  // bytes of buffer_ already consumed
  bool broken_ = false;
};

}  // namespace simlab::real
