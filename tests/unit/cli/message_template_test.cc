#include "cli/message_template.h"

#include <gtest/gtest.h>

#include "boxcar/v1/containers.pb.h"

namespace boxcar::cli {
namespace {

v1::Container Sample() {
  v1::Container container;
  container.set_id(std::string(64, 'a'));
  container.set_name("web");
  container.set_state(v1::CONTAINER_STATE_RUNNING);
  container.set_pid(4242);
  container.set_exit_code(0);
  container.set_oom_killed(false);
  container.set_created_unix_ns(1700000000123456789);
  container.mutable_spec()->set_image("busybox");
  (*container.mutable_spec()->mutable_labels())["tier"] = "web \"front\"";
  (*container.mutable_spec()->mutable_labels())["org.example"] = "short";
  (*container.mutable_spec()->mutable_labels())["org.example.role"] = "long";
  container.add_argv("sh");
  container.add_argv("-c");
  auto* port = container.add_published_ports();
  port->set_host_port(8080);
  port->set_container_port(80);
  return container;
}

std::string Rendered(const std::string& format_template,
                     const v1::Container& container = Sample()) {
  StatusOr<std::string> out = RenderMessageTemplate(format_template, container);
  EXPECT_TRUE(out.ok()) << format_template << ": " << out.status().message();
  return out.ok() ? *out : "";
}

std::string Refusal(const std::string& format_template) {
  StatusOr<std::string> out = RenderMessageTemplate(format_template, Sample());
  EXPECT_FALSE(out.ok()) << format_template << " gave " << (out.ok() ? *out : "");
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  return std::string(out.status().message());
}

TEST(MessageTemplateTest, FieldsByProtoNameOrDockerSpelling) {
  EXPECT_EQ(Rendered("{{.pid}}"), "4242");
  EXPECT_EQ(Rendered("{{.Pid}} {{.ExitCode}} {{.OOMKilled}} {{.oom_killed}}"),
            "4242 0 false false");
  EXPECT_EQ(Rendered("{{.Name}}\\t{{ .spec.image }}"), "web\tbusybox");
  EXPECT_EQ(Rendered("{{.state}}"), "CONTAINER_STATE_RUNNING");
  EXPECT_EQ(Rendered("{{.created_unix_ns}}"), "1700000000123456789");
  EXPECT_EQ(Rendered("id={{.id}}."), "id=" + std::string(64, 'a') + ".");
}

TEST(MessageTemplateTest, MapKeysListIndexesAndJson) {
  EXPECT_EQ(Rendered("{{.spec.labels.tier}}"), "web \"front\"");
  EXPECT_EQ(Rendered("{{json .spec.labels.tier}}"), "\"web \\\"front\\\"\"");
  EXPECT_EQ(Rendered("{{.spec.labels.nope}}"), "<no value>");
  // Keys with dots: the longest that the path starts with.
  EXPECT_EQ(Rendered("{{.spec.labels.org.example.role}} {{.spec.labels.org.example}}"),
            "long short");
  EXPECT_EQ(Rendered("{{.spec.labels.org}}"), "<no value>");
  EXPECT_EQ(Rendered("{{.argv.1}} {{.argv.2}}"), "-c <no value>");
  EXPECT_EQ(Rendered("{{.argv}}"), "[\"sh\",\"-c\"]");
  EXPECT_EQ(Rendered("{{.published_ports.0.host_port}}"), "8080");
  EXPECT_NE(Rendered("{{json .spec.labels}}").find("\"tier\":\"web \\\"front\\\"\""),
            std::string::npos);
  EXPECT_EQ(Rendered("{{json .state}}"), "\"CONTAINER_STATE_RUNNING\"");
  // Messages print as JSON; an unset one as its defaults, as inspect prints them.
  EXPECT_NE(Rendered("{{json .published_ports.0}}").find("\"container_port\":80"),
            std::string::npos);
  EXPECT_EQ(Rendered("{{.network_endpoint.ip}}"), "");
  EXPECT_EQ(Rendered("{{.}}").front(), '{');
  EXPECT_NE(Rendered("{{json .}}").find("\"name\":\"web\""), std::string::npos);
}

TEST(MessageTemplateTest, RangeIndexAndFunctionsOverTheMessage) {
  EXPECT_EQ(Rendered("{{range .argv}}<{{.}}>{{end}}"), "<sh><-c>");
  // A map's values in the order of their keys; '$' is the whole object inside.
  EXPECT_EQ(Rendered("{{range .spec.labels}}{{.}};{{end}}"), "short;long;web \"front\";");
  EXPECT_EQ(Rendered("{{range .published_ports}}{{.host_port}}:{{$.name}} {{end}}"), "8080:web ");
  EXPECT_EQ(Rendered("{{range .interfaces}}never{{end}}"), "") << "an empty list";
  EXPECT_EQ(Rendered("{{index .spec.labels \"org.example\"}}|{{index .spec.labels \"nope\"}}|"),
            "short||")
      << "a missing key is the zero value, as Go's index";
  EXPECT_EQ(Rendered("{{index .argv 1}}"), "-c");
  EXPECT_EQ(Rendered("{{len .argv}} {{len .spec.labels}} {{len .name}}"), "2 3 3");
  EXPECT_EQ(Rendered("{{join .argv \",\"}}"), "sh,-c");
  EXPECT_EQ(Rendered("{{.name | upper}} {{json (index .argv 0)}} {{.spec.labels.nope | json}}"),
            "WEB \"sh\" null");
  EXPECT_EQ(Rendered("{{title \"web front\"}} {{lower .state}}"),
            "Web Front container_state_running");
}

TEST(MessageTemplateTest, MistakesNameTheFieldAndWhatIsThere) {
  EXPECT_NE(Refusal("{{index .argv 5}}").find("index out of range: 5"), std::string::npos);
  EXPECT_NE(Refusal("{{range .name}}{{end}}").find("range can't iterate over web"),
            std::string::npos);
  EXPECT_NE(Refusal("{{nosuch .pid}}").find("function \"nosuch\" not defined"), std::string::npos);
  EXPECT_NE(Refusal("{{json .pid .pid}}").find("wrong number of args for json: want 1 got 2"),
            std::string::npos);
  std::string unknown = Refusal("{{.State.Pid}}");
  EXPECT_NE(unknown.find("executing at <.State.Pid>: .State is a value, it has no field 'Pid'"),
            std::string::npos)
      << unknown;
  std::string typo = Refusal("{{.spec.imag}}");
  EXPECT_NE(typo.find(".spec has no field 'imag'"), std::string::npos) << typo;
  EXPECT_NE(typo.find(" .image "), std::string::npos) << "lists the fields: " << typo;
  EXPECT_NE(Refusal("{{.nope}}").find("the object has no field 'nope'"), std::string::npos);
  EXPECT_NE(Refusal("{{.argv.first}}").find(".argv is a list; index it with a number (.argv.0)"),
            std::string::npos);
  EXPECT_NE(Refusal("{{pid}}").find("function \"pid\" not defined (.pid is a field"),
            std::string::npos);
  EXPECT_NE(Refusal("{{.pid").find("unclosed action ('{{' without '}}')"), std::string::npos);
}

}  // namespace
}  // namespace boxcar::cli
