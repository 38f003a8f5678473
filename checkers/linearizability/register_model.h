// Registers: `register` (read, write), `cas-register` (read, write, cas) and
// `kv`, a register per key (the checker splits by key) that also takes the
// Porcupine kv vocabulary: get, put and append on strings. In kv an absent
// key and the empty string are one value, since Porcupine's keys start as ""
// while Jepsen's start as nil. Under NilRead::any (model.h) an :ok read that
// returned nil (in kv: nil, not "") constrains nothing.
#pragma once

#include <memory>

#include "checkers/history/value.h"
#include "checkers/linearizability/model.h"

namespace simlab::linearizability {

enum class RegisterFlavor { plain, cas, kv };

std::unique_ptr<Model> make_register_model(RegisterFlavor flavor, const history::Value& init,
                                           NilRead nil_read = NilRead::value);

}  // namespace simlab::linearizability
