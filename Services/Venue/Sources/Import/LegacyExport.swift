import Foundation
import KisumKernel

/// The legacy export read by `venue import-sleeping-venues`: JSON Lines, one record per line,
///
///     {"collection": "venues_type", "document": { …Mongo document… }}
///     {"collection": "venues", "document": { …Mongo document… }}
///
/// Documents may use Mongo Extended JSON (`{"$oid": …}`, `{"$numberInt": …}`, `{"$numberLong": …}`,
/// `{"$numberDouble": …}`). Blank lines are skipped. The fields read are listed on `LegacyVenueType`
/// and `LegacyVenue`; any other field is kept untouched in `venue_import_records.document`.
/// See Services/Venue/NOTES.md and Services/Venue/Samples/sleeping-venues.jsonl.
enum LegacyExport {
    struct Parsed: Sendable {
        var venueTypes: [LegacyVenueType] = []
        var venues: [LegacyVenue] = []
        var rejected: [ImportRejection] = []
    }

    static func parse(_ text: String) -> Parsed {
        var parsed = Parsed()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let record = try? JSONCoding.decoder.decode(JSONValue.self, from: Data(trimmed.utf8)), record.objectValue != nil else {
                parsed.rejected.append(ImportRejection(line: line, collection: nil, sourceId: nil, reason: "not a JSON object"))
                continue
            }
            guard let collection = record["collection"]?.stringValue else {
                parsed.rejected.append(ImportRejection(line: line, collection: nil, sourceId: nil, reason: "collection is missing"))
                continue
            }
            guard let document = record["document"], document.objectValue != nil else {
                parsed.rejected.append(ImportRejection(line: line, collection: collection, sourceId: nil, reason: "document is missing or not an object"))
                continue
            }
            switch collection {
            case "venues_type":
                switch LegacyVenueType.read(document, line: line) {
                case .success(let type): parsed.venueTypes.append(type)
                case .failure(let rejection): parsed.rejected.append(rejection)
                }
            case "venues":
                switch LegacyVenue.read(document, line: line) {
                case .success(let venue): parsed.venues.append(venue)
                case .failure(let rejection): parsed.rejected.append(rejection)
                }
            default:
                parsed.rejected.append(ImportRejection(line: line, collection: collection, sourceId: nil,
                                                       reason: "unknown collection (expected venues_type or venues)"))
            }
        }
        return parsed
    }
}

/// A record that was not imported, with where it was and why.
public struct ImportRejection: Codable, Sendable, Equatable, CustomStringConvertible, Error {
    public var line: Int
    public var collection: String?
    public var sourceId: String?
    public var reason: String

    public var description: String {
        var text = "line \(line)"
        if let collection { text += " (\(collection)" + (sourceId.map { " \($0)" } ?? "") + ")" }
        return text + ": " + reason
    }
}

/// Mongo Extended JSON scalars.
enum MongoJSON {
    static func string(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        if let oid = value["$oid"]?.stringValue { return oid }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    static func double(_ value: JSONValue?) -> Double? {
        guard let value else { return nil }
        if let number = value.doubleValue { return number }
        for key in ["$numberInt", "$numberLong", "$numberDouble", "$numberDecimal"] {
            if let text = value[key]?.stringValue { return Double(text) }
        }
        return value.stringValue.flatMap(Double.init)
    }

    static func int(_ value: JSONValue?) -> Int? {
        guard let number = double(value), number.rounded() == number, abs(number) < 9e15 else { return nil }
        return Int(number)
    }

    static func isPresent(_ value: JSONValue?) -> Bool {
        guard let value else { return false }
        return !value.isNull
    }

    /// A Mongo ObjectId (24 hex digits), lower-cased.
    static func objectID(_ value: JSONValue?) -> String? {
        guard let text = string(value), text.range(of: "^[0-9a-fA-F]{24}$", options: .regularExpression) != nil else { return nil }
        return text.lowercased()
    }
}

/// A `venues_type` document: `_id` (ObjectId, required), `type_id` (legacy numeric id, optional —
/// kept as `venue_type_id`), `name` (required), `slug`, `description`.
struct LegacyVenueType: Sendable {
    var line: Int
    var sourceID: String
    var legacyTypeID: Int?
    var name: String
    var slug: String?
    var description: String?
    var document: JSONValue

    static func read(_ doc: JSONValue, line: Int) -> Result<LegacyVenueType, ImportRejection> {
        let source = MongoJSON.objectID(doc["_id"])
        func reject(_ reason: String) -> Result<LegacyVenueType, ImportRejection> {
            .failure(ImportRejection(line: line, collection: "venues_type", sourceId: source ?? MongoJSON.string(doc["_id"]), reason: reason))
        }
        guard let source else { return reject("_id must be a 24-hex ObjectId") }
        let typeID = MongoJSON.int(doc["type_id"] ?? doc["venue_type_id"])
        if MongoJSON.isPresent(doc["type_id"] ?? doc["venue_type_id"]), (typeID ?? 0) < 1 || (typeID ?? 0) > Int(Int32.max) {
            return reject("type_id must be a positive integer")
        }
        guard let name = MongoJSON.string(doc["name"]), name.count <= 200 else { return reject("name is required (at most 200 characters)") }
        return .success(LegacyVenueType(line: line, sourceID: source, legacyTypeID: typeID, name: name,
                                        slug: MongoJSON.string(doc["slug"]), description: MongoJSON.string(doc["description"]), document: doc))
    }
}

/// A `venues` document. Fields read: `_id` (ObjectId, required), `venue_id` (legacy numeric id,
/// optional), `unique_id`, `name` (required), `description`, `type` (ObjectId of a venues_type) or
/// `type_id` (its numeric id), `country`, `city`, `country_iso2`, `address` (string, or
/// `{street, street2, postal_code|zip, region|state}`), `location` (GeoJSON Point `[lng, lat]` or
/// `{lat, lng}`), `capacity`, `contact_name`, `email`, `phone`, `website`, `timezone`,
/// `operating_hours` (the API's operatingHours shape), and `rooms` (`[{_id?, name, capacity?, kind?}]`,
/// imported as spaces).
struct LegacyVenue: Sendable {
    struct Room: Sendable {
        var key: String
        var name: String
        var capacity: Int?
        var kind: String
    }

    var line: Int
    var sourceID: String
    var legacyVenueID: Int?
    var uniqueID: String?
    var name: String
    var description: String?
    var typeSourceID: String?
    var legacyTypeID: Int?
    var country: String?
    var city: String?
    var countryIso2: String?
    var addressLine1, addressLine2, postalCode, region: String?
    var latitude, longitude: Double?
    var capacity: Int?
    var contactName, contactEmail, contactPhone: String?
    var website: String?
    var timezone: String?
    var operatingHours: JSONValue?
    var rooms: [Room]
    var document: JSONValue

    static func read(_ doc: JSONValue, line: Int) -> Result<LegacyVenue, ImportRejection> {
        let source = MongoJSON.objectID(doc["_id"])
        func reject(_ reason: String) -> Result<LegacyVenue, ImportRejection> {
            .failure(ImportRejection(line: line, collection: "venues", sourceId: source ?? MongoJSON.string(doc["_id"]), reason: reason))
        }
        guard let source else { return reject("_id must be a 24-hex ObjectId") }
        guard let name = MongoJSON.string(doc["name"]) else { return reject("name is required") }
        let legacyVenueID = MongoJSON.int(doc["venue_id"])
        if MongoJSON.isPresent(doc["venue_id"]), (legacyVenueID ?? 0) < 1 { return reject("venue_id must be a positive integer") }

        var venue = LegacyVenue(line: line, sourceID: source, legacyVenueID: legacyVenueID, uniqueID: MongoJSON.string(doc["unique_id"]),
                                name: name, description: MongoJSON.string(doc["description"]), rooms: [], document: doc)
        if let type = doc["type"], type["$oid"] != nil || type.stringValue != nil {
            guard let typeSource = MongoJSON.objectID(type) else { return reject("type must be the ObjectId of a venues_type") }
            venue.typeSourceID = typeSource
        }
        venue.legacyTypeID = MongoJSON.int(doc["type_id"] ?? doc["venue_type_id"])
        venue.country = MongoJSON.string(doc["country"])
        venue.city = MongoJSON.string(doc["city"])
        venue.countryIso2 = MongoJSON.string(doc["country_iso2"])?.uppercased()
        switch doc["address"] {
        case .some(.string(let text)):
            venue.addressLine1 = text.isEmpty ? nil : text
        case .some(.object):
            let address = doc["address"]
            venue.addressLine1 = MongoJSON.string(address?["street"] ?? address?["line1"])
            venue.addressLine2 = MongoJSON.string(address?["street2"] ?? address?["line2"])
            venue.postalCode = MongoJSON.string(address?["postal_code"] ?? address?["zip"])
            venue.region = MongoJSON.string(address?["region"] ?? address?["state"])
        case .none, .some(.null):
            break
        default:
            return reject("address must be a string or an object")
        }
        if let location = doc["location"], !location.isNull {
            if let coordinates = location["coordinates"]?.arrayValue, coordinates.count == 2 {
                venue.longitude = MongoJSON.double(coordinates[0])
                venue.latitude = MongoJSON.double(coordinates[1])
            } else {
                venue.latitude = MongoJSON.double(location["lat"])
                venue.longitude = MongoJSON.double(location["lng"] ?? location["lon"])
            }
            if venue.latitude == nil || venue.longitude == nil { return reject("location must be a GeoJSON Point or {lat, lng}") }
        }
        venue.capacity = MongoJSON.int(doc["capacity"])
        if MongoJSON.isPresent(doc["capacity"]), venue.capacity == nil { return reject("capacity must be an integer") }
        venue.contactName = MongoJSON.string(doc["contact_name"])
        venue.contactEmail = MongoJSON.string(doc["email"])?.lowercased()
        venue.contactPhone = MongoJSON.string(doc["phone"])
        venue.website = MongoJSON.string(doc["website"])
        venue.timezone = MongoJSON.string(doc["timezone"])
        if let hours = doc["operating_hours"], !hours.isNull { venue.operatingHours = hours }

        for (index, room) in (doc["rooms"]?.arrayValue ?? []).enumerated() {
            guard let roomName = MongoJSON.string(room["name"]) else { return reject("rooms[\(index)].name is required") }
            let capacity = MongoJSON.int(room["capacity"])
            if MongoJSON.isPresent(room["capacity"]), capacity == nil { return reject("rooms[\(index)].capacity must be an integer") }
            let kind = MongoJSON.string(room["kind"]) ?? "room"
            guard SpaceRules.kinds.contains(kind) else { return reject("rooms[\(index)].kind must be one of \(SpaceRules.kinds.joined(separator: ", "))") }
            let key = MongoJSON.string(room["_id"]) ?? "name:\(roomName.lowercased())"
            if venue.rooms.contains(where: { $0.key == key }) { return reject("rooms[\(index)] repeats room \(key)") }
            venue.rooms.append(Room(key: key, name: roomName, capacity: capacity, kind: kind))
        }

        // Imported data meets the same rules as data typed into the API.
        var validator = Validator()
        validator.text(name, "name", maxLength: 200)
        VenueRules.common(description: venue.description, country: venue.country, city: venue.city, countryIso2: venue.countryIso2,
                          addressLine1: venue.addressLine1, addressLine2: venue.addressLine2, postalCode: venue.postalCode,
                          region: venue.region, latitude: venue.latitude, longitude: venue.longitude, timezone: venue.timezone,
                          capacity: venue.capacity, contactName: venue.contactName, contactEmail: venue.contactEmail,
                          contactPhone: venue.contactPhone, website: venue.website, venueTypeId: venue.legacyTypeID, into: &validator)
        OperatingMetadata.validateOperatingHours(venue.operatingHours, field: "operating_hours", into: &validator)
        for room in venue.rooms { validator.range(room.capacity, "rooms.capacity", 0...1_000_000) }
        if !validator.isValid {
            return reject(validator.issues.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
        }
        return .success(venue)
    }
}
