#include "identity/directory.h"

#include <algorithm>

#include <fmt/format.h>

#include "crypto/base64.h"
#include "crypto/hash.h"

namespace digitrade::identity {

namespace {

using storage::Executor;
using storage::Params;
using storage::Row;

constexpr std::string_view kTokenPrefix = "dt_";
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMaxName = 200;

const storage::Migration kMigrations[] = {
    {.module = "identity",
     .version = 1,
     .sql = R"sql(
CREATE TABLE organisations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  identifier_scheme TEXT NOT NULL,
  identifier TEXT NOT NULL,
  country TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (identifier_scheme, identifier)
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  organisation_id TEXT REFERENCES organisations(id),
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE user_roles (
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  label TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
)sql"},
};

std::string TokenHash(std::string_view secret) { return crypto::ToHex(crypto::Sha256(secret)); }

Status ValidateName(std::string_view what, std::string_view name) {
  if (name.empty()) return InvalidArgument(fmt::format("{} must not be empty", what));
  if (name.size() > kMaxName) {
    return InvalidArgument(fmt::format("{} is longer than {} bytes", what, kMaxName));
  }
  return {};
}

Status ValidateCountry(std::string_view c) {
  const bool ok = c.size() == 2 && std::all_of(c.begin(), c.end(), [](char ch) {
                    return ch >= 'A' && ch <= 'Z';
                  });
  if (!ok) {
    return InvalidArgument(
        fmt::format("country \"{}\" is not an ISO 3166-1 alpha-2 code such as CN", c));
  }
  return {};
}

Status ValidatePage(const Page& p) {
  if (p.limit < 1 || p.limit > 500) return InvalidArgument("limit must be between 1 and 500");
  return {};
}

Organisation OrgFromRow(const Row& r) {
  return Organisation{
      .id = r.Text("id"),
      .name = r.Text("name"),
      .identifier_scheme =
          r.Text("identifier_scheme") == "lei" ? IdentifierScheme::kLei : IdentifierScheme::kUscc,
      .identifier = r.Text("identifier"),
      .country = r.Text("country"),
      .created_at = r.Text("created_at"),
  };
}

TokenInfo TokenFromRow(const Row& r) {
  return TokenInfo{.id = r.Text("id"),
                   .user_id = r.Text("user_id"),
                   .label = r.Text("label"),
                   .created_at = r.Text("created_at"),
                   .expires_at = r.OptionalText("expires_at"),
                   .revoked_at = r.OptionalText("revoked_at")};
}

}  // namespace

std::span<const storage::Migration> Directory::Migrations() { return kMigrations; }

// Ids are 12 hex digits of milliseconds then 8 random hex digits, so that
// listing by id lists in creation order (monotonic within this process, even
// within one millisecond) and ids stay unguessable enough for a directory.
Result<std::string> Directory::NewId(std::string_view prefix) {
  DT_ASSIGN_OR_RETURN(auto bytes, random_.Bytes(4));
  int64_t ms = UnixMillis(clock_.Now());
  int64_t last = last_id_ms_.load();
  while (true) {
    const int64_t next = ms > last ? ms : last + 1;
    if (last_id_ms_.compare_exchange_weak(last, next)) {
      ms = next;
      break;
    }
  }
  return fmt::format("{}{:012x}{}", prefix, ms, crypto::ToHex(bytes));
}

Result<Organisation> Directory::CreateOrganisation(const NewOrganisation& in) {
  DT_TRY(ValidateName("name", in.name));
  DT_ASSIGN_OR_RETURN(IdentifierScheme scheme, ParseScheme(in.identifier_scheme));
  const std::string identifier = NormalizeIdentifier(in.identifier);
  DT_TRY(ValidateIdentifier(scheme, identifier));
  std::string country = NormalizeIdentifier(in.country);
  if (country.empty() && scheme == IdentifierScheme::kUscc) country = "CN";
  DT_TRY(ValidateCountry(country));
  if (scheme == IdentifierScheme::kUscc && country != "CN") {
    return InvalidArgument("a USCC identifies a Chinese entity: country must be CN");
  }
  DT_ASSIGN_OR_RETURN(std::string id, NewId("org_"));
  Organisation org{.id = id,
                   .name = in.name,
                   .identifier_scheme = scheme,
                   .identifier = identifier,
                   .country = country,
                   .created_at = FormatRfc3339(clock_.Now())};
  auto inserted = db_.Execute(
      "INSERT INTO organisations (id, name, identifier_scheme, identifier, country, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {org.id, org.name, SchemeName(scheme), org.identifier, org.country, org.created_at});
  if (!inserted && inserted.error().code() == ErrorCode::kAlreadyExists) {
    return AlreadyExists(fmt::format("an organisation with {} {} is already registered",
                                     SchemeName(scheme), identifier));
  }
  DT_TRY(inserted);
  return org;
}

Result<Organisation> Directory::GetOrganisation(const std::string& id) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT * FROM organisations WHERE id = $1", {id}));
  if (rs.empty()) return NotFound(fmt::format("no organisation with id {}", id));
  return OrgFromRow(rs.rows[0]);
}

Result<std::vector<Organisation>> Directory::ListOrganisations(const Page& page) {
  DT_TRY(ValidatePage(page));
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT * FROM organisations WHERE id > $1 "
                                         "ORDER BY id LIMIT $2",
                                         {page.after, page.limit}));
  std::vector<Organisation> out;
  for (const auto& r : rs.rows) out.push_back(OrgFromRow(r));
  return out;
}

Result<RoleSet> Directory::LoadRoles(Executor& ex, const std::string& user_id) {
  DT_ASSIGN_OR_RETURN(auto rs,
                      ex.Query("SELECT role FROM user_roles WHERE user_id = $1", {user_id}));
  RoleSet roles;
  for (const auto& r : rs.rows) {
    // Unknown names (from a newer version) are ignored rather than trusted.
    if (auto role = ParseRole(r.Text(0))) roles.Add(*role);
  }
  return roles;
}

Result<User> Directory::CreateUser(const NewUser& in) {
  DT_TRY(ValidateName("user name", in.name));
  if (in.roles.empty()) return InvalidArgument("a user needs at least one role");
  RoleSet roles;
  for (const auto& name : in.roles) {
    DT_ASSIGN_OR_RETURN(Role r, ParseRole(name));
    roles.Add(r);
  }
  if (in.organisation_id) DT_TRY(GetOrganisation(*in.organisation_id));
  DT_ASSIGN_OR_RETURN(std::string id, NewId("usr_"));
  User user{.id = id,
            .name = in.name,
            .organisation_id = in.organisation_id,
            .roles = roles,
            .created_at = FormatRfc3339(clock_.Now())};
  auto st = db_.Transact([&](Executor& ex) -> Status {
    DT_TRY(ex.Execute("INSERT INTO users (id, organisation_id, name, created_at) "
                      "VALUES ($1, $2, $3, $4)",
                      {user.id, user.organisation_id, user.name, user.created_at}));
    for (Role r : roles.ToVector()) {
      DT_TRY(ex.Execute("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)",
                        {user.id, RoleName(r)}));
    }
    return {};
  });
  if (!st && st.error().code() == ErrorCode::kAlreadyExists) {
    return AlreadyExists(fmt::format("a user named \"{}\" already exists", in.name));
  }
  DT_TRY(st);
  return user;
}

Result<User> Directory::GetUser(const std::string& id) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT * FROM users WHERE id = $1", {id}));
  if (rs.empty()) return NotFound(fmt::format("no user with id {}", id));
  const Row& r = rs.rows[0];
  DT_ASSIGN_OR_RETURN(RoleSet roles, LoadRoles(db_, id));
  return User{.id = id,
              .name = r.Text("name"),
              .organisation_id = r.OptionalText("organisation_id"),
              .roles = roles,
              .created_at = r.Text("created_at")};
}

Result<User> Directory::GetUserByName(const std::string& name) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT id FROM users WHERE name = $1", {name}));
  if (rs.empty()) return NotFound(fmt::format("no user named \"{}\"", name));
  return GetUser(rs.rows[0].Text(0));
}

Result<std::vector<User>> Directory::ListUsers(const Page& page) {
  DT_TRY(ValidatePage(page));
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2",
                                         {page.after, page.limit}));
  std::vector<User> out;
  for (const auto& r : rs.rows) {
    DT_ASSIGN_OR_RETURN(User u, GetUser(r.Text(0)));
    out.push_back(std::move(u));
  }
  return out;
}

Result<IssuedToken> Directory::InsertToken(Executor& ex, const std::string& user_id,
                                           const std::string& label,
                                           std::optional<int> expires_in_days) {
  if (label.size() > kMaxName) return InvalidArgument("label is longer than 200 bytes");
  if (expires_in_days && (*expires_in_days < 1 || *expires_in_days > 3650)) {
    return InvalidArgument("expires_in_days must be between 1 and 3650");
  }
  DT_ASSIGN_OR_RETURN(auto secret_bytes, random_.Bytes(kTokenBytes));
  DT_ASSIGN_OR_RETURN(std::string id, NewId("tok_"));
  const TimePoint now = clock_.Now();
  IssuedToken t;
  t.secret = std::string(kTokenPrefix) + crypto::Base64UrlEncode(secret_bytes);
  t.info = TokenInfo{.id = id, .user_id = user_id, .label = label, .created_at = FormatRfc3339(now)};
  if (expires_in_days) t.info.expires_at = FormatRfc3339(now + std::chrono::days(*expires_in_days));
  DT_TRY(ex.Execute("INSERT INTO api_tokens (id, user_id, label, secret_sha256, created_at, "
                    "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    {t.info.id, user_id, label, TokenHash(t.secret), t.info.created_at,
                     t.info.expires_at}));
  return t;
}

Result<IssuedToken> Directory::CreateToken(const std::string& user_id, const std::string& label,
                                           std::optional<int> expires_in_days) {
  DT_TRY(GetUser(user_id));
  return InsertToken(db_, user_id, label, expires_in_days);
}

Result<TokenInfo> Directory::GetToken(const std::string& token_id) {
  DT_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT * FROM api_tokens WHERE id = $1", {token_id}));
  if (rs.empty()) return NotFound(fmt::format("no token with id {}", token_id));
  return TokenFromRow(rs.rows[0]);
}

Result<TokenInfo> Directory::RevokeToken(const std::string& token_id) {
  const std::string now = FormatRfc3339(clock_.Now());
  DT_ASSIGN_OR_RETURN(int64_t n, db_.Execute("UPDATE api_tokens SET revoked_at = $1 "
                                             "WHERE id = $2 AND revoked_at IS NULL",
                                             {now, token_id}));
  {
    std::lock_guard lock(cache_mu_);
    ++revocations_;
    std::erase_if(token_cache_,
                  [&](const auto& e) { return e.second.principal.token_id == token_id; });
  }
  DT_ASSIGN_OR_RETURN(TokenInfo info, GetToken(token_id));
  if (n == 0) return FailedPrecondition(fmt::format("token {} is already revoked", token_id));
  return info;
}

Result<std::optional<IssuedToken>> Directory::Bootstrap() {
  std::optional<IssuedToken> issued;
  auto st = db_.Transact([&](Executor& ex) -> Status {
    DT_ASSIGN_OR_RETURN(auto rs, ex.Query("SELECT COUNT(*) FROM users"));
    if (rs.rows[0].Int(0) > 0) return {};
    DT_ASSIGN_OR_RETURN(std::string id, NewId("usr_"));
    DT_TRY(ex.Execute("INSERT INTO users (id, organisation_id, name, created_at) "
                      "VALUES ($1, NULL, 'admin', $2)",
                      {id, FormatRfc3339(clock_.Now())}));
    DT_TRY(ex.Execute("INSERT INTO user_roles (user_id, role) VALUES ($1, 'admin')", {id}));
    DT_ASSIGN_OR_RETURN(auto t, InsertToken(ex, id, "bootstrap", std::nullopt));
    issued = std::move(t);
    return {};
  });
  // Another server won the race to create "admin": nothing to print here.
  if (!st && st.error().code() == ErrorCode::kAlreadyExists) return std::optional<IssuedToken>();
  DT_TRY(st);
  return issued;
}

Result<Counts> Directory::Count() {
  const std::string now = FormatRfc3339(clock_.Now());
  DT_ASSIGN_OR_RETURN(
      auto rs, db_.Query("SELECT (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM users), "
                         "(SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND "
                         "(expires_at IS NULL OR expires_at > $1))",
                         {now}));
  const Row& r = rs.rows[0];
  return Counts{.organisations = r.Int(0), .users = r.Int(1), .tokens_active = r.Int(2)};
}

Result<Principal> Directory::Authenticate(std::string_view bearer_token) {
  const bool well_formed =
      bearer_token.starts_with(kTokenPrefix) && bearer_token.size() == kTokenPrefix.size() + 43 &&
      crypto::Base64UrlDecode(bearer_token.substr(kTokenPrefix.size())).has_value();
  if (!well_formed) return Unauthenticated("malformed API token: expected dt_ and 43 characters");
  const std::string hash = TokenHash(bearer_token);
  const TimePoint now = clock_.Now();
  std::optional<CachedToken> cached;
  if (token_cache_ttl_.count() > 0) {
    std::lock_guard lock(cache_mu_);
    if (auto it = token_cache_.find(hash); it != token_cache_.end()) {
      if (now - it->second.checked_at < token_cache_ttl_ && now >= it->second.checked_at) {
        cached = it->second;
      } else {
        token_cache_.erase(it);
      }
    }
  }
  if (!cached) return LookUpToken(hash);
  if (cached->expires_at && *cached->expires_at <= FormatRfc3339(now)) {
    return Unauthenticated("API token has expired");
  }
  return std::move(cached->principal);
}

Result<Principal> Directory::LookUpToken(const std::string& token_hash) {
  const TimePoint now = clock_.Now();
  std::uint64_t revocations = 0;
  {
    std::lock_guard lock(cache_mu_);
    revocations = revocations_;
  }
  DT_ASSIGN_OR_RETURN(
      auto rs, db_.Query("SELECT t.id AS token_id, t.expires_at, t.revoked_at, u.id AS user_id, "
                         "u.name, u.organisation_id FROM api_tokens t JOIN users u "
                         "ON u.id = t.user_id WHERE t.secret_sha256 = $1",
                         {token_hash}));
  if (rs.empty()) return Unauthenticated("unknown API token");
  const Row& r = rs.rows[0];
  if (!r.IsNull("revoked_at")) return Unauthenticated("API token has been revoked");
  const auto expires = r.OptionalText("expires_at");
  if (expires && *expires <= FormatRfc3339(now)) {
    return Unauthenticated("API token has expired");
  }
  Principal p{.user_id = r.Text("user_id"),
              .user_name = r.Text("name"),
              .organisation_id = r.OptionalText("organisation_id"),
              .token_id = r.Text("token_id")};
  DT_ASSIGN_OR_RETURN(p.roles, LoadRoles(db_, p.user_id));
  if (token_cache_ttl_.count() > 0) {
    std::lock_guard lock(cache_mu_);
    if (token_cache_.size() >= kTokenCacheSize) token_cache_.clear();
    // Not when a revocation here ran since the query: it may have been this
    // token's, read as still valid.
    if (revocations == revocations_) {
      token_cache_.insert_or_assign(token_hash, CachedToken{p, expires, now});
    }
  }
  return p;
}

}  // namespace digitrade::identity
