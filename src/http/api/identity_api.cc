#include "http/api/identity_api.h"

#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "common/json.h"
#include "http/api/api_util.h"

namespace digitrade::http::api {

using identity::Role;

namespace {

boost::json::value OptionalJson(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

Result<Response> Me(identity::Directory& dir, Request& req) {
  DT_ASSIGN_OR_RETURN(auto user, dir.GetUser(req.Caller().user_id));
  boost::json::object o;
  o["user"] = UserJson(user);
  if (user.organisation_id) {
    DT_ASSIGN_OR_RETURN(auto org, dir.GetOrganisation(*user.organisation_id));
    o["organisation"] = OrganisationJson(org);
  } else {
    o["organisation"] = nullptr;
  }
  return Response::Json(200, o);
}

Result<Response> ListOrganisations(identity::Directory& dir, Request& req) {
  DT_ASSIGN_OR_RETURN(auto page, ParsePage(req));
  DT_ASSIGN_OR_RETURN(auto orgs, dir.ListOrganisations({.limit = page.limit, .after = page.after}));
  boost::json::array items;
  for (const auto& o : orgs) items.push_back(OrganisationJson(o));
  const bool full = static_cast<int>(orgs.size()) == page.limit;
  return Response::Json(200, ListEnvelope(std::move(items), full ? orgs.back().id : ""));
}

Result<Response> CreateOrganisation(identity::Directory& dir, Request& req) {
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"name", "identifier_scheme", "identifier", "country"}));
  identity::NewOrganisation in;
  DT_ASSIGN_OR_RETURN(in.name, json::RequiredString(body, "name"));
  DT_ASSIGN_OR_RETURN(in.identifier_scheme, json::RequiredString(body, "identifier_scheme"));
  DT_ASSIGN_OR_RETURN(in.identifier, json::RequiredString(body, "identifier"));
  DT_ASSIGN_OR_RETURN(auto country, json::OptionalString(body, "country"));
  in.country = country.value_or("");
  DT_ASSIGN_OR_RETURN(auto org, dir.CreateOrganisation(in));
  return Created(OrganisationJson(org), "/v1/organisations/" + org.id);
}

Result<Response> GetOrganisation(identity::Directory& dir, Request& req) {
  DT_ASSIGN_OR_RETURN(auto org, dir.GetOrganisation(std::string(req.Param("id"))));
  return Response::Json(200, OrganisationJson(org));
}

Result<Response> ListUsers(identity::Directory& dir, Request& req) {
  DT_ASSIGN_OR_RETURN(auto page, ParsePage(req));
  DT_ASSIGN_OR_RETURN(auto users, dir.ListUsers({.limit = page.limit, .after = page.after}));
  boost::json::array items;
  for (const auto& u : users) items.push_back(UserJson(u));
  const bool full = static_cast<int>(users.size()) == page.limit;
  return Response::Json(200, ListEnvelope(std::move(items), full ? users.back().id : ""));
}

Result<Response> CreateUser(identity::Directory& dir, Request& req) {
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"name", "organisation_id", "roles"}));
  identity::NewUser in;
  DT_ASSIGN_OR_RETURN(in.name, json::RequiredString(body, "name"));
  DT_ASSIGN_OR_RETURN(in.organisation_id, json::OptionalString(body, "organisation_id"));
  const auto* roles = body.if_contains("roles");
  if (roles == nullptr || !roles->is_array()) return InvalidArgument("/roles: expected an array of role names");
  for (const auto& r : roles->as_array()) {
    if (!r.is_string()) return InvalidArgument("/roles: expected an array of role names");
    in.roles.emplace_back(r.as_string());
  }
  DT_ASSIGN_OR_RETURN(auto user, dir.CreateUser(in));
  return Created(UserJson(user), "/v1/users/" + user.id);
}

Result<Response> CreateToken(identity::Directory& dir, Request& req) {
  DT_ASSIGN_OR_RETURN(auto body, JsonBody(req));
  DT_TRY(json::RejectUnknownMembers(body, {"user_id", "label", "expires_in_days"}));
  DT_ASSIGN_OR_RETURN(auto user_id, json::OptionalString(body, "user_id"));
  DT_ASSIGN_OR_RETURN(auto label, json::OptionalString(body, "label"));
  DT_ASSIGN_OR_RETURN(auto days, json::OptionalInt(body, "expires_in_days"));
  const auto& caller = req.Caller();
  const std::string target = user_id.value_or(caller.user_id);
  if (target != caller.user_id && !caller.Has(Role::kAdmin)) {
    return PermissionDenied("only an admin may create tokens for another user");
  }
  std::optional<int> expiry;
  if (days) {
    if (*days < 1 || *days > 3650) return InvalidArgument("/expires_in_days: must be from 1 to 3650");
    expiry = static_cast<int>(*days);
  }
  DT_ASSIGN_OR_RETURN(auto issued, dir.CreateToken(target, label.value_or(""), expiry));
  boost::json::object o = TokenJson(issued.info);
  o["token"] = issued.secret;
  return Created(o, "/v1/tokens/" + issued.info.id);
}

Result<Response> RevokeToken(identity::Directory& dir, Request& req) {
  const std::string id(req.Param("id"));
  DT_ASSIGN_OR_RETURN(auto info, dir.GetToken(id));
  const auto& caller = req.Caller();
  if (info.user_id != caller.user_id && !caller.Has(Role::kAdmin)) {
    // Same answer as for a token that does not exist: no probing of ids.
    return NotFound(fmt::format("no token with id {}", id));
  }
  DT_ASSIGN_OR_RETURN(auto revoked, dir.RevokeToken(id));
  return Response::Json(200, TokenJson(revoked));
}

}  // namespace

boost::json::object OrganisationJson(const identity::Organisation& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"identifier_scheme", identity::SchemeName(o.identifier_scheme)},
          {"identifier", o.identifier},
          {"country", o.country},
          {"created_at", o.created_at}};
}

boost::json::object UserJson(const identity::User& u) {
  boost::json::array roles;
  for (const auto& r : u.roles.Names()) roles.emplace_back(r);
  return {{"id", u.id},
          {"name", u.name},
          {"organisation_id", OptionalJson(u.organisation_id)},
          {"roles", std::move(roles)},
          {"created_at", u.created_at}};
}

boost::json::object TokenJson(const identity::TokenInfo& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"label", t.label},
          {"created_at", t.created_at},
          {"expires_at", OptionalJson(t.expires_at)},
          {"revoked_at", OptionalJson(t.revoked_at)}};
}

void RegisterIdentityApi(Router& router, identity::Directory& dir) {
  const identity::RoleSet admin{Role::kAdmin};
  auto bind = [&dir](Result<Response> (*fn)(identity::Directory&, Request&)) {
    return [&dir, fn](Request& req) { return fn(dir, req); };
  };
  router.Add({.method = "GET", .pattern = "/v1/me", .summary = "The caller"}, bind(Me));
  router.Add({.method = "GET", .pattern = "/v1/organisations", .summary = "List organisations"},
             bind(ListOrganisations));
  router.Add({.method = "POST", .pattern = "/v1/organisations", .roles = admin, .json_body = true,
              .summary = "Register an organisation"},
             bind(CreateOrganisation));
  router.Add({.method = "GET", .pattern = "/v1/organisations/{id}", .summary = "One organisation"},
             bind(GetOrganisation));
  router.Add({.method = "GET", .pattern = "/v1/users", .roles = admin, .summary = "List users"},
             bind(ListUsers));
  router.Add({.method = "POST", .pattern = "/v1/users", .roles = admin, .json_body = true,
              .summary = "Create a user"},
             bind(CreateUser));
  router.Add({.method = "POST", .pattern = "/v1/tokens", .json_body = true,
              .summary = "Create an API token"},
             bind(CreateToken));
  router.Add({.method = "DELETE", .pattern = "/v1/tokens/{id}", .summary = "Revoke an API token"},
             bind(RevokeToken));
}

}  // namespace digitrade::http::api
