// Go's text/template semantics over inspect's object: control flow, variables, truth,
// comparisons and the errors of execution (each names the place and the operand).
#include <gtest/gtest.h>

#include "boxcar/v1/containers.pb.h"
#include "cli/docker_container_view.h"
#include "cli/message_template.h"

namespace boxcar::cli {
namespace {

v1::Container Sample(v1::ContainerState state = v1::CONTAINER_STATE_RUNNING) {
  v1::Container container;
  container.set_id(std::string(64, 'c'));
  container.set_name("web");
  container.set_state(state);
  container.set_pid(state == v1::CONTAINER_STATE_RUNNING ? 4242 : 0);
  container.set_exit_code(state == v1::CONTAINER_STATE_RUNNING ? 0 : 3);
  container.add_argv("httpd");
  container.add_argv("-f");
  v1::ContainerSpec& spec = *container.mutable_spec();
  spec.set_image("busybox");
  (*spec.mutable_labels())["tier"] = "front";
  (*spec.mutable_labels())["org.example.role"] = "web";
  spec.add_env("A=1");
  spec.add_env("B=2");
  spec.mutable_network()->set_mode("app");
  container.mutable_network_endpoint()->set_network("app");
  container.mutable_network_endpoint()->set_ip("10.89.0.5");
  return container;
}

StatusOr<std::string> Render(const std::string& format_template, const v1::Container& container) {
  DockerView view = DockerContainerView(container);
  return RenderMessageTemplate(format_template, container, &view);
}

std::string Rendered(const std::string& format_template,
                     const v1::Container& container = Sample()) {
  StatusOr<std::string> out = Render(format_template, container);
  EXPECT_TRUE(out.ok()) << format_template << ": " << out.status().message();
  return out.ok() ? *out : "";
}

std::string Refusal(const std::string& format_template) {
  StatusOr<std::string> out = Render(format_template, Sample());
  EXPECT_FALSE(out.ok()) << format_template << " gave " << (out.ok() ? *out : "");
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  return out.ok() ? "" : std::string(out.status().message());
}

TEST(TemplateExecutionTest, IfElseIfElse) {
  const std::string state =
      "{{if .State.Running}}up {{.State.Pid}}{{else if eq .State.ExitCode 0}}done"
      "{{else}}failed {{.State.ExitCode}}{{end}}";
  EXPECT_EQ(Rendered(state), "up 4242");
  EXPECT_EQ(Rendered(state, Sample(v1::CONTAINER_STATE_EXITED)), "failed 3");
  v1::Container clean = Sample(v1::CONTAINER_STATE_EXITED);
  clean.set_exit_code(0);
  EXPECT_EQ(Rendered(state, clean), "done");
  EXPECT_EQ(Rendered("{{if .Config.Labels.nope}}y{{else}}n{{end}}"), "n")
      << "a missing key is false";
  EXPECT_EQ(Rendered("{{if .HostConfig.CapAdd}}y{{else}}n{{end}}"), "n") << "null list is false";
  EXPECT_EQ(Rendered("{{if .Config.Env}}y{{end}}{{if .State}}s{{end}}{{if .State.Paused}}p{{end}}"),
            "ys")
      << "a struct is true, false is false";
  EXPECT_EQ(Rendered("{{if .NetworkSettings.Ports}}y{{else}}empty map{{end}}"), "empty map");
  EXPECT_EQ(Rendered("{{if \"\"}}a{{end}}{{if 0}}b{{end}}{{if 0.0}}c{{end}}{{if "
                     "1}}e{{end}}{{if not nil}}f{{end}}"),
            "ef");
  EXPECT_EQ(Rendered("{{if .pid}}{{.pid}}{{end}}{{if .exit_code}}x{{end}}{{if .state}}s{{end}}"),
            "4242s")
      << "the message's fields: 0 false, an enum true unless its zero";
}

TEST(TemplateExecutionTest, WithRebindsDot) {
  EXPECT_EQ(Rendered("{{with .State}}{{.Status}}/{{.Pid}}{{end}}"), "running/4242");
  EXPECT_EQ(Rendered("{{with .Config.Labels.nope}}{{.}}{{else}}none{{end}}"), "none");
  EXPECT_EQ(Rendered("{{with .Config.Labels.nope}}a{{else with .Config.Labels.tier}}{{.}}{{end}}"),
            "front");
  EXPECT_EQ(Rendered("{{with $p := .State.Pid}}{{$p}}={{.}} {{$.Name}}{{end}}"), "4242=4242 /web");
}

TEST(TemplateExecutionTest, RangeWithVariablesElseBreakAndContinue) {
  EXPECT_EQ(Rendered("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}"),
            "org.example.role=web;tier=front;");
  EXPECT_EQ(Rendered("{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}"), "0:A=1 1:B=2 ");
  EXPECT_EQ(Rendered("{{range $e := .Args}}[{{$e}}]{{end}}"), "[-f]");
  EXPECT_EQ(Rendered("{{range .HostConfig.CapAdd}}x{{else}}no caps{{end}}"), "no caps");
  EXPECT_EQ(Rendered("{{range .Config.Env}}{{if eq . \"A=1\"}}{{continue}}{{end}}{{.}}{{end}}"),
            "B=2");
  EXPECT_EQ(Rendered("{{range .Config.Env}}{{.}}{{break}}{{end}}"), "A=1");
  EXPECT_EQ(Rendered("{{range 3}}{{.}}{{end}}"), "012");
  EXPECT_EQ(
      Rendered("{{range $n, $net := .NetworkSettings.Networks}}{{$n}} {{$net.IPAddress}}{{end}}"),
      "app 10.89.0.5");
}

TEST(TemplateExecutionTest, VariablesRootAndAssignment) {
  EXPECT_EQ(Rendered("{{$x := .State.Pid}}pid {{$x}}"), "pid 4242");
  EXPECT_EQ(Rendered("{{$n := 0}}{{range .Config.Env}}{{$n = .}}{{end}}{{$n}}"), "B=2")
      << "= assigns the variable declared outside the range";
  EXPECT_EQ(Rendered("{{range .Config.Env}}{{$.Name}}{{$.State.Pid}} {{end}}"),
            "/web4242 /web4242 ");
  EXPECT_EQ(Rendered("{{$s := .State}}{{$s.Status}}"), "running");
  EXPECT_EQ(Rendered("{{(index .NetworkSettings.Networks \"app\").IPAddress}}"), "10.89.0.5");
}

TEST(TemplateExecutionTest, ComparisonsAndLogicWithGoTypes) {
  EXPECT_EQ(
      Rendered("{{eq .State.Status \"running\"}} {{ne .State.Pid 0}} {{lt 1 2}} {{le 2 2}} "
               "{{gt \"b\" \"a\"}} {{ge 1.5 2.5}} {{eq .State.Status \"exited\" \"running\"}}"),
      "true true true true true false true");
  EXPECT_EQ(Rendered("{{and .State.Running .State.Pid}} {{and 1 0 2}} {{or 0 \"\" \"x\"}} "
                     "{{or 0 \"\"}} {{not .State.Paused}} {{not 1}}"),
            "4242 0 x  true false");
  EXPECT_EQ(Rendered("{{and .Config.Labels.nope (index .Args 5)}}"), "<no value>")
      << "and stops at the first false argument: the out-of-range index is never evaluated";
  EXPECT_EQ(Rendered("{{eq .Config.Labels.nope \"x\"}} {{ne .Config.Labels.nope \"x\"}}"),
            "false true")
      << "a missing key equals nothing, as Go's";
  EXPECT_EQ(Rendered("{{if and (eq .state \"CONTAINER_STATE_RUNNING\") (gt .pid 4000)}}ok{{end}}"),
            "ok");
}

TEST(TemplateExecutionTest, DockerFunctionsAndPrintf) {
  EXPECT_EQ(Rendered("{{printf \"%s has pid %d\" .Name .State.Pid}}"), "/web has pid 4242");
  EXPECT_EQ(Rendered("{{printf \"%-6s|%6s|%05d|%q|%v|%x|%.2f|%t|%%\" \"ab\" \"cd\" 42 \"q\\\"\" "
                     ".Args 255 1.5 true}}"),
            "ab    |    cd|00042|\"q\\\"\"|[-f]|ff|1.50|true|%");
  EXPECT_EQ(
      Rendered("{{printf \"%d\" \"x\"}}|{{printf \"%s %s\" \"a\"}}|{{printf \"%s\" \"a\" 1}}"),
      "%!d(string=x)|a %!s(MISSING)|a%!(EXTRA int=1)");
  EXPECT_EQ(Rendered("{{printf \"%*d|%.*s\" 4 7 2 \"abc\"}}"), "   7|ab");
  EXPECT_EQ(Rendered("{{println .Name 1}}"), "/web 1\n");
  EXPECT_EQ(Rendered("{{print 1 2 \"a\" \"b\" 3}}"), "1 2ab3");
  EXPECT_EQ(Rendered("{{split \"a,b,c\" \",\"}} {{len (split \"a,b,c\" \",\")}} {{index (split "
                     "\"a:b\" \":\") 1}}"),
            "[a b c] 3 b");
  EXPECT_EQ(
      Rendered("{{join (split \"a,b\" \",\") \"+\"}} {{range split \"x y\" \" \"}}<{{.}}>{{end}}"),
      "a+b <x><y>");
  EXPECT_EQ(
      Rendered(
          "[{{pad \"x\" 2 1}}][{{pad \"\" 2 1}}] {{truncate \"abcdef\" 3}} {{truncate \"ab\" 3}}"),
      "[  x ][] abc ab");
  EXPECT_EQ(
      Rendered(
          "{{upper .State.Status}} {{title \"a b\"}} {{lower \"AB\"}} {{json .Config.Labels}}"),
      "RUNNING A B ab {\"org.example.role\":\"web\",\"tier\":\"front\"}");
  EXPECT_EQ(
      Rendered("{{json (split \"a,b\" \",\")}} {{slice \"abcdef\" 1 3}} {{slice .Config.Env 1}}"),
      "[\"a\",\"b\"] bc [B=2]");
  EXPECT_EQ(Rendered("{{.Name | printf \"%s!\"}} {{.State.Pid | printf \"%d\" | len}}"), "/web! 4");
}

TEST(TemplateExecutionTest, ErrorsNamePlaceOperandAndCause) {
  EXPECT_EQ(
      Refusal("ok {{.State.Nope}}")
          .rfind("--format: template: :1:6: executing at <.State.Nope>: .State has no field 'Nope'",
                 0),
      0u);
  EXPECT_EQ(Refusal("{{if eq .State.Pid \"x\"}}{{end}}"),
            "--format: template: :1:6: executing at <eq .State.Pid \"x\">: error calling eq: "
            "incompatible types for comparison (int and string)");
  EXPECT_EQ(Refusal("{{lt .State.Running true}}"),
            "--format: template: :1:3: executing at <lt .State.Running true>: error calling lt: "
            "invalid type for comparison");
  EXPECT_EQ(Refusal("{{eq .State 1}}"),
            "--format: template: :1:3: executing at <eq .State 1>: error calling eq: "
            "non-comparable type struct");
  EXPECT_EQ(Refusal("{{json .Name .Name}}"),
            "--format: template: :1:3: executing at <json .Name .Name>: wrong number of args for "
            "json: want 1 got 2");
  EXPECT_EQ(Refusal("{{index .Args 5}}"),
            "--format: template: :1:3: executing at <index .Args 5>: error calling index: index "
            "out of range: 5 (.Args has 1)");
  EXPECT_EQ(Refusal("{{range .State.Status}}{{end}}"),
            "--format: template: :1:9: executing at <.State.Status>: range can't iterate over "
            "running (.State.Status is string, not a list or a map)");
  EXPECT_EQ(Refusal("{{truncate .Name \"3\"}}"),
            "--format: template: :1:3: executing at <truncate .Name \"3\">: error calling "
            "truncate: wrong type for value; expected int; got string");
  EXPECT_EQ(Refusal("{{.Name.First}}"),
            "--format: template: :1:3: executing at <.Name.First>: .Name is a value, it has no "
            "field 'First'");
  EXPECT_EQ(Refusal("{{$x := 1}}{{$x.Foo}}"),
            "--format: template: :1:14: executing at <$x.Foo>: can't evaluate field Foo in type "
            "int ('1' is a value)");
  EXPECT_EQ(
      Refusal("a\n{{with .State}}\n  {{.Nope}}{{end}}")
          .rfind("--format: template: :3:5: executing at <.Nope>: .State has no field 'Nope'", 0),
      0u);
}

}  // namespace
}  // namespace boxcar::cli
