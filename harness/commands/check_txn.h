// The transactional checker's entry point (models list-append and
// rw-register), which `simlab check` forwards to.
#pragma once

namespace simlab {

// argv[0] is "check"; the rest are `simlab check`'s arguments unchanged.
int cmd_check_txn(int argc, char** argv);

}  // namespace simlab
