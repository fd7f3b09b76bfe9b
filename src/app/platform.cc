#include "app/platform.h"

#include <filesystem>
#include <vector>

#include <fmt/format.h>

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
  return all;
}

}  // namespace

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
  p->trust = std::make_unique<trust::TrustRegistry>(*p->db, *p->clock);
  if (auto loaded = p->trust->Load(); !loaded) {
    return std::unexpected(loaded.error().WithContext("loading trust lists"));
  }
  return p;
}

}  // namespace digitrade::app
