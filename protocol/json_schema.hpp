#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace musubi::protocol {

// Why an instance does not match a schema: which field, and why, in plain English.
//
// `path` is relative to the instance root: "" for the root itself, "vitals.pulse",
// "contacts[2].phone". A key that is empty or holds one of . [ ] " \ or a control character is
// written as a quoted JSON string in brackets: `notes["a.b"]`. `message` never contains a value
// taken from the instance, only words and values taken from the schema ("must be at most 250",
// "must be one of full_code, dnar, undecided"). Beware that for "unknown field" the last part of
// `path` is a key the client chose: send it back to the client, do not log it.
//
// `too_large` is set when the instance broke a maxLength or maxItems limit (the protocol's
// too_large code); every other error is an invalid value (invalid_request).
struct SchemaError {
  std::string path;
  std::string message;
  bool too_large = false;

  friend bool operator==(const SchemaError&, const SchemaError&) = default;
};

// A JSON Schema compiled once (at start-up) and used to validate many instances.
//
// Supports the subset of JSON Schema that musubi's clinical templates use, with draft 2020-12
// semantics (identical to draft 7 for these keywords, except where noted):
//   type (a name or an array of names; "integer" accepts any number with a zero fractional part,
//   so 1.0 is an integer), enum, const, properties, required, additionalProperties (boolean or
//   schema), items (one schema for every item; the draft-7 tuple form is refused), minItems,
//   maxItems, uniqueItems, minLength and maxLength (in Unicode code points, not bytes), pattern
//   (ECMAScript syntax through std::regex, not anchored, matched on code points; no
//   back-references, no \p{..}), minimum, maximum, exclusiveMinimum and exclusiveMaximum (numbers;
//   integers up to 64 bits compare exactly), multipleOf, format, allOf, anyOf, oneOf, not,
//   if/then/else, $ref, $defs and definitions, and the boolean schemas true and false.
// Formats are assertions (not mere annotations as 2020-12 has them by default):
//   "date"       YYYY-MM-DD, a day that exists in the Gregorian calendar (0000-01-01 on).
//   "date-time"  RFC 3339: YYYY-MM-DDTHH:MM:SS, optional fraction, then Z or +HH:MM/-HH:MM;
//                T and Z may be lower case; no leap second (:60).
//   "time"       HH:MM or HH:MM:SS, optional fraction after seconds, optional Z or +HH:MM/-HH:MM
//                (so both a wall-clock "14:30" and RFC 3339's "14:30:00.5+09:00" pass);
//                hours 00-23, minutes and seconds 00-59.
// $ref must point into the same document: "#" or a JSON pointer "#/$defs/name" (any pointer to a
// subschema works, "#/properties/a" too; ~0, ~1 and %xx escapes are understood). A $ref with
// siblings applies them all (2020-12); under draft 7 (chosen by "$schema", or by `Dialect`)
// $ref overrides its siblings, as draft 7 says.
// Annotations are accepted and ignored: title, description, examples, default, $schema, $id,
// $anchor, $comment, readOnly, writeOnly, deprecated, and any keyword starting with "x-" (such as
// the templates' "x-label-en"). A $id inside a subschema must be a plain "#name" fragment: one
// that changes the base URI would change what $ref means.
//
// Thread safety: a compiled schema is immutable; validate() may run on many threads at once.
// Copies share the compiled form.
class JsonSchema {
 public:
  // Which rule a $ref beside other keywords follows. `automatic` reads "$schema": a draft-04,
  // -06 or -07 URI means draft 7, anything else (or none) means 2020-12.
  enum class Dialect { automatic, draft2020_12, draft7 };

  // At most this many nested objects and arrays are followed into an instance (deeper ones are an
  // error, "is nested too deeply"), and at most this many nested subschemas are compiled.
  static constexpr std::size_t kMaxDepth = 64;
  // validate_all() reports at most this many errors unless told otherwise.
  static constexpr std::size_t kMaxErrors = 100;

  // Compiles `schema`. Throws std::invalid_argument naming the problem and where it is, as a
  // JSON pointer into the schema ("unsupported keyword \"patternProperties\" at
  // #/properties/contacts"): an unsupported or misspelt keyword, a keyword with a value of the
  // wrong shape, a pattern std::regex cannot compile, an unknown format, a $ref that leaves the
  // document or points at no subschema, a $ref cycle that never descends into the instance
  // ({"$ref": "#"}), or subschemas nested deeper than kMaxDepth.
  explicit JsonSchema(const nlohmann::json& schema, Dialect dialect = Dialect::automatic);

  // The first error in document order, or nullopt when `instance` matches. Document order is the
  // order of a canonical walk of the instance: an error about a value comes before errors about
  // its members or items; members go in key order (nlohmann::json keeps keys sorted), a missing
  // required field taking its place by name among them; items go by index. Several errors about
  // the same value keep the order of the checks: type, enum, const, then the string, number,
  // array and object keywords, then $ref, allOf, anyOf, oneOf, not, if/then/else. The result
  // therefore depends on the instance and the schema's content only, never on how keys were
  // written.
  //
  // A value that fails "type" is not checked further against that subschema; a string that fails
  // minLength/maxLength is not also checked against pattern and format; an array over maxItems
  // does not have its items or their uniqueness checked (the length error says enough, and that
  // bounds the work a huge array can cause).
  std::optional<SchemaError> validate(const nlohmann::json& instance) const;

  // Every error, in the same order, at most `max_errors` of them (the first ones).
  std::vector<SchemaError> validate_all(const nlohmann::json& instance,
                                        std::size_t max_errors = kMaxErrors) const;

  // Whether `instance` matches; cheaper than validate() on a mismatch (stops at the first).
  bool matches(const nlohmann::json& instance) const;

  struct Compiled;

 private:
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace musubi::protocol
