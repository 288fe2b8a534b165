// The Dockerfile parser: lines, continuations, comments, the escape directive, flags, the
// JSON exec form, and the refusals (unknown instructions, heredocs) with their line numbers.
#include "build/dockerfile_parser.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(DockerfileParserTest, InstructionsWithLinesContinuationsAndComments) {
  auto parsed = ParseDockerfile(
      "# a comment\n"
      "\n"
      "from busybox AS base\n"
      "RUN echo one \\\n"
      "  # a comment inside a continuation\n"
      "    two\n"
      "ENV A=1 B=\"two words\"\n"
      "  COPY --from=base --chown=1:2 a b /dst/\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const auto& instructions = parsed->instructions;
  ASSERT_EQ(instructions.size(), 4u);
  EXPECT_EQ(instructions[0].keyword, "FROM");
  EXPECT_EQ(instructions[0].line, 3);
  EXPECT_EQ(instructions[0].args, "busybox AS base");
  EXPECT_EQ(instructions[1].keyword, "RUN");
  EXPECT_EQ(instructions[1].line, 4);
  EXPECT_EQ(instructions[1].args, "echo one     two");
  EXPECT_FALSE(instructions[1].exec_form);
  EXPECT_EQ(instructions[2].line, 7);
  EXPECT_EQ(instructions[3].keyword, "COPY");
  EXPECT_EQ(instructions[3].line, 8);
  EXPECT_EQ(instructions[3].flags.at("from"), "base");
  EXPECT_EQ(instructions[3].flags.at("chown"), "1:2");
  EXPECT_EQ(instructions[3].args, "a b /dst/");
}

TEST(DockerfileParserTest, ExecFormIsJsonAndBrokenJsonIsShellForm) {
  auto parsed = ParseDockerfile(
      "FROM x\nCMD [\"echo\", \"a b\"]\nENTRYPOINT [\"sh\", 1]\nRUN [not json\n");
  ASSERT_TRUE(parsed.ok());
  const auto& instructions = parsed->instructions;
  EXPECT_TRUE(instructions[1].exec_form);
  EXPECT_EQ(instructions[1].exec_args, (std::vector<std::string>{"echo", "a b"}));
  EXPECT_FALSE(instructions[2].exec_form);
  EXPECT_FALSE(instructions[3].exec_form);
  EXPECT_EQ(instructions[3].args, "[not json");
}

TEST(DockerfileParserTest, EscapeDirectiveChangesTheContinuationCharacter) {
  auto parsed = ParseDockerfile("# escape=`\nFROM x\nRUN dir c:\\ `\n  /w\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->escape, '`');
  ASSERT_EQ(parsed->instructions.size(), 2u);
  EXPECT_EQ(parsed->instructions[1].args, "dir c:\\   /w");
  // A directive after an instruction is only a comment.
  auto late = ParseDockerfile("FROM x\n# escape=`\nRUN a \\\n b\n");
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->escape, '\\');
  EXPECT_EQ(late->instructions[1].args, "a  b");
}

TEST(DockerfileParserTest, BadEscapeDirectiveIsRefused) {
  auto parsed = ParseDockerfile("# escape=x\nFROM x\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("line 1"), std::string::npos);
}

TEST(DockerfileParserTest, UnknownInstructionNamesItsLine) {
  auto parsed = ParseDockerfile("FROM x\n\nRUN true\nFROBNICATE now\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("Dockerfile line 4"), std::string::npos)
      << parsed.status().message();
  EXPECT_NE(parsed.status().message().find("FROBNICATE"), std::string::npos);
}

TEST(DockerfileParserTest, HeredocsAreRefusedClearly) {
  auto parsed = ParseDockerfile("FROM x\nRUN <<EOF\necho hi\nEOF\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("line 2"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("heredoc"), std::string::npos);
  // A shift inside arithmetic is no heredoc.
  EXPECT_TRUE(ParseDockerfile("FROM x\nRUN echo $((1<<2))\n").ok());
}

TEST(DockerfileParserTest, LongDockerfilesParseAndHugeOnesAreRefused) {
  std::string text = "FROM x\n";
  for (int i = 0; i < 10000; ++i) text += "ENV V" + std::to_string(i) + "=" + std::to_string(i) + "\n";
  auto parsed = ParseDockerfile(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->instructions.size(), 10001u);
  EXPECT_EQ(parsed->instructions.back().line, 10001);
  auto huge = ParseDockerfile(std::string(kMaxDockerfileBytes + 1, '#'));
  EXPECT_FALSE(huge.ok());
}

TEST(DockerfileParserTest, CrlfLineEndsAndTrailingWhitespaceAfterEscape) {
  auto parsed = ParseDockerfile("FROM x\r\nRUN a \\  \r\n b\r\n");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->instructions.size(), 2u);
  EXPECT_EQ(parsed->instructions[1].args, "a  b");
}

}  // namespace
}  // namespace boxcar
