// Transactions compiled from a history into flat arrays of dense integers,
// the form every analysis in checkers/txn works on. A history of a million
// transactions is three vectors, not a million small allocations.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checkers/history/op.h"

namespace simlab::txn {

// Which data type the micro-ops act on (Kingsbury & Alvaro, "Elle", VLDB 2020,
// section 4): lists that transactions append to, or read-write registers.
enum class DataModel : std::uint8_t { list_append, rw_register };

enum class TxnStatus : std::uint8_t {
  committed,  // completed :ok
  aborted,    // completed :fail, so none of its writes may be visible
  unknown,    // :info, or never completed: its writes may or may not be visible
};

enum class MicroOpKind : std::uint8_t { append, read, write };

// A register read of nil (the initial state) and a write of nil.
inline constexpr std::int64_t kNilValue = std::numeric_limits<std::int64_t>::min();

struct MicroOp {
  MicroOpKind kind = MicroOpKind::read;
  bool result_known = false;     // reads only: false for reads of aborted or unknown txns
  std::uint32_t key = 0;         // dense key id, see TxnHistory::key_names
  std::int64_t value = 0;        // append/write value; register read result (kNilValue for nil)
  std::uint32_t list_begin = 0;  // list-append reads: slice of TxnHistory::elements
  std::uint32_t list_size = 0;
};

struct Txn {
  std::int64_t process = 0;
  TxnStatus status = TxnStatus::unknown;
  std::int64_t invoke_index = 0;    // Op::index of the invocation
  std::int64_t complete_index = 0;  // Op::index of the completion, or -1 if none
  // Positions in the history (0-based op order) for real-time order; a txn
  // without completion has complete_position kNoPosition.
  std::int64_t invoke_position = 0;
  std::int64_t complete_position = 0;
  std::uint32_t op_begin = 0;
  std::uint32_t op_count = 0;
};

inline constexpr std::int64_t kNoPosition = std::numeric_limits<std::int64_t>::max();

struct TxnHistory {
  DataModel model = DataModel::list_append;
  std::vector<Txn> txns;  // in invocation order; a txn's id is its index here
  std::vector<MicroOp> ops;
  std::vector<std::int64_t> elements;  // list-append read results, concatenated
  std::vector<std::string> key_names;  // key id -> the key as the history wrote it

  std::span<const MicroOp> ops_of(std::uint32_t txn) const {
    return {ops.data() + txns[txn].op_begin, txns[txn].op_count};
  }
  std::span<const std::int64_t> elements_of(const MicroOp& op) const {
    return {elements.data() + op.list_begin, op.list_size};
  }
};

// A problem with the input: the op at `op_index` is not a transaction this
// data model understands.
struct TxnInputError {
  std::int64_t op_index = 0;
  std::string what;  // "expected ...", for FILE:LINE: messages
};

// Pairs each invocation with its completion by process and compiles the
// micro-ops. Ops whose f is neither "txn" nor empty are ignored (nemesis and
// other clients share histories). Keys may be integers or strings; values
// must be integers. Returns the error of the first op that does not parse.
struct TxnParseResult {
  TxnHistory history;
  std::optional<TxnInputError> error;
};
TxnParseResult compile_history(const history::History& history, DataModel model);

// Prints a key and a value as the history spelled them.
std::string value_text(std::int64_t value);

}  // namespace simlab::txn
