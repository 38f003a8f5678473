// `simlab check --nil-read value|any`: the flag's spelling and the usage
// error for models it means nothing to, shared by the linearizability and
// the transactional checks so both refuse it in the same words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checkers/linearizability/model.h"

namespace simlab {

inline constexpr const char* kNilReadHelp =
    "what an :ok read of nil means: value (default: the register held nil) or any (the read's "
    "value is unknown and matches any state, as Knossos's register models read it); any applies "
    "to register, cas-register and kv only";

inline std::optional<linearizability::NilRead> parse_nil_read(std::string_view text) {
  if (text == "value") return linearizability::NilRead::value;
  if (text == "any") return linearizability::NilRead::any;
  return std::nullopt;
}

// The usage error for --nil-read any with a model whose nil means only nil
// (set and queue: empty; counter: not a count; mutex: no reads;
// list-append: the empty list; rw-register: the initial, unwritten value);
// nullopt when the pair is fine.
inline std::optional<std::string> nil_read_misuse(linearizability::NilRead nil_read,
                                                  std::string_view model) {
  if (nil_read == linearizability::NilRead::value || linearizability::nil_read_applies(model)) {
    return std::nullopt;
  }
  return "--nil-read any applies only to --model register, cas-register or kv; the " +
         std::string(model) + " model has no unknown-value reading of nil";
}

}  // namespace simlab
