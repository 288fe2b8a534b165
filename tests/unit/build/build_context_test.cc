// COPY sources inside the context: globs, symlinks followed inside it, every way out refused;
// the content digest changes with content and mode only; CopyIntoLayer's destination rules.
#include "build/build_context.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "build/copy_into_layer.h"
#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class BuildContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-build-context-XXXXXX", &dir_));
    context_ = dir_ + "/context";
    ASSERT_TRUE(MakeDirectories(context_ + "/src/sub").ok());
    Write("src/a.txt", "a");
    Write("src/b.log", "b");
    Write("src/sub/c.txt", "c");
    ASSERT_EQ(::symlink("src", (context_ + "/link-in").c_str()), 0);
    ASSERT_EQ(::symlink("/etc", (context_ + "/link-abs").c_str()), 0);
    ASSERT_EQ(::symlink("../..", (context_ + "/src/link-up").c_str()), 0);
  }
  void TearDown() override { (void)RemoveTree(dir_); }

  void Write(const std::string& relative, const std::string& content) {
    std::ofstream(context_ + "/" + relative) << content;
  }

  std::vector<std::string> Names(const std::string& pattern) {
    auto sources = ResolveContextSources(context_, pattern);
    EXPECT_TRUE(sources.ok()) << pattern << ": " << sources.status().message();
    std::vector<std::string> names;
    if (sources.ok()) {
      for (const auto& source : *sources) names.push_back(source.relative_path);
    }
    return names;
  }

  std::string dir_;
  std::string context_;
};

TEST_F(BuildContextTest, GlobsAndLinksInsideTheContext) {
  EXPECT_EQ(Names("src/*.txt"), (std::vector<std::string>{"src/a.txt"}));
  EXPECT_EQ(Names("src/?.*"), (std::vector<std::string>{"src/a.txt", "src/b.log"}));
  EXPECT_EQ(Names("./src/../src/a.txt"), (std::vector<std::string>{"src/a.txt"}));
  auto through_link = ResolveContextSources(context_, "link-in/a.txt");
  ASSERT_TRUE(through_link.ok()) << through_link.status().message();
  EXPECT_EQ(through_link->front().path, context_ + "/src/a.txt");
  EXPECT_EQ(Names(".").size(), 1u);
}

TEST_F(BuildContextTest, EveryWayOutIsRefused) {
  for (const char* pattern : {"../x", "src/../../x", "/etc/passwd", "link-abs/passwd",
                              "src/link-up/x"}) {
    auto sources = ResolveContextSources(context_, pattern);
    ASSERT_FALSE(sources.ok()) << pattern;
    EXPECT_EQ(sources.status().code(), StatusCode::kInvalidArgument) << pattern;
  }
  EXPECT_EQ(ResolveContextSources(context_, "missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ResolveContextSources(context_, "*.none").status().code(), StatusCode::kNotFound);
  // In another stage's root filesystem, absolute names and links stay inside that root.
  auto rooted = ResolveContextSources(context_, "/link-in/a.txt", /*filesystem=*/true);
  ASSERT_TRUE(rooted.ok()) << rooted.status().message();
  EXPECT_EQ(rooted->front().path, context_ + "/src/a.txt");
}

TEST_F(BuildContextTest, DigestFollowsContentAndModeOnly) {
  auto sources = ResolveContextSources(context_, "src");
  ASSERT_TRUE(sources.ok());
  auto before = SourcesDigest(*sources);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(::chown((context_ + "/src/a.txt").c_str(), 1234, 1234), 0);
  EXPECT_EQ(*SourcesDigest(*sources), *before) << "owners are not part of it";
  Write("src/sub/c.txt", "changed");
  auto changed = SourcesDigest(*sources);
  EXPECT_NE(*changed, *before);
  ASSERT_EQ(::chmod((context_ + "/src/sub/c.txt").c_str(), 0600), 0);
  EXPECT_NE(*SourcesDigest(*sources), *changed);
}

TEST_F(BuildContextTest, KnownFileDigestsAreUsedInsteadOfTheFiles) {
  auto sources = ResolveContextSources(context_, "src");
  ASSERT_TRUE(sources.ok());
  FileDigests known;
  auto first = SourcesDigest(*sources, &known);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, *SourcesDigest(*sources)) << "the same digest with or without the memo";
  ASSERT_EQ(known.count(context_ + "/src/a.txt"), 1u);
  EXPECT_EQ(known[context_ + "/src/a.txt"].rfind("sha256:", 0), 0u);
  // Same size, other bytes: with the memo the file is not read again (what a kept build
  // context relies on), without it the change shows.
  Write("src/sub/c.txt", "x");
  EXPECT_EQ(*SourcesDigest(*sources, &known), *first);
  EXPECT_NE(*SourcesDigest(*sources), *first);
}

TEST_F(BuildContextTest, CopyDestinationRules) {
  std::string layer = dir_ + "/layer";
  ASSERT_EQ(::mkdir(layer.c_str(), 0755), 0);
  ImageRootfsView empty_image({});
  auto file = ResolveContextSources(context_, "src/a.txt");
  auto directory = ResolveContextSources(context_, "src");
  ASSERT_TRUE(file.ok() && directory.ok());
  CopyOptions to_file{"/opt/renamed.txt", std::make_pair(7u, 8u), 0640, false};
  ASSERT_TRUE(CopyIntoLayer(*file, layer, to_file, empty_image).ok());
  CopyOptions into_dir{"/opt/dir/", std::nullopt, std::nullopt, false};
  ASSERT_TRUE(CopyIntoLayer(*file, layer, into_dir, empty_image).ok());
  CopyOptions contents{"/tree", std::nullopt, std::nullopt, false};
  ASSERT_TRUE(CopyIntoLayer(*directory, layer, contents, empty_image).ok());
  struct stat st;
  ASSERT_EQ(::stat((layer + "/opt/renamed.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_uid, 7u);
  EXPECT_EQ(st.st_gid, 8u);
  ASSERT_EQ(::stat((layer + "/opt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 7u) << "a directory the COPY makes takes its owner";
  EXPECT_EQ(::access((layer + "/opt/dir/a.txt").c_str(), F_OK), 0);
  EXPECT_EQ(::access((layer + "/tree/sub/c.txt").c_str(), F_OK), 0) << "a directory's contents";
  EXPECT_NE(::access((layer + "/tree/src").c_str(), F_OK), 0);
  ASSERT_EQ(::lstat((layer + "/tree/link-up").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "links inside a copied directory stay links";
}

}  // namespace
}  // namespace boxcar
