#include "workloads/client_script.h"

namespace simlab {

std::vector<ClientScript> client_scripts(const history::History& history, std::uint32_t clients,
                                         std::int64_t process_limit) {
  std::vector<ClientScript> scripts(clients);
  const std::vector<std::int64_t> completions = history::completion_positions(history);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const history::Op& op = history[i];
    if (op.process < 0 || op.process >= process_limit || op.type != history::OpType::invoke)
      continue;
    ScriptedOp scripted{op.time, op.f, op.key, op.value};
    scripted.crash =
        completions[i] >= 0 && history[static_cast<std::size_t>(completions[i])].error == kCrashed;
    scripts[static_cast<std::size_t>(op.process % clients)].push_back(std::move(scripted));
  }
  return scripts;
}

void wait_for_scripted_op(ClientEnv& env, const ScriptedOp& op, bool think_due) {
  const std::int64_t wait_ns = op.at_ns - env.now_ns();
  if (wait_ns > 0 || think_due) env.sleep_for(wait_ns > 0 ? wait_ns : 0);
}

std::size_t scripted_op_count(const std::vector<ClientScript>& scripts) {
  std::size_t count = 0;
  for (const ClientScript& script : scripts) count += script.size();
  return count;
}

}  // namespace simlab
