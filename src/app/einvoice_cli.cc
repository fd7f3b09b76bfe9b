#include "app/einvoice_cli.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "app/exit_codes.h"
#include "app/files.h"
#include "app/server_client.h"
#include "crypto/hash.h"
#include "http/client.h"
#include "ledger/checkpoint.h"
#include "ledger/log.h"
#include "ledger/proof_json.h"
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
  // A regular file is read at once into a buffer of its size (a
  // stringstream copies the bytes twice); a pipe as it comes.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return {std::nullopt, "cannot open: " + ec.message()};
  if (std::filesystem::is_directory(status)) return {std::nullopt, "is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, "cannot open"};
  std::string bytes;
  if (std::filesystem::is_regular_file(status)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return {std::nullopt, "cannot read: " + ec.message()};
    bytes.resize(size);
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
      return {std::nullopt, "cannot read"};
    }
  } else {
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = std::move(ss).str();
  }
  auto r = service.Validate(bytes, rules);
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

// One file's text report, built by appending into one buffer and written
// at once (a printf or format call per finding cost more than validating
// a small invoice).
void PrintText(const std::string& path, const Outcome& o) {
  std::string out;
  auto add = [&out](std::initializer_list<std::string_view> parts) {
    for (std::string_view p : parts) out.append(p);
  };
  if (!o.report) {
    add({path, ": unreadable: ", o.error, "\n"});
  } else {
    add({path, ": ", einvoice::VerdictName(o.report->verdict()), "\n"});
    for (const auto& rs : o.report->rule_sets) {
      if (rs.crashed)
        add({"  ", rs.rule_set, ": the official rules stop here: ", rs.crash_reason, "\n"});
      for (const auto& f : rs.firings) {
        add({"  [", rs.rule_set, "] ", einvoice::FlagName(f.flag), " ", f.rule_id, " at ",
             f.location, ": ", f.message, "\n"});
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

int Run(const Options& opt, bool json) {
  auto rules = einvoice::ParseRuleSetList(opt.rules);
  if (!rules) return ReportError(rules.error());
  const int jobs =
      opt.jobs > 0 ? opt.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // The workers share out the files; a single file gets them all (a large
  // one is validated on `jobs` threads).
  einvoice::ValidationService service(
      einvoice::ParseLimits{}, einvoice::Parallelism{.threads = opt.files.size() == 1 ? jobs : 1});
  std::vector<Outcome> outcomes(opt.files.size());
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


// ---- register / verify against a server ----

struct RemoteArgs {
  std::string file;
  ServerOptions server;  // --server (default http://127.0.0.1:8080), --token, --cacert
  std::string rules;     // register
  std::string key_id;    // register
  std::string out;       // register: where to write the signed XML
  std::string log_key;   // verify: the log's verifier key, pinned by the caller
  std::int64_t at = -1;  // verify: validation time
};

Result<http::ClientResponse> Call(const RemoteArgs& o, std::string method, std::string path,
                                  std::string body) {
  return CallServer(o.server, {.method = std::move(method),
                               .path = std::move(path),
                               .body = std::move(body),
                               .headers = {{"Content-Type", "application/xml"}}});
}

std::string Str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

void PrintFindings(const boost::json::value& report) {
  for (const auto& rs : report.at("rule_sets").as_array()) {
    for (const auto& f : rs.at("firings").as_array()) {
      fmt::print(stderr, "  {} {} at {}: {}\n", Str(f.at("flag")), Str(f.at("id")),
                 Str(f.at("location")), Str(f.at("message")));
    }
  }
}

int RegisterUnguarded(const RemoteArgs& o, bool json) {
  auto xml = ReadFileText(o.file);
  if (!xml) return ReportError(xml.error());
  std::string path = "v1/einvoices";
  std::string sep = "?";
  if (!o.rules.empty()) path += std::exchange(sep, "&") + "rules=" + o.rules;
  if (!o.key_id.empty()) path += std::exchange(sep, "&") + "key_id=" + o.key_id;
  auto res = Call(o, "POST", path, std::move(*xml));
  if (!res) return ReportError(res.error());
  if (json) std::cout << res->body << "\n";
  if (res->status == 422 && res->body.find("\"report\"") != std::string::npos) {
    auto v = boost::json::parse(res->body);
    fmt::print(stderr, "{}: not registered: {}\n", o.file, Str(v.at("detail")));
    PrintFindings(v.at("report"));
    return kExitNegative;
  }
  if (res->status != 201) return ReportError(ProblemError(*res).WithContext(o.file));
  const auto v = boost::json::parse(res->body);
  const std::string id(v.at("id").as_string());
  if (!json) {
    fmt::print("{}: registered {} (invoice {}, seller {}), log index {}, signed SHA-256 {}\n",
               o.file, id, Str(v.at("invoice_number")), Str(v.at("seller")),
               Str(v.at("log").at("index")), Str(v.at("signed_sha256")));
  }
  if (o.out.empty()) return kExitOk;
  auto signed_xml = Call(o, "GET", "v1/einvoices/" + id + "/xml", "");
  if (!signed_xml) return ReportError(signed_xml.error());
  if (signed_xml->status != 200) return ReportError(ProblemError(*signed_xml));
  if (auto st = WriteFileText(o.out, signed_xml->body); !st) return ReportError(st.error());
  return kExitOk;
}

// Re-checks the server's log evidence locally: the record names this
// document, the checkpoint is signed by the log key, the proof leads from the
// record's leaf to the checkpoint's root. Returns what failed, or "".
std::string CheckEvidence(const boost::json::object& log, const std::string& sha256,
                          const std::string& pinned_key) {
  const std::string key = pinned_key.empty() ? std::string(log.at("verifier_key").as_string())
                                             : pinned_key;
  auto verifier = ledger::NoteVerifier::FromVerifierKey(key);
  if (!verifier) return "verifier key: " + verifier.error().message();
  const std::string record(log.at("record").as_string());
  boost::system::error_code ec;
  auto rec = boost::json::parse(record, ec);
  if (ec || !rec.is_object() || !rec.as_object().contains("signed_sha256") ||
      rec.at("signed_sha256") != boost::json::value(sha256)) {
    return "the log record does not name this document's SHA-256";
  }
  auto cp = ledger::OpenCheckpoint(std::string(log.at("checkpoint").as_string()),
                                   std::string(log.at("origin").as_string()),
                                   std::span(&*verifier, 1));
  if (!cp) return "checkpoint: " + cp.error().message();
  auto proof = ledger::InclusionProofDoc::Parse(boost::json::serialize(log.at("inclusion_proof")));
  if (!proof) return "inclusion proof: " + proof.error().message();
  auto leaf = ledger::EncodeLeaf(std::string(log.at("kind").as_string()), record);
  if (!leaf) return "log entry: " + leaf.error().message();
  const auto hasher = ledger::TreeHasher::Sha256();
  if (hasher.HashLeaf(ledger::AsBytes(*leaf)) != proof->leaf_hash) {
    return "the proof is not for the record's leaf";
  }
  if (proof->tree_size != cp->size ||
      !ledger::VerifyInclusion(hasher, proof->index, proof->tree_size, proof->leaf_hash,
                               proof->proof, cp->root)) {
    return "the inclusion proof does not lead to the checkpoint's root";
  }
  return "";
}

void PrintVerification(const RemoteArgs& o, const boost::json::object& v,
                       const std::string& evidence) {
  const auto& sig = v.at("signature").as_object();
  std::string signature = Str(sig.at("indication"));
  if (sig.contains("subIndication")) signature += " " + Str(sig.at("subIndication"));
  if (sig.contains("signer")) signature += " (" + Str(sig.at("signer")) + ")";
  if (!v.at("registered").as_bool()) {
    fmt::print("{}: NOT registered (no registered document has this SHA-256)\n  signature: {}\n",
               o.file, signature);
    return;
  }
  fmt::print("{}: registered as {}, log index {}\n  signature: {}\n  log proof: {}\n", o.file,
             Str(v.at("einvoice").at("id")), Str(v.at("log").at("inclusion_proof").at("index")),
             signature, evidence.empty() ? "verified" : "FAILED: " + evidence);
  if (o.log_key.empty()) {
    fmt::print("  (checked with the verifier key the server sent; pin it with --log-key)\n");
  }
}

int VerifyUnguarded(const RemoteArgs& o, bool json) {
  auto xml = ReadFileText(o.file);
  if (!xml) return ReportError(xml.error());
  const std::string sha256 = crypto::ToHex(crypto::Sha256(*xml));
  std::string path = "v1/einvoices/verify";
  if (o.at >= 0) path += fmt::format("?at={}", o.at);
  auto res = Call(o, "POST", path, std::move(*xml));
  if (!res) return ReportError(res.error());
  if (res->status != 200) return ReportError(ProblemError(*res).WithContext(o.file));
  const auto v = boost::json::parse(res->body).as_object();
  if (json) std::cout << res->body << "\n";
  const bool registered = v.at("registered").as_bool();
  const std::string indication = Str(v.at("signature").at("indication"));
  std::string evidence = "not registered";
  if (registered) evidence = CheckEvidence(v.at("log").as_object(), sha256, o.log_key);
  if (!json) PrintVerification(o, v, evidence);
  return registered && evidence.empty() && indication == "TOTAL_PASSED" ? kExitOk : kExitNegative;
}

// The server's answers are outside input: boost::json throws on malformed or
// unexpected JSON, which becomes an error here instead of a crash.
int Guarded(int (*run)(const RemoteArgs&, bool), const RemoteArgs& o, bool json) {
  try {
    return run(o, json);
  } catch (const std::exception& e) {
    return ReportError(
        Error(ErrorCode::kUnavailable, fmt::format("unexpected answer from the server: {}", e.what())));
  }
}

void AddRemoteOptions(CLI::App* cmd, const std::shared_ptr<RemoteArgs>& o) {
  cmd->add_option("file", o->file, "The invoice XML")->required();
  AddServerOptions(cmd, o->server, "http://127.0.0.1:8080");
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
  validate->add_option("--jobs,-j", opt->jobs,
                       "Parallel workers, or a single file's threads (default: number of cores)");
  validate->add_flag("--progress", opt->progress,
                     "Show a progress bar even when stderr is not a terminal");
  validate->callback([opt, &json, &rc] { rc = Run(*opt, json); });

  auto reg = std::make_shared<RemoteArgs>();
  auto* registercmd = group->add_subcommand(
      "register",
      "Register a valid invoice on a server: validated, signed with the organisation's key, "
      "logged. Exit 0: registered; 1: fatal findings; 2: refused (duplicate, no key, ...); "
      "3: server unreachable");
  AddRemoteOptions(registercmd, reg);
  registercmd->add_option("--rules", reg->rules, "Comma-separated rule sets");
  registercmd->add_option("--key-id", reg->key_id, "Signing key (default: the first usable one)");
  registercmd->add_option("--out", reg->out, "Write the signed XML here");
  registercmd->callback([reg, &json, &rc] { rc = Guarded(RegisterUnguarded, *reg, json); });

  auto ver = std::make_shared<RemoteArgs>();
  auto* verifycmd = group->add_subcommand(
      "verify",
      "Check a signed invoice on a server and re-check the log proof locally. Exit 0: "
      "registered, signature TOTAL_PASSED and proof verified; 1: otherwise");
  AddRemoteOptions(verifycmd, ver);
  verifycmd->add_option("--log-key", ver->log_key,
                        "The evidence log's verifier key to check the checkpoint with "
                        "(default: the one the server sends)");
  verifycmd->add_option("--at", ver->at, "Validation time of the signature (Unix seconds)");
  verifycmd->callback([ver, &json, &rc] { rc = Guarded(VerifyUnguarded, *ver, json); });
}

}  // namespace digitrade::app
