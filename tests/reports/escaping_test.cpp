// The two escapes that keep a history's text from becoming markup.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reports/script_json.h"

namespace simlab::reports {
namespace {

TEST(JsonForScript, NoCharacterCanEndTheScriptElement) {
  const nlohmann::json data = {{"value", "</script><script>alert(1)</script>"},
                               {"comment", "<!-- & -->"}};
  const std::string text = json_for_script(data);
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(text.find('>'), std::string::npos) << text;
  EXPECT_EQ(text.find('&'), std::string::npos) << text;
  EXPECT_NE(text.find("\\u003c/script\\u003e"), std::string::npos) << text;
  EXPECT_EQ(nlohmann::json::parse(text), data);  // the same data when parsed back
}

TEST(JsonForScript, LineAndParagraphSeparatorsAreEscaped) {
  const nlohmann::json data = {{"value", "a\u2028b\u2029c"}};
  const std::string text = json_for_script(data);
  EXPECT_EQ(text.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_EQ(text.find("\xE2\x80\xA9"), std::string::npos);
  EXPECT_NE(text.find("\\u2028"), std::string::npos) << text;
  EXPECT_NE(text.find("\\u2029"), std::string::npos) << text;
  EXPECT_EQ(nlohmann::json::parse(text), data);
}

TEST(JsonForScript, OtherUnicodeIsKept) {
  const nlohmann::json data = {{"value", "caf\u00e9 \u2192 \u2027"}};
  EXPECT_EQ(json_for_script(data), "{\"value\":\"caf\u00e9 \u2192 \u2027\"}");
}

TEST(JsonForScript, InvalidUtf8IsReplacedNotThrown) {
  const nlohmann::json data = {{"value", std::string("ok \xFF\xFE bytes")}};
  std::string text;
  ASSERT_NO_THROW(text = json_for_script(data));
  EXPECT_NE(text.find("ok "), std::string::npos);
  EXPECT_TRUE(nlohmann::json::accept(text)) << text;
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain text"), "plain text");
}

}  // namespace
}  // namespace simlab::reports
