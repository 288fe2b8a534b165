// The evaluator of a parsed --format template (cli/template_tree.h) over inspect's object, as
// Go's text/template executes one: control flow, variables, pipelines, and errors that name
// the place and the operand.
#include "cli/message_template.h"

#include <utility>
#include <vector>

#include "cli/template_functions.h"
#include "cli/template_pipeline_parser.h"
#include "cli/template_value.h"

namespace boxcar::cli {

namespace {

using google::protobuf::Message;

constexpr std::string_view kFormatPrefix = "--format: ";

class Execution {
 public:
  Execution(const ParsedTemplate& parsed, const TemplateValues& values)
      : parsed_(parsed), values_(values) {
    variables_.emplace_back("$", values_.Whole());
  }

  StatusOr<std::string> Run() {
    RETURN_IF_ERROR(Nodes(parsed_.nodes, values_.Whole()));
    return std::move(out_);
  }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  Status Nodes(const std::vector<TemplateNode>& nodes, const Datum& dot) {
    for (const TemplateNode& node : nodes) {
      RETURN_IF_ERROR(Node(node, dot));
      if (flow_ != Flow::kNormal) return OkStatus();
    }
    return OkStatus();
  }

  Status Node(const TemplateNode& node, const Datum& dot) {
    const size_t scope = variables_.size();
    switch (node.kind) {
      case TemplateNode::Kind::kText:
        out_ += node.text;
        return OkStatus();
      case TemplateNode::Kind::kAction: {
        ASSIGN_OR_RETURN(Datum value, Pipeline(node.pipeline, dot, true));
        if (node.pipeline.variables.empty()) out_ += values_.Text(value);
        return OkStatus();
      }
      case TemplateNode::Kind::kIf:
      case TemplateNode::Kind::kWith: {
        ASSIGN_OR_RETURN(Datum value, Pipeline(node.pipeline, dot, true));
        Status run;
        if (values_.Truth(value)) {
          run = Nodes(node.body, node.kind == TemplateNode::Kind::kWith ? value : dot);
        } else {
          variables_.resize(scope);
          run = Nodes(node.else_body, dot);
        }
        variables_.resize(scope);
        return run;
      }
      case TemplateNode::Kind::kRange: {
        Status run = Range(node, dot);
        variables_.resize(scope);
        return run;
      }
      case TemplateNode::Kind::kBreak:
        flow_ = Flow::kBreak;
        return OkStatus();
      case TemplateNode::Kind::kContinue:
        flow_ = Flow::kContinue;
        return OkStatus();
    }
    return OkStatus();
  }

  Status Range(const TemplateNode& node, const Datum& dot) {
    ASSIGN_OR_RETURN(Datum value, Pipeline(node.pipeline, dot, false));
    std::vector<std::pair<Datum, Datum>> elements;
    if (values_.Basic(value).kind == BasicValue::Kind::kInt) {  // Go 1.22's range over an int
      for (int64_t i = 0; i < values_.Basic(value).integer; ++i) {
        elements.emplace_back(IntDatum(i), IntDatum(i));
      }
    } else if (auto listed = values_.Elements(value)) {
      elements = std::move(*listed);
    } else {
      return Failed(node.pipeline.offset, node.pipeline.source,
                    InvalidArgument("range can't iterate over " + values_.Text(value) + " (" +
                                    TemplateValues::Walked(value) + " is " + values_.GoType(value) +
                                    ", not a list or a map)"));
    }
    if (elements.empty()) return Nodes(node.else_body, dot);
    const std::vector<std::string>& names = node.pipeline.variables;
    const size_t scope = variables_.size();
    for (const auto& [key, element] : elements) {
      variables_.resize(scope);
      if (names.size() == 1) variables_.emplace_back(names[0], element);
      if (names.size() == 2) {
        variables_.emplace_back(names[0], key);
        variables_.emplace_back(names[1], element);
      }
      RETURN_IF_ERROR(Nodes(node.body, element));
      if (flow_ == Flow::kBreak) {
        flow_ = Flow::kNormal;
        break;
      }
      flow_ = Flow::kNormal;
    }
    return OkStatus();
  }

  // The pipeline's value; with `bind`, what it declares or assigns takes it.
  StatusOr<Datum> Pipeline(const TemplatePipeline& pipeline, const Datum& dot, bool bind) {
    Datum value;
    for (size_t i = 0; i < pipeline.commands.size(); ++i) {
      ASSIGN_OR_RETURN(value, Command(pipeline.commands[i], dot, i == 0 ? nullptr : &value));
    }
    if (!bind) return value;
    for (const std::string& name : pipeline.variables) {
      if (pipeline.declares) {
        variables_.emplace_back(name, value);
        continue;
      }
      for (auto it = variables_.rbegin(); it != variables_.rend(); ++it) {
        if (it->first == name) {
          it->second = value;
          break;
        }
      }
    }
    return value;
  }

  StatusOr<Datum> Command(const TemplateCommand& command, const Datum& dot, const Datum* piped) {
    const TemplateOperand& first = command.operands.front();
    if (first.kind != TemplateOperand::Kind::kFunction) return Operand(first, dot);
    std::string source = first.name;
    for (size_t i = 1; i < command.operands.size(); ++i) source += " " + command.operands[i].source;
    std::vector<Datum> arguments;
    const bool lazy = first.name == "and" || first.name == "or";
    for (size_t i = 1; i < command.operands.size(); ++i) {
      ASSIGN_OR_RETURN(Datum argument, Operand(command.operands[i], dot));
      // and/or stop at the first argument that decides, as Go's (1.18+).
      if (lazy && values_.Truth(argument) == (first.name == "or")) return argument;
      arguments.push_back(std::move(argument));
    }
    if (piped != nullptr) arguments.push_back(*piped);
    StatusOr<Datum> result = CallTemplateFunction(values_, first.name, arguments);
    if (!result.ok()) return Failed(command.offset, source, result.status());
    return result;
  }

  StatusOr<Datum> Operand(const TemplateOperand& operand, const Datum& dot) {
    using Kind = TemplateOperand::Kind;
    StatusOr<Datum> value = Datum{};
    switch (operand.kind) {
      case Kind::kDot:
        return dot;
      case Kind::kField:
        value = values_.Walk(dot, operand.name);
        break;
      case Kind::kVariable: {
        auto it = variables_.rbegin();
        while (it != variables_.rend() && it->first != operand.name) ++it;
        if (it == variables_.rend()) {
          return Failed(operand.offset, operand.source,
                        InvalidArgument("undefined variable: " + operand.name));
        }
        value = values_.Walk(it->second, operand.path);
        break;
      }
      case Kind::kString:
        return TextDatum(operand.name);
      case Kind::kInt:
        return IntDatum(operand.integer);
      case Kind::kReal: {
        Datum real;
        real.kind = Datum::Kind::kReal;
        real.real = operand.real;
        return real;
      }
      case Kind::kBool:
        return BoolDatum(operand.boolean);
      case Kind::kNil: {
        Datum nil;
        nil.kind = Datum::Kind::kNil;
        return nil;
      }
      case Kind::kFunction: {  // a function named as an argument is called without any
        TemplateCommand call;
        call.operands.push_back(operand);
        call.offset = operand.offset;
        return Command(call, dot, nullptr);
      }
      case Kind::kPipeline: {
        ASSIGN_OR_RETURN(Datum inner, Pipeline(*operand.pipeline, dot, false));
        value = values_.Walk(inner, operand.path);
        break;
      }
    }
    if (!value.ok()) return Failed(operand.offset, operand.source, value.status());
    return value;
  }

  // Go's "template: :1:5: executing at <.State.Foo>: what"; an error from deeper down (a
  // parenthesized pipeline) already says where.
  Status Failed(size_t offset, const std::string& source, const Status& error) const {
    std::string_view what = error.message();
    if (what.rfind("--format: template: ", 0) == 0) return error;
    if (what.rfind(kFormatPrefix, 0) == 0) what.remove_prefix(kFormatPrefix.size());
    return TemplateError(parsed_.source, offset,
                         "executing at <" + source + ">: " + std::string(what));
  }

  const ParsedTemplate& parsed_;
  const TemplateValues& values_;
  std::vector<std::pair<std::string, Datum>> variables_;
  std::string out_;
  Flow flow_ = Flow::kNormal;
};

}  // namespace

StatusOr<std::string> RenderParsedTemplate(const ParsedTemplate& parsed, const Message& message,
                                           const DockerView* docker_view) {
  const TemplateValues values(message, docker_view);
  return Execution(parsed, values).Run();
}

StatusOr<std::string> RenderMessageTemplate(const std::string& format_template,
                                            const Message& message, const DockerView* docker_view) {
  ASSIGN_OR_RETURN(ParsedTemplate parsed, ParseTemplate(format_template));
  return RenderParsedTemplate(parsed, message, docker_view);
}

}  // namespace boxcar::cli
