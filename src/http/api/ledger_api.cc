#include "http/api/ledger_api.h"

#include <charconv>
#include <memory>
#include <unordered_map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "crypto/base64.h"
#include "http/compression.h"
#include "ledger/proof_json.h"
#include "ledger/tile.h"

namespace digitrade::http::api {
namespace {

using LogMap = std::unordered_map<std::string, ledger::Log*>;

// Checkpoints change: cache for a second at most. Tiles and bundles at a
// given path never change (a partial tile of width W is always the same
// bytes), so they may be cached for good.
constexpr const char* kMutable = "no-cache";
constexpr const char* kImmutable = "public, max-age=31536000, immutable";

Result<ledger::Log*> Find(const LogMap& logs, const Request& req) {
  auto it = logs.find(std::string(req.Param("log")));
  if (it == logs.end()) return NotFound(fmt::format("no log named \"{}\"", req.Param("log")));
  return it->second;
}

Result<std::uint64_t> RequiredParam(const Request& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v) return InvalidArgument(fmt::format("query parameter {} is required", name));
  return ParseSizeParam(name, *v);
}

Response Bytes(std::string body, const char* content_type, const char* cache) {
  Response r = Response::Text(200, std::move(body), content_type);
  r.headers.emplace_back("cache-control", cache);
  return r;
}

Response JsonText(const std::string& json) {
  Response r = Response::Text(200, json, "application/json");
  r.headers.emplace_back("cache-control", kImmutable);  // a proof for fixed sizes never changes
  return r;
}

Result<Response> Summary(ledger::Log& log, const std::string& name) {
  DT_ASSIGN_OR_RETURN(std::string checkpoint, log.Checkpoint());
  DT_ASSIGN_OR_RETURN(std::uint64_t size, log.Size());
  boost::json::object o{{"name", name},
                        {"origin", log.origin()},
                        {"hash", std::string(crypto::HashName(log.hasher().algorithm()))},
                        {"verifier_key", log.verifier().VerifierKey()},
                        {"size", size},
                        {"checkpoint", checkpoint}};
  Response r = Response::Json(200, o);
  r.headers.emplace_back("cache-control", kMutable);
  return r;
}

Result<Response> Inclusion(ledger::Log& log, const Request& req) {
  DT_ASSIGN_OR_RETURN(std::uint64_t tree_size, RequiredParam(req, "tree_size"));
  ledger::InclusionProofDoc doc;
  doc.tree_size = tree_size;
  if (auto leaf_b64 = req.Query("leaf_hash"); leaf_b64) {
    auto raw = crypto::Base64Decode(*leaf_b64);
    if (!raw) return InvalidArgument("leaf_hash: " + raw.error().message());
    auto hash = ledger::HashFromBytes(*raw);
    if (!hash) return InvalidArgument("leaf_hash: " + hash.error().message());
    doc.leaf_hash = *hash;
    DT_ASSIGN_OR_RETURN(auto found, log.FindByLeafHash(doc.leaf_hash));
    if (found.empty() || found.front() >= tree_size) {
      return NotFound(
          fmt::format("no entry with this leaf hash in the tree of size {}", tree_size));
    }
    doc.index = found.front();
  } else {
    DT_ASSIGN_OR_RETURN(doc.index, RequiredParam(req, "index"));
    DT_ASSIGN_OR_RETURN(ledger::Entry e, log.GetEntry(doc.index));
    DT_ASSIGN_OR_RETURN(std::string leaf, ledger::EncodeLeaf(e.kind, e.data));
    doc.leaf_hash = log.hasher().HashLeaf(ledger::AsBytes(leaf));
  }
  DT_ASSIGN_OR_RETURN(doc.proof, log.InclusionProof(doc.index, tree_size));
  return JsonText(doc.ToJson());
}

Result<Response> Consistency(ledger::Log& log, const Request& req) {
  ledger::ConsistencyProofDoc doc;
  DT_ASSIGN_OR_RETURN(doc.size1, RequiredParam(req, "size1"));
  DT_ASSIGN_OR_RETURN(doc.size2, RequiredParam(req, "size2"));
  DT_ASSIGN_OR_RETURN(doc.proof, log.ConsistencyProof(doc.size1, doc.size2));
  return JsonText(doc.ToJson());
}

Result<Response> EntryJson(ledger::Log& log, const Request& req) {
  DT_ASSIGN_OR_RETURN(std::uint64_t index, ParseSizeParam("index", req.Param("index")));
  DT_ASSIGN_OR_RETURN(ledger::Entry e, log.GetEntry(index));
  DT_ASSIGN_OR_RETURN(std::string leaf, ledger::EncodeLeaf(e.kind, e.data));
  boost::json::object o{
      {"index", e.index},
      {"kind", e.kind},
      {"data_base64", crypto::Base64Encode(e.data)},
      {"leaf_hash", crypto::Base64Encode(log.hasher().HashLeaf(ledger::AsBytes(leaf)))}};
  Response r = Response::Json(200, o);
  r.headers.emplace_back("cache-control", kImmutable);
  return r;
}

}  // namespace

Result<std::uint64_t> ParseSizeParam(std::string_view name, std::string_view value) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  const bool canonical = !value.empty() && (value.size() == 1 || value[0] != '0');
  if (!canonical || ec != std::errc() || ptr != value.data() + value.size() ||
      v > ledger::kMaxTreeSize) {
    return InvalidArgument(fmt::format("{} must be a decimal integer in 0..2^63-1, got \"{}\"",
                                       name, value.substr(0, 32)));
  }
  return v;
}

void RegisterLedgerApi(Router& router, std::vector<ServedLog> served) {
  auto logs = std::make_shared<LogMap>();
  auto names = std::make_shared<boost::json::array>();
  for (const auto& s : served) {
    (*logs)[s.name] = s.log;
    names->emplace_back(boost::json::object{{"name", s.name}, {"origin", s.log->origin()}});
  }
  const auto get = [&router](std::string pattern, std::string summary, Handler h) {
    router.Add({.method = "GET",
                .pattern = std::move(pattern),
                .access = Access::kPublic,
                .summary = std::move(summary)},
               std::move(h));
  };
  get("/log", "Evidence logs served here", [names](Request&) -> Result<Response> {
    return Response::Json(200, boost::json::object{{"items", *names}});
  });
  get("/log/{log}", "An evidence log's origin, verifier key and size",
      [logs](Request& req) -> Result<Response> {
        DT_ASSIGN_OR_RETURN(ledger::Log * log, Find(*logs, req));
        return Summary(*log, std::string(req.Param("log")));
      });
  get("/log/{log}/checkpoint", "Latest signed checkpoint (C2SP tlog-checkpoint)",
      [logs](Request& req) -> Result<Response> {
        DT_ASSIGN_OR_RETURN(ledger::Log * log, Find(*logs, req));
        DT_ASSIGN_OR_RETURN(std::string note, log->Checkpoint());
        return Bytes(std::move(note), "text/plain; charset=utf-8", kMutable);
      });
  get("/log/{log}/tile/{path...}", "Merkle tile or entry bundle (C2SP tlog-tiles)",
      [logs](Request& req) -> Result<Response> {
        DT_ASSIGN_OR_RETURN(ledger::Log * log, Find(*logs, req));
        DT_ASSIGN_OR_RETURN(ledger::TileId tile,
                            ledger::ParseTilePath("tile/" + std::string(req.Param("path"))));
        DT_ASSIGN_OR_RETURN(std::string bytes, log->ReadTile(tile));
        Response r = Bytes(std::move(bytes), "application/octet-stream", kImmutable);
        // Entry bundles are text-like and shrink several-fold; hash tiles
        // are random bytes and are sent as they are.
        if (tile.entries) CompressIfAccepted(req, r);
        return r;
      });
  get("/log/{log}/proof/inclusion", "Inclusion proof of an entry (by index or leaf hash)",
      [logs](Request& req) -> Result<Response> {
        DT_ASSIGN_OR_RETURN(ledger::Log * log, Find(*logs, req));
        return Inclusion(*log, req);
      });
  get("/log/{log}/proof/consistency", "Consistency proof between two tree sizes",
      [logs](Request& req) -> Result<Response> {
        DT_ASSIGN_OR_RETURN(ledger::Log * log, Find(*logs, req));
        return Consistency(*log, req);
      });
  get("/log/{log}/entry/{index}", "One entry: kind, data and leaf hash",
      [logs](Request& req) -> Result<Response> {
        DT_ASSIGN_OR_RETURN(ledger::Log * log, Find(*logs, req));
        return EntryJson(*log, req);
      });
}

}  // namespace digitrade::http::api
