// Variable expansion and word splitting of Dockerfile arguments.
#include "build/shell_words.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

const BuildVariables kVariables = {{"A", "one"}, {"EMPTY", ""}, {"SPACED", "x y"}};

std::string Word(const std::string& text) {
  auto word = ExpandWord(text, kVariables);
  EXPECT_TRUE(word.ok()) << word.status().message();
  return word.ok() ? *word : "";
}

TEST(ShellWordsTest, ExpandsTheForms) {
  EXPECT_EQ(Word("$A"), "one");
  EXPECT_EQ(Word("${A}/x"), "one/x");
  EXPECT_EQ(Word("$A$A"), "oneone");
  EXPECT_EQ(Word("${MISSING:-def}"), "def");
  EXPECT_EQ(Word("${EMPTY:-def}"), "def");
  EXPECT_EQ(Word("${EMPTY-def}"), "");
  EXPECT_EQ(Word("${A:+alt}"), "alt");
  EXPECT_EQ(Word("${MISSING:+alt}"), "");
  EXPECT_EQ(Word("${MISSING:-$A}"), "one");
  EXPECT_EQ(Word("$MISSING"), "");
  EXPECT_EQ(Word("cost $"), "cost $");
}

TEST(ShellWordsTest, QuotesAndEscapes) {
  EXPECT_EQ(Word("'$A'"), "$A");
  EXPECT_EQ(Word("\"$A b\""), "one b");
  EXPECT_EQ(Word("\\$A"), "$A");
  EXPECT_EQ(Word("a\\ b"), "a b");
  EXPECT_EQ(Word("\"say \\\"hi\\\"\""), "say \"hi\"");
  EXPECT_FALSE(ExpandWord("\"open", kVariables).ok());
  EXPECT_FALSE(ExpandWord("${A", kVariables).ok());
  auto backtick = ExpandWord("`$A", kVariables, '`');
  ASSERT_TRUE(backtick.ok());
  EXPECT_EQ(*backtick, "$A");
}

TEST(ShellWordsTest, SplitsAtUnquotedBlanks) {
  auto words = ExpandWords("a \"b c\" $SPACED 'd e'", kVariables);
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"a", "b c", "x y", "d e"}));
  EXPECT_EQ(SplitRawWords("A=1 B=\"x y\" C='$z'"),
            (std::vector<std::string>{"A=1", "B=\"x y\"", "C='$z'"}));
}

}  // namespace
}  // namespace boxcar
