// `inspect --format`: a --format template whose fields walk the message inspect prints, as
// Docker's `inspect -f '{{.State.Pid}}'` walks its JSON. `{{.spec.image}}`, or `{{.Spec.Image}}`
// (a name matches its field ignoring case and underscores: .ExitCode is exit_code); a map by
// key (`{{.spec.labels.tier}}`, dots and all: `{{.spec.labels.org.example.role}}`), a list by
// index (`{{.interfaces.0.ip}}`); `{{.}}` the whole
// message; `{{json .spec}}` any value as JSON. Scalars print as text (enums by name), messages,
// lists and maps as JSON. An unset message reads as its defaults (as inspect prints them); a
// map key or index that is not there prints "<no value>" (Go's); a field the message does not
// have is an error listing the fields it has.
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "common/status.h"

namespace boxcar::cli {

StatusOr<std::string> RenderMessageTemplate(const std::string& format_template,
                                            const google::protobuf::Message& message);

}  // namespace boxcar::cli
