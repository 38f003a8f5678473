// Little-endian encoding of messages and records. Systems encode their own
// messages to bytes so the same code runs over TCP and so the network can
// corrupt them; a decoder never trusts its input (a corrupt payload makes
// ok() false, it never reads out of bounds).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "systems/common/types.h"

namespace simlab {

class ByteWriter {
 public:
  ByteWriter() = default;
  // Writes on after what `start` holds (several encodings in one buffer).
  explicit ByteWriter(Bytes start) : bytes_(std::move(start)) {}
  void u8(std::uint8_t value) { bytes_.push_back(value); }
  void u32(std::uint32_t value) { fixed(value); }
  void u64(std::uint64_t value) { fixed(value); }
  void i64(std::int64_t value) { fixed(static_cast<std::uint64_t>(value)); }
  void str(std::string_view value) {
    u32(static_cast<std::uint32_t>(value.size()));
    bytes_.insert(bytes_.end(), value.begin(), value.end());
  }
  void blob(ByteView value) {
    u32(static_cast<std::uint32_t>(value.size()));
    bytes_.insert(bytes_.end(), value.begin(), value.end());
  }
  void raw(ByteView value) { bytes_.insert(bytes_.end(), value.begin(), value.end()); }
  std::size_t size() const { return bytes_.size(); }
  Bytes& bytes() { return bytes_; }
  Bytes take() { return std::move(bytes_); }

 private:
  template <typename T>
  void fixed(T value) {
    std::uint8_t encoded[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      encoded[i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
    bytes_.insert(bytes_.end(), encoded, encoded + sizeof(T));
  }
  Bytes bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(ByteView bytes) : bytes_(bytes) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed<std::uint8_t>()); }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed<std::uint64_t>()); }
  std::string str() {
    const std::uint32_t size = u32();
    if (!take(size)) return {};
    return std::string(reinterpret_cast<const char*>(bytes_.data() + position_ - size), size);
  }
  Bytes blob() {
    const std::uint32_t size = u32();
    if (!take(size)) return {};
    return Bytes(bytes_.begin() + static_cast<std::ptrdiff_t>(position_ - size),
                 bytes_.begin() + static_cast<std::ptrdiff_t>(position_));
  }
  // False once any read ran past the end: the whole message is then garbage.
  bool ok() const { return ok_; }
  bool at_end() const { return position_ == bytes_.size(); }
  std::size_t position() const { return position_; }
  std::size_t remaining() const { return bytes_.size() - position_; }

 private:
  bool take(std::size_t count) {
    if (!ok_ || count > remaining()) {
      ok_ = false;
      return false;
    }
    position_ += count;
    return true;
  }
  template <typename T>
  T fixed() {
    if (!take(sizeof(T))) return T{};
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      value |= static_cast<T>(static_cast<T>(bytes_[position_ - sizeof(T) + i]) << (8 * i));
    }
    return value;
  }
  ByteView bytes_;
  std::size_t position_ = 0;
  bool ok_ = true;
};

}  // namespace simlab
