// `simlab check --model set-full|g-counter|pn-counter`: the checkers for
// eventually consistent data types (checkers/set, checkers/counter), which
// `simlab check` forwards to (history::is_eventual_consistency_model).
#pragma once

namespace simlab {

// argv[0] is "check"; the rest are `simlab check`'s arguments unchanged.
int cmd_check_eventual(int argc, char** argv);

}  // namespace simlab
