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
// Either side: `{{.}}` the whole object, `{{json .X}}` any value as JSON, `{{index .M "key"}}`
// / `{{index .L 0}}`, `{{len .X}}`, `{{join .L ","}}`, `{{upper .X}}`, `{{lower .X}}`, `{{title
// .X}}`, pipes
// (`{{.X | json}}`), parentheses, `$` for the whole object inside a range, and
// `{{range .X}}...{{end}}` over a list or a map's values (sorted by key), '.' the element.
// A key or index that is not there prints "<no value>" (Go's); mistakes are INVALID_ARGUMENT
// naming --format.
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "cli/docker_view.h"
#include "common/status.h"

namespace boxcar::cli {

StatusOr<std::string> RenderMessageTemplate(const std::string& format_template,
                                            const google::protobuf::Message& message,
                                            const DockerView* docker_view = nullptr);

}  // namespace boxcar::cli
