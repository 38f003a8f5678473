#include "sim/latency_model.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/integer_math.h"

namespace simlab::sim {

std::int64_t LatencyModel::sample(RandomSource& random) const {
  switch (kind) {
    case Kind::constant:
      return min_ns;
    case Kind::uniform:
      return random.between(min_ns, std::max(min_ns, max_ns));
    // Inverse transforms in integer arithmetic (integer_math.h: no libm, so
    // every platform draws the same nanoseconds).
    case Kind::exponential:
      return std::min(max_ns, min_ns + exponential_draw(random.next_u64(), mean_ns));
    case Kind::pareto:
      return pareto_draw(random.next_u64(), min_ns, to_fixed(shape), std::max(min_ns, max_ns));
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
