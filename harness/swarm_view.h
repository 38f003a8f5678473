// How a swarm shows its progress: a one-line progress bar (or plain lines
// when stderr is not a terminal), or with --tui an ncurses view of seeds and
// their rate, failures by verdict and by planted bug, how often each fault
// kind was active, and the latest failures with their replay commands.
#pragma once

#include <memory>

#include "harness/swarm.h"

namespace simlab {

class SwarmView {
 public:
  virtual ~SwarmView() = default;
  virtual void update(const SwarmProgress& progress) = 0;
  // Leaves the screen as a terminal expects it, then prints the summary table.
  virtual void finish(const SwarmProgress& progress) = 0;
};

// `tui` asks for the ncurses view; without a terminal it falls back to lines.
std::unique_ptr<SwarmView> make_swarm_view(bool tui);

void print_swarm_summary(const SwarmProgress& progress);

}  // namespace simlab
