// Test support for etr: a migrated database of either engine with the
// evidence log and a Registry over it, parties with keys of different
// algorithms, and helpers that prepare, sign and submit actions the way a
// client does. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/jws.h"
#include "crypto/keys.h"
#include "ledger/internal/test_env.h"
#include "trade/etr/registry.h"

namespace digitrade::trade::etr::testing {

using ledger::testing::Engine;

inline std::filesystem::path SourceDir() {
  const char* env = std::getenv("DIGITRADE_SOURCE_DIR");
  return env != nullptr ? env : DIGITRADE_SOURCE_DIR_DEFAULT;
}

inline boost::json::value Fixture(std::string_view name) {
  std::ifstream in(SourceDir() / "src/trade/etr/testdata" / std::string(name), std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return boost::json::parse(s.str());
}

// A straight or to-order DCSA transport document with its own reference.
inline boost::json::value TransportDocument(std::string_view reference, bool to_order) {
  auto doc = Fixture("transport-document-straight.json");
  doc.as_object()["transportDocumentReference"] = reference;
  doc.as_object()["isToOrder"] = to_order;
  return doc;
}

inline boost::json::value WarehouseReceipt(std::string_view number) {
  auto v = boost::json::parse(
      R"({"warehouse": {"name": "Tianjin Port Bonded Warehouse No. 3",
          "address": "88 Bohai Road, Binhai, Tianjin", "UNLocationCode": "CNTSN"},
          "goods": {"description": "Copper cathodes, grade A", "HSCode": "740311"},
          "quantity": 250.5, "unit": "TNE", "issueDate": "2026-11-28"})");
  v.as_object()["receiptNumber"] = number;
  return v;
}

struct TestParty {
  std::string org;
  crypto::PrivateKey key;
  crypto::SignatureAlgorithm alg;
};

class EtrEnv {
 public:
  // `options` for the Registry (e.g. another platform code); `extra` migrations
  // are applied with the registry's (e.g. PINT's tables).
  explicit EtrEnv(Engine engine, RegistryOptions options = {},
                  std::vector<storage::Migration> extra = {})
      : db_env_(engine), options_(std::move(options)), extra_(std::move(extra)) {}
  // `wrap` wraps the database the log and the registry use (fault
  // injection); db() stays the database underneath.
  using Wrap = std::function<std::unique_ptr<storage::Database>(storage::Database&)>;
  EtrEnv(Engine engine, Wrap wrap) : db_env_(engine), wrap_(std::move(wrap)) {}

  // Returns false (and why) when the engine is not available.
  bool Setup(std::string* why) {
    if (!db_env_.Setup(why)) return false;
    auto db = db_env_.Open();
    if (!db) {
      *why = db.error().ToString();
      return false;
    }
    db_ = std::move(*db);
    auto migrations = Registry::Migrations();
    migrations.insert(migrations.end(), extra_.begin(), extra_.end());
    if (auto m = storage::ApplyMigrations(*db_, migrations); !m) {
      *why = m.error().ToString();
      return false;
    }
    if (wrap_) outer_ = wrap_(*db_);
    if (auto st = Restart(); !st) {
      *why = st.error().ToString();
      return false;
    }
    return true;
  }

  // Closes the registry and the log (as a stopping server does) and opens
  // them again on the same database, which runs the registry's repair.
  Status Restart() {
    registry_.reset();
    log_.reset();
    storage::Database& db = outer_ ? *outer_ : *db_;
    DT_ASSIGN_OR_RETURN(log_, ledger::Log::Open(db, clock_, ledger::testing::TestSigner()));
    DT_ASSIGN_OR_RETURN(registry_, Registry::Create(db, clock_, *log_, options_));
    return {};
  }

  void AddParty(const std::string& org, const std::string& name, crypto::KeyType type,
                crypto::SignatureAlgorithm alg, bool carrier = false, bool warehouse = false) {
    ASSERT_TRUE(registry_->PutParty({org, name, carrier, warehouse}));
    auto key = type == crypto::KeyType::kRsa ? crypto::PrivateKey::Generate(type, 2048)
                                             : crypto::PrivateKey::Generate(type);
    ASSERT_TRUE(key) << key.error().ToString();
    ASSERT_TRUE(registry_->RegisterKey(org, key->public_key().ToJwk()));
    parties_.emplace(org, TestParty{org, *key, alg});
  }

  // A compact JWS over `payload` by `org`'s key (kid = its thumbprint).
  std::string Sign(const std::string& org, std::string_view payload) {
    const TestParty& p = parties_.at(org);
    return SignWith(p.key, p.alg, payload);
  }
  static std::string SignWith(const crypto::PrivateKey& key, crypto::SignatureAlgorithm alg,
                              std::string_view payload) {
    crypto::JwsSigner signer{&key, alg, {{"kid", key.public_key().Thumbprint()}}, {}};
    auto jws = crypto::SignJwsCompact(
        {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, signer);
    EXPECT_TRUE(jws) << jws.error().ToString();
    return jws.value_or("");
  }

  Result<ActionOutcome> Issue(RecordType type, const boost::json::value& doc,
                              const std::string& issuer, const std::string& issue_to,
                              const std::string& amendment_of = {}) {
    IssueInput in{type, doc, issuer, issue_to, amendment_of, {}};
    DT_ASSIGN_OR_RETURN(auto draft, registry_->PrepareIssue(in));
    return registry_->Issue(
        {in, Sign(issuer, draft.manifest_payload), Sign(issuer, draft.action_payload)}, issuer);
  }

  // Prepares and signs an action as `actor` would.
  Result<std::string> Signed(const std::string& record, ActionCode code, const std::string& actor,
                             const std::string& recipient = {}, const std::string& reason = {}) {
    DT_ASSIGN_OR_RETURN(auto prepared,
                        registry_->PrepareAction(record, {code, actor, recipient, reason}));
    return Sign(actor, prepared.payload);
  }

  Result<ActionOutcome> Do(const std::string& record, ActionCode code, const std::string& actor,
                           const std::string& recipient = {}, const std::string& reason = {}) {
    DT_ASSIGN_OR_RETURN(auto jws, Signed(record, code, actor, recipient, reason));
    return registry_->Act(record, jws, actor);
  }

  // A second server on the same database, as another process sharing it
  // would be: its own connection, log instance (a follower while this one
  // sequences) and registry.
  struct Server {
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<ledger::Log> log;
    std::unique_ptr<Registry> registry;
  };
  Result<Server> OpenSecondServer(const std::string& instance_id) {
    Server s;
    DT_ASSIGN_OR_RETURN(s.db, db_env_.Open());
    ledger::LogOptions options;
    options.instance_id = instance_id;
    DT_ASSIGN_OR_RETURN(s.log,
                        ledger::Log::Open(*s.db, clock_, ledger::testing::TestSigner(), options));
    DT_ASSIGN_OR_RETURN(s.registry, Registry::Create(*s.db, clock_, *s.log, options_));
    return s;
  }

  Registry& registry() { return *registry_; }
  ledger::Log& log() { return *log_; }
  storage::Database& db() { return *db_; }
  FakeClock& clock() { return clock_; }
  const TestParty& party(const std::string& org) const { return parties_.at(org); }

 private:
  ledger::testing::TestDatabase db_env_;
  RegistryOptions options_;
  std::vector<storage::Migration> extra_;
  Wrap wrap_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::Database> outer_;
  FakeClock clock_;
  std::unique_ptr<ledger::Log> log_;
  std::unique_ptr<Registry> registry_;
  std::map<std::string, TestParty> parties_;
};

}  // namespace digitrade::trade::etr::testing
