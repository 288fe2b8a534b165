// GoSprintf (cli/template_functions.h): Go's fmt verbs for a template's printf.
#include <cinttypes>
#include <cstdio>

#include "cli/template_functions.h"

namespace boxcar::cli {

namespace {

struct Verb {
  bool minus = false, plus = false, sharp = false, zero = false, space = false;
  int width = -1;
  int precision = -1;
  char verb = 'v';
};

size_t RuneCount(const std::string& text) {
  size_t runes = 0;
  for (char c : text) runes += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return runes;
}

// strconv.Quote, for the escapes that matter in Docker's values.
std::string GoQuoted(const std::string& text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
          quoted += escaped;
        } else {
          quoted += static_cast<char>(c);
        }
    }
  }
  return quoted + "\"";
}

std::string Utf8(int64_t code) {
  std::string text;
  const auto c = static_cast<uint32_t>(code);
  if (c < 0x80) {
    text += static_cast<char>(c);
  } else if (c < 0x800) {
    text += static_cast<char>(0xC0 | (c >> 6));
    text += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    text += static_cast<char>(0xE0 | (c >> 12));
    text += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    text += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    text += static_cast<char>(0xF0 | (c >> 18));
    text += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    text += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    text += static_cast<char>(0x80 | (c & 0x3F));
  }
  return text;
}

std::string Integer(const Verb& verb, int64_t value) {
  const bool negative = value < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  char digits[80];
  switch (verb.verb) {
    case 'x':
      std::snprintf(digits, sizeof digits, "%" PRIx64, magnitude);
      break;
    case 'X':
      std::snprintf(digits, sizeof digits, "%" PRIX64, magnitude);
      break;
    case 'o':
      std::snprintf(digits, sizeof digits, "%" PRIo64, magnitude);
      break;
    case 'b': {
      std::string bits;
      for (uint64_t rest = magnitude; rest != 0 || bits.empty(); rest >>= 1)
        bits.insert(bits.begin(), static_cast<char>('0' + (rest & 1)));
      std::snprintf(digits, sizeof digits, "%s", bits.c_str());
      break;
    }
    default:
      std::snprintf(digits, sizeof digits, "%" PRIu64, magnitude);
  }
  std::string number = digits;
  if (verb.precision >= 0 && number.size() < static_cast<size_t>(verb.precision)) {
    number.insert(0, verb.precision - number.size(), '0');
  }
  if (verb.sharp && (verb.verb == 'x' || verb.verb == 'X'))
    number.insert(0, verb.verb == 'x' ? "0x" : "0X");
  if (verb.sharp && verb.verb == 'o') number.insert(0, "0");
  const std::string sign = negative ? "-" : verb.plus ? "+" : verb.space ? " " : "";
  if (verb.zero && !verb.minus && verb.precision < 0 && verb.width > 0) {
    const size_t wanted =
        static_cast<size_t>(verb.width) - std::min(sign.size(), static_cast<size_t>(verb.width));
    if (number.size() < wanted) number.insert(0, wanted - number.size(), '0');
  }
  return sign + number;
}

std::string Real(const Verb& verb, double value) {
  const char conversion = verb.verb == 'v' ? 'g' : verb.verb;
  std::string format = "%";
  if (verb.plus) format += '+';
  if (verb.space) format += ' ';
  if (verb.zero && !verb.minus) format += '0';
  if (verb.width > 0 && verb.zero && !verb.minus) format += std::to_string(verb.width);
  if (verb.precision >= 0) {
    format += "." + std::to_string(verb.precision);
  } else if (conversion == 'f' || conversion == 'e') {
    format += ".6";
  }
  char text[512];
  if (conversion == 'g' && verb.precision < 0) {
    // Go's shortest form.
    for (int precision = 1; precision <= 17; ++precision) {
      std::snprintf(text, sizeof text, (format + "." + std::to_string(precision) + "g").c_str(),
                    value);
      if (std::strtod(text, nullptr) == value) break;
    }
    return text;
  }
  std::snprintf(text, sizeof text, (format + conversion).c_str(), value);
  return text;
}

std::string Padded(const Verb& verb, std::string text) {
  if (verb.width < 0) return text;
  const size_t runes = RuneCount(text);
  if (runes >= static_cast<size_t>(verb.width)) return text;
  const std::string fill(static_cast<size_t>(verb.width) - runes, ' ');
  return verb.minus ? text + fill : fill + text;
}

}  // namespace

std::string GoSprintf(const TemplateValues& values, const std::string& format,
                      const std::vector<Datum>& arguments) {
  std::string out;
  size_t next = 0;
  auto bad = [&](char verb_char, const Datum& argument) {
    const BasicValue basic = values.Basic(argument);
    if (basic.kind == BasicValue::Kind::kMissing || basic.kind == BasicValue::Kind::kNil) {
      return std::string("%!") + verb_char + "(<nil>)";
    }
    return std::string("%!") + verb_char + "(" + values.GoType(argument) + "=" +
           values.Text(argument) + ")";
  };
  auto int_argument = [&](int* into) {
    if (next < arguments.size() && values.Basic(arguments[next]).kind == BasicValue::Kind::kInt) {
      *into = static_cast<int>(values.Basic(arguments[next++]).integer);
      return true;
    }
    ++next;
    return false;
  };
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    Verb verb;
    for (++i; i < format.size(); ++i) {
      const char flag = format[i];
      if (flag == '-')
        verb.minus = true;
      else if (flag == '+')
        verb.plus = true;
      else if (flag == '#')
        verb.sharp = true;
      else if (flag == '0')
        verb.zero = true;
      else if (flag == ' ')
        verb.space = true;
      else
        break;
    }
    if (i < format.size() && format[i] == '*') {
      if (!int_argument(&verb.width)) out += "%!(BADWIDTH)";
      ++i;
    } else {
      for (; i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])); ++i)
        verb.width = std::max(verb.width, 0) * 10 + (format[i] - '0');
    }
    if (i < format.size() && format[i] == '.') {
      verb.precision = 0;
      if (++i < format.size() && format[i] == '*') {
        if (!int_argument(&verb.precision)) out += "%!(BADPREC)";
        ++i;
      } else {
        for (; i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])); ++i)
          verb.precision = verb.precision * 10 + (format[i] - '0');
      }
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    verb.verb = format[i];
    if (verb.verb == '%') {
      out += '%';
      continue;
    }
    if (next >= arguments.size()) {
      out += std::string("%!") + verb.verb + "(MISSING)";
      continue;
    }
    const Datum& argument = arguments[next++];
    const BasicValue basic = values.Basic(argument);
    using Kind = BasicValue::Kind;
    std::string text;
    switch (verb.verb) {
      case 'v':
        if (basic.kind == Kind::kInt)
          text = Integer(verb, basic.integer);
        else if (basic.kind == Kind::kReal)
          text = Real(verb, basic.real);
        else if (basic.kind == Kind::kString && verb.sharp)
          text = GoQuoted(basic.text);
        else
          text = values.Text(argument);
        break;
      case 's':
        if (basic.kind == Kind::kString)
          text = basic.text;
        else if (basic.kind == Kind::kNone)
          text = values.Text(argument);
        else
          text = bad(verb.verb, argument);
        if (basic.kind == Kind::kString && verb.precision >= 0 &&
            text.size() > static_cast<size_t>(verb.precision))
          text.resize(verb.precision);
        break;
      case 'q':
        if (basic.kind == Kind::kString)
          text = GoQuoted(basic.text);
        else if (basic.kind == Kind::kInt)
          text = "'" + Utf8(basic.integer) + "'";
        else
          text = bad(verb.verb, argument);
        break;
      case 'd':
      case 'o':
      case 'b':
        text = basic.kind == Kind::kInt ? Integer(verb, basic.integer) : bad(verb.verb, argument);
        break;
      case 'x':
      case 'X':
        if (basic.kind == Kind::kInt) {
          text = Integer(verb, basic.integer);
        } else if (basic.kind == Kind::kString) {
          for (unsigned char c : basic.text) {
            char hex[4];
            std::snprintf(hex, sizeof hex, verb.verb == 'x' ? "%02x" : "%02X", c);
            text += hex;
          }
        } else {
          text = bad(verb.verb, argument);
        }
        break;
      case 'c':
        text = basic.kind == Kind::kInt ? Utf8(basic.integer) : bad(verb.verb, argument);
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        text = basic.kind == Kind::kReal ? Real(verb, basic.real) : bad(verb.verb, argument);
        break;
      case 't':
        text = basic.kind == Kind::kBool ? (basic.boolean ? "true" : "false")
                                         : bad(verb.verb, argument);
        break;
      case 'T':
        text = values.GoType(argument);
        break;
      default:
        text = bad(verb.verb, argument);
    }
    out += Padded(verb, text);
  }
  if (next < arguments.size()) {
    out += "%!(EXTRA ";
    for (size_t i = next; i < arguments.size(); ++i) {
      out +=
          (i == next ? "" : ", ") + values.GoType(arguments[i]) + "=" + values.Text(arguments[i]);
    }
    out += ")";
  }
  return out;
}

}  // namespace boxcar::cli
