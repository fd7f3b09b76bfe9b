#include "app/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace digitrade::app {
namespace {

namespace fs = std::filesystem;

mode_t Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// A fresh directory per test, removed afterwards.
class Dir {
 public:
  Dir()
      : path_((fs::temp_directory_path() /
               ("digitrade-files-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                  .string()) {
    fs::create_directories(path_);
  }
  ~Dir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::size_t Entries(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(WriteFileText, ReplacesAFileAndLeavesNothingBeside) {
  Dir dir;
  const std::string path = dir.File("out.txt");
  ASSERT_TRUE(WriteFileText(path, "first\n"));
  ASSERT_TRUE(WriteFileText(path, "second, longer\n"));
  EXPECT_EQ(ReadFileText(path).value(), "second, longer\n");
  EXPECT_EQ(Entries(dir.path()), 1u);
}

TEST(WriteFileText, SecretsAre0600AndOtherFilesFollowTheUmask) {
  Dir dir;
  const mode_t old = ::umask(022);
  ASSERT_TRUE(WriteFileText(dir.File("key.pem"), "secret", true));
  ASSERT_TRUE(WriteFileText(dir.File("pub.pem"), "public"));
  // An existing public file replaced by a secret becomes 0600.
  ASSERT_TRUE(WriteFileText(dir.File("pub2.pem"), "public"));
  ASSERT_TRUE(WriteFileText(dir.File("pub2.pem"), "now secret", true));
  ::umask(old);
  EXPECT_EQ(Mode(dir.File("key.pem")), 0600u);
  EXPECT_EQ(Mode(dir.File("pub.pem")), 0644u);
  EXPECT_EQ(Mode(dir.File("pub2.pem")), 0600u);
}

// A reader polling the file (a script waiting for --port-file) never sees
// it empty or half-written.
TEST(WriteFileText, AReaderSeesTheOldOrTheWholeNewContent) {
  Dir dir;
  const std::string path = dir.File("port");
  const std::string a(4096, 'a');
  const std::string b(8192, 'b');
  ASSERT_TRUE(WriteFileText(path, a));
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) (void)WriteFileText(path, i % 2 == 0 ? b : a);
    stop = true;
  });
  int reads = 0;
  while (!stop) {
    auto text = ReadFileText(path);
    ASSERT_TRUE(text) << text.error().ToString();
    ASSERT_TRUE(*text == a || *text == b) << "read " << text->size() << " bytes";
    ++reads;
  }
  writer.join();
  EXPECT_GT(reads, 0);
}

TEST(WriteFileText, AMissingDirectoryIsUnavailableAndADeviceIsWrittenInPlace) {
  Dir dir;
  auto st = WriteFileText(dir.File("no/such/dir/file"), "x");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(st.error().message().find("no/such/dir/file"), std::string::npos);
  EXPECT_TRUE(WriteFileText("/dev/null", "discarded"));
}

}  // namespace
}  // namespace digitrade::app
