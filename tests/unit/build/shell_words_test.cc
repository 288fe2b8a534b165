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

// BuildKit's other modifiers: ? :? (an error when unset/empty), # ## % %% (trim a shortest or
// longest matching prefix/suffix), / // (replace the first or every match).
TEST(ShellWordsTest, PatternModifiers) {
  const BuildVariables file = {
      {"F", "/home/tux/book.tar.bz2"}, {"V", "v1.2.3"}, {"E", ""}, {"S", "a*b*"}};
  auto word = [&](const std::string& text) {
    auto expanded = ExpandWord(text, file);
    EXPECT_TRUE(expanded.ok()) << text << ": " << expanded.status().message();
    return expanded.ok() ? *expanded : "<error>";
  };
  EXPECT_EQ(word("${F#*/}"), "home/tux/book.tar.bz2");
  EXPECT_EQ(word("${F##*/}"), "book.tar.bz2");
  EXPECT_EQ(word("${F%.*}"), "/home/tux/book.tar");
  EXPECT_EQ(word("${F%%.*}"), "/home/tux/book");
  EXPECT_EQ(word("${V#v}"), "1.2.3");
  EXPECT_EQ(word("${V#x}"), "v1.2.3") << "no match: unchanged";
  EXPECT_EQ(word("${V%.?}"), "v1.2");
  EXPECT_EQ(word("${V/./-}"), "v1-2.3");
  EXPECT_EQ(word("${V//./-}"), "v1-2-3");
  EXPECT_EQ(word("${F/tux/wilber}"), "/home/wilber/book.tar.bz2");
  EXPECT_EQ(word("${F/#\\/home/~}"), "/home/tux/book.tar.bz2")
      << "no anchors: '#' is a literal character of the pattern";
  EXPECT_EQ(word("${V//[0-9]/x}"), "v1.2.3") << "brackets are literal, as BuildKit's";
  EXPECT_EQ(word("${V%\\*}"), "v1.2.3") << "an escaped star is a literal star";
  EXPECT_EQ(word("${S%\\*}"), "a*b");
  EXPECT_EQ(word("${S%%b\\*}"), "a*");
  EXPECT_EQ(word("${V#${E}v1}"), ".2.3") << "the pattern's variables are expanded";
  EXPECT_EQ(word("${MISSING#x}"), "");
  EXPECT_EQ(word("${V?}"), "v1.2.3");
  EXPECT_EQ(word("${E?}"), "");

  auto unset = ExpandWord("${MISSING?}", file);
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.status().message(), "MISSING: is not allowed to be unset");
  auto empty = ExpandWord("${E:?give E a value}", file);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "E: give E a value");
  auto unsupported = ExpandWord("${V:#x}", file);
  ASSERT_FALSE(unsupported.ok());
  EXPECT_NE(unsupported.status().message().find("unsupported modifier (:#)"), std::string::npos)
      << unsupported.status().message();
  EXPECT_FALSE(ExpandWord("${V/x}", file).ok()) << "no replacement part";
  EXPECT_FALSE(ExpandWord("${V#\\q}", file).ok()) << "an escape of nothing special";
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
