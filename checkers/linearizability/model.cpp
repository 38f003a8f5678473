#include "checkers/linearizability/model.h"

#include "checkers/history/value_format.h"
#include "checkers/linearizability/collection_models.h"
#include "checkers/linearizability/register_model.h"

namespace simlab::linearizability {

std::span<const std::string_view> model_names() {
  static constexpr std::string_view kNames[] = {"register",   "cas-register", "kv",   "set",
                                                "fifo-queue", "counter",      "mutex"};
  return kNames;
}

bool nil_read_applies(std::string_view model_name) {
  return model_name == "register" || model_name == "cas-register" || model_name == "kv";
}

std::string expected_functions(std::string_view functions, std::string_view model_name,
                               const history::Op& invocation) {
  // Quoted and escaped: f came from a file and may hold anything.
  return "expected f " + std::string(functions) + " for the " + std::string(model_name) +
         " model, found f " + history::format_value(history::Value::string(invocation.f));
}

std::optional<ModelFactory> make_model_factory(std::string_view name, const history::Value& init,
                                               NilRead nil_read) {
  const auto registers = [init, nil_read](RegisterFlavor flavor) -> ModelFactory {
    return [init, nil_read, flavor] { return make_register_model(flavor, init, nil_read); };
  };
  if (name == "register") return registers(RegisterFlavor::plain);
  if (name == "cas-register") return registers(RegisterFlavor::cas);
  if (name == "kv") return registers(RegisterFlavor::kv);
  if (name == "set") return [init] { return make_set_model(init); };
  if (name == "fifo-queue") return [init] { return make_queue_model(init); };
  if (name == "counter") return [init] { return make_counter_model(init); };
  if (name == "mutex") return [] { return make_mutex_model(); };
  return std::nullopt;
}

}  // namespace simlab::linearizability
