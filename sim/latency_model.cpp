#include "sim/latency_model.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace simlab::sim {

std::int64_t LatencyModel::sample(RandomSource& random) const {
  switch (kind) {
    case Kind::constant:
      return min_ns;
    case Kind::uniform:
      return random.between(min_ns, std::max(min_ns, max_ns));
    case Kind::exponential: {
      // Inverse transform; 1 - u is in (0, 1], so the log is finite.
      const double draw = -std::log(1.0 - random.unit()) * static_cast<double>(mean_ns);
      return std::min(max_ns, min_ns + static_cast<std::int64_t>(draw));
    }
    case Kind::pareto: {
      const double draw = static_cast<double>(min_ns) / std::pow(1.0 - random.unit(), 1.0 / shape);
      return std::min(max_ns, static_cast<std::int64_t>(draw));
    }
  }
  return min_ns;
}

std::string LatencyModel::describe() const {
  switch (kind) {
    case Kind::constant: return fmt::format("constant {}ns", min_ns);
    case Kind::uniform: return fmt::format("uniform {}..{}ns", min_ns, max_ns);
    case Kind::exponential: return fmt::format("exponential floor {}ns mean {}ns", min_ns, mean_ns);
    case Kind::pareto: return fmt::format("pareto scale {}ns shape {} cap {}ns", min_ns, shape, max_ns);
  }
  return "?";
}

}  // namespace simlab::sim
