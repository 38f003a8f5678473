#include "real/control.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

#include "real/event_loop.h"

namespace simlab::real {
namespace {

std::string clock_command(std::istringstream& words, InjectedClock& clock) {
  std::string what;
  words >> what;
  std::int64_t first = 0, second = 0;
  if (what == "reset") {
    clock.reset();
  } else if (what == "jump" && (words >> first)) {
    clock.jump(first);
  } else if (what == "drift" && (words >> first)) {
    clock.set_drift_ppm(first);
  } else if (what == "strobe" && (words >> first >> second) && second > 0) {
    clock.start_strobe(first, second);
  } else {
    return "error: expected clock jump NS | drift PPM | strobe NS PERIOD_NS | reset";
  }
  return "ok";
}

std::string disk_command(std::istringstream& words, LazyDisk& disk) {
  std::string what;
  words >> what;
  LazyDiskFaults faults = disk.faults();
  double read_error = 0, write_error = 0;
  std::int64_t value = 0;
  if (what == "heal") {
    faults = LazyDiskFaults{};
  } else if (what == "eio" && (words >> read_error >> write_error)) {
    faults.read_error = read_error;
    faults.write_error = write_error;
  } else if (what == "full" && (words >> value)) {
    faults.full = value != 0;
  } else if (what == "stall" && (words >> value)) {
    faults.stall_until_ns = value > 0 ? monotonic_now_ns() + value : 0;
  } else {
    return "error: expected disk eio R W | full 0|1 | stall NS | heal";
  }
  disk.set_faults(faults);
  return "ok";
}

}  // namespace

std::string run_control_command(const std::string& line, InjectedClock& clock, LazyDisk& disk) {
  std::istringstream words(line);
  std::string group;
  words >> group;
  if (group == "clock") return clock_command(words, clock);
  if (group == "disk") return disk_command(words, disk);
  if (group == "status") return "ok unsynced_bytes=" + std::to_string(disk.unsynced_bytes());
  return "error: unknown command '" + group + "'";
}

std::string send_control_command(const std::string& folder, const std::string& line,
                                 int timeout_ms) {
  const std::string path = folder + "/" + kControlSocketName;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path)
    throw std::runtime_error(path + ": path too long for a socket");
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error(path + ": the node does not listen (" + std::strerror(errno) + ")");
  }
  const std::string request = line + "\n";
  std::string answer;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    const std::int64_t deadline_ns =
        monotonic_now_ns() + static_cast<std::int64_t>(timeout_ms) * 1'000'000;
    char buffer[256];
    while (answer.find('\n') == std::string::npos && monotonic_now_ns() < deadline_ns) {
      pollfd waiting{fd, POLLIN, 0};
      if (poll(&waiting, 1, static_cast<int>((deadline_ns - monotonic_now_ns()) / 1'000'000) + 1) <=
          0)
        break;
      const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      answer.append(buffer, static_cast<std::size_t>(got));
    }
  }
  close(fd);
  const auto newline = answer.find('\n');
  if (newline == std::string::npos)
    throw std::runtime_error(path + ": no answer to '" + line + "'");
  return answer.substr(0, newline);
}

}  // namespace simlab::real
