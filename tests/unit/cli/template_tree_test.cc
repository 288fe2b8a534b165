#include "cli/template_tree.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

// The message of a template that does not parse, which must name the place.
std::string Refusal(const std::string& format_template) {
  auto parsed = ParseTemplate(format_template);
  EXPECT_FALSE(parsed.ok()) << format_template;
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

TEST(TemplateTreeTest, TextActionsAndNestedRanges) {
  auto parsed = ParseTemplate("a{{ .X }}b{{range .L}}[{{range .M}}{{.}}{{end}}]{{end}}\\t");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const auto& nodes = parsed->nodes;
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes[0].text, "a");
  EXPECT_EQ(nodes[1].kind, TemplateNode::Kind::kAction);
  EXPECT_EQ(nodes[1].pipeline.source, ".X");
  EXPECT_EQ(nodes[3].kind, TemplateNode::Kind::kRange);
  EXPECT_EQ(nodes[3].pipeline.source, ".L");
  ASSERT_EQ(nodes[3].body.size(), 3u);
  EXPECT_EQ(nodes[3].body[1].kind, TemplateNode::Kind::kRange);
  EXPECT_EQ(nodes[3].body[1].body[0].pipeline.commands[0].operands[0].kind,
            TemplateOperand::Kind::kDot);
  EXPECT_EQ(nodes[4].text, "\t") << "a typed \\t is a tab";
}

TEST(TemplateTreeTest, DashesTrimTheSpaceAroundAndCommentsVanish) {
  auto parsed =
      ParseTemplate("a  \n{{- .X -}}\n  b {{/* a comment with }} inside */}}c{{- /* x */ -}}  d");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->nodes.size(), 5u);
  EXPECT_EQ(parsed->nodes[0].text, "a");
  EXPECT_EQ(parsed->nodes[1].pipeline.source, ".X");
  EXPECT_EQ(parsed->nodes[2].text, "b ");
  EXPECT_EQ(parsed->nodes[3].text, "c");
  EXPECT_EQ(parsed->nodes[4].text, "d");
}

TEST(TemplateTreeTest, ElseIfChainsCloseWithOneEnd) {
  auto parsed = ParseTemplate("{{if .A}}a{{else if .B}}b{{else}}c{{end}}!");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->nodes.size(), 2u);
  const TemplateNode& outer = parsed->nodes[0];
  EXPECT_EQ(outer.kind, TemplateNode::Kind::kIf);
  ASSERT_EQ(outer.else_body.size(), 1u);
  EXPECT_EQ(outer.else_body[0].kind, TemplateNode::Kind::kIf);
  EXPECT_EQ(outer.else_body[0].else_body[0].text, "c");
  EXPECT_EQ(parsed->nodes[1].text, "!");
}

TEST(TemplateTreeTest, PipelinesDeclareVariablesAndCallFunctions) {
  auto parsed = ParseTemplate(
      "{{range $k, $v := .Config.Labels}}{{$k}}{{end}}{{$x := .State.Pid}}"
      "{{printf \"%d\" $x | len}}{{(index .L 0).Name}}{{eq 'a' 97 1.5 true nil}}");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const auto& range = parsed->nodes[0].pipeline;
  EXPECT_EQ(range.variables, (std::vector<std::string>{"$k", "$v"}));
  EXPECT_TRUE(range.declares);
  const auto& declared = parsed->nodes[1].pipeline;
  EXPECT_EQ(declared.variables, (std::vector<std::string>{"$x"}));
  const auto& piped = parsed->nodes[2].pipeline;
  ASSERT_EQ(piped.commands.size(), 2u);
  EXPECT_EQ(piped.commands[0].operands[0].name, "printf");
  EXPECT_EQ(piped.commands[0].operands[2].kind, TemplateOperand::Kind::kVariable);
  const auto& chained = parsed->nodes[3].pipeline.commands[0].operands[0];
  EXPECT_EQ(chained.kind, TemplateOperand::Kind::kPipeline);
  EXPECT_EQ(chained.path, ".Name");
  const auto& literals = parsed->nodes[4].pipeline.commands[0].operands;
  EXPECT_EQ(literals[1].integer, 97) << "a character constant is its code";
  EXPECT_EQ(literals[2].integer, 97);
  EXPECT_EQ(literals[3].real, 1.5);
  EXPECT_TRUE(literals[4].boolean);
  EXPECT_EQ(literals[5].kind, TemplateOperand::Kind::kNil);
}

TEST(TemplateTreeTest, MistakesNameThePlaceAsGoDoes) {
  EXPECT_EQ(Refusal("ab{{.X"), "--format: template: :1:3: unclosed action ('{{' without '}}')");
  EXPECT_EQ(Refusal("x\n  {{end}}"), "--format: template: :2:3: unexpected {{end}}");
  EXPECT_EQ(Refusal("{{range .L}}x"), "--format: template: :1:1: {{range .L}} without {{end}}");
  EXPECT_EQ(Refusal("{{if .A}}{{else}}{{else}}{{end}}"),
            "--format: template: :1:18: unexpected {{else}}");
  EXPECT_EQ(Refusal("{{range .L}}{{else if .A}}{{end}}"),
            "--format: template: :1:20: unexpected \"if .A\" in else");
  EXPECT_EQ(Refusal("{{nosuch .X}}")
                .rfind("--format: template: :1:3: function \"nosuch\" not defined", 0),
            0u);
  EXPECT_EQ(Refusal("{{$x}}"), "--format: template: :1:3: undefined variable \"$x\"");
  EXPECT_EQ(Refusal("{{$x := $x}}"), "--format: template: :1:9: undefined variable \"$x\"");
  EXPECT_EQ(Refusal("{{if $x := .A}}{{end}}{{$x}}"),
            "--format: template: :1:25: undefined variable \"$x\"")
      << "a variable lives until the {{end}} of its control";
  EXPECT_EQ(Refusal("{{$y = 1}}"), "--format: template: :1:3: undefined variable \"$y\"");
  EXPECT_EQ(Refusal("{{$a, $b := .L}}"),
            "--format: template: :1:3: too many declarations in command");
  EXPECT_EQ(Refusal("{{if}}{{end}}"), "--format: template: :1:5: missing value for if");
  EXPECT_EQ(Refusal("{{}}"), "--format: template: :1:3: missing value for command");
  EXPECT_EQ(Refusal("{{.A .B}}"),
            "--format: template: :1:3: can't give argument to non-function .A");
  EXPECT_EQ(Refusal("{{.A | .B}}")
                .rfind("--format: template: :1:8: can't give argument to non-function .B", 0),
            0u);
  EXPECT_EQ(Refusal("{{len (.A}}"), "--format: template: :1:7: unclosed left paren");
  EXPECT_EQ(Refusal("{{printf \"%d}}"),
            "--format: template: :1:1: unclosed action ('{{' without '}}')");
  EXPECT_EQ(Refusal("{{/* open }}"), "--format: template: :1:1: unclosed comment");
  EXPECT_EQ(Refusal("{{break}}"), "--format: template: :1:1: {{break}} outside {{range}}");
  EXPECT_EQ(
      Refusal("{{define \"x\"}}{{end}}"),
      "--format: template: :1:1: {{define}} is not supported: a --format template is one template");
  EXPECT_EQ(Refusal("{{nil}}"), "--format: template: :1:3: nil is not a command");
  EXPECT_EQ(Refusal("{{0x}}"), "--format: template: :1:3: bad number syntax: \"0x\"");
}

}  // namespace
}  // namespace boxcar::cli
