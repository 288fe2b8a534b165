#include "cli/image_listing.h"

#include <fnmatch.h>

#include <algorithm>
#include <functional>

#include "cli/format_template.h"
#include "cli/human_format.h"

namespace boxcar::cli {

namespace {

constexpr const char* kFilterKeys[] = {"dangling", "reference", "label", "before", "since"};

// "host:5000/team/app:1" -> {"host:5000/team/app", "1"}; no tag -> "<none>".
std::pair<std::string, std::string> SplitReference(const std::string& reference) {
  const size_t slash = reference.rfind('/');
  const size_t colon = reference.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    return {reference, "<none>"};
  }
  return {reference.substr(0, colon), reference.substr(colon + 1)};
}

bool Glob(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), FNM_PATHNAME) == 0;
}

bool MatchesLabel(const v1::Image& image, const std::string& label) {
  const auto& labels = image.config().labels();
  const size_t equals = label.find('=');
  if (equals == std::string::npos) return labels.count(label) > 0;
  auto it = labels.find(label.substr(0, equals));
  return it != labels.end() && it->second == label.substr(equals + 1);
}

bool Dangling(const v1::Image& image) {
  return image.references().empty() && image.repo_digests().empty();
}

}  // namespace

std::vector<ImageRow> ImageRows(const google::protobuf::RepeatedPtrField<v1::Image>& images) {
  std::vector<ImageRow> rows;
  for (const v1::Image& image : images) {
    for (const std::string& reference : image.references()) {
      if (const size_t at = reference.find('@'); at != std::string::npos) {
        rows.push_back({reference.substr(0, at), "<none>", reference.substr(at + 1), &image});
        continue;
      }
      auto [repository, tag] = SplitReference(reference);
      rows.push_back({repository, tag, "<none>", &image});
    }
    if (!image.references().empty()) continue;
    for (const std::string& repo_digest : image.repo_digests()) {
      const size_t at = repo_digest.find('@');
      rows.push_back({repo_digest.substr(0, at), "<none>",
                      at == std::string::npos ? "<none>" : repo_digest.substr(at + 1), &image});
    }
    if (image.repo_digests().empty()) rows.push_back({"<none>", "<none>", "<none>", &image});
  }
  return rows;
}

StatusOr<ImageFilter> ImageFilter::Parse(const std::vector<std::string>& filters) {
  ImageFilter filter;
  for (const std::string& entry : filters) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
      return InvalidArgument("--filter '" + entry + "': give KEY=VALUE, e.g. dangling=true");
    }
    const std::string key = entry.substr(0, equals);
    const std::string value = entry.substr(equals + 1);
    if (std::find(std::begin(kFilterKeys), std::end(kFilterKeys), key) == std::end(kFilterKeys)) {
      return InvalidArgument("--filter '" + entry +
                             "': unknown key; use dangling, reference, label, before or since");
    }
    if (key == "dangling" && value != "true" && value != "false") {
      return InvalidArgument("--filter '" + entry + "': dangling is true or false");
    }
    filter.values_[key].push_back(value);
  }
  return filter;
}

Status ImageFilter::Resolve(const google::protobuf::RepeatedPtrField<v1::Image>& images) {
  for (const char* key : {"before", "since"}) {
    auto it = values_.find(key);
    if (it == values_.end()) continue;
    for (const std::string& name : it->second) {
      const v1::Image* found = nullptr;
      const std::string id = name.rfind("sha256:", 0) == 0 ? name : "sha256:" + name;
      for (const v1::Image& image : images) {
        const bool named = std::find(image.references().begin(), image.references().end(), name) !=
                               image.references().end() ||
                           std::find(image.references().begin(), image.references().end(),
                                     name + ":latest") != image.references().end();
        if (named || (name.size() >= 4 && image.id().rfind(id, 0) == 0)) found = &image;
      }
      if (found == nullptr) {
        return NotFound("--filter '" + std::string(key) + "=" + name +
                        "': no such image (give a reference or an id)");
      }
      created_of_[name] = found->created_unix_seconds();
    }
  }
  return OkStatus();
}

bool ImageFilter::Matches(const ImageRow& row) const {
  const v1::Image& image = *row.image;
  for (const auto& [key, values] : values_) {
    bool any = false;
    for (const std::string& value : values) {
      if (key == "dangling") {
        any = any || Dangling(image) == (value == "true");
      } else if (key == "reference") {
        const std::string full =
            row.tag == "<none>" ? row.repository : row.repository + ":" + row.tag;
        any = any ||
              (row.repository != "<none>" && (Glob(value, full) || Glob(value, row.repository)));
      } else if (key == "label") {
        any = any || MatchesLabel(image, value);
      } else {
        auto created = created_of_.find(value);
        any = any || (created != created_of_.end() &&
                      (key == "before" ? image.created_unix_seconds() < created->second
                                       : image.created_unix_seconds() > created->second));
      }
    }
    if (!any) return false;
  }
  return true;
}

StatusOr<std::string> FormatImageRow(const std::string& format_template, const ImageRow* row,
                                     bool no_trunc) {
  struct Column {
    const char* field;
    const char* header;
    std::function<std::string(const ImageRow&)> value;
  };
  const std::vector<Column> columns = {
      {".ID", "IMAGE ID",
       [&](const ImageRow& r) { return no_trunc ? r.image->id() : r.image->id().substr(7, 12); }},
      {".Repository", "REPOSITORY", [](const ImageRow& r) { return r.repository; }},
      {".Tag", "TAG", [](const ImageRow& r) { return r.tag; }},
      {".Digest", "DIGEST", [](const ImageRow& r) { return r.digest; }},
      {".CreatedSince", "CREATED",
       [](const ImageRow& r) {
         return HumanDuration(NowUnixSeconds() - r.image->created_unix_seconds()) + " ago";
       }},
      {".CreatedAt", "CREATED AT",
       [](const ImageRow& r) { return std::to_string(r.image->created_unix_seconds()); }},
      {".Size", "SIZE", [](const ImageRow& r) { return HumanBytes(r.image->size_bytes()); }},
  };
  return ExpandFormatTemplate(
      format_template, [&](const std::string& field) -> StatusOr<std::string> {
        for (const Column& column : columns) {
          if (field != column.field) continue;
          return row ? column.value(*row) : std::string(column.header);
        }
        return InvalidArgument("--format: unknown field '" + field +
                               "'; use .ID .Repository .Tag .Digest .CreatedSince .CreatedAt "
                               ".Size");
      });
}

}  // namespace boxcar::cli
