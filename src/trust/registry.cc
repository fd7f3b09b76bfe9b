#include "trust/registry.h"

#include <fmt/format.h>

#include <chrono>

#include "crypto/etsi_trust_list.h"

namespace digitrade::trust {

std::vector<storage::Migration> TrustRegistry::Migrations() {
  return {{.module = "trust", .version = 1, .sql = R"(
CREATE TABLE trust_lists (
  name TEXT PRIMARY KEY,
  jurisdiction TEXT NOT NULL,
  content TEXT NOT NULL,
  imported_at BIGINT NOT NULL
);)"}};
}

Status TrustRegistry::Load() {
  DT_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT name, jurisdiction, content FROM trust_lists ORDER BY name"));
  std::lock_guard lock(mu_);
  for (const auto& row : rows.rows) {
    auto list =
        crypto::LoadTrustList(row.Text("content"), row.Text("name"), row.Text("jurisdiction"));
    if (!list) {
      return DataLoss(
          fmt::format("stored trust list \"{}\": {}", row.Text("name"), list.error().message()));
    }
    lists_.insert_or_assign(list->name(), *std::move(list));
  }
  PublishLocked();
  return {};
}

Result<crypto::TrustList> TrustRegistry::Import(
    std::string_view content, std::string_view name, std::string_view jurisdiction,
    std::span<const crypto::Certificate> scheme_operators) {
  if (!scheme_operators.empty()) {
    // Reported as a bad request, not as the caller's failed authentication.
    if (auto v = crypto::VerifyEtsiTrustListSignature(content, scheme_operators); !v) {
      return InvalidArgument(v.error().message());
    }
  }
  DT_ASSIGN_OR_RETURN(auto list, crypto::LoadTrustList(content, name, jurisdiction));
  if (list.anchors().empty()) return InvalidArgument("the trust list has no usable anchor");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  // Store what was given, so a reload parses the same bytes.
  auto stored = db_.Transact([&](storage::Executor& ex) -> Status {
    DT_TRY(ex.Execute("DELETE FROM trust_lists WHERE name = $1", {list.name()}));
    DT_TRY(ex.Execute(
        "INSERT INTO trust_lists (name, jurisdiction, content, imported_at) VALUES ($1, $2, $3, "
        "$4)",
        {list.name(), list.jurisdiction(), std::string(content), static_cast<int64_t>(now)}));
    return {};
  });
  if (!stored) return std::unexpected(stored.error().WithContext("storing the trust list"));
  std::lock_guard lock(mu_);
  lists_.insert_or_assign(list.name(), list);
  PublishLocked();
  return list;
}

void TrustRegistry::AddTransient(crypto::TrustList list) {
  std::lock_guard lock(mu_);
  lists_.insert_or_assign(list.name(), std::move(list));
  PublishLocked();
}

std::shared_ptr<const crypto::TrustStore> TrustRegistry::Snapshot() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

void TrustRegistry::PublishLocked() {
  auto store = std::make_shared<crypto::TrustStore>();
  for (const auto& [name, list] : lists_) store->Add(list);
  snapshot_ = std::move(store);
}

}  // namespace digitrade::trust
