#include "storage/migrations.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace digitrade::storage {
namespace {

// pg_advisory_xact_lock key shared by every digitrade server ("dtmigrat").
constexpr int64_t kMigrationLockKey = 0x6474'6d69'6772'6174;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, "
    "PRIMARY KEY (module, version))";

// The migrations of one module, version i + 1 at index i.
struct ModulePlan {
  std::string_view module;
  std::vector<const Migration*> steps;
};

Result<std::vector<ModulePlan>> Plan(std::span<const Migration> migrations) {
  std::vector<ModulePlan> plans;
  for (const Migration& m : migrations) {
    if (m.module.empty()) return InvalidArgument("migration without a module name");
    auto it = std::ranges::find(plans, std::string_view(m.module), &ModulePlan::module);
    if (it == plans.end()) it = plans.insert(plans.end(), ModulePlan{m.module, {}});
    const std::size_t expected = it->steps.size() + 1;
    if (m.version < 0 || static_cast<std::size_t>(m.version) != expected) {
      return InvalidArgument(fmt::format(
          "migrations of module \"{}\" must be numbered 1, 2, ... in order: found version {} "
          "where {} was expected",
          m.module, m.version, expected));
    }
    it->steps.push_back(&m);
  }
  return plans;
}

// Serialises migrating servers. SQLite needs nothing: a read-write
// transaction already holds the database's only write lock.
Status LockMigrations(Executor& ex, Dialect dialect) {
  if (dialect != Dialect::kPostgres) return {};
  DT_TRY(ex.Query("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey}));
  return {};
}

Result<int> ReadVersion(Executor& ex, std::string_view module) {
  DT_ASSIGN_OR_RETURN(ResultSet rs,
                      ex.Query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations "
                               "WHERE module = $1",
                               {module}));
  return static_cast<int>(rs.rows.at(0).Int(0));
}

Result<bool> TableExists(Database& db) {
  const std::string_view sql =
      db.dialect() == Dialect::kPostgres
          ? "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END"
          : "SELECT COUNT(*) FROM sqlite_master "
            "WHERE type = 'table' AND name = 'schema_migrations'";
  DT_ASSIGN_OR_RETURN(ResultSet rs, db.Query(sql));
  return rs.rows.at(0).Int(0) != 0;
}

Status CheckNotNewer(std::string_view module, int recorded, std::size_t known) {
  if (recorded < 0 || static_cast<std::size_t>(recorded) <= known) return {};
  return InvalidArgument(fmt::format(
      "the database has module \"{}\" at schema version {} but this binary knows only up to {}; "
      "refusing to run a downgrade",
      module, recorded, known));
}

Status EnsureTable(Database& db) {
  return db.Transact([&](Executor& ex) -> Status {
    DT_TRY(LockMigrations(ex, db.dialect()));
    DT_TRY(ex.Execute(kCreateTable));
    return {};
  });
}

// Applies `m` unless another server got there first; returns whether it did.
Result<bool> ApplyOne(Database& db, const ModulePlan& plan, const Migration& m,
                      const Clock& clock) {
  bool applied = false;
  const Status status = db.Transact([&](Executor& ex) -> Status {
    DT_TRY(LockMigrations(ex, db.dialect()));
    DT_ASSIGN_OR_RETURN(int recorded, ReadVersion(ex, m.module));
    DT_TRY(CheckNotNewer(m.module, recorded, plan.steps.size()));
    if (recorded >= m.version) return {};
    const bool postgres = db.dialect() == Dialect::kPostgres && !m.postgres_sql.empty();
    if (Status s = ex.ExecuteScript(postgres ? m.postgres_sql : m.sql); !s) {
      return std::unexpected(
          s.error().WithContext(fmt::format("migration {} version {}", m.module, m.version)));
    }
    DT_TRY(ex.Execute(
        "INSERT INTO schema_migrations (module, version, applied_at) VALUES ($1, $2, $3)",
        {m.module, m.version, FormatRfc3339(clock.Now())}));
    applied = true;
    return {};
  });
  if (!status) return std::unexpected(status.error());
  return applied;
}

}  // namespace

Result<int> CurrentVersion(Database& db, std::string_view module) {
  DT_ASSIGN_OR_RETURN(bool exists, TableExists(db));
  if (!exists) return 0;
  return ReadVersion(db, module);
}

Result<int> ApplyMigrations(Database& db, std::span<const Migration> migrations) {
  const SystemClock clock;
  return ApplyMigrations(db, migrations, clock);
}

Result<int> ApplyMigrations(Database& db, std::span<const Migration> migrations,
                            const Clock& clock) {
  DT_ASSIGN_OR_RETURN(std::vector<ModulePlan> plans, Plan(migrations));
  if (plans.empty()) return 0;
  DT_TRY(EnsureTable(db));
  // Check every module before changing any, so a downgrade changes nothing.
  std::vector<int> recorded;
  for (const ModulePlan& plan : plans) {
    DT_ASSIGN_OR_RETURN(int version, ReadVersion(db, plan.module));
    DT_TRY(CheckNotNewer(plan.module, version, plan.steps.size()));
    recorded.push_back(version);
  }
  int applied = 0;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    for (std::size_t v = static_cast<std::size_t>(recorded[i]); v < plans[i].steps.size(); ++v) {
      DT_ASSIGN_OR_RETURN(bool did, ApplyOne(db, plans[i], *plans[i].steps[v], clock));
      applied += did ? 1 : 0;
    }
  }
  return applied;
}

}  // namespace digitrade::storage
