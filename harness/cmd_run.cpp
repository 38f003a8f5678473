#include <cstdio>

#include "harness/command.h"

namespace simlab {

int cmd_run(int, char**) {
  std::fprintf(stderr, "simlab run: the simulation kernel is being built in this commit series\n");
  return kExitUnavailable;
}

}  // namespace simlab
