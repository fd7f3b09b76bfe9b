// einvoice_conformance --rules NAME --out FILE.json DIR
// Validates every *.xml in DIR with one rule set and writes
// {"<file>": {"crash": bool, "fired": [[id, "error"|"warning", count], ...]}}
// (the candidate format of tools/einvoice/compare_golden.py). Documents we
// refuse to parse are written as crashes and listed on stderr.
//
// einvoice_conformance --rules NAME --parallel-check DIR
// Validates every *.xml in DIR once on one thread and once with the
// asserts split over three threads however small the document, and exits
// 1 listing the documents whose reports (JSON, firings with their
// locations in order) differ.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "trade/einvoice/report.h"
#include "trade/einvoice/validator.h"

namespace fs = std::filesystem;
using digitrade::trade::einvoice::Flag;
using digitrade::trade::einvoice::Parallelism;
using digitrade::trade::einvoice::Validator;

namespace {

std::vector<fs::path> XmlFiles(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".xml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Read(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ParallelCheck(const std::string& rules, const std::string& dir) {
  auto serial = Validator::Create();
  auto parallel =
      Validator::Create(Parallelism{.threads = 3, .min_bytes = 0, .min_contexts_per_thread = 1});
  if (!serial || !parallel) return 3;
  int checked = 0;
  int differ = 0;
  for (const auto& f : XmlFiles(dir)) {
    const std::string bytes = Read(f);
    auto a = (*serial)->Validate(bytes, {rules});
    auto b = (*parallel)->Validate(bytes, {rules});
    const std::string ja = a ? boost::json::serialize(digitrade::trade::einvoice::ReportJson(*a))
                             : a.error().ToString();
    const std::string jb = b ? boost::json::serialize(digitrade::trade::einvoice::ReportJson(*b))
                             : b.error().ToString();
    ++checked;
    if (ja != jb) {
      ++differ;
      std::cerr << f.filename().string() << ": serial and parallel reports differ\n  " << ja
                << "\n  " << jb << "\n";
    }
  }
  std::cout << checked << " documents, " << differ << " with different reports\n";
  return differ == 0 && checked > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string rules, out, dir;
  bool parallel_check = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--parallel-check") {
      parallel_check = true;
    } else if (a == "--rules" && i + 1 < argc) {
      rules = argv[++i];
    } else if (a == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      dir = a;
    }
  }
  if (parallel_check && !rules.empty() && !dir.empty()) return ParallelCheck(rules, dir);
  if (rules.empty() || out.empty() || dir.empty()) {
    std::cerr
        << "usage: einvoice_conformance --rules NAME (--out FILE.json | --parallel-check) DIR\n";
    return 2;
  }
  auto v = Validator::Create();
  if (!v) {
    std::cerr << v.error().ToString() << "\n";
    return 3;
  }
  boost::json::object result;
  for (const auto& f : XmlFiles(dir)) {
    auto r = (*v)->Validate(Read(f), {rules});
    boost::json::object entry;
    if (!r) {
      std::cerr << f.filename().string() << ": " << r.error().ToString() << "\n";
      entry["crash"] = true;
      entry["fired"] = boost::json::array();
      result[f.filename().string()] = entry;
      continue;
    }
    const auto& rs = r->rule_sets.at(0);
    std::map<std::pair<std::string, std::string>, int> counts;
    for (const auto& firing : rs.firings) {
      ++counts[{firing.rule_id, firing.flag == Flag::kFatal ? "error" : "warning"}];
    }
    boost::json::array fired;
    for (const auto& [k, n] : counts) fired.push_back(boost::json::array{k.first, k.second, n});
    entry["crash"] = rs.crashed;
    entry["fired"] = fired;
    result[f.filename().string()] = entry;
  }
  std::ofstream(out) << boost::json::serialize(result);
  return 0;
}
