// A sequential specification the linearizability search checks against.
// Histories are compiled once into Calls of small integers (interned values)
// so the search's inner loop never touches a history::Value.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "checkers/history/op.h"

namespace simlab::linearizability {

// One operation compiled for a model. `f` and the meaning of input/output are
// the model's own; values are ids from the model's tables.
struct Call {
  std::int32_t f = 0;
  bool output_known = true;  // false when the outcome is unknown (info, pending)
  std::int64_t input = 0;
  std::int64_t input2 = 0;
  std::int64_t output = 0;
};

// What a register call does, for the unique-value fast path.
struct RegisterAccess {
  enum class Kind { read, write, cas } kind;
  std::int64_t read_value = 0;     // read: what was read; cas: the expected value
  std::int64_t written_value = 0;  // write and cas
};

class Model {
 public:
  virtual ~Model() = default;

  // Compiles an op from its invocation and, when the op completed :ok, its
  // completion (nullptr when the outcome is unknown). Returns what was
  // expected when the op is not one this model knows.
  virtual std::optional<std::string> compile(const history::Op& invocation,
                                             const history::Op* completion, Call& call) = 0;
  // Called once a partition's calls are all compiled, so the model may
  // rewrite calls using what the whole partition shows.
  virtual void finish_compile(std::span<Call> /*calls*/) {}
  virtual std::int64_t initial_state() = 0;
  // Whether `call` may take effect in `state`; sets `next` when it may. A call
  // with an unknown output that cannot take effect is a no-op here (it may
  // equally have happened later or never).
  virtual bool step(std::int64_t state, const Call& call, std::int64_t& next) = 0;
  // True for calls that never change the state (reads): with an unknown
  // outcome they constrain nothing and are dropped before the search.
  virtual bool read_only(const Call& call) const = 0;
  virtual std::string describe_state(std::int64_t state) const = 0;
  // Pruning for the search (optional). `resets` says whether a call can
  // replace the state wholesale (a write); `may_reach` whether, with no such
  // call left to linearize, some sequence of the remaining calls could still
  // lead from `state` to one where the known-output read `read` is legal.
  // May only be false for models whose other calls never replace the state.
  // Returning false must be a proof: the search drops the branch.
  virtual bool prunes() const { return false; }  // true when may_reach can ever say no
  virtual bool resets(const Call&) const { return true; }
  virtual bool may_reach(std::int64_t /*state*/, const Call& /*read*/) const { return true; }
  // Whether `read` could be legal after `reset` and then calls that do not
  // replace the state; false must be a proof.
  virtual bool may_follow(const Call& /*reset*/, const Call& /*read*/) const { return true; }
  // Set only by register-like models, whose histories may take the fast path.
  virtual std::optional<RegisterAccess> register_access(const Call&) const { return std::nullopt; }
};

// Makes a fresh model per partition (one per key), each with its own tables.
using ModelFactory = std::function<std::unique_ptr<Model>()>;

// What an :ok read that returned nil means to a register. `value`: the
// register held nil. `any`: the read's value is unknown, so it matches any
// state, as in Knossos's Register and CASRegister (knossos.model, where a
// read of nil is "we don't know what the read was"). Only the register
// models (register, cas-register, kv) have reads of a single value to
// reinterpret; see nil_read_applies().
enum class NilRead { value, any };

// The models `simlab check --model` knows: register, cas-register, kv, set,
// queue, counter, mutex. nullopt for any other name. Models for which
// nil_read_applies() is false ignore `nil_read`.
std::optional<ModelFactory> make_model_factory(std::string_view name, const history::Value& init,
                                               NilRead nil_read = NilRead::value);
std::span<const std::string_view> model_names();
bool nil_read_applies(std::string_view model_name);

// The message for an op whose f the model does not know: "expected f
// FUNCTIONS for the MODEL model, found f \"F\"".
std::string expected_functions(std::string_view functions, std::string_view model_name,
                               const history::Op& invocation);

}  // namespace simlab::linearizability
