// EdnParser on the EDN that Jepsen and Knossos histories hold: every form,
// comments and discards, tagged literals, and the errors for what it
// refuses, each with its line.
#include "checkers/history/edn_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "checkers/history/parse_error.h"

namespace simlab::history {
namespace {

Value read_one(const std::string& text, FormKind* kind = nullptr) {
  EdnParser parser(text, "t.edn");
  Value value = parser.parse_value();
  if (kind) *kind = parser.last_kind();
  EXPECT_TRUE(parser.at_end()) << text;
  return value;
}

FormKind kind_of(const std::string& text) {
  FormKind kind = FormKind::nil;
  read_one(text, &kind);
  return kind;
}

ParseError error_of(const std::string& text) {
  try {
    EdnParser parser(text, "t.edn");
    while (!parser.at_end()) parser.parse_value();
  } catch (const ParseError& error) {
    return error;
  }
  ADD_FAILURE() << "no error for " << text;
  return ParseError("", 0, "");
}

Value integers(std::initializer_list<std::int64_t> numbers) {
  Value::List items;
  for (const std::int64_t number : numbers) items.push_back(Value::integer(number));
  return Value::list(std::move(items));
}

TEST(EdnParser, CollectionsReadAsListsAndMapsAsPairs) {
  EXPECT_EQ(read_one("[1 2 3]"), integers({1, 2, 3}));
  EXPECT_EQ(read_one("(1, 2, 3)"), integers({1, 2, 3}));
  EXPECT_EQ(read_one("#{1 2 3}"), integers({1, 2, 3}));
  EXPECT_EQ(read_one("{:a 1}"),
            Value::list({Value::list({Value::string("a"), Value::integer(1)})}));
  EXPECT_EQ(kind_of("[1]"), FormKind::vector);
  EXPECT_EQ(kind_of("(1)"), FormKind::list);
  EXPECT_EQ(kind_of("#{1}"), FormKind::set);
  EXPECT_EQ(kind_of("{:a {:b [1]}}"), FormKind::map);
}

TEST(EdnParser, KeywordsSymbolsAndStringsAreTold) {
  EXPECT_EQ(read_one(":nemesis"), Value::string("nemesis"));
  EXPECT_EQ(kind_of(":nemesis"), FormKind::keyword);
  EXPECT_EQ(kind_of("nemesis"), FormKind::symbol);
  EXPECT_EQ(kind_of("\"nemesis\""), FormKind::string);
  EXPECT_EQ(kind_of(":jepsen.history/op"), FormKind::keyword);
  EXPECT_EQ(kind_of("nil"), FormKind::nil);
  EXPECT_EQ(kind_of("true"), FormKind::boolean);
  EXPECT_EQ(read_one("false"), Value::integer(0));
}

TEST(EdnParser, CommentsAndDiscardsAreBlank) {
  EXPECT_EQ(read_one("; a comment\n[1 ; two\n 2]"), integers({1, 2}));
  EXPECT_EQ(read_one("[1 #_ 2 3]"), integers({1, 3}));
  EXPECT_EQ(read_one("[1 #_ #_ 2 3 4]"), integers({1, 4}));
  EXPECT_EQ(read_one("[1 #_{:a [nested]}]"), integers({1}));
  EXPECT_EQ(read_one("#_ :gone 7"), Value::integer(7));
  EXPECT_EQ(kind_of("#_ :gone 7"),
            FormKind::integer);  // the discarded keyword is not the last kind
}

TEST(EdnParser, TaggedLiteralsReadAsWhatTheyWrap) {
  EXPECT_EQ(read_one("#inst \"2024-05-01T10:00:00.000-00:00\""),
            Value::string("2024-05-01T10:00:00.000-00:00"));
  EXPECT_EQ(read_one("#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\""),
            Value::string("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
  EXPECT_EQ(read_one("#jepsen.history.Op{:index 0}"), read_one("{:index 0}"));
  EXPECT_EQ(kind_of("#jepsen.history.Op{:index 0}"), FormKind::map);
  EXPECT_EQ(read_one("#object[java.lang.Exception 0x1f \"boom\"]").as_list().size(), 3u);
  EXPECT_EQ(read_one("#a #b 5"), Value::integer(5));
}

TEST(EdnParser, FloatsAreReadAsFloats) {
  EXPECT_EQ(read_one("1.5"), Value::floating(1.5));
  EXPECT_EQ(read_one("-2e3"), Value::floating(-2000));
  EXPECT_EQ(read_one("+0.25"), Value::floating(0.25));
  EXPECT_EQ(read_one("1.5M"), Value::floating(1.5));
  EXPECT_EQ(read_one("3."), Value::floating(3));
  EXPECT_EQ(read_one("42N"), Value::integer(42));
  EXPECT_EQ(read_one("0x1f"), Value::integer(31));  // Clojure's, inside #object[...]
  EXPECT_EQ(read_one("-0x10"), Value::integer(-16));
  EXPECT_EQ(kind_of("1.0"), FormKind::floating);
  EXPECT_NE(read_one("1.0"), Value::integer(1));
  EXPECT_EQ(read_one("##Inf"), Value::floating(HUGE_VAL));
  EXPECT_EQ(read_one("##-Inf"), Value::floating(-HUGE_VAL));
  EXPECT_TRUE(std::isnan(read_one("##NaN").as_floating()));
}

TEST(EdnParser, CharactersReadAsOneCharacterStrings) {
  EXPECT_EQ(read_one("\\a"), Value::string("a"));
  EXPECT_EQ(read_one("\\newline"), Value::string("\n"));
  EXPECT_EQ(read_one("\\space"), Value::string(" "));
  EXPECT_EQ(read_one("\\tab"), Value::string("\t"));
  EXPECT_EQ(read_one("\\u0041"), Value::string("A"));
  EXPECT_EQ(read_one("\\o101"), Value::string("A"));
  EXPECT_EQ(read_one("[\\( \\)]"), Value::list({Value::string("("), Value::string(")")}));
  EXPECT_EQ(read_one("\\\u00e9"), Value::string("\u00e9"));
  EXPECT_EQ(kind_of("\\a"), FormKind::character);
}

TEST(EdnParser, StringEscapes) {
  EXPECT_EQ(read_one(R"("say \"hi\"\\ \n\t\r\b\f")"), Value::string("say \"hi\"\\ \n\t\r\b\f"));
  EXPECT_EQ(read_one(R"("caf\u00e9")"), Value::string("caf\u00e9"));
  EXPECT_EQ(read_one(R"("\uD83D\uDE00")"), Value::string("\U0001F600"));  // a surrogate pair
}

TEST(EdnParser, RefusalsNameTheLine) {
  EXPECT_EQ(error_of("\n\"abc").line(), 2);
  EXPECT_NE(error_of("\"\\q\"").expected().find("\\uXXXX"), std::string::npos);
  EXPECT_NE(error_of("\"\\u12\"").expected().find("four hex digits"), std::string::npos);
  EXPECT_NE(error_of("\"\\uD83D\"").expected().find("after the high surrogate"), std::string::npos);
  EXPECT_NE(error_of("\"\\uDE00\"").expected().find("half a surrogate pair"), std::string::npos);
  EXPECT_NE(error_of("\\bell").expected().find("expected a character"), std::string::npos);
  EXPECT_NE(error_of("[1 #_]").expected().find("a value, found ']'"), std::string::npos);
  EXPECT_NE(error_of("[1]\n#_").expected().find("a form after #_"), std::string::npos);
  EXPECT_NE(error_of("##Foo").expected().find("##Inf"), std::string::npos);
  EXPECT_NE(error_of("#\"regex\"").expected().find("a tag such as #inst"), std::string::npos);
  EXPECT_NE(error_of("#inst").expected().find("after the tag #inst"), std::string::npos);
  EXPECT_NE(error_of("99999999999999999999").expected().find("64-bit integer"), std::string::npos);
  EXPECT_NE(error_of("1e999").expected().find("a double's range"), std::string::npos);
  EXPECT_NE(error_of("1/2").expected().find("a number such as"), std::string::npos);
  EXPECT_NE(error_of("0x").expected().find("hex digits after 0x"), std::string::npos);
  EXPECT_NE(error_of("0x8000000000000000").expected().find("64-bit integer"), std::string::npos);
}

TEST(EdnParser, NestingIsBoundedForDiscardsAndTagsToo) {
  for (const std::string& opener : {std::string("["), std::string("#_ "), std::string("#t ")}) {
    std::string deep;
    for (int i = 0; i < 300; ++i) deep += opener;
    EXPECT_NE(error_of(deep + "1").expected().find("nested at most 200 deep"), std::string::npos)
        << opener;
  }
}

TEST(EdnParser, DescribeFormSaysWhatTheFileSpelled) {
  EXPECT_EQ(describe_form(FormKind::symbol, Value::string("foo")), "the symbol foo");
  EXPECT_EQ(describe_form(FormKind::keyword, Value::string("nemesis")), "the keyword :nemesis");
  EXPECT_EQ(describe_form(FormKind::string, Value::string("x")), "the string \"x\"");
  EXPECT_EQ(describe_form(FormKind::floating, Value::floating(1.5)), "the float 1.5");
  EXPECT_EQ(describe_form(FormKind::map, Value::list({})), "a map");
}

}  // namespace
}  // namespace simlab::history
