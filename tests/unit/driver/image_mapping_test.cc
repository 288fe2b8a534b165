#include "core/image_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace boxcar::nova {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ImageRequest DockerImage() {
  ImageRequest image;
  image.id = "cedef40a-ed67-4d10-800e-17455edce175";
  image.container_format = "docker";
  image.disk_format = "raw";
  return image;
}

TEST(ImageMappingTest, OnlyDockerImagesBoot) {
  EXPECT_TRUE(CheckBootableImage(DockerImage()).ok());
  ImageRequest vm = DockerImage();
  vm.container_format = "bare";
  vm.disk_format = "qcow2";
  vm.name = "cirros";
  Status refused = CheckBootableImage(vm);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("('cirros'): container_format is 'bare'"), std::string::npos)
      << refused.message();
  ImageRequest odd_disk = DockerImage();
  odd_disk.disk_format = "qcow2";
  EXPECT_NE(CheckBootableImage(odd_disk).message().find("disk_format"), std::string::npos);
}

TEST(ImageMappingTest, CacheReferenceIsTheGlanceId) {
  EXPECT_EQ(*CacheReferenceFor(DockerImage()), "glance/cedef40a-ed67-4d10-800e-17455edce175");
  ImageRequest bad = DockerImage();
  bad.id = "../etc";
  EXPECT_FALSE(CacheReferenceFor(bad).ok());
}

TEST(ImageMappingTest, CommandLinesSplitLikeAShell) {
  auto split = [](const std::string& line) { return *SplitCommandLine(line, "f"); };
  EXPECT_THAT(split("  httpd -f   -p 80 "), ElementsAre("httpd", "-f", "-p", "80"));
  EXPECT_THAT(split("sh -c 'echo $HOME; exit 3'"), ElementsAre("sh", "-c", "echo $HOME; exit 3"));
  EXPECT_THAT(split(R"(echo "a \"quoted\" \\ word" b\ c)"),
              ElementsAre("echo", "a \"quoted\" \\ word", "b c"));
  EXPECT_THAT(split(R"(x"y"'z')"), ElementsAre("xyz"));
  EXPECT_THAT(split("''"), ElementsAre(""));
  EXPECT_THAT(split(""), IsEmpty());
  auto open = SplitCommandLine("sh -c 'oops", "image property os_command_line");
  EXPECT_EQ(open.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(open.status().message().find("image property os_command_line: unterminated '"),
            std::string::npos);
  EXPECT_FALSE(SplitCommandLine("echo \"oops", "f").ok());
}

TEST(ImageMappingTest, TheCommandComesFromOsCommandLine) {
  ImageRequest image = DockerImage();
  EXPECT_THAT(*CommandFor(image), IsEmpty());
  image.properties["os_command_line"] = "sleep 100";
  EXPECT_THAT(*CommandFor(image), ElementsAre("sleep", "100"));
}

TEST(ImageMappingTest, MetadataWithEnvironmentNamesBecomesTheEnvironment) {
  EXPECT_THAT(EnvironmentFor({{"ROLE", "web"},
                              {"_x1", "y"},
                              {"has space", "no"},
                              {"1ST", "no"},
                              {"dotted.key", "no"},
                              {"EMPTY", ""}}),
              ElementsAre("EMPTY=", "ROLE=web", "_x1=y"));
}

TEST(ImageMappingTest, MetadataNeverSetsWhatTheStartDependsOn) {
  EXPECT_THAT(EnvironmentFor({{"PATH", "/nonexistent"},
                              {"HOME", "/nowhere"},
                              {"HOSTNAME", "other"},
                              {"LD_PRELOAD", "/tmp/x.so"},
                              {"LD_LIBRARY_PATH", "/tmp"},
                              {"JAVA_HOME", "/opt/java"},
                              {"path", "kept: not PATH"},
                              {"OLD_PATH", "kept"}}),
              ElementsAre("JAVA_HOME=/opt/java", "OLD_PATH=kept", "path=kept: not PATH"));
}

}  // namespace
}  // namespace boxcar::nova
