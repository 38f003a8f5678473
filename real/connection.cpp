#include "real/connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace simlab::real {
namespace {

sockaddr_in socket_address(const Address& address) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(address.port);
  if (inet_pton(AF_INET, address.ip.c_str(), &result.sin_addr) != 1) {
    throw std::invalid_argument("not an IPv4 address: " + address.ip);
  }
  return result;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

void set_nodelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

Address parse_address(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument("expected IP:PORT, got '" + text + "'");
  Address address;
  address.ip = text.substr(0, colon);
  try {
    const unsigned long port = std::stoul(text.substr(colon + 1));
    if (port == 0 || port > 65535) throw std::out_of_range("port");
    address.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    throw std::invalid_argument("expected IP:PORT with a port from 1 to 65535, got '" + text + "'");
  }
  socket_address(address);  // checks the IP
  return address;
}

int listen_on(const Address& address) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in bound = socket_address(address);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&bound), sizeof bound) != 0 ||
      listen(fd, 128) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot listen on " + address.text() + ": " + error);
  }
  return fd;
}

int start_connect(const Address& address) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  set_nodelay(fd);
  const sockaddr_in target = socket_address(address);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0 &&
      errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool can_connect(const Address& address, int timeout_ms) {
  const int fd = start_connect(address);
  if (fd < 0) return false;
  pollfd waiting{fd, POLLOUT, 0};
  bool connected = false;
  if (poll(&waiting, 1, timeout_ms) == 1) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    connected = error == 0;
  }
  ::close(fd);
  return connected;
}

Connection::Connection(EventLoop& loop, int fd, bool connecting, OnFrame on_frame, OnClose on_close)
    : loop_(loop),
      fd_(fd),
      connecting_(connecting),
      on_frame_(std::move(on_frame)),
      on_close_(std::move(on_close)) {
  set_nonblocking(fd_);
  set_nodelay(fd_);
  update_watch();
}

Connection::~Connection() {
  *alive_ = false;
  close();
}

void Connection::close() {
  if (fd_ < 0) return;
  loop_.unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
}

void Connection::fail() {
  close();
  if (on_close_) on_close_(*this);
}

void Connection::update_watch() {
  if (fd_ < 0) return;
  const bool want_write = connecting_ || sent_ < outbox_.size();
  loop_.watch(fd_, EPOLLIN | (want_write ? EPOLLOUT : 0u),
              [this](std::uint32_t events) { on_events(events); });
}

void Connection::send(const Frame& frame) {
  if (fd_ < 0) return;
  const Bytes bytes = encode_frame(frame);
  if (outbox_.size() - sent_ + bytes.size() > kOutboxBytesMax)
    return;  // full: lost, as on a full link
  outbox_.insert(outbox_.end(), bytes.begin(), bytes.end());
  const std::shared_ptr<bool> alive = alive_;  // a failed write may end us
  if (!connecting_) flush();
  if (*alive) update_watch();
}

void Connection::flush() {
  while (fd_ >= 0 && sent_ < outbox_.size()) {
    const ssize_t wrote = ::send(fd_, outbox_.data() + sent_, outbox_.size() - sent_, MSG_NOSIGNAL);
    if (wrote > 0) {
      sent_ += static_cast<std::size_t>(wrote);
      continue;
    }
    if (wrote < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (wrote < 0 && errno == EINTR) continue;
    fail();
    return;
  }
  if (sent_ == outbox_.size()) {
    outbox_.clear();
    sent_ = 0;
  }
}

void Connection::read_all() {
  std::uint8_t buffer[64 * 1024];
  while (fd_ >= 0) {
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got > 0) {
      reader_.feed(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (got < 0 && errno == EINTR) continue;
    fail();  // 0: the other side closed; < 0: reset
    return;
  }
  const std::shared_ptr<bool> alive = alive_;
  while (*alive && fd_ >= 0) {
    std::optional<Frame> frame = reader_.next();
    if (!frame) break;
    on_frame_(*this, std::move(*frame));
  }
  if (*alive && reader_.broken()) fail();
}

void Connection::on_events(std::uint32_t events) {
  const std::shared_ptr<bool> alive = alive_;
  if (connecting_ && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      fail();
      return;
    }
    connecting_ = false;
  }
  if (events & EPOLLIN) read_all();
  if (!*alive || fd_ < 0) return;
  if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
    fail();
    return;
  }
  flush();
  if (*alive) update_watch();
}

}  // namespace simlab::real
