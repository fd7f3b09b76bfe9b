#include "app/platform.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "crypto/base64.h"
#include "app/files.h"
#include "http/api/pint_api.h"
#include "storage/migrations.h"
#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace digitrade::app {

namespace {

Result<std::unique_ptr<storage::Database>> OpenDatabase(const std::string& url, std::string& kind) {
  if (url.starts_with("sqlite:")) {
    std::string path = url.substr(7);
    if (path.starts_with("//")) path = path.substr(2);
    if (path.empty()) return InvalidArgument("--db sqlite: needs a file path, e.g. sqlite:var/digitrade.db");
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    kind = "sqlite";
    DT_ASSIGN_OR_RETURN(auto db, storage::SqliteDatabase::Open(path));
    return std::unique_ptr<storage::Database>(std::move(db));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    kind = "postgresql";
    DT_ASSIGN_OR_RETURN(auto db, storage::PostgresDatabase::Open(url));
    return std::unique_ptr<storage::Database>(std::move(db));
  }
  return InvalidArgument(fmt::format(
      "unknown database URL \"{}\": use sqlite:PATH or postgresql://user@host/dbname", url));
}

// Every module's schema, in dependency order.
std::vector<storage::Migration> AllMigrations() {
  std::vector<storage::Migration> all;
  for (const auto& m : identity::Directory::Migrations()) all.push_back(m);
  for (const auto& m : trust::TrustRegistry::Migrations()) all.push_back(m);
  for (const auto& m : signing::KeyVault::Migrations()) all.push_back(m);
  for (const auto& m : ledger::Log::Migrations()) all.push_back(m);
  for (const auto& m : trade::einvoice::Registry::Migrations()) all.push_back(m);
  for (const auto& m : trade::etr::pint::PintMigrations()) all.push_back(m);
  for (const auto& m : trade::etr::Registry::Migrations()) all.push_back(m);
  return all;
}

// The key encryption key: DIGITRADE_KEK, else (SQLite only) a file beside
// the database, made on first use. Empty when neither applies.
Result<std::vector<std::uint8_t>> KeyEncryptionKey(const std::string& url, crypto::Random& random) {
  if (const char* env = std::getenv("DIGITRADE_KEK"); env != nullptr && *env != '\0') {
    auto kek = crypto::Base64Decode(env);
    if (!kek) kek = crypto::Base64UrlDecode(env);
    if (!kek || kek->size() != 32) return InvalidArgument("DIGITRADE_KEK must be 32 bytes, base64");
    return *kek;
  }
  if (!url.starts_with("sqlite:")) return std::vector<std::uint8_t>{};
  std::string db_path = url.substr(7);
  if (db_path.starts_with("//")) db_path = db_path.substr(2);
  const auto path = std::filesystem::path(db_path).parent_path() / "signing.kek";
  if (std::ifstream in(path, std::ios::binary); in) {
    std::vector<std::uint8_t> kek(32);
    in.read(reinterpret_cast<char*>(kek.data()), 32);
    if (in.gcount() != 32) return DataLoss(fmt::format("{} is not a 32-byte key", path.string()));
    return kek;
  }
  DT_ASSIGN_OR_RETURN(auto kek, random.Bytes(32));
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(kek.data()), 32);
    if (!out) return Unavailable(fmt::format("cannot write {}", path.string()));
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return kek;
}

// The signer from `path`, or a new one written there.
Result<ledger::NoteSigner> LoadOrCreateSigner(const std::string& path, const std::string& origin,
                                              crypto::Random& random) {
  if (std::filesystem::exists(path)) {
    DT_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto signer = ledger::NoteSigner::FromSignerKey(text);
    if (!signer) return std::unexpected(signer.error().WithContext(path));
    if (signer->name() != origin) {
      return InvalidArgument(fmt::format("{} holds the key of log \"{}\", not \"{}\"", path,
                                         signer->name(), origin));
    }
    return *signer;
  }
  DT_ASSIGN_OR_RETURN(auto key, crypto::Ed25519PrivateKey::Generate(random));
  DT_ASSIGN_OR_RETURN(auto signer, ledger::NoteSigner::Create(origin, key));
  const mode_t old = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  out << signer.SignerKey() << '\n';
  ::umask(old);
  if (!out) return Unavailable(fmt::format("cannot write the log key to {}", path));
  return signer;
}

// The TSA named by DIGITRADE_TSA_KEY / DIGITRADE_TSA_CERT, if both are set.
Result<std::unique_ptr<crypto::TimestampAuthority>> TimestampAuthorityFromEnv() {
  const char* key_path = std::getenv("DIGITRADE_TSA_KEY");
  const char* cert_path = std::getenv("DIGITRADE_TSA_CERT");
  if (key_path == nullptr || cert_path == nullptr) return nullptr;
  DT_ASSIGN_OR_RETURN(std::string key_pem, ReadFileText(key_path));
  DT_ASSIGN_OR_RETURN(std::string chain_pem, ReadFileText(cert_path));
  DT_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::FromPem(key_pem));
  DT_ASSIGN_OR_RETURN(auto chain, crypto::Certificate::ChainFromPem(chain_pem));
  std::vector<crypto::Certificate> rest(chain.begin() + 1, chain.end());
  DT_ASSIGN_OR_RETURN(auto tsa, crypto::TimestampAuthority::Create(std::move(key), chain.front(),
                                                                   std::move(rest)));
  return std::make_unique<crypto::TimestampAuthority>(std::move(tsa));
}

// DCSA PINT when DIGITRADE_PINT_PLATFORM and DIGITRADE_PINT_KEY are set.
Status OpenPint(Platform& p) {
  const char* code = std::getenv("DIGITRADE_PINT_PLATFORM");
  const char* key_path = std::getenv("DIGITRADE_PINT_KEY");
  if (code == nullptr || key_path == nullptr || *code == '\0' || *key_path == '\0') return {};
  DT_ASSIGN_OR_RETURN(std::string key_pem, ReadFileText(key_path));
  const char* alg = std::getenv("DIGITRADE_PINT_ALG");
  const char* ca = std::getenv("DIGITRADE_PINT_CA");
  p.pint_transport = std::make_unique<http::api::HttpPeerTransport>(ca != nullptr ? ca : "");
  auto service = trade::etr::pint::PintService::Create(
      *p.db, *p.clock, *p.random, *p.evidence_log, *p.pint_transport,
      {.platform_code = code, .private_key_pem = key_pem, .alg = alg != nullptr ? alg : ""},
      p.etr.get());
  if (!service) return std::unexpected(service.error().WithContext("DCSA PINT (DIGITRADE_PINT_*)"));
  p.pint = std::move(*service);
  return {};
}

}  // namespace

std::string DefaultLogKeyFile(const std::string& db_url) {
  if (!db_url.starts_with("sqlite:")) return "var/digitrade-log.key";
  std::string path = db_url.substr(7);
  if (path.starts_with("//")) path = path.substr(2);
  return path + ".log-key";
}

Status OpenEvidenceLog(Platform& p, const EvidenceLogOptions& o) {
  if (const auto dir = std::filesystem::path(o.key_file).parent_path(); !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  if (o.key_file.empty()) {
    return InvalidArgument("the evidence log needs --log-key FILE (the signing key all servers share)");
  }
  DT_ASSIGN_OR_RETURN(ledger::NoteSigner signer, LoadOrCreateSigner(o.key_file, o.origin, *p.random));
  ledger::LogOptions options;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  options.instance_id = o.instance_id.empty() ? fmt::format("{}/{}", host, ::getpid()) : o.instance_id;
  if (o.checkpoint_interval.count() > 0) options.checkpoint_interval = o.checkpoint_interval;
  auto log = ledger::Log::Open(*p.db, *p.clock, std::move(signer), options);
  if (!log) return std::unexpected(log.error().WithContext("opening the evidence log"));
  p.evidence_log = std::move(*log);
  p.einvoice_registry = std::make_unique<trade::einvoice::Registry>(
      *p.db, *p.clock, *p.random, *p.einvoice, p.signing.get(), p.evidence_log.get());
  // With a PINT identity, the eBL platform code in etr's DCSA parties is the
  // PINT one: a record is one record on both sides (docs/etr.md).
  trade::etr::RegistryOptions etr_options;
  if (const char* code = std::getenv("DIGITRADE_PINT_PLATFORM"); code != nullptr && *code != '\0')
    etr_options.platform_code = code;
  auto etr = trade::etr::Registry::Create(*p.db, *p.clock, *p.evidence_log, etr_options);
  if (!etr) return std::unexpected(etr.error().WithContext("opening the transferable records registry"));
  p.etr = std::move(*etr);
  return OpenPint(p);
}

Result<std::unique_ptr<Platform>> OpenPlatform(const std::string& url) {
  auto p = std::make_unique<Platform>();
  p->clock = std::make_unique<SystemClock>();
  p->random = std::make_unique<crypto::OsRandom>();
  auto db = OpenDatabase(url, p->database_kind);
  if (!db) return std::unexpected(db.error().WithContext("opening the database"));
  p->db = std::move(*db);
  const auto migrations = AllMigrations();
  auto applied = storage::ApplyMigrations(*p->db, migrations);
  if (!applied) return std::unexpected(applied.error().WithContext("applying migrations"));
  p->directory = std::make_unique<identity::Directory>(*p->db, *p->clock, *p->random);
  p->einvoice = std::make_unique<trade::einvoice::ValidationService>();
  p->trust = std::make_unique<trust::TrustRegistry>(*p->db, *p->clock);
  if (auto loaded = p->trust->Load(); !loaded) {
    return std::unexpected(loaded.error().WithContext("loading trust lists"));
  }
  auto kek = KeyEncryptionKey(url, *p->random);
  if (!kek) return std::unexpected(kek.error().WithContext("key encryption key"));
  auto tsa = TimestampAuthorityFromEnv();
  if (!tsa) return std::unexpected(tsa.error().WithContext("timestamp authority"));
  p->tsa = std::move(*tsa);
  if (!kek->empty()) {
    DT_ASSIGN_OR_RETURN(p->signing, signing::KeyVault::Create(*p->db, *p->clock, *p->random, *kek));
  }
  return p;
}

}  // namespace digitrade::app
