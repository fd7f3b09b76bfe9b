// identity::Directory: organisations (participants), users, roles and API
// tokens, stored through storage::Database.
//
// API tokens are "dt_" followed by 43 base64url characters (256 random bits).
// They are shown once, when created, and stored only as their SHA-256 hash:
// a slow password hash adds nothing for secrets of this entropy, and a fast
// hash keeps authentication to one indexed lookup per request.
//
// Verified tokens are cached in memory for a short time (token hash ->
// principal, default 5 s, set_token_cache_ttl), so a busy client costs one
// SHA-256 and a map lookup per request instead of two SQL queries. Revoking
// a token through this Directory drops it from the cache at once; a
// revocation made by another process sharing the database (the CLI, another
// server) takes effect here within the TTL. Expiry is checked on every use.
//
// Thread-safety: a Directory is safe to use from many threads (the cache has
// its own lock). The Database, Clock and Random it is given are
// not owned and must outlive it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/random.h"
#include "identity/identifiers.h"
#include "identity/principal.h"
#include "identity/roles.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace digitrade::identity {

struct Organisation {
  std::string id;  // "org_" + 20 hex, in creation order
  std::string name;
  IdentifierScheme identifier_scheme = IdentifierScheme::kUscc;
  std::string identifier;
  std::string country;  // ISO 3166-1 alpha-2
  std::string created_at;
};

struct NewOrganisation {
  std::string name;
  std::string identifier_scheme;  // "uscc" | "lei"
  std::string identifier;
  std::string country;  // defaults to "CN" for a USCC when empty
};

struct User {
  std::string id;  // "usr_" + 20 hex
  std::string name;
  std::optional<std::string> organisation_id;
  RoleSet roles;
  std::string created_at;
};

struct NewUser {
  std::string name;
  std::optional<std::string> organisation_id;
  std::vector<std::string> roles;
};

struct TokenInfo {
  std::string id;  // "tok_" + 20 hex
  std::string user_id;
  std::string label;
  std::string created_at;
  std::optional<std::string> expires_at;
  std::optional<std::string> revoked_at;
};

// A token just created: `secret` is the bearer token, never stored.
struct IssuedToken {
  TokenInfo info;
  std::string secret;
};

struct Counts {
  int64_t organisations = 0;
  int64_t users = 0;
  int64_t tokens_active = 0;
};

struct Page {
  int limit = 50;           // 1..500
  std::string after;        // cursor: last id of the previous page
};

class Directory final : public Authenticator {
 public:
  Directory(storage::Database& db, const Clock& clock, crypto::Random& random)
      : db_(db), clock_(clock), random_(random) {}

  // Schema of this module, for storage::ApplyMigrations.
  static std::span<const storage::Migration> Migrations();

  // Errors: invalid_argument (empty/oversized name, unknown scheme, identifier
  // failing its check, bad country code, USCC with a country other than CN),
  // already_exists (same scheme and identifier registered).
  Result<Organisation> CreateOrganisation(const NewOrganisation& in);
  // Errors: not_found.
  Result<Organisation> GetOrganisation(const std::string& id);
  // Ordered by id; errors: invalid_argument for a bad limit.
  Result<std::vector<Organisation>> ListOrganisations(const Page& page);

  // Errors: invalid_argument (name, unknown role, no roles), not_found (the
  // organisation), already_exists (user name taken).
  Result<User> CreateUser(const NewUser& in);
  // Errors: not_found.
  Result<User> GetUser(const std::string& id);
  Result<User> GetUserByName(const std::string& name);
  Result<std::vector<User>> ListUsers(const Page& page);

  // Creates a token for `user_id`. Errors: not_found (user), invalid_argument
  // (label longer than 200, expiry not positive).
  Result<IssuedToken> CreateToken(const std::string& user_id, const std::string& label,
                                  std::optional<int> expires_in_days = std::nullopt);
  // Errors: not_found (token), failed_precondition (already revoked).
  Result<TokenInfo> RevokeToken(const std::string& token_id);
  Result<TokenInfo> GetToken(const std::string& token_id);

  // First start: when there are no users yet, creates the user "admin" with
  // the admin role and a token for it, and returns that token; otherwise
  // returns nullopt. Safe when several servers start at once.
  Result<std::optional<IssuedToken>> Bootstrap();

  Result<Counts> Count();

  // Errors: unauthenticated (malformed, unknown, revoked or expired token).
  Result<Principal> Authenticate(std::string_view bearer_token) override;

  // How long a verified token is trusted without reading the database again
  // (see above); 0 turns the cache off. Call before the Directory is shared.
  void set_token_cache_ttl(std::chrono::milliseconds ttl) { token_cache_ttl_ = ttl; }

  // At most this many tokens are cached; the cache starts over when full.
  static constexpr std::size_t kTokenCacheSize = 4096;

 private:
  struct CachedToken {
    Principal principal;
    std::optional<std::string> expires_at;  // RFC 3339, as stored
    TimePoint checked_at;
  };
  Result<Principal> LookUpToken(const std::string& token_hash);

  Result<std::string> NewId(std::string_view prefix);
  Result<RoleSet> LoadRoles(storage::Executor& ex, const std::string& user_id);
  Result<IssuedToken> InsertToken(storage::Executor& ex, const std::string& user_id,
                                  const std::string& label, std::optional<int> expires_in_days);

  storage::Database& db_;
  const Clock& clock_;
  crypto::Random& random_;
  std::atomic<int64_t> last_id_ms_{0};
  std::chrono::milliseconds token_cache_ttl_{5000};
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedToken> token_cache_;  // by token hash
  std::uint64_t revocations_ = 0;  // RevokeToken calls, under cache_mu_
};

}  // namespace digitrade::identity
