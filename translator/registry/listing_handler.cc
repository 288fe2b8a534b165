// GET /v2/<name>/tags/list and GET /v2/_catalog, with the spec's n / last paging and a Link
// header to the next page. Both list what Glance shows the caller's project.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "registry/request_context.h"

namespace boxcar::registry {
namespace {

constexpr size_t kDefaultPage = 1000;

// Applies last / n; sets *next_last when more entries follow.
std::vector<std::string> Page(const std::vector<std::string>& sorted, const HttpExchange& http,
                              std::string* next_last, Status* invalid) {
  const std::string last = http.QueryValue("last");
  size_t n = kDefaultPage;
  const std::string n_text = http.QueryValue("n");
  if (!n_text.empty()) {
    try {
      size_t used = 0;
      n = std::stoul(n_text, &used);
      if (used != n_text.size()) throw 0;
    } catch (...) {
      *invalid = InvalidArgument("n: '" + n_text.substr(0, 20) + "' is not a number");
      return {};
    }
  }
  auto begin = last.empty() ? sorted.begin() : std::upper_bound(sorted.begin(), sorted.end(), last);
  std::vector<std::string> page;
  for (auto it = begin; it != sorted.end() && page.size() < n; ++it) page.push_back(*it);
  if (!page.empty() && begin + static_cast<long>(page.size()) != sorted.end()) {
    *next_last = page.back();
  }
  return page;
}

void Answer(RequestContext& c, const char* key, const std::vector<std::string>& all,
            const std::string& path, const char* name) {
  std::string next_last;
  Status invalid;
  auto page = Page(all, c.http, &next_last, &invalid);
  if (!invalid.ok()) {
    SendError(c.http, ErrorCode::kUnsupported, invalid.message());
    return;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (name) {
    w.Key("name");
    w.String(name);
  }
  w.Key(key);
  w.StartArray();
  for (const auto& entry : page) w.String(entry.c_str());
  w.EndArray();
  w.EndObject();
  HeaderList headers = {{"Content-Type", "application/json"}};
  if (!next_last.empty()) {
    headers.emplace_back("Link", "<" + path + "?n=" + std::to_string(page.size()) +
                                     "&last=" + next_last + ">; rel=\"next\"");
  }
  (void)c.http.Respond(200, headers, std::string(buffer.GetString(), buffer.GetSize()));
}

}  // namespace

void ServeTags(RequestContext& c) {
  if (c.http.method() != "GET" && c.http.method() != "HEAD") {
    SendError(c.http, ErrorCode::kUnsupported, "method " + c.http.method() + " on tags/list");
    return;
  }
  auto manifests = c.store.Manifests(c.route.repository);
  if (!manifests.ok()) {
    SendError(c.http, ErrorFromStatus(manifests.status(), ErrorCode::kNameUnknown));
    return;
  }
  if (manifests->empty()) {
    SendError(c.http, ErrorCode::kNameUnknown,
              "repository " + c.route.repository + " is unknown to this project");
    return;
  }
  std::vector<std::string> tags;
  for (const auto& image : *manifests)
    tags.insert(tags.end(), image.tags.begin(), image.tags.end());
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  Answer(c, "tags", tags, "/v2/" + c.route.repository + "/tags/list", c.route.repository.c_str());
}

void ServeCatalog(RequestContext& c) {
  auto repositories = c.store.Repositories();
  if (!repositories.ok()) {
    SendError(c.http, ErrorFromStatus(repositories.status(), ErrorCode::kNameUnknown));
    return;
  }
  Answer(c, "repositories", *repositories, "/v2/_catalog", nullptr);
}

}  // namespace boxcar::registry
