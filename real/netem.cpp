#include "real/netem.h"

#include <fcntl.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/tc.h>
#include <sched.h>
#include <unistd.h>

#include <cstdint>
#include <functional>

namespace simlab::real {
namespace {

// Runs `body` with this thread in namespace `ns` (a netlink socket binds to
// the namespace it is opened in), then returns to where it was.
std::optional<std::string> in_namespace(const std::string& ns,
                                        const std::function<std::optional<std::string>()>& body) {
  const int original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = open(("/var/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (original < 0 || target < 0 || setns(target, CLONE_NEWNET) != 0) {
    if (original >= 0) close(original);
    if (target >= 0) close(target);
    return "cannot enter network namespace " + ns;
  }
  std::optional<std::string> result = body();
  setns(original, CLONE_NEWNET);
  close(original);
  close(target);
  return result;
}

// netem's probabilities are fractions of 2^32 - 1.
int probability(double value) {
  const double clamped = value < 0 ? 0 : value > 1 ? 1 : value;
  return static_cast<int>(static_cast<std::uint32_t>(clamped * 4294967295.0));
}

std::optional<std::string> with_qdisc(const std::string& device, bool add,
                                      const NetemSettings& settings) {
  nl_sock* socket = nl_socket_alloc();
  if (socket == nullptr || nl_connect(socket, NETLINK_ROUTE) != 0) {
    if (socket) nl_socket_free(socket);
    return std::string("cannot open a netlink socket");
  }
  nl_cache* links = nullptr;
  std::optional<std::string> error;
  rtnl_qdisc* qdisc = rtnl_qdisc_alloc();
  if (rtnl_link_alloc_cache(socket, AF_UNSPEC, &links) != 0) {
    error = "cannot list links";
  } else if (const int index = rtnl_link_name2i(links, device.c_str()); index == 0) {
    error = "no link " + device;
  } else {
    rtnl_tc_set_ifindex(TC_CAST(qdisc), index);
    rtnl_tc_set_parent(TC_CAST(qdisc), TC_H_ROOT);
    if (add) {
      rtnl_tc_set_kind(TC_CAST(qdisc), "netem");
      rtnl_netem_set_loss(qdisc, probability(settings.loss));
      rtnl_netem_set_duplicate(qdisc, probability(settings.duplicate));
      rtnl_netem_set_corruption_probability(qdisc, probability(settings.corrupt));
      rtnl_netem_set_reorder_probability(qdisc, probability(settings.reorder));
      rtnl_netem_set_delay(qdisc, static_cast<int>(settings.delay_ns / 1000));  // microseconds
      const int status = rtnl_qdisc_add(socket, qdisc, NLM_F_CREATE | NLM_F_REPLACE);
      if (status < 0) error = std::string("the kernel refused netem (") + nl_geterror(status) + ")";
    } else {
      rtnl_qdisc_delete(socket, qdisc);
    }
  }
  rtnl_qdisc_put(qdisc);
  if (links) nl_cache_free(links);
  nl_socket_free(socket);
  return error;
}

}  // namespace

std::optional<std::string> add_netem(const std::string& ns, const std::string& device,
                                     const NetemSettings& settings) {
  return in_namespace(ns, [&] { return with_qdisc(device, true, settings); });
}

void remove_root_qdisc(const std::string& ns, const std::string& device) {
  in_namespace(ns, [&] { return with_qdisc(device, false, {}); });
}

}  // namespace simlab::real
