#include "trade/etr/dcsa_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/json.h"
#include "crypto/jcs.h"
#include "trade/etr/internal/embedded_schemas.h"
#include "trade/etr/internal/pattern.h"

namespace digitrade::trade::etr {

namespace json = boost::json;

namespace {

constexpr int kMaxSchemaDepth = 256;

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string MemberPath(std::string_view parent, std::string_view name) {
  if (IsIdentifier(name)) return fmt::format("{}.{}", parent, name);
  std::string escaped;
  for (char c : name) {
    if (c == '\'' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return fmt::format("{}['{}']", parent, escaped);
}

// Where a value sits, as a chain of stack frames: the text ("$.a.b[2]") is
// only built when a violation is reported.
struct Path {
  const Path* parent = nullptr;
  std::string_view member;
  std::size_t index = 0;
  bool is_index = false;

  std::string ToString() const {
    if (parent == nullptr) return "$";
    return is_index ? fmt::format("{}[{}]", parent->ToString(), index)
                    : MemberPath(parent->ToString(), member);
  }
};

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool IsNumber(const json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

double AsDouble(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

bool IsInteger(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  return v.is_double() && std::isfinite(v.get_double()) &&
         std::floor(v.get_double()) == v.get_double();
}

std::string_view KindName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "integer";
    case json::kind::double_:
      return IsInteger(v) ? "integer" : "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "?";
}

bool TypeMatches(std::string_view type, const json::value& v) {
  if (type == "string") return v.is_string();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "boolean") return v.is_bool();
  if (type == "number") return IsNumber(v);
  if (type == "integer") return IsInteger(v);
  if (type == "null") return v.is_null();
  return true;  // unknown type names were rejected by Create
}

bool Digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int Num(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// RFC 3339 full-date.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || !Digits(s, 0, 4) || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' ||
      !Digits(s, 8, 2)) {
    return false;
  }
  const int y = Num(s, 0, 4);
  const int m = Num(s, 5, 2);
  const int d = Num(s, 8, 2);
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

// RFC 3339 date-time: full-date "T" HH:MM:SS[.frac] (Z | +HH:MM | -HH:MM).
bool IsDateTime(std::string_view s) {
  if (s.size() < 20 || !IsDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't')) return false;
  if (!Digits(s, 11, 2) || s[13] != ':' || !Digits(s, 14, 2) || s[16] != ':' || !Digits(s, 17, 2)) {
    return false;
  }
  if (Num(s, 11, 2) > 23 || Num(s, 14, 2) > 59 || Num(s, 17, 2) > 60) return false;
  std::size_t i = 19;
  if (s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  const std::string_view zone = s.substr(i);
  if (zone == "Z" || zone == "z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && Digits(zone, 1, 2) &&
         zone[3] == ':' && Digits(zone, 4, 2) && Num(zone, 1, 2) <= 23 && Num(zone, 4, 2) <= 59;
}

// RFC 3986 absolute URI, loosely: a scheme, ':', and no spaces or controls.
bool IsUri(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '+' && c != '.' && c != '-') return false;
  }
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; });
}

// "#/Name" or "#/components/schemas/Name" within the set.
const json::value* ResolveRef(const json::object& schemas, std::string_view ref) {
  for (std::string_view prefix : {"#/components/schemas/", "#/"}) {
    if (ref.starts_with(prefix)) return schemas.if_contains(ref.substr(prefix.size()));
  }
  return nullptr;
}

std::string Short(const json::value& v) {
  // Numbers as ECMAScript prints them (the strict parser reads 0 as 0.0).
  if (IsNumber(v)) {
    if (auto n = crypto::SerializeJsonNumber(AsDouble(v))) return *n;
  }
  std::string s = digitrade::json::Serialize(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

}  // namespace

std::string SchemaViolation::ToString() const {
  return fmt::format("{}: {}: {}", path, keyword, message);
}

Error ViolationsError(std::string_view what, const std::vector<SchemaViolation>& violations) {
  std::string detail;
  for (const auto& v : violations) {
    if (!detail.empty()) detail += "; ";
    detail += v.ToString();
  }
  return Error(ErrorCode::kInvalidArgument, fmt::format("{} does not conform: {}", what, detail));
}

struct SchemaSet::Impl {
  json::object schemas;
  std::map<std::string, internal::Pattern, std::less<>> patterns;

  Status Prepare(const json::value& schema, std::string_view where);
};

Status SchemaSet::Impl::Prepare(const json::value& schema, std::string_view where) {
  if (schema.is_bool()) return {};
  if (!schema.is_object())
    return InvalidArgument(fmt::format("{}: a schema must be an object", where));
  const auto& o = schema.get_object();
  for (const auto& [key, value] : o) {
    const std::string here = fmt::format("{}/{}", where, std::string_view(key));
    if (key == "properties") {
      if (!value.is_object()) return InvalidArgument(here + ": must be an object");
      for (const auto& [name, sub] : value.get_object()) {
        DT_TRY(Prepare(sub, fmt::format("{}/{}", here, std::string_view(name))));
      }
    } else if (key == "items" || key == "not" ||
               (key == "additionalProperties" && value.is_object())) {
      DT_TRY(Prepare(value, here));
    } else if (key == "allOf" || key == "oneOf" || key == "anyOf") {
      if (!value.is_array() || value.get_array().empty()) {
        return InvalidArgument(here + ": must be a non-empty array");
      }
      for (const auto& sub : value.get_array()) DT_TRY(Prepare(sub, here));
    } else if (key == "pattern") {
      if (!value.is_string()) return InvalidArgument(here + ": must be a string");
      const std::string p(value.get_string());
      if (patterns.contains(p)) continue;
      auto compiled = internal::Pattern::Compile(p);
      if (!compiled) return std::unexpected(compiled.error().WithContext(here));
      patterns.emplace(p, std::move(*compiled));
    } else if (key == "$ref") {
      if (!value.is_string() || ResolveRef(schemas, value.get_string()) == nullptr) {
        return InvalidArgument(fmt::format("{}: unresolved reference {}", here, Short(value)));
      }
    } else if (key == "type") {
      static constexpr std::string_view kTypes[] = {"string", "object",  "array", "boolean",
                                                    "number", "integer", "null"};
      if (!value.is_string() ||
          std::find(std::begin(kTypes), std::end(kTypes), std::string_view(value.get_string())) ==
              std::end(kTypes)) {
        return InvalidArgument(fmt::format("{}: unknown type {}", here, Short(value)));
      }
    }
  }
  return {};
}

namespace {

// One validation run: collects violations into `out`.
class Checker {
 public:
  Checker(const SchemaSet& set, const json::object& schemas,
          const std::map<std::string, internal::Pattern, std::less<>>& patterns,
          std::vector<SchemaViolation>& out, std::size_t max)
      : set_(set), schemas_(schemas), patterns_(patterns), out_(out), max_(max) {}

  void Check(const json::value& schema, const json::value& v, const Path& path, int depth);

 private:
  void Add(const Path& path, std::string_view keyword, std::string message) {
    if (out_.size() < max_)
      out_.push_back({path.ToString(), std::string(keyword), std::move(message)});
  }
  void Add(std::string path, std::string_view keyword, std::string message) {
    if (out_.size() < max_)
      out_.push_back({std::move(path), std::string(keyword), std::move(message)});
  }
  const json::value* Resolve(std::string_view ref) const;
  void CheckType(const json::object& s, const json::value& v, const Path& path, bool& stop);
  void CheckObject(const json::object& s, const json::object& v, const Path& path, int depth);
  void CheckArray(const json::object& s, const json::array& v, const Path& path, int depth);
  void CheckString(const json::object& s, std::string_view v, const Path& path);
  void CheckNumber(const json::object& s, const json::value& v, const Path& path);
  void CheckCombinators(const json::object& s, const json::value& v, const Path& path, int depth);
  std::vector<SchemaViolation> Branch(const json::value& schema, const json::value& v,
                                      const Path& path, int depth) const;

  const SchemaSet& set_;
  const json::object& schemas_;
  const std::map<std::string, internal::Pattern, std::less<>>& patterns_;
  std::vector<SchemaViolation>& out_;
  std::size_t max_;
};

const json::value* Checker::Resolve(std::string_view ref) const {
  return ResolveRef(schemas_, ref);
}

void Checker::Check(const json::value& schema, const json::value& v, const Path& path, int depth) {
  if (depth > kMaxSchemaDepth) {
    Add(path, "$ref", "schema nesting too deep (a reference cycle?)");
    return;
  }
  if (schema.is_bool()) {
    if (!schema.get_bool()) Add(path, "false", "no value is allowed here");
    return;
  }
  const auto& s = schema.get_object();
  if (const auto* ref = s.if_contains("$ref")) {
    // OpenAPI 3.0: siblings of $ref are ignored.
    if (const auto* target = Resolve(ref->get_string())) Check(*target, v, path, depth + 1);
    return;
  }
  bool stop = false;
  CheckType(s, v, path, stop);
  if (stop) return;
  if (const auto* e = s.if_contains("enum"); e != nullptr && e->is_array()) {
    const auto& options = e->get_array();
    const bool found = std::any_of(options.begin(), options.end(), [&](const json::value& o) {
      return o == v || (IsNumber(o) && IsNumber(v) && AsDouble(o) == AsDouble(v));
    });
    if (!found) Add(path, "enum", fmt::format("{} is not one of {}", Short(v), Short(*e)));
  }
  if (v.is_object()) CheckObject(s, v.get_object(), path, depth);
  if (v.is_array()) CheckArray(s, v.get_array(), path, depth);
  if (v.is_string()) CheckString(s, v.get_string(), path);
  if (IsNumber(v)) CheckNumber(s, v, path);
  CheckCombinators(s, v, path, depth);
}

void Checker::CheckType(const json::object& s, const json::value& v, const Path& path, bool& stop) {
  const bool nullable = s.contains("nullable") && s.at("nullable") == json::value(true);
  if (v.is_null() && nullable) {
    stop = true;
    return;
  }
  const auto* type = s.if_contains("type");
  if (type == nullptr) return;
  const std::string_view want = type->get_string();
  if (TypeMatches(want, v)) return;
  Add(path, "type", fmt::format("expected {}, found {}", want, KindName(v)));
  stop = true;  // the other keywords would only repeat the mismatch
}

void Checker::CheckObject(const json::object& s, const json::object& v, const Path& path,
                          int depth) {
  if (const auto* req = s.if_contains("required"); req != nullptr && req->is_array()) {
    for (const auto& name : req->get_array()) {
      if (name.is_string() && !v.contains(name.get_string())) {
        Add(Path{&path, name.get_string()}, "required", "missing required member");
      }
    }
  }
  const json::object* props = nullptr;
  if (const auto* p = s.if_contains("properties"); p != nullptr && p->is_object()) {
    props = &p->get_object();
  }
  const json::value* extra = s.if_contains("additionalProperties");
  for (const auto& [name, member] : v) {
    const Path member_path{&path, name};
    if (props != nullptr) {
      if (const auto* sub = props->if_contains(name)) {
        Check(*sub, member, member_path, depth + 1);
        continue;
      }
    }
    if (extra == nullptr) continue;
    if (extra->is_bool()) {
      if (!extra->get_bool()) Add(member_path, "additionalProperties", "member not allowed");
      continue;
    }
    Check(*extra, member, member_path, depth + 1);
  }
  if (const auto* n = s.if_contains("minProperties");
      n != nullptr && IsNumber(*n) && static_cast<double>(v.size()) < AsDouble(*n)) {
    Add(path, "minProperties",
        fmt::format("{} members, at least {} required", v.size(), Short(*n)));
  }
  if (const auto* n = s.if_contains("maxProperties");
      n != nullptr && IsNumber(*n) && static_cast<double>(v.size()) > AsDouble(*n)) {
    Add(path, "maxProperties", fmt::format("{} members, at most {} allowed", v.size(), Short(*n)));
  }
}

void Checker::CheckArray(const json::object& s, const json::array& v, const Path& path, int depth) {
  const double size = static_cast<double>(v.size());
  if (const auto* n = s.if_contains("minItems");
      n != nullptr && IsNumber(*n) && size < AsDouble(*n)) {
    Add(path, "minItems", fmt::format("{} items, at least {} required", v.size(), Short(*n)));
  }
  if (const auto* n = s.if_contains("maxItems");
      n != nullptr && IsNumber(*n) && size > AsDouble(*n)) {
    Add(path, "maxItems", fmt::format("{} items, at most {} allowed", v.size(), Short(*n)));
  }
  if (const auto* u = s.if_contains("uniqueItems"); u != nullptr && *u == json::value(true)) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      for (std::size_t j = i + 1; j < v.size(); ++j) {
        if (v[i] == v[j])
          Add(Path{&path, {}, j, true}, "uniqueItems", fmt::format("repeats item {}", i));
      }
    }
  }
  if (const auto* items = s.if_contains("items")) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      Check(*items, v[i], Path{&path, {}, i, true}, depth + 1);
    }
  }
}

void Checker::CheckString(const json::object& s, std::string_view v, const Path& path) {
  const double length = static_cast<double>(CodePoints(v));
  if (const auto* n = s.if_contains("minLength");
      n != nullptr && IsNumber(*n) && length < AsDouble(*n)) {
    Add(path, "minLength", fmt::format("{} characters, at least {} required", length, Short(*n)));
  }
  if (const auto* n = s.if_contains("maxLength");
      n != nullptr && IsNumber(*n) && length > AsDouble(*n)) {
    Add(path, "maxLength", fmt::format("{} characters, at most {} allowed", length, Short(*n)));
  }
  if (const auto* p = s.if_contains("pattern"); p != nullptr && p->is_string()) {
    const auto it = patterns_.find(std::string_view(p->get_string()));
    if (it != patterns_.end() && !it->second.Search(v)) {
      Add(path, "pattern",
          fmt::format("{} does not match /{}/", Short(json::value(v)),
                      std::string_view(p->get_string())));
    }
  }
  const auto* f = s.if_contains("format");
  if (f == nullptr || !f->is_string()) return;
  const std::string_view format = f->get_string();
  const bool ok = format == "date"        ? IsDate(v)
                  : format == "date-time" ? IsDateTime(v)
                  : format == "uri"       ? IsUri(v)
                                          : true;
  if (!ok) Add(path, "format", fmt::format("{} is not a valid {}", Short(json::value(v)), format));
}

void Checker::CheckNumber(const json::object& s, const json::value& v, const Path& path) {
  const double x = AsDouble(v);
  auto bound = [&](std::string_view key, std::string_view exclusive_key, bool lower) {
    const auto* b = s.if_contains(key);
    const auto* ex = s.if_contains(exclusive_key);
    // 3.0: exclusiveMinimum: true modifies minimum; 3.1: it is the bound.
    if (ex != nullptr && IsNumber(*ex)) {
      const double e = AsDouble(*ex);
      if (lower ? !(x > e) : !(x < e)) {
        Add(path, exclusive_key,
            fmt::format("{} must be {} {}", Short(v), lower ? ">" : "<", Short(*ex)));
      }
    }
    if (b == nullptr || !IsNumber(*b)) return;
    const bool exclusive = ex != nullptr && *ex == json::value(true);
    const double limit = AsDouble(*b);
    const bool fails =
        lower ? (exclusive ? !(x > limit) : x < limit) : (exclusive ? !(x < limit) : x > limit);
    if (!fails) return;
    Add(path, exclusive ? exclusive_key : key,
        fmt::format("{} must be {} {}", Short(v),
                    lower ? (exclusive ? ">" : ">=") : (exclusive ? "<" : "<="), Short(*b)));
  };
  bound("minimum", "exclusiveMinimum", true);
  bound("maximum", "exclusiveMaximum", false);
  if (const auto* m = s.if_contains("multipleOf");
      m != nullptr && IsNumber(*m) && AsDouble(*m) > 0) {
    const double q = x / AsDouble(*m);
    if (!std::isfinite(q) || std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q))) {
      Add(path, "multipleOf", fmt::format("{} is not a multiple of {}", Short(v), Short(*m)));
    }
  }
  const auto* f = s.if_contains("format");
  if (f == nullptr || !f->is_string()) return;
  const std::string_view format = f->get_string();
  if (format != "int32" && format != "int64") return;
  const double lo = format == "int32" ? -2147483648.0 : -9223372036854775808.0;
  const double hi = format == "int32" ? 2147483647.0 : 9223372036854775807.0;
  if (!IsInteger(v) || x < lo || x > hi) {
    Add(path, "format", fmt::format("{} is not an {}", Short(v), format));
  }
}

std::vector<SchemaViolation> Checker::Branch(const json::value& schema, const json::value& v,
                                             const Path& path, int depth) const {
  std::vector<SchemaViolation> found;
  Checker sub(set_, schemas_, patterns_, found, max_);
  sub.Check(schema, v, path, depth + 1);
  return found;
}

void Checker::CheckCombinators(const json::object& s, const json::value& v, const Path& path,
                               int depth) {
  if (const auto* all = s.if_contains("allOf"); all != nullptr && all->is_array()) {
    for (const auto& sub : all->get_array()) Check(sub, v, path, depth + 1);
  }
  if (const auto* n = s.if_contains("not")) {
    if (Branch(*n, v, path, depth).empty()) Add(path, "not", "matches a schema it must not match");
  }
  for (std::string_view key : {"oneOf", "anyOf"}) {
    const auto* alts = s.if_contains(key);
    if (alts == nullptr || !alts->is_array()) continue;
    std::vector<std::vector<SchemaViolation>> results;
    std::vector<std::size_t> matched;
    for (const auto& sub : alts->get_array()) {
      results.push_back(Branch(sub, v, path, depth));
      if (results.back().empty()) matched.push_back(results.size() - 1);
    }
    if (key == "oneOf" && matched.size() > 1) {
      Add(path, "oneOf",
          fmt::format("matches branches {} and {}; exactly one may match", matched[0], matched[1]));
    }
    if (!matched.empty()) continue;
    // The closest branch: fewest missing required members, then fewest violations.
    auto rank = [](const std::vector<SchemaViolation>& r) {
      const auto missing =
          std::count_if(r.begin(), r.end(), [](const auto& x) { return x.keyword == "required"; });
      return std::make_pair(missing, r.size());
    };
    const auto best =
        std::min_element(results.begin(), results.end(),
                         [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    Add(path, key,
        fmt::format("matches none of the {} branches; closest is branch {}", results.size(),
                    best - results.begin()));
    for (auto& x : *best) Add(x.path, x.keyword, std::move(x.message));
  }
}

}  // namespace

SchemaSet::SchemaSet(SchemaSet&&) noexcept = default;
SchemaSet& SchemaSet::operator=(SchemaSet&&) noexcept = default;
SchemaSet::~SchemaSet() = default;

Result<SchemaSet> SchemaSet::Create(json::object schemas) {
  SchemaSet set;
  set.impl_ = std::make_unique<Impl>();
  set.impl_->schemas = std::move(schemas);
  for (const auto& [name, schema] : set.impl_->schemas) {
    DT_TRY(set.impl_->Prepare(schema, fmt::format("#/{}", std::string_view(name))));
  }
  return set;
}

Result<SchemaSet> SchemaSet::Dcsa(std::string_view definition) {
  auto all = digitrade::json::ParseObject(internal::kDcsaSchemasJson,
                                          {.max_bytes = 4 << 20, .max_depth = 64});
  if (!all) return Internal("the embedded DCSA schemas do not parse: " + all.error().message());
  auto* defs = all->if_contains(definition);
  if (defs == nullptr || !defs->is_object()) {
    return NotFound(fmt::format("no embedded DCSA definition \"{}\"", definition));
  }
  auto set = Create(std::move(defs->get_object()));
  if (!set) return Internal("the embedded DCSA schemas are invalid: " + set.error().message());
  return set;
}

bool SchemaSet::Has(std::string_view name) const {
  return impl_->schemas.contains(name);
}

Result<std::vector<SchemaViolation>> SchemaSet::Validate(std::string_view name,
                                                         const json::value& doc,
                                                         std::size_t max_violations) const {
  const auto* schema = impl_->schemas.if_contains(name);
  if (schema == nullptr) return NotFound(fmt::format("no schema named \"{}\"", name));
  std::vector<SchemaViolation> out;
  Checker checker(*this, impl_->schemas, impl_->patterns, out, max_violations + 1);
  checker.Check(*schema, doc, Path{}, 0);
  if (out.size() > max_violations) {
    out.resize(max_violations);
    out.push_back(
        {"$", "limit",
         fmt::format("more than {} violations; the rest are not listed", max_violations)});
  }
  return out;
}

}  // namespace digitrade::trade::etr
