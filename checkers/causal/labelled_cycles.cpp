#include "checkers/causal/labelled_cycles.h"

#include <algorithm>
#include <deque>

namespace simlab::causal {
namespace {

inline constexpr std::size_t kUnvisited = static_cast<std::size_t>(-1);

using Adjacency = std::vector<std::vector<std::size_t>>;  // node -> edge ids

// Tarjan's strongly connected components without recursion: each frame
// is a node and how far its out-edges have been walked.
std::vector<std::size_t> components(std::size_t node_count, const std::vector<LabelledEdge>& edges,
                                    const Adjacency& out) {
  std::vector<std::size_t> index(node_count, kUnvisited), low(node_count), component(node_count);
  std::vector<bool> on_stack(node_count, false);
  std::vector<std::size_t> stack;
  std::vector<std::pair<std::size_t, std::size_t>> frames;  // node, next out-edge
  std::size_t next_index = 0, next_component = 0;
  for (std::size_t root = 0; root < node_count; ++root) {
    if (index[root] != kUnvisited) continue;
    frames.emplace_back(root, 0);
    while (!frames.empty()) {
      auto& [node, next] = frames.back();
      if (next == 0 && index[node] == kUnvisited) {
        index[node] = low[node] = next_index++;
        stack.push_back(node);
        on_stack[node] = true;
      }
      if (next < out[node].size()) {
        const std::size_t to = edges[out[node][next++]].to;
        if (index[to] == kUnvisited) {
          frames.emplace_back(to, 0);
        } else if (on_stack[to]) {
          low[node] = std::min(low[node], index[to]);
        }
        continue;
      }
      const std::size_t done = node;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
      if (low[done] != index[done]) continue;
      std::size_t member = 0;
      do {
        member = stack.back();
        stack.pop_back();
        on_stack[member] = false;
        component[member] = next_component;
      } while (member != done);
      ++next_component;
    }
  }
  return component;
}

// The shortest path of edges from `from` to `to` inside one component.
std::vector<LabelledEdge> path_inside(std::size_t from, std::size_t to,
                                      const std::vector<LabelledEdge>& edges, const Adjacency& out,
                                      const std::vector<std::size_t>& component) {
  std::vector<std::size_t> via(component.size(), kUnvisited);  // node -> edge that reached it
  std::deque<std::size_t> queue{from};
  std::vector<bool> reached(component.size(), false);
  reached[from] = true;
  while (!queue.empty() && !reached[to]) {
    const std::size_t node = queue.front();
    queue.pop_front();
    for (const std::size_t edge : out[node]) {
      const std::size_t next = edges[edge].to;
      if (reached[next] || component[next] != component[from]) continue;
      reached[next] = true;
      via[next] = edge;
      queue.push_back(next);
    }
  }
  std::vector<LabelledEdge> path;
  for (std::size_t node = to; node != from; node = edges[via[node]].from)
    path.push_back(edges[via[node]]);
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

std::vector<std::vector<LabelledEdge>> cycles_through_labels(std::size_t node_count,
                                                             const std::vector<LabelledEdge>& edges,
                                                             std::size_t cycles_max) {
  Adjacency out(node_count);
  for (std::size_t edge = 0; edge < edges.size(); ++edge) out[edges[edge].from].push_back(edge);
  const std::vector<std::size_t> component = components(node_count, edges, out);
  std::vector<bool> reported(node_count, false);  // per component
  std::vector<std::vector<LabelledEdge>> cycles;
  for (const LabelledEdge& edge : edges) {
    if (cycles.size() >= cycles_max) break;
    if (edge.label == kNoLabel || component[edge.from] != component[edge.to] ||
        reported[component[edge.from]])
      continue;
    reported[component[edge.from]] = true;
    std::vector<LabelledEdge> cycle{edge};
    if (edge.from != edge.to) {
      const auto back = path_inside(edge.to, edge.from, edges, out, component);
      cycle.insert(cycle.end(), back.begin(), back.end());
    }
    cycles.push_back(std::move(cycle));
  }
  return cycles;
}

}  // namespace simlab::causal
