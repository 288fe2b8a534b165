// LayerChannel: bytes arrive in order and whole, a full queue holds the writer back until the
// reader drains it, and either end closing lets the other go on.
#include "store/layer_channel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace boxcar {
namespace {

std::string ReadAll(LayerChannel& channel) {
  std::string all;
  for (;;) {
    std::string_view chunk = channel.Read();
    if (chunk.empty()) return all;
    all.append(chunk);
  }
}

TEST(LayerChannelTest, BytesArriveInOrderAndWhole) {
  LayerChannel channel(1 << 20);
  std::string sent;
  for (int i = 0; i < 5000; ++i) sent += std::to_string(i) + ",";
  sent += std::string(3 << 20, 'x');  // more than the capacity: the writer waits for the reader
  std::thread writer([&] {
    for (size_t at = 0; at < sent.size(); at += 16384) {
      ASSERT_TRUE(channel.Write(sent.data() + at, std::min<size_t>(16384, sent.size() - at)));
    }
    channel.CloseWrite();
  });
  std::string received = ReadAll(channel);
  writer.join();
  EXPECT_EQ(received.size(), sent.size());
  EXPECT_TRUE(received == sent);
}

// Lent blocks (the blob writer's own, blob_store.h) are read in place, between copies, in
// order, and go back to their lender once the reader moves on or stops.
TEST(LayerChannelTest, LentBlocksAreReadInPlaceAndGoBackWhenTheReaderMovesOn) {
  LayerChannel channel(0);
  std::atomic<int> returned{0};
  const std::string first(3000, 'a');
  const std::string second(5000, 'b');
  auto lend = [&](const std::string& bytes) {
    return LentBlock(new std::string_view(bytes), [&](const std::string_view* view) {
      delete view;
      ++returned;
    });
  };
  channel.Write("head", 4);
  channel.Push(lend(first));
  channel.Push(lend(second));
  channel.Write("tail", 4);
  channel.CloseWrite();
  EXPECT_EQ(channel.Read(), "head");
  std::string_view chunk = channel.Read();
  EXPECT_EQ(chunk.data(), first.data()) << "a lent block is read in place";
  EXPECT_EQ(chunk.size(), first.size());
  EXPECT_EQ(returned.load(), 0) << "the block the reader holds stays lent";
  EXPECT_EQ(channel.Read().data(), second.data());
  EXPECT_EQ(returned.load(), 1);
  EXPECT_EQ(channel.Read(), "tail");
  EXPECT_EQ(returned.load(), 2);
  EXPECT_TRUE(channel.Read().empty());

  LayerChannel stopped(0);
  stopped.Push(lend(first));
  stopped.Push(lend(second));
  EXPECT_EQ(stopped.Read().size(), first.size());
  stopped.CloseRead();
  EXPECT_EQ(returned.load(), 4) << "a reader that stops gives every block back";
  stopped.Push(lend(first));
  EXPECT_EQ(returned.load(), 5) << "blocks lent after the reader stopped go straight back";
}

TEST(LayerChannelTest, AFullQueueHoldsTheWriterUntilTheReaderTakes) {
  LayerChannel channel(0);  // the least capacity: 512 KiB
  std::atomic<size_t> written{0};
  std::thread writer([&] {
    const std::string piece(64 << 10, 'p');
    for (int i = 0; i < 32; ++i) {  // 2 MiB
      ASSERT_TRUE(channel.Write(piece.data(), piece.size()));
      written += piece.size();
    }
    channel.CloseWrite();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_LE(written.load(), size_t{768} << 10) << "the writer ran past the capacity";
  EXPECT_EQ(ReadAll(channel).size(), size_t{2} << 20);
  writer.join();
}

TEST(LayerChannelTest, AReaderThatStopsReleasesTheWriter) {
  LayerChannel channel(0);
  std::thread writer([&] {
    const std::string piece(64 << 10, 'p');
    bool open = true;
    for (int i = 0; i < 64 && open; ++i) open = channel.Write(piece.data(), piece.size());
    EXPECT_FALSE(open);
    EXPECT_FALSE(channel.Write("x", 1));
  });
  EXPECT_FALSE(channel.Read().empty());
  channel.CloseRead();  // the unpacker gave up
  writer.join();
}

TEST(LayerChannelTest, AnEmptyLayerAndAShortOneEnd) {
  LayerChannel empty(1 << 20);
  empty.CloseWrite();
  EXPECT_TRUE(empty.Read().empty());
  EXPECT_TRUE(empty.Read().empty());

  LayerChannel short_one(1 << 20);
  ASSERT_TRUE(short_one.Write("abc", 3));
  short_one.CloseWrite();
  EXPECT_EQ(short_one.Read(), "abc");
  EXPECT_TRUE(short_one.Read().empty());
}

}  // namespace
}  // namespace boxcar
