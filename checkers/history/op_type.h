// Names of op types as they appear in files (JSONL "ok", EDN :ok).
#pragma once

#include <optional>
#include <string_view>

#include "checkers/history/op.h"

namespace simlab::history {

constexpr std::string_view op_type_name(OpType type) {
  switch (type) {
    case OpType::invoke: return "invoke";
    case OpType::ok: return "ok";
    case OpType::fail: return "fail";
    case OpType::info: return "info";
  }
  return "invoke";
}

constexpr std::optional<OpType> parse_op_type(std::string_view name) {
  if (name == "invoke") return OpType::invoke;
  if (name == "ok") return OpType::ok;
  if (name == "fail") return OpType::fail;
  if (name == "info") return OpType::info;
  return std::nullopt;
}

}  // namespace simlab::history
