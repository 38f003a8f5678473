// The Kafka-style queue checker's entry point (checkers/queue), which
// `simlab check --model queue` forwards to.
#pragma once

namespace simlab {

// argv[0] is "check"; the rest are `simlab check`'s arguments unchanged.
int cmd_check_queue(int argc, char** argv);

}  // namespace simlab
