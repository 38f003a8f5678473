#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "checkers/history/value_format.h"

namespace simlab::history {
namespace {

TEST(ValueFormat, PrintsEdn) {
  EXPECT_EQ(format_value(Value()), "nil");
  EXPECT_EQ(format_value(Value::list({Value::integer(1), Value::string("a"), Value()})), "[1 \"a\" nil]");
}

// Found by the jepsen-log fuzzer: a byte that is not UTF-8 in a symbol made
// the explanation's JSON dump throw.
TEST(ValueFormat, StringsThatAreNotUtf8PrintWithoutThrowing) {
  const Value value = Value::string("n\xd2l");
  EXPECT_EQ(format_value(value), "\"n\xef\xbf\xbdl\"");
  EXPECT_EQ(dump_json(value_to_json(value)), "\"n\xef\xbf\xbdl\"");
}

TEST(ValueFormat, EqualValuesHashEqual) {
  EXPECT_EQ(hash_value(Value::list({Value::integer(1)})), hash_value(Value::list({Value::integer(1)})));
  EXPECT_NE(hash_value(Value::integer(1)), hash_value(Value::string("1")));
}

}  // namespace
}  // namespace simlab::history
