// einvoice_conformance --rules NAME --out FILE.json DIR
// Validates every *.xml in DIR with one rule set and writes
// {"<file>": {"crash": bool, "fired": [[id, "error"|"warning", count], ...]}}
// (the candidate format of tools/einvoice/compare_golden.py). Documents we
// refuse to parse are written as crashes and listed on stderr.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "trade/einvoice/validator.h"

namespace fs = std::filesystem;
using digitrade::trade::einvoice::Flag;
using digitrade::trade::einvoice::Validator;

int main(int argc, char** argv) {
  std::string rules, out, dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) {
      rules = argv[++i];
    } else if (a == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      dir = a;
    }
  }
  if (rules.empty() || out.empty() || dir.empty()) {
    std::cerr << "usage: einvoice_conformance --rules NAME --out FILE.json DIR\n";
    return 2;
  }
  auto v = Validator::Create();
  if (!v) {
    std::cerr << v.error().ToString() << "\n";
    return 3;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".xml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  boost::json::object result;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = (*v)->Validate(ss.str(), {rules});
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
