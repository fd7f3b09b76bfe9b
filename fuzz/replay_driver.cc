// Standalone driver for libFuzzer-style targets: replays seed files and a
// bounded number of deterministic mutations of them, so every fuzz target
// runs under the sanitizer build in the test suite without a fuzzing engine.
//
// usage: fuzz_<name> [--mutations=N] [--seed=S] FILE_OR_DIR...
// Exit code 0 when every input ran; a crash aborts with the sanitizer report
// and the input that caused it is written to ./crash-input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::string> g_inputs;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Run(const std::string& input) {
  {
    std::ofstream out("crash-input", std::ios::binary | std::ios::trunc);
    out << input;
  }
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
  for (long i = 0; i < mutations; ++i) Run(Mutate(g_inputs[rng() % g_inputs.size()], rng));
  std::remove("crash-input");
  std::printf("fuzz driver: %zu seeds and %ld mutations ran clean\n", g_inputs.size(), mutations);
  return 0;
}
