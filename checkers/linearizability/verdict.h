// What a checker concludes. `unknown` means it gave up (a budget ran out),
// never that it guessed.
#pragma once

#include <string_view>

namespace simlab::linearizability {

enum class Verdict { valid, invalid, unknown };

constexpr std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::valid: return "valid";
    case Verdict::invalid: return "invalid";
    case Verdict::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace simlab::linearizability
