#include "app/cli.h"

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "app/einvoice_cli.h"
#include "app/etr_cli.h"
#include "app/crypto_cli.h"
#include "app/exit_codes.h"
#include "app/pint_cli.h"
#include "app/log_cli.h"
#include "app/platform.h"
#include "app/routes.h"
#include "app/serve.h"
#include "http/api/identity_api.h"

namespace digitrade::app {

namespace {

constexpr const char* kDefaultDb = "sqlite:var/digitrade.db";

void PrintJson(const boost::json::value& v) { std::cout << boost::json::serialize(v) << "\n"; }

// Opens the platform for an offline command; on failure reports and exits.
template <typename Fn>
int WithPlatform(const std::string& db_url, Fn&& fn) {
  auto p = OpenPlatform(db_url);
  if (!p) return ReportError(p.error());
  return fn(**p);
}

void AddOrgCommands(CLI::App& app, std::string& db, bool& json, int& rc) {
  auto* org = app.add_subcommand("org", "Organisations (participants)")->require_subcommand(1);
  auto* create = org->add_subcommand("create", "Register an organisation");
  auto holder = std::make_shared<identity::NewOrganisation>();
  auto* in = holder.get();
  create->add_option("--name", in->name, "Legal name")->required();
  create->add_option("--scheme", in->identifier_scheme, "Identifier scheme: uscc or lei")->required();
  create->add_option("--identifier", in->identifier, "USCC (18 chars) or LEI (20 chars)")->required();
  create->add_option("--country", in->country, "ISO 3166-1 alpha-2 (default CN for a USCC)");
  create->callback([holder, &db, &json, &rc] {
    rc = (WithPlatform(db, [&](Platform& p) {
      auto o = p.directory->CreateOrganisation(*holder);
      if (!o) return ReportError(o.error());
      if (json) {
        PrintJson(http::api::OrganisationJson(*o));
      } else {
        std::printf("%s  %s  %s %s\n", o->id.c_str(), o->name.c_str(),
                    std::string(identity::SchemeName(o->identifier_scheme)).c_str(), o->identifier.c_str());
      }
      return kExitOk;
    }));
  });
  auto* list = org->add_subcommand("list", "List organisations");
  list->callback([&db, &json, &rc] {
    rc = (WithPlatform(db, [&](Platform& p) {
      boost::json::array all;
      identity::Page page{.limit = 500};
      for (;;) {
        auto orgs = p.directory->ListOrganisations(page);
        if (!orgs) return ReportError(orgs.error());
        for (const auto& o : *orgs) {
          if (json) {
            all.push_back(http::api::OrganisationJson(o));
          } else {
            std::printf("%s  %-4s %-20s %s  %s\n", o.id.c_str(),
                        std::string(identity::SchemeName(o.identifier_scheme)).c_str(),
                        o.identifier.c_str(), o.country.c_str(), o.name.c_str());
          }
        }
        if (static_cast<int>(orgs->size()) < page.limit) break;
        page.after = orgs->back().id;
      }
      if (json) PrintJson(all);
      return kExitOk;
    }));
  });
}

void AddUserCommands(CLI::App& app, std::string& db, bool& json, int& rc) {
  auto* user = app.add_subcommand("user", "Users and their roles")->require_subcommand(1);
  auto in = std::make_shared<identity::NewUser>();
  auto org = std::make_shared<std::string>();
  auto* create = user->add_subcommand("create", "Create a user");
  create->add_option("--name", in->name, "Unique user name")->required();
  create->add_option("--role", in->roles,
                     "Role (repeatable): admin, trader, carrier, bank, customs, data_exchange, "
                     "regulator, consumer, mediator, platform")
      ->required();
  create->add_option("--org", *org, "Organisation id (org_...)");
  create->callback([in, org, &db, &json, &rc] {
    if (!org->empty()) in->organisation_id = *org;
    rc = (WithPlatform(db, [&](Platform& p) {
      auto u = p.directory->CreateUser(*in);
      if (!u) return ReportError(u.error());
      if (json) {
        PrintJson(http::api::UserJson(*u));
      } else {
        std::printf("%s  %s\n", u->id.c_str(), u->name.c_str());
      }
      return kExitOk;
    }));
  });
}

void AddTokenCommands(CLI::App& app, std::string& db, bool& json, int& rc) {
  auto* token = app.add_subcommand("token", "API tokens")->require_subcommand(1);
  auto user = std::make_shared<std::string>();
  auto label = std::make_shared<std::string>();
  auto days = std::make_shared<int>(0);
  auto* create = token->add_subcommand("create", "Create an API token (shown once)");
  create->add_option("--user", *user, "User name or id (usr_...)")->required();
  create->add_option("--label", *label, "What the token is for");
  create->add_option("--expires-in-days", *days, "Expiry in days (default: never)");
  create->callback([user, label, days, &db, &json, &rc] {
    rc = (WithPlatform(db, [&](Platform& p) {
      auto u = user->starts_with("usr_") ? p.directory->GetUser(*user) : p.directory->GetUserByName(*user);
      if (!u) return ReportError(u.error());
      auto t = p.directory->CreateToken(u->id, *label,
                                        *days > 0 ? std::optional<int>(*days) : std::nullopt);
      if (!t) return ReportError(t.error());
      if (json) {
        auto o = http::api::TokenJson(t->info);
        o["token"] = t->secret;
        PrintJson(o);
      } else {
        std::printf("%s\n", t->secret.c_str());
        std::fprintf(stderr, "token %s for %s; store it now, it is not shown again\n",
                     t->info.id.c_str(), u->name.c_str());
      }
      return kExitOk;
    }));
  });
  auto id = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand("revoke", "Revoke an API token");
  revoke->add_option("id", *id, "Token id (tok_...)")->required();
  revoke->callback([id, &db, &json, &rc] {
    rc = (WithPlatform(db, [&](Platform& p) {
      auto t = p.directory->RevokeToken(*id);
      if (!t) return ReportError(t.error());
      if (json) {
        PrintJson(http::api::TokenJson(*t));
      } else {
        std::printf("revoked %s\n", t->id.c_str());
      }
      return kExitOk;
    }));
  });
}

void AddServeCommand(CLI::App& app, std::string& db, int& rc) {
  auto o = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "Run the server and the portal");
  serve->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--web-root", o->web_root, "Directory of the built portal (default: web/dist)");
  serve->add_option("--tls-cert", o->tls_cert, "PEM certificate chain: serve HTTPS");
  serve->add_option("--tls-key", o->tls_key, "PEM private key for --tls-cert");
  serve->add_flag("--demo", o->demo, "Load the demo data set into an empty database");
  serve->add_option("--admin-token-file", o->admin_token_file,
                    "Also write the first-start admin token to this file (mode 0600)");
  serve->add_option("--port-file", o->port_file, "Write the bound port to this file once listening");
  serve->add_option("--threads", o->threads, "Worker threads (default: number of cores, at least 2)");
  serve->add_option("--log-key", o->log_key_file,
                    "Evidence log signing key file, created if missing (default: next to an "
                    "SQLite database, else var/digitrade-log.key; servers sharing a database "
                    "must share it)");
  serve->add_option("--log-origin", o->log_origin, "Evidence log origin (checkpoint name)")
      ->capture_default_str();
  serve->add_option("--checkpoint-interval-ms", o->checkpoint_interval_ms,
                    "Publish a checkpoint at most this often while the log grows")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  serve->callback([o, &db, &rc] {
    o->db_url = db;
    rc = (Serve(*o));
  });
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"digitrade: the digital-trade platform of the pilot zone.\n"
               "Exit codes: 0 ok, 1 negative verdict, 2 bad input, 3 failure."};
  app.require_subcommand(1);
  std::string db = kDefaultDb;
  bool json = false;
  app.add_option("--db", db, "Database: sqlite:PATH or postgresql://...")->capture_default_str();
  app.add_flag("--json", json, "Machine-readable JSON output");
  app.add_subcommand("version", "Print the version")->callback([&json] {
    if (json) {
      PrintJson(boost::json::object{{"version", kVersion}});
    } else {
      std::printf("digitrade %s\n", kVersion);
    }
  });
  int rc = kExitOk;
  AddServeCommand(app, db, rc);
  AddOrgCommands(app, db, json, rc);
  AddUserCommands(app, db, json, rc);
  AddTokenCommands(app, db, json, rc);
  AddEinvoiceCommands(app, json, rc);
  AddCryptoCommands(app, json, rc);
  AddLogCommands(app, db, json, rc);
  AddPintCommands(app, json, rc);
  AddEtrCommands(app, db, json, rc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version land here with exit code 0.
    return app.exit(e) == 0 ? kExitOk : kExitBadInput;
  }
  return rc;
}

int ExitCodeFor(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kInternal:
    case ErrorCode::kDataLoss:
      return kExitFailure;
    default:
      return kExitBadInput;
  }
}

int ReportError(const Error& e) {
  std::fprintf(stderr, "digitrade: %s\n", e.message().c_str());
  return ExitCodeFor(e);
}

}  // namespace digitrade::app
