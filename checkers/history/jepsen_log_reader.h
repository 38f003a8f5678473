// Reads Jepsen's etcd-style log lines (jepsen.util logging each op):
//   INFO  jepsen.util - 2	:invoke	:cas	[3 0]
// Fields are separated by tabs or spaces; the value is EDN. Lines that are
// not jepsen.util op lines (other loggers, the nemesis) are skipped. A read
// that ends ":fail :read :timed-out" did not fail: its result is unknown, so
// it is read as :info. Ops pending at the end keep an unknown outcome.
#pragma once

#include <string>
#include <string_view>

#include "checkers/history/op.h"

namespace simlab::history {

// Throws ParseError "FILE:LINE: what was expected" on malformed op lines.
History read_jepsen_log(std::string_view text, const std::string& file_name);

}  // namespace simlab::history
