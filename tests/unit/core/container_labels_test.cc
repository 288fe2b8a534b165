#include "core/container_labels.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

google::protobuf::Map<std::string, std::string> Labels(
    std::initializer_list<std::pair<const std::string, std::string>> entries) {
  google::protobuf::Map<std::string, std::string> labels;
  for (const auto& [key, value] : entries) labels[key] = value;
  return labels;
}

TEST(ContainerLabelsTest, AcceptsDottedAndSlashedKeys) {
  EXPECT_TRUE(ValidateContainerLabels(
                  Labels({{"org.openstack.nova/instance-uuid", "abc"}, {"a_b", ""}}), "spec.labels")
                  .ok());
}

TEST(ContainerLabelsTest, RefusesBadKeysNamingTheField) {
  auto status = ValidateContainerLabels(Labels({{"has space", "x"}}), "spec.labels");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("spec.labels: key 'has space'", 0), 0u) << status.message();
  EXPECT_FALSE(ValidateContainerLabels(Labels({{"", "x"}}), "spec.labels").ok());
  EXPECT_FALSE(ValidateContainerLabels(Labels({{std::string(129, 'k'), "x"}}), "spec.labels").ok());
}

TEST(ContainerLabelsTest, RefusesLongValuesAndTooManyLabels) {
  EXPECT_FALSE(ValidateContainerLabels(Labels({{"k", std::string(4097, 'v')}}), "l").ok());
  google::protobuf::Map<std::string, std::string> many;
  for (int i = 0; i < 65; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_FALSE(ValidateContainerLabels(many, "l").ok());
}

}  // namespace
}  // namespace boxcar
