// Standalone driver for libFuzzer-style targets: replays seed files and a
// bounded number of deterministic mutations of them, so every fuzz target
// runs under the sanitizer build in the test suite without a fuzzing engine.
//
// usage: fuzz_<name> [--mutations=N] [--seed=S] FILE_OR_DIR...
// Exit code 0 when every input ran; a crash aborts with the sanitizer report
// and the input that caused it is written to ./crash-input (from a
// sanitizer death callback or a signal handler, so clean runs write nothing).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace {

std::vector<std::string> g_inputs;
const std::string* g_current = nullptr;

// Async-signal-safe: open/write/close only.
void SaveCurrentInput() {
  if (g_current == nullptr) return;
  const int fd = ::open("crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  const char* p = g_current->data();
  std::size_t left = g_current->size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
}

void OnFatalSignal(int sig) {
  SaveCurrentInput();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Run(const std::string& input) {
  g_current = &input;
  // A copy in its own allocation, so ASan sees reads past the end.
  std::vector<std::uint8_t> buf(input.begin(), input.end());
  LLVMFuzzerTestOneInput(buf.data(), buf.size());
}

std::string Mutate(std::string s, std::mt19937_64& rng) {
  const int ops = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < ops; ++i) {
    const auto pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0: if (!s.empty() && pos < s.size()) s[pos] = static_cast<char>(rng()); break;
      case 1: s.insert(pos, 1, static_cast<char>(rng())); break;
      case 2: if (pos < s.size()) s.erase(pos, 1 + rng() % 8); break;
      case 3: if (!g_inputs.empty()) {
          const auto& o = g_inputs[rng() % g_inputs.size()];
          const auto from = o.empty() ? 0 : rng() % o.size();
          s.insert(pos, o.substr(from, rng() % 64));
        }
        break;
      case 4: s = s.substr(0, pos); break;
      case 5: if (!s.empty()) s.insert(pos, s.substr(rng() % s.size(), rng() % 16)); break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(SaveCurrentInput);
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, OnFatalSignal);
  long mutations = 0;
  unsigned long seed = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mutations=", 12) == 0) {
      mutations = std::strtol(argv[i] + 12, nullptr, 10);
    } else if (std::strncmp(argv[i], "--seed=", 7) == 0) {
      seed = std::strtoul(argv[i] + 7, nullptr, 10);
    } else if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i])) {
        if (e.is_regular_file()) g_inputs.push_back(ReadFile(e.path()));
      }
    } else if (std::filesystem::exists(argv[i])) {
      g_inputs.push_back(ReadFile(argv[i]));
    } else {
      std::fprintf(stderr, "fuzz driver: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (g_inputs.empty()) g_inputs.emplace_back();
  for (const auto& in : g_inputs) Run(in);
  std::mt19937_64 rng(seed);
  for (long i = 0; i < mutations; ++i) {
    const std::string input = Mutate(g_inputs[rng() % g_inputs.size()], rng);
    Run(input);
  }
  g_current = nullptr;
  std::printf("fuzz driver: %zu seeds and %ld mutations ran clean\n", g_inputs.size(), mutations);
  return 0;
}
