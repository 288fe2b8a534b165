#include "cli/template_tree.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

std::string Refusal(const std::string& format_template) {
  auto parsed = ParseTemplate(format_template);
  EXPECT_FALSE(parsed.ok()) << format_template;
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

TEST(TemplateTreeTest, TextActionsAndNestedRanges) {
  auto parsed = ParseTemplate("a{{ .X }}b{{range .L}}[{{range .M}}{{.}}{{end}}]{{end}}\\t");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const auto& nodes = *parsed;
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes[0].text, "a");
  EXPECT_EQ(nodes[1].kind, TemplateNode::Kind::kAction);
  EXPECT_EQ(nodes[1].text, ".X");
  EXPECT_EQ(nodes[3].kind, TemplateNode::Kind::kRange);
  EXPECT_EQ(nodes[3].text, ".L");
  ASSERT_EQ(nodes[3].body.size(), 3u);
  EXPECT_EQ(nodes[3].body[1].kind, TemplateNode::Kind::kRange);
  EXPECT_EQ(nodes[3].body[1].body[0].text, ".");
  EXPECT_EQ(nodes[4].text, "\t") << "a typed \\t is a tab";
}

TEST(TemplateTreeTest, DashesTrimTheSpaceAround) {
  auto parsed = ParseTemplate("a  \n{{- .X -}}\n  b");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].text, "a");
  EXPECT_EQ((*parsed)[1].text, ".X");
  EXPECT_EQ((*parsed)[2].text, "b");
}

TEST(TemplateTreeTest, MistakesAreNamed) {
  EXPECT_NE(Refusal("{{.X").find("'{{' without '}}'"), std::string::npos);
  EXPECT_NE(Refusal("{{end}}").find("{{end}} without {{range}}"), std::string::npos);
  EXPECT_NE(Refusal("{{range .L}}x").find("{{range .L}} without {{end}}"), std::string::npos);
  EXPECT_NE(Refusal("{{if .X}}y{{end}}").find("{{if}} is not supported"), std::string::npos);
  EXPECT_NE(Refusal("{{range $i, $e := .L}}{{end}}").find("variables are not supported"),
            std::string::npos);
}

TEST(TemplateTreeTest, ActionWordsKeepStringsWhole) {
  auto words = ActionWords("index .Config.Labels \"a b\\\"c\" | json");
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words,
            (std::vector<std::string>{"index", ".Config.Labels", "\"a b\\\"c\"", "|", "json"}));
  auto nested = ActionWords("json (index .M `k`)");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(*nested, (std::vector<std::string>{"json", "(", "index", ".M", "`k`", ")"}));
  EXPECT_FALSE(ActionWords("index .M \"open").ok());
}

}  // namespace
}  // namespace boxcar::cli
