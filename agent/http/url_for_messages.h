// A URL as error messages and logs may show it: without the credentials of its userinfo
// ("https://user:secret@host/" -> "https://***@host/", also without a scheme:
// "user:secret@host" -> "***@host") and without its query, where signed
// URLs (a registry's redirect to object storage) carry their signature ("?..." stays as a
// mark that there was one).
#pragma once

#include <string>
#include <string_view>

namespace boxcar {

std::string UrlForMessages(std::string_view url);

}  // namespace boxcar
