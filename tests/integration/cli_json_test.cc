// The CLI's JSON (cli/json_output.h): lists print one array, inspect an indented array of
// what it was asked for (Docker's shape), `inspect -f` a line per name. The CLI adds its
// messages' descriptors to protobuf's pool at their first use, not before main
// (cli/lazy_descriptors.cc). Its JSON, which is the first use, must still print every field
// of the agent's answer, those of imported files (networks.proto's NetworkSpec inside a
// ContainerSpec) included.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "agent_fixture.h"
#include "boxcar/v1/volumes.pb.h"

namespace boxcar::testing {
namespace {

class CliJsonTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

// The elements of a JSON array, each as its own JSON text; empty (and a failure) if `json` is
// not an array.
std::vector<std::string> ArrayElements(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  EXPECT_TRUE(!document.HasParseError() && document.IsArray()) << json;
  std::vector<std::string> elements;
  if (document.HasParseError() || !document.IsArray()) return elements;
  for (const auto& element : document.GetArray()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    element.Accept(writer);
    elements.push_back(buffer.GetString());
  }
  return elements;
}

// The message's fields of an object inspect printed; Docker's keys beside them are left out.
template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto parsed = google::protobuf::util::JsonStringToMessage(json, &message, options);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << json;
  return message;
}

TEST_F(CliJsonTest, InspectPrintsEveryFieldTheAgentAnswers) {
  std::string id = RunDetached({"--name", "json", "-l", "tier=front", "-e", "A=b", "-m", "64m",
                                "--restart", "on-failure:3", "--network", "none"},
                               {"sleep", "60"});
  v1::Container expected = Inspect(id);
  ASSERT_EQ(expected.spec().network().mode(), "none") << expected.DebugString();
  ASSERT_GT(expected.spec().limits().memory_bytes(), 0) << expected.DebugString();

  CommandResult inspected = agent_.Cli({"inspect", "json"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  std::vector<std::string> elements = ArrayElements(inspected.out);
  ASSERT_EQ(elements.size(), 1u) << inspected.out;
  v1::Container printed = FromJson<v1::Container>(elements[0]);
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(expected, printed)) << differences;
  // Fields at their default are printed too, by their proto names.
  EXPECT_NE(inspected.out.find("\"oom_killed\": false"), std::string::npos) << inspected.out;
  // Docker's keys beside them (cli/docker_container_view.h; inspect_docker_shape_test.cc).
  rapidjson::Document object;
  object.Parse(elements[0].c_str());
  ASSERT_TRUE(object.IsObject());
  EXPECT_EQ(std::string(object["Id"].GetString()), id);
  EXPECT_EQ(object["State"]["Pid"].GetInt(), expected.pid());
  EXPECT_EQ(object["HostConfig"]["Memory"].GetInt64(),
            static_cast<int64_t>(expected.spec().limits().memory_bytes()));
}

TEST_F(CliJsonTest, InspectOfSeveralPrintsOneArrayAndReportsWhatItCouldNotFind) {
  std::string first = RunDetached({"--name", "one"}, {"sleep", "60"});
  std::string second = RunDetached({"--name", "two"}, {"sleep", "60"});
  CommandResult both = agent_.Cli({"inspect", "two", "nosuch", "one"});
  EXPECT_EQ(both.exit_code, 1) << "one name was not found";
  EXPECT_NE(both.err.find("nosuch"), std::string::npos) << both.err;
  std::vector<std::string> elements = ArrayElements(both.out);
  ASSERT_EQ(elements.size(), 2u) << both.out;
  EXPECT_EQ(FromJson<v1::Container>(elements[0]).id(), second);
  EXPECT_EQ(FromJson<v1::Container>(elements[1]).id(), first);
  CommandResult none = agent_.Cli({"inspect", "nosuch"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.out, "[]\n");

  for (const auto& kind : {std::vector<std::string>{"image", "inspect", "busybox"},
                           std::vector<std::string>{"volume", "inspect", "data"}}) {
    if (kind[0] == "volume") {
      ASSERT_EQ(agent_.Cli({"volume", "create", "data"}).exit_code, 0);
    }
    CommandResult inspected = agent_.Cli(kind);
    ASSERT_EQ(inspected.exit_code, 0) << kind[0] << ": " << inspected.err;
    EXPECT_EQ(ArrayElements(inspected.out).size(), 1u) << kind[0] << ": " << inspected.out;
  }
  CommandResult volumes = agent_.Cli({"volume", "ls", "--json"});
  ASSERT_EQ(ArrayElements(volumes.out).size(), 1u) << volumes.out;
  EXPECT_EQ(FromJson<v1::Volume>(ArrayElements(volumes.out)[0]).name(), "data");
  EXPECT_EQ(volumes.out.find('\n'), volumes.out.size() - 1)
      << "a list is one line: " << volumes.out;
}

TEST_F(CliJsonTest, InspectFormatPrintsALinePerName) {
  std::string id = RunDetached({"--name", "fmt", "-l", "tier=front"}, {"sleep", "60"});
  v1::Container expected = Inspect(id);
  CommandResult formatted = agent_.Cli(
      {"inspect", "-f", "{{.Name}} {{.Pid}} {{.spec.labels.tier}} {{.state}}", "fmt", id});
  ASSERT_EQ(formatted.exit_code, 0) << formatted.err;
  // .Name is Docker's ("/fmt"); .Pid, which Docker's object has not at its top, is Boxcar's pid.
  const std::string line =
      "/fmt " + std::to_string(expected.pid()) + " front CONTAINER_STATE_RUNNING\n";
  EXPECT_EQ(formatted.out, line + line);
  EXPECT_GT(expected.pid(), 0);

  CommandResult image = agent_.Cli({"image", "inspect", "--format", "{{.id}}", "busybox"});
  ASSERT_EQ(image.exit_code, 0) << image.err;
  EXPECT_EQ(image.out.rfind("sha256:", 0), 0u) << image.out;
  EXPECT_EQ(image.out.size(), 72u) << image.out;

  CommandResult typo = agent_.Cli({"inspect", "-f", "{{.spec.imag}}", "fmt"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.out, "");
  // Go's place of the failing action, then what is wrong and what is there.
  EXPECT_NE(typo.err.find("--format: template: :1:3: executing at <.spec.imag>: .spec has no "
                          "field 'imag'; it has: .image .name"),
            std::string::npos)
      << typo.err;
}

TEST_F(CliJsonTest, SystemCheckPrintsItsAnswer) {
  CommandResult checked = agent_.Cli({"system", "check", "--json"});
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  v1::CheckResponse response = FromJson<v1::CheckResponse>(checked.out);
  EXPECT_EQ(response.problems_size(), 0) << checked.out;
  EXPECT_GT(response.blobs_checked(), 0u) << checked.out;
}

}  // namespace
}  // namespace boxcar::testing
