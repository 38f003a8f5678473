#include "sim/causal_log.h"

namespace simlab::sim {

const char* causal_kind_name(CausalKind kind) {
  switch (kind) {
    case CausalKind::start:
      return "start";
    case CausalKind::message:
      return "message";
    case CausalKind::timer:
      return "timer";
    case CausalKind::disk_done:
      return "disk";
    case CausalKind::client_request:
      return "request";
    case CausalKind::client_reply:
      return "reply";
  }
  return "?";
}

}  // namespace simlab::sim
