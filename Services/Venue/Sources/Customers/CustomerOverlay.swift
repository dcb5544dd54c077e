import Foundation
import Hummingbird
import KisumKernel
import KisumServiceClient

/// Venue-specific data about a Market party (spec "Customers / overlays"): what this venue calls the party,
/// its notes, risk, preferences and operational context. Base ("Artists") owns the party's identity and master
/// data; Venue stores only this overlay, keyed by the party's id and kind, never a copy of the party.
///
/// Each POST adds an overlay and the party's newest overlay is its current one: a POST is a full replacement (a
/// field left out is not carried over from the previous overlay), and the older ones stay as its history.
public struct CustomerOverlay: Codable, Sendable, ResponseEncodable, Equatable {
    public var id: UUID
    /// The Base party id: a booking's marketCompanyId (kind company) or marketPersonId (kind person).
    public var partyId: UUID
    public var partyKind: String
    public var displayName: String?
    public var notes: String?
    public var risk: String?
    public var preferences: JSONValue?
    /// An object, or free text (a JSON string).
    public var operationalContext: JSONValue?
    public var createdBy: UUID?
    public var createdAt: Date
}

/// `POST /api/v1/customers/{id}/overlays`. Every field but `partyKind` may be left out or null (an overlay
/// with no display name gives the party back its Market name in Venue's lists).
struct CreateCustomerOverlay: Decodable, Sendable, ValidatableBody {
    var partyKind: String?
    var displayName: String?
    var notes: String?
    var risk: String?
    var preferences: JSONValue?
    var operationalContext: JSONValue?

    static let risks = ["low", "medium", "high"]
    static let maxDisplayName = 200
    static let maxNotes = 5_000
    static let maxContextText = 5_000
    /// Bounds of the two JSON fields: top-level keys and encoded size.
    static let maxKeys = 50
    static let maxJSONBytes = 16 * 1024

    func validate(_ v: inout Validator) {
        v.oneOf(partyKind, "partyKind", PartyKind.allCases.map(\.rawValue), required: true)
        v.text(displayName, "displayName", required: false, maxLength: Self.maxDisplayName)
        v.text(notes, "notes", required: false, maxLength: Self.maxNotes)
        v.oneOf(risk, "risk", Self.risks)
        if let preferences, !preferences.isNull {
            if let object = preferences.objectValue {
                Self.bound(object, "preferences", into: &v)
            } else {
                v.add("preferences", "invalid_type", "Must be an object.")
            }
        }
        switch operationalContext {
        case .object(let object)?: Self.bound(object, "operationalContext", into: &v)
        case .string(let text)?: v.text(text, "operationalContext", required: false, maxLength: Self.maxContextText)
        case .null?, nil: break
        default: v.add("operationalContext", "invalid_type", "Must be an object or a string.")
        }
    }

    static func bound(_ object: [String: JSONValue], _ field: String, into v: inout Validator) {
        if object.count > maxKeys { v.add(field, "too_many", "At most \(maxKeys) keys.") }
        if let size = try? JSONCoding.encoder.encode(JSONValue.object(object)).count, size > maxJSONBytes {
            v.add(field, "too_large", "At most 16 KiB.")
        }
    }

    /// The JSON fields as stored: null for absent or null.
    var storedPreferences: JSONValue? { preferences.flatMap { $0.isNull ? nil : $0 } }
    var storedContext: JSONValue? { operationalContext.flatMap { $0.isNull ? nil : $0 } }
}

/// `GET /api/v1/customers/search`: Market parties and this company's overlays in one ranked list.
struct CustomerSearchResult: Sendable, ResponseEncodable {
    var items: [CustomerMatch]
    /// False when Base could not be asked (not configured, unreachable, too slow, erroring): the items are then
    /// only the company's overlay matches.
    var marketAvailable: Bool
    var marketMessage: String?
    var limit: Int
}

/// One party in the search: its Market fields when Base answered it, and its current overlay, if any.
struct CustomerMatch: Sendable, Encodable, Equatable {
    var partyId: UUID
    var partyKind: String
    /// Market's fields, null when the party came only from an overlay match.
    var source: String?
    var name: String?
    var email: String?
    var countryId: UUID?
    var city: String?
    /// What to show: the overlay's display name, else the Market name.
    var displayName: String?
    var score: Double
    var marketMatch: Bool
    var overlayMatch: Bool
    var overlay: CustomerOverlay?
}

/// The search's query: `q` required, `kind` and `limit` optional.
struct CustomerSearchQuery: Sendable, Equatable {
    var q: String
    var kind: PartyKind?
    var limit: Int

    static let defaultLimit = 20
    static let maxLimit = 50
    static let maxQueryLength = 200

    init(q: String, kind: PartyKind? = nil, limit: Int = defaultLimit) {
        self.q = q
        self.kind = kind
        self.limit = limit
    }

    init(_ request: Request) throws {
        var reader = QueryReader(request)
        var text = reader.search("q", maxLength: Self.maxQueryLength)
        if text?.allSatisfy(\.isWhitespace) ?? reader.issues.isEmpty {
            reader.add("q", "required", "Give the text to search for.")
            text = nil
        }
        let kind = reader.oneOf("kind", PartyKind.allCases.map(\.rawValue)).flatMap(PartyKind.init(rawValue:))
        let limit = reader.int("limit", range: 1...Self.maxLimit) ?? Self.defaultLimit
        try reader.validate()
        self.init(q: text ?? "", kind: kind, limit: limit)
    }
}
