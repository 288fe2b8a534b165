// `boxcar images --filter KEY=VALUE` and `--format`, as Docker reads them. An image lists as a
// row per reference (REPOSITORY and TAG), per repo digest when it has no reference, or one
// <none> row. Filters: dangling (true: images with neither reference nor repo digest; false:
// the others), reference (a glob, `*` within a path segment, against "repo:tag" or "repo"; only
// the matching rows stay), label (KEY or KEY=VALUE of the image's config), before and since
// (created before or after an image, by reference or id). Keys must all match, values of one
// key any. --format: "json" (one object per row), a template of .ID .Repository .Tag .Digest
// .CreatedSince .CreatedAt .Size, or "table TEMPLATE".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "boxcar/v1/images.pb.h"
#include "common/status.h"

namespace boxcar::cli {

struct ImageRow {
  std::string repository;  // "<none>" for an image without a reference
  std::string tag;         // "<none>" for a repo digest or no reference
  std::string digest;      // "sha256:..." of a repo digest row, else "<none>"
  const v1::Image* image = nullptr;
};

// The rows of `images`, in their order.
std::vector<ImageRow> ImageRows(const google::protobuf::RepeatedPtrField<v1::Image>& images);

class ImageFilter {
 public:
  // INVALID_ARGUMENT naming --filter for an unknown key, a missing '=' or a bad dangling value.
  static StatusOr<ImageFilter> Parse(const std::vector<std::string>& filters);
  // before/since: finds each image named among `images`, NOT_FOUND naming --filter otherwise.
  Status Resolve(const google::protobuf::RepeatedPtrField<v1::Image>& images);
  bool Matches(const ImageRow& row) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;  // by key
  std::map<std::string, int64_t> created_of_;               // before/since: by reference
};

// A row's line from a template of the columns above, or with `row` null the header row;
// INVALID_ARGUMENT naming --format for an unknown field.
StatusOr<std::string> FormatImageRow(const std::string& format_template, const ImageRow* row,
                                     bool no_trunc);

}  // namespace boxcar::cli
