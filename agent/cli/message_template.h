// `inspect --format`: a template whose fields walk the object inspect prints, as Docker's
// `inspect -f '{{.State.Pid}}'` walks its JSON. The object has two sides:
// - Docker's keys (cli/docker_view.h), when given: a path whose step is one of them, exactly
//   and case-sensitively (`{{.State.Pid}}`, `{{.Config.Labels}}`), walks them as Go's
//   templates walk Docker's types: a map by key (`{{.Config.Labels.tier}}`, "<no value>" when
//   it is not there), a struct's fields by their exact names (an error otherwise); values
//   print as Go prints them (`[a b]`, `map[k:v]`, `{running true ...}`, `<nil>`).
// - The message's fields: every other path, names matching their field without regard to case
//   and underscores (`{{.spec.image}}`, `{{.Spec.PidMode}}`, `{{.ExitCode}}` is exit_code); a
//   map by key (dots and all: `{{.spec.labels.org.example.role}}`), a list by index
//   (`{{.interfaces.0.ip}}`); scalars as text (enums by name), messages, lists and maps as
//   JSON; an unset message reads as its defaults; a field the message does not have is an error
//   listing those it has.
// Either side, Go's text/template as Docker uses it (cli/template_tree.h for the syntax,
// cli/template_functions.h for the functions): `{{.}}` the whole object, `$` the whole object
// anywhere, `{{if}}`/`{{with}}`/`{{range}}` with `{{else}}`, variables, pipes, comparisons with
// Go's truth (false, 0, "", nil, an empty list or map, a missing key are false). A key or
// index that is not there prints "<no value>" (Go's). Mistakes are INVALID_ARGUMENT
// "--format: template: :LINE:COLUMN: ..." naming the place and, when executing, the operand
// ("executing at <.State.Foo>: ..."), as Go's.
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "cli/docker_view.h"
#include "cli/template_tree.h"
#include "common/status.h"

namespace boxcar::cli {

// The template parsed once (ParseTemplate), rendered over each object.
StatusOr<std::string> RenderParsedTemplate(const ParsedTemplate& parsed,
                                           const google::protobuf::Message& message,
                                           const DockerView* docker_view = nullptr);

StatusOr<std::string> RenderMessageTemplate(const std::string& format_template,
                                            const google::protobuf::Message& message,
                                            const DockerView* docker_view = nullptr);

}  // namespace boxcar::cli
