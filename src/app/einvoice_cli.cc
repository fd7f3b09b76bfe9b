#include "app/einvoice_cli.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "app/exit_codes.h"
#include "trade/einvoice/service.h"

namespace digitrade::app {

namespace einvoice = trade::einvoice;

namespace {

struct Options {
  std::vector<std::string> files;
  std::string rules;
  bool svrl = false;
  bool quiet = false;
  int jobs = 0;
  bool progress = false;
};

struct Outcome {
  std::optional<einvoice::Report> report;
  std::string error;  // set when the file could not be read or parsed
};

Outcome ValidateFile(einvoice::ValidationService& service, const std::string& path,
                     const std::vector<std::string>& rules) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, "cannot open"};
  std::ostringstream ss;
  ss << in.rdbuf();
  auto r = service.Validate(ss.str(), rules);
  if (!r) return {std::nullopt, r.error().message()};
  return {std::move(*r), ""};
}

// A one-line progress bar on stderr, redrawn at most every 1% of the work.
class Progress {
 public:
  Progress(std::size_t total, bool enabled) : total_(total), enabled_(enabled) {}
  void Tick() {
    const std::size_t done = ++done_;
    if (!enabled_ || (done % std::max<std::size_t>(1, total_ / 100) != 0 && done != total_)) return;
    std::lock_guard<std::mutex> lock(mu_);
    const int width = 40;
    const int filled = static_cast<int>(width * done / total_);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu", std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total_);
    if (done == total_) std::fprintf(stderr, "\n");
  }

 private:
  std::size_t total_;
  bool enabled_;
  std::atomic<std::size_t> done_{0};
  std::mutex mu_;
};

void PrintText(const std::string& path, const Outcome& o) {
  if (!o.report) {
    std::printf("%s: unreadable: %s\n", path.c_str(), o.error.c_str());
    return;
  }
  std::printf("%s: %s\n", path.c_str(),
              std::string(einvoice::VerdictName(o.report->verdict())).c_str());
  for (const auto& rs : o.report->rule_sets) {
    if (rs.crashed)
      std::printf("  %s: the official rules stop here: %s\n", rs.rule_set.c_str(),
                  rs.crash_reason.c_str());
    for (const auto& f : rs.firings) {
      std::printf("  [%s] %s %s at %s: %s\n", rs.rule_set.c_str(),
                  std::string(einvoice::FlagName(f.flag)).c_str(), f.rule_id.c_str(),
                  f.location.c_str(), f.message.c_str());
    }
  }
}

int Run(const Options& opt, bool json) {
  auto rules = einvoice::ParseRuleSetList(opt.rules);
  if (!rules) return ReportError(rules.error());
  einvoice::ValidationService service;
  std::vector<Outcome> outcomes(opt.files.size());
  const int jobs =
      opt.jobs > 0 ? opt.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Progress progress(opt.files.size(),
                    opt.progress || (opt.files.size() > 1 && isatty(STDERR_FILENO)));
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < opt.files.size(); i = next++) {
      outcomes[i] = ValidateFile(service, opt.files[i], *rules);
      progress.Tick();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::min<int>(jobs, static_cast<int>(opt.files.size())); ++t)
    threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  int counts[4] = {0, 0, 0, 0};
  int unreadable = 0;
  boost::json::array results;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (o.report) {
      ++counts[static_cast<int>(o.report->verdict())];
    } else {
      ++unreadable;
    }
    if (json) {
      boost::json::object e{{"file", opt.files[i]}};
      if (o.report) {
        e["report"] = einvoice::ReportJson(*o.report);
      } else {
        e["error"] = o.error;
      }
      results.push_back(std::move(e));
    } else if (opt.svrl && o.report) {
      std::printf("%s\n", einvoice::ReportSvrl(*o.report).c_str());
    } else if (!opt.quiet || !o.report || o.report->verdict() != einvoice::Verdict::kClean) {
      PrintText(opt.files[i], o);
    }
  }
  const boost::json::object summary{{"files", outcomes.size()}, {"clean", counts[0]},
                                    {"warnings", counts[1]},    {"fatal", counts[2]},
                                    {"crash", counts[3]},       {"unreadable", unreadable}};
  if (json) {
    std::cout << boost::json::serialize(
                     boost::json::object{{"summary", summary}, {"results", results}})
              << "\n";
  } else {
    std::fprintf(stderr,
                 "%zu files: %d clean, %d with warnings only, %d fatal, %d crash, %d unreadable\n",
                 outcomes.size(), counts[0], counts[1], counts[2], counts[3], unreadable);
  }
  if (unreadable > 0) return kExitBadInput;
  if (counts[2] > 0 || counts[3] > 0) return kExitNegative;
  return kExitOk;
}

}  // namespace

void AddEinvoiceCommands(CLI::App& app, bool& json, int& rc) {
  auto* group = app.add_subcommand("einvoice", "E-invoices: EN 16931 and Peppol BIS Billing 3.0")
                    ->require_subcommand(1);
  auto opt = std::make_shared<Options>();
  auto* validate = group->add_subcommand(
      "validate",
      "Validate UBL/CII invoices. Exit 0: all clean; 1: fatal errors (or the official rules "
      "would stop); 2: a file is unreadable or not an e-invoice");
  validate->add_option("files", opt->files, "Invoice files")->required();
  validate->add_option("--rules", opt->rules,
                       "Comma-separated rule sets (default: from each document's CustomizationID)");
  validate->add_flag("--svrl", opt->svrl, "Print SVRL reports instead of text");
  validate->add_flag("--quiet,-q", opt->quiet, "Do not list clean files");
  validate->add_option("--jobs,-j", opt->jobs, "Parallel workers (default: number of cores)");
  validate->add_flag("--progress", opt->progress,
                     "Show a progress bar even when stderr is not a terminal");
  validate->callback([opt, &json, &rc] { rc = Run(*opt, json); });
}

}  // namespace digitrade::app
