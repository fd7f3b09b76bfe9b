#include "app/log_cli.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "app/exit_codes.h"
#include "app/files.h"
#include "app/http_fetcher.h"
#include "app/platform.h"
#include "crypto/base64.h"
#include "crypto/random.h"
#include "ledger/checkpoint.h"
#include "ledger/monitor.h"
#include "ledger/proof_json.h"

namespace digitrade::app {
namespace {

// A verdict: the error of a check that ran and failed is a negative answer
// (exit 1), not bad input.
int Negative(const std::string& what, const Error& e) {
  std::fprintf(stderr, "digitrade: %s: %s\n", what.c_str(), e.message().c_str());
  return kExitNegative;
}

// The tree hash of a log: sha-256 (C2SP) or sm3.
Result<ledger::TreeHasher> Hasher(const std::string& name) {
  DT_ASSIGN_OR_RETURN(crypto::HashAlgorithm alg, crypto::ParseHashName(name));
  return ledger::TreeHasher::Create(alg);
}

struct VerifyArgs {
  std::string hash = "sha-256";
  std::string checkpoint;
  std::string key;
  std::string inclusion;
  std::string entry;
  std::string consistency;
  std::string old_checkpoint;
};

// Opens a checkpoint file: a signature that fails is a negative verdict, a
// file that is not a checkpoint is bad input.
int OpenCheckpointFile(const std::string& path, const ledger::NoteVerifier& v,
                       ledger::Checkpoint& out) {
  auto text = ReadFileText(path);
  if (!text) return ReportError(text.error());
  auto c = ledger::OpenCheckpoint(*text, v.name(), std::span(&v, 1));
  if (!c) {
    if (c.error().code() == ErrorCode::kInvalidArgument) return ReportError(c.error());
    return Negative(path, c.error());
  }
  out = *c;
  return kExitOk;
}

int CheckInclusion(const VerifyArgs& a, const ledger::TreeHasher& hasher,
                   const ledger::Checkpoint& head, boost::json::object& report) {
  auto text = ReadFileText(a.inclusion);
  if (!text) return ReportError(text.error());
  auto doc = ledger::InclusionProofDoc::Parse(*text);
  if (!doc) return ReportError(doc.error().WithContext(a.inclusion));
  if (doc->tree_size != head.size) {
    return ReportError(Error(ErrorCode::kInvalidArgument,
                             fmt::format("the proof is for tree size {}, the checkpoint has {}",
                                         doc->tree_size, head.size)));
  }
  if (!a.entry.empty()) {
    auto leaf = ReadFileText(a.entry);
    if (!leaf) return ReportError(leaf.error());
    if (hasher.HashLeaf(ledger::AsBytes(*leaf)) != doc->leaf_hash) {
      return Negative(a.entry, Error(ErrorCode::kFailedPrecondition,
                                     "the entry does not hash to the proof's leaf hash"));
    }
  }
  auto st = ledger::VerifyInclusion(hasher, doc->index, doc->tree_size, doc->leaf_hash, doc->proof,
                                    head.root);
  if (!st) return Negative("inclusion", st.error());
  report["inclusion"] = {{"index", doc->index}, {"verified", true}};
  return kExitOk;
}

int CheckConsistency(const VerifyArgs& a, const ledger::TreeHasher& hasher,
                     const ledger::NoteVerifier& v, const ledger::Checkpoint& head,
                     boost::json::object& report) {
  if (a.old_checkpoint.empty()) {
    return ReportError(Error(ErrorCode::kInvalidArgument, "--consistency needs --old-checkpoint"));
  }
  ledger::Checkpoint old;
  if (int rc = OpenCheckpointFile(a.old_checkpoint, v, old); rc != kExitOk) return rc;
  auto text = ReadFileText(a.consistency);
  if (!text) return ReportError(text.error());
  auto doc = ledger::ConsistencyProofDoc::Parse(*text);
  if (!doc) return ReportError(doc.error().WithContext(a.consistency));
  if (doc->size1 != old.size || doc->size2 != head.size) {
    return ReportError(Error(ErrorCode::kInvalidArgument,
                             fmt::format("the proof is for sizes {} -> {}, the checkpoints are "
                                         "{} -> {}",
                                         doc->size1, doc->size2, old.size, head.size)));
  }
  auto st = ledger::VerifyConsistency(hasher, old.size, head.size, doc->proof, old.root, head.root);
  if (!st) return Negative("consistency", st.error());
  report["consistency"] = {{"size1", old.size}, {"size2", head.size}, {"verified", true}};
  return kExitOk;
}

int Verify(const VerifyArgs& a, bool json) {
  auto v = ledger::NoteVerifier::FromVerifierKey(a.key);
  if (!v) return ReportError(v.error().WithContext("--key"));
  ledger::Checkpoint head;
  if (int rc = OpenCheckpointFile(a.checkpoint, *v, head); rc != kExitOk) return rc;
  auto tree_hasher = Hasher(a.hash);
  if (!tree_hasher) return ReportError(tree_hasher.error().WithContext("--hash"));
  const ledger::TreeHasher& hasher = *tree_hasher;
  boost::json::object report{{"origin", head.origin},
                             {"size", head.size},
                             {"root", crypto::Base64Encode(head.root)},
                             {"checkpoint", "verified"}};
  if (!a.inclusion.empty()) {
    if (int rc = CheckInclusion(a, hasher, head, report); rc != kExitOk) return rc;
  }
  if (!a.consistency.empty()) {
    if (int rc = CheckConsistency(a, hasher, *v, head, report); rc != kExitOk) return rc;
  }
  if (json) {
    std::cout << boost::json::serialize(report) << "\n";
  } else {
    std::printf("checkpoint ok: %s size %llu root %s\n", head.origin.c_str(),
                static_cast<unsigned long long>(head.size),
                crypto::Base64Encode(head.root).c_str());
    if (report.contains("inclusion")) std::printf("inclusion ok\n");
    if (report.contains("consistency")) std::printf("consistency ok\n");
  }
  return kExitOk;
}

struct MonitorArgs {
  std::string hash = "sha-256";
  std::string url;
  std::string key;
  std::string state;
  std::string cacert;  // PEM CAs for https (empty: the system's)
  double interval = 10;
  int polls = 0;  // 0: forever
};

const char* VerdictName(ledger::MonitorVerdict v) {
  switch (v) {
    case ledger::MonitorVerdict::kFirst:
      return "first";
    case ledger::MonitorVerdict::kUnchanged:
      return "unchanged";
    case ledger::MonitorVerdict::kGrew:
      return "grew";
    case ledger::MonitorVerdict::kStale:
      return "stale";
  }
  return "?";
}

int Monitor(const MonitorArgs& a, bool json) {
  auto v = ledger::NoteVerifier::FromVerifierKey(a.key);
  if (!v) return ReportError(v.error().WithContext("--key"));
  auto hasher = Hasher(a.hash);
  if (!hasher) return ReportError(hasher.error().WithContext("--hash"));
  auto fetcher = HttpFetcher::Create(a.url, a.cacert);
  if (!fetcher) return ReportError(fetcher.error());
  ledger::LogMonitor monitor(*hasher, *v, **fetcher);
  if (!a.state.empty() && std::filesystem::exists(a.state)) {
    auto note = ReadFileText(a.state);
    if (!note) return ReportError(note.error());
    if (auto st = monitor.Trust(*note); !st) return ReportError(st.error().WithContext(a.state));
  }
  bool last_failed = false;
  for (int n = 0; a.polls == 0 || n < a.polls; ++n) {
    if (n > 0) std::this_thread::sleep_for(std::chrono::duration<double>(a.interval));
    auto verdict = monitor.Poll();
    last_failed = !verdict;
    if (!verdict && verdict.error().code() == ErrorCode::kDataLoss) {
      std::fprintf(stderr, "FORK: %s\n--- last checkpoint seen:\n%s--- conflicting checkpoint:\n%s",
                   verdict.error().message().c_str(), monitor.last()->note.c_str(),
                   monitor.evidence()->note.c_str());
      return kExitNegative;
    }
    if (!verdict) {
      // An unreachable or misbehaving server is reported and retried.
      std::fprintf(stderr, "digitrade: %s\n", verdict.error().message().c_str());
      if (verdict.error().code() == ErrorCode::kUnauthenticated) return kExitNegative;
      continue;
    }
    const auto& c = monitor.last()->checkpoint;
    if (json) {
      std::cout << boost::json::serialize(
                       boost::json::object{{"verdict", VerdictName(*verdict)},
                                           {"size", c.size},
                                           {"root", crypto::Base64Encode(c.root)}})
                << std::endl;
    } else {
      std::printf("%s: size %llu root %s\n", VerdictName(*verdict),
                  static_cast<unsigned long long>(c.size), crypto::Base64Encode(c.root).c_str());
      std::fflush(stdout);
    }
    if (!a.state.empty()) {
      if (auto st = WriteFileText(a.state, monitor.last()->note, false); !st) {
        return ReportError(st.error());
      }
    }
  }
  // A bounded run whose last poll could not reach or read the log has not
  // verified the log's current state.
  return last_failed ? kExitFailure : kExitOk;
}

int Keygen(const std::string& origin, const std::string& out) {
  if (std::filesystem::exists(out)) {
    return ReportError(Error(ErrorCode::kAlreadyExists, out + " exists; not overwriting a key"));
  }
  crypto::OsRandom random;
  auto key = crypto::Ed25519PrivateKey::Generate(random);
  if (!key) return ReportError(key.error());
  auto signer = ledger::NoteSigner::Create(origin, *key);
  if (!signer) return ReportError(signer.error());
  if (auto st = WriteFileText(out, signer->SignerKey() + "\n", true); !st)
    return ReportError(st.error());
  std::printf("%s\n", signer->VerifierKey().c_str());
  return kExitOk;
}

struct AppendArgs {
  std::string kind;
  std::string data;
  std::string data_file;
  std::string key_file;
  std::string origin = "digitrade.local/log/evidence";
};

int Append(const std::string& db, const AppendArgs& a, bool json) {
  std::string data = a.data;
  if (!a.data_file.empty()) {
    auto d = ReadFileText(a.data_file);
    if (!d) return ReportError(d.error());
    data = std::move(*d);
  }
  auto p = OpenPlatform(db);
  if (!p) return ReportError(p.error());
  const EvidenceLogOptions options{
      .origin = a.origin, .key_file = a.key_file.empty() ? DefaultLogKeyFile(db) : a.key_file};
  if (auto st = OpenEvidenceLog(**p, options); !st) return ReportError(st.error());
  // With a server running on the same database this process is a follower:
  // the server's sequencer commits the entry and this call returns then.
  auto ack = (*p)->evidence_log->Append(a.kind, data);
  if (!ack) return ReportError(ack.error());
  if (json) {
    std::cout << boost::json::serialize(
                     boost::json::object{{"index", ack->index},
                                         {"leaf_hash", crypto::Base64Encode(ack->leaf_hash)},
                                         {"checkpoint", ack->checkpoint}})
              << "\n";
  } else {
    std::printf("index %llu leaf %s\n%s", static_cast<unsigned long long>(ack->index),
                crypto::Base64Encode(ack->leaf_hash).c_str(), ack->checkpoint.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddLogCommands(CLI::App& app, const std::string& db, bool& json, int& rc) {
  auto* log =
      app.add_subcommand("log", "Evidence logs: verify, monitor, keys")->require_subcommand(1);

  auto va = std::make_shared<VerifyArgs>();
  auto* verify = log->add_subcommand(
      "verify", "Check a signed checkpoint, and optionally proofs against it, offline");
  verify->add_option("--checkpoint", va->checkpoint, "Signed checkpoint file")->required();
  verify->add_option("--key", va->key, "Log verifier key (name+hash+base64)")->required();
  verify->add_option("--inclusion", va->inclusion,
                     "Inclusion proof JSON (GET .../proof/inclusion)");
  verify->add_option("--entry", va->entry,
                     "With --inclusion: the entry's leaf bytes (kind, LF, data)");
  verify->add_option("--consistency", va->consistency,
                     "Consistency proof JSON (GET .../proof/consistency)");
  verify->add_option("--old-checkpoint", va->old_checkpoint,
                     "With --consistency: the older signed checkpoint");
  verify->add_option("--hash", va->hash, "The log's tree hash: sha-256 or sm3")
      ->capture_default_str();
  verify->callback([va, &json, &rc] { rc = Verify(*va, json); });

  auto ma = std::make_shared<MonitorArgs>();
  auto* monitor = log->add_subcommand(
      "monitor", "Follow a remote log; exit 1 with both checkpoints if it forks");
  monitor->add_option("url", ma->url, "Log prefix, e.g. https://host/log/evidence")->required();
  monitor->add_option("--cacert", ma->cacert, "PEM file of CAs to trust for https (default: system)");
  monitor->add_option("--key", ma->key, "Log verifier key (name+hash+base64)")->required();
  monitor->add_option("--state", ma->state, "File keeping the last verified checkpoint");
  monitor->add_option("--interval", ma->interval, "Seconds between polls")->capture_default_str();
  monitor->add_option("--polls", ma->polls, "Stop after this many polls (default: never)");
  monitor->add_option("--hash", ma->hash, "The log's tree hash: sha-256 or sm3")
      ->capture_default_str();
  monitor->callback([ma, &json, &rc] { rc = Monitor(*ma, json); });

  auto origin = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* keygen =
      log->add_subcommand("keygen", "Generate a log signing key; print its verifier key");
  keygen->add_option("--origin", *origin, "Log origin, e.g. digitrade.example/log/evidence")
      ->required();
  keygen->add_option("--out", *out, "File for the private key (written with mode 0600)")
      ->required();
  keygen->callback([origin, out, &rc] { rc = Keygen(*origin, *out); });

  auto aa = std::make_shared<AppendArgs>();
  auto* append = log->add_subcommand(
      "append", "Append an entry to the platform's evidence log (waits until durable)");
  append->add_option("--kind", aa->kind, "Entry kind, e.g. document.anchor")->required();
  auto* data = append->add_option("--data", aa->data, "Entry data (canonical bytes)");
  append->add_option("--data-file", aa->data_file, "Read the entry data from this file")
      ->excludes(data);
  append->add_option("--log-key", aa->key_file, "Log signing key file (as for serve)");
  append->add_option("--log-origin", aa->origin, "Log origin (as for serve)")
      ->capture_default_str();
  append->callback([aa, &db, &json, &rc] { rc = Append(db, *aa, json); });
}

}  // namespace digitrade::app
