// A snapshotter for unit tests of the container service: every call succeeds, Mount answers
// "/rootfs"; tests override what they look at with EXPECT_CALL / ON_CALL.
#pragma once

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "snapshot/snapshotter.h"

namespace boxcar {

class MockSnapshotter : public Snapshotter {
 public:
  MockSnapshotter() {
    using ::testing::_;
    using ::testing::Return;
    ON_CALL(*this, Prepare(_, _)).WillByDefault(Return(OkStatus()));
    ON_CALL(*this, Mount(_, _, _))
        .WillByDefault(Return(StatusOr<std::string>(std::string("/rootfs"))));
    ON_CALL(*this, Unmount(_)).WillByDefault(Return(OkStatus()));
    ON_CALL(*this, Remove(_)).WillByDefault(Return(OkStatus()));
    ON_CALL(*this, Reset(_)).WillByDefault(Return(OkStatus()));
  }
  const std::string& name() const override { return name_; }
  MOCK_METHOD(Status, Prepare, (const std::string&, const IdMapping&), (override));
  MOCK_METHOD(StatusOr<std::string>, Mount,
              (const std::string&, const std::vector<std::string>&, const IdMapping&), (override));
  MOCK_METHOD(std::string, RootfsDir, (const std::string&), (const, override));
  MOCK_METHOD(std::string, ChangesDir, (const std::string&), (const, override));
  MOCK_METHOD(Status, Unmount, (const std::string&), (override));
  MOCK_METHOD(Status, Remove, (const std::string&), (override));
  MOCK_METHOD(Status, Reset, (const std::string&), (override));
  MOCK_METHOD(std::vector<std::string>, ListKeys, (), (const, override));
  std::string name_ = "mock";
};

}  // namespace boxcar
