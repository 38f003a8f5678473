#include "harness/swarm_view.h"

#include <curses.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace simlab {
namespace {

using Clock = std::chrono::steady_clock;

double rate(const SwarmProgress& progress) {
  return progress.elapsed_s > 0 ? static_cast<double>(progress.done) / progress.elapsed_s : 0;
}

std::size_t to_run(const SwarmProgress& progress) { return progress.total - progress.skipped; }

class LineView final : public SwarmView {
 public:
  LineView() : terminal_(isatty(STDERR_FILENO) != 0) {}
  void update(const SwarmProgress& progress) override {
    const auto now = Clock::now();
    const bool last = progress.done == to_run(progress);
    if (!last && now - last_print_ < (terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5))) return;
    last_print_ = now;
    const std::size_t width = 30;
    const std::size_t filled = to_run(progress) ? progress.done * width / to_run(progress) : width;
    std::fprintf(stderr, "%s[%s%s] %zu/%zu seeds  %.1f seeds/s  failures %zu%s", terminal_ ? "\r" : "",
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), progress.done,
                 to_run(progress), rate(progress), progress.failures, terminal_ ? "   " : "\n");
    std::fflush(stderr);
  }
  void finish(const SwarmProgress& progress) override {
    if (terminal_ && progress.done > 0) std::fprintf(stderr, "\n");
    print_swarm_summary(progress);
  }

 private:
  bool terminal_;
  Clock::time_point last_print_{};
};

class CursesView final : public SwarmView {
 public:
  CursesView() {
    initscr();
    cbreak();
    noecho();
    curs_set(0);
    if (has_colors()) {
      start_color();
      init_pair(1, COLOR_RED, COLOR_BLACK);
      init_pair(2, COLOR_GREEN, COLOR_BLACK);
    }
  }
  ~CursesView() override { close(); }

  void update(const SwarmProgress& progress) override {
    erase();
    int row = 0;
    mvprintw(row++, 0, "simlab swarm   %zu/%zu seeds done (%zu already recorded)   %.1f seeds/s   %.0fs",
             progress.done, to_run(progress), progress.skipped, rate(progress), progress.elapsed_s);
    attron(COLOR_PAIR(progress.failures ? 1 : 2));
    mvprintw(row++, 0, "failures: %zu", progress.failures);
    attroff(COLOR_PAIR(progress.failures ? 1 : 2));
    row = section(row + 1, "by verdict", progress.by_verdict);
    row = section(row + 1, "failures by planted bug", progress.failures_by_bug);
    row = section(row + 1, "runs with each fault kind active", progress.fault_kind_runs);
    mvprintw(++row, 0, "latest failures");
    for (auto it = progress.latest_failures.rbegin(); it != progress.latest_failures.rend() && row < LINES - 1; ++it) {
      mvprintw(++row, 2, "seed %-8llu %-18s %-24s %s", static_cast<unsigned long long>(it->seed), it->verdict.c_str(),
               it->anomaly.c_str(), it->replay.c_str());
    }
    refresh();
  }
  void finish(const SwarmProgress& progress) override {
    close();
    print_swarm_summary(progress);
  }

 private:
  int section(int row, const char* title, const std::map<std::string, std::size_t>& counts) {
    mvprintw(row++, 0, "%s", title);
    for (const auto& [name, count] : counts) mvprintw(row++, 2, "%-32s %zu", name.c_str(), count);
    return row;
  }
  void close() {
    if (open_) endwin();
    open_ = false;
  }
  bool open_ = true;
};

}  // namespace

std::unique_ptr<SwarmView> make_swarm_view(bool tui) {
  if (tui && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) && std::getenv("TERM") != nullptr) {
    return std::make_unique<CursesView>();
  }
  return std::make_unique<LineView>();
}

void print_swarm_summary(const SwarmProgress& progress) {
  std::printf("%zu seeds run, %zu already recorded, %zu failures, %.1fs (%.1f seeds/s)\n", progress.done,
              progress.skipped, progress.failures, progress.elapsed_s, rate(progress));
  std::printf("  %-20s %8s\n", "verdict", "runs");
  for (const auto& [verdict, count] : progress.by_verdict) std::printf("  %-20s %8zu\n", verdict.c_str(), count);
  for (const auto& row : progress.latest_failures) {
    std::printf("  seed %llu: %s %s  replay: %s\n", static_cast<unsigned long long>(row.seed), row.verdict.c_str(),
                row.anomaly.c_str(), row.replay.c_str());
  }
}

}  // namespace simlab
