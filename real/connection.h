// A non-blocking TCP connection carrying frames, on an EventLoop: frames go
// out through a bounded buffer (a peer that stops reading loses what does
// not fit, as a full socket would), frames come in through a FrameReader.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "real/event_loop.h"
#include "real/frame.h"

namespace simlab::real {

// "IP:PORT" -> a socket address; throws std::invalid_argument naming the text.
struct Address {
  std::string ip;
  std::uint16_t port = 0;
  std::string text() const { return ip + ":" + std::to_string(port); }
};
Address parse_address(const std::string& text);

// A listening socket (SO_REUSEADDR, non-blocking); throws std::runtime_error.
int listen_on(const Address& address);
// A socket whose connect has started; -1 if it could not even start.
int start_connect(const Address& address);
// True if something accepts connections at `address` within `timeout_ms`.
bool can_connect(const Address& address, int timeout_ms);

class Connection {
 public:
  using OnFrame = std::function<void(Connection&, Frame)>;
  using OnClose = std::function<void(Connection&)>;

  // Takes `fd` (connected, or connecting when `connecting`).
  Connection(EventLoop& loop, int fd, bool connecting, OnFrame on_frame, OnClose on_close);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const Frame& frame);
  bool open() const { return fd_ >= 0; }
  // Closes at once; on_close is not called for a close we asked for.
  void close();

  static constexpr std::size_t kOutboxBytesMax = 64u << 20;

 private:
  void on_events(std::uint32_t events);
  void flush();
  void read_all();
  void fail();
  void update_watch();

  EventLoop& loop_;
  int fd_;
  bool connecting_;
  OnFrame on_frame_;
  OnClose on_close_;
  FrameReader reader_;
  Bytes outbox_;
  std::size_t sent_ = 0;                                        // bytes of outbox_ already written
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards callbacks that close us
};

}  // namespace simlab::real
