#include "http/url_for_messages.h"

namespace boxcar {

std::string UrlForMessages(std::string_view url) {
  std::string shown;
  size_t scheme_end = url.find("://");
  size_t authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  size_t at = authority.rfind('@');
  shown += url.substr(0, authority_start);
  if (at != std::string_view::npos) {
    shown += "***@";
    shown += authority.substr(at + 1);
  } else {
    shown += authority;
  }
  std::string_view rest = url.substr(authority_end);
  size_t query = rest.find_first_of("?#");
  if (query == std::string_view::npos) {
    shown += rest;
  } else {
    shown += rest.substr(0, query);
    if (rest[query] == '?') shown += "?...";
  }
  return shown;
}

}  // namespace boxcar
