import Foundation
import Hummingbird
import KisumDeals
import KisumKernel

/// An offer to an artist for a date (issue 9, Offer): the deal terms, the ticket scenario they are computed on
/// and the potential the deal engine computed from both at the last save. `nextStatuses` are the statuses the
/// state machine (`OfferStatus`) allows from here.
public struct Offer: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var artistId: UUID
    public var artistName: String
    public var eventId: UUID?
    public var status: String
    public var nextStatuses: [String]
    /// `YYYY-MM-DD`.
    public var eventDate: String
    public var venueId: UUID?
    public var venueName: String?
    public var city: String?
    public var currency: String
    public var deal: DealTerms
    public var scenario: OfferScenario
    public var potential: DealOutcome
    public var guaranteeMinor: Int64
    public var expiresOn: String?
    public var notes: String?
    public var sentAt: Date?
    public var decidedAt: Date?
    public var version: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// The tickets an offer's potential is computed on: the tiers for sale (quantity and comps each) and the
/// room's capacity (the bound of break-even and walkout).
public struct OfferScenario: Codable, Sendable, Equatable {
    public var capacity: Int?
    public var tiers: [TicketTier]
}

/// One row of `GET /api/offer/{id}/versions`: the change that produced `version`.
public struct OfferRevision: ResponseEncodable, Sendable {
    public var offerId: UUID
    public var version: Int
    public var action: String
    public var changedBy: UUID
    public var changedAt: Date
    /// `{"field": {"from": …, "to": …}}`.
    public var changes: JSONValue
    /// The offer as this version left it.
    public var snapshot: JSONValue
}

/// `POST /api/offer/{id}/convert-to-event`'s answer.
public struct OfferConversion: ResponseEncodable, Sendable {
    public var eventId: UUID
    /// False when the offer was already for an existing event (the artist joined its bill).
    public var eventCreated: Bool
    public var offer: Offer
}

/// The columns an offer's save writes, computed before the UPDATE (the potential with the deal engine).
struct OfferFields: Sendable {
    var artistId: UUID
    var eventId: UUID?
    var eventDate: String
    var venueId: UUID?
    var venueName: String?
    var city: String?
    var currency: String
    var deal: DealTerms
    var scenario: OfferScenario
    var potential: DealOutcome
    var expiresOn: String?
    var notes: String?

    init(_ offer: Offer) {
        artistId = offer.artistId
        eventId = offer.eventId
        eventDate = offer.eventDate
        venueId = offer.venueId
        venueName = offer.venueName
        city = offer.city
        currency = offer.currency
        deal = offer.deal
        scenario = offer.scenario
        potential = offer.potential
        expiresOn = offer.expiresOn
        notes = offer.notes
    }

    /// From a validated body (every required field present).
    init(_ body: OfferBody) throws {
        guard let artistId = body.artistId, let eventDate = body.eventDate, let currency = body.currency, let deal = body.deal,
              let scenario = body.scenario else { throw APIError.internalError }
        self.artistId = artistId
        self.eventId = body.eventId
        self.eventDate = eventDate
        self.venueId = body.venueId
        self.venueName = OfferRules.trimmed(body.venueName)
        self.city = OfferRules.trimmed(body.city)
        self.currency = currency
        self.deal = deal
        self.scenario = scenario
        self.potential = try OfferRules.potential(deal, scenario)
        self.expiresOn = body.expiresOn
        self.notes = body.notes
    }
}

enum OfferRules {
    /// The deal engine's outcome for the scenario; an amount too large for 64 bits is the body's fault (422).
    static func potential(_ deal: DealTerms, _ scenario: OfferScenario) throws -> DealOutcome {
        do throws(DealEngineError) {
            return try DealEngine.evaluate(terms: deal, tiers: scenario.tiers, capacity: scenario.capacity)
        } catch {
            switch error {
            case .invalid(let issues):
                throw APIError.validation(issues.map { FieldIssue(field: $0.path, code: $0.code, message: $0.message) })
            case .overflow(let what):
                throw APIError.validation(field: "scenario", code: "too_large", message: "The scenario's \(what) is too large to compute.")
            }
        }
    }

    /// The engine's issues of the terms and the scenario as field errors, plus the offer's own rule that the
    /// deal is stated in the offer's currency.
    static func validate(deal: DealTerms?, scenario: OfferScenario?, currency: String?, _ v: inout Validator) {
        if let deal {
            for issue in DealEngine.validate(deal) { v.add(issue.path, issue.code, issue.message) }
            if let currency, deal.currency != currency {
                v.add("deal.currency", "currency_mismatch", "The deal's currency must be the offer's (\(currency)).")
            }
        }
        if let scenario {
            for issue in DealEngine.validate(tiers: scenario.tiers, capacity: scenario.capacity) { v.add(issue.path, issue.code, issue.message) }
        }
    }

    static func text(_ value: String?, _ field: String, maxLength: Int, _ v: inout Validator) {
        v.text(value, field, required: false, maxLength: maxLength)
    }

    static func trimmed(_ value: String?) -> String? { value?.trimmingCharacters(in: .whitespacesAndNewlines) }

    static func version(_ value: Int?, _ v: inout Validator) {
        v.range(value, "version", 1...Int(Int32.max))
    }
}

/// `POST /api/offer` and `PUT /api/offer/{id}` (a full replacement: optional fields left out are cleared).
struct OfferBody: Decodable, Sendable, ValidatableBody {
    var artistId: UUID?
    var eventId: UUID?
    var eventDate: String?
    var venueId: UUID?
    var venueName: String?
    var city: String?
    var currency: String?
    var deal: DealTerms?
    var scenario: OfferScenario?
    var expiresOn: String?
    var notes: String?
    /// PUT only (or `If-Match`): the version the edit is based on.
    var version: Int?

    func validate(_ v: inout Validator) {
        if artistId == nil { v.add("artistId", "required", "This field is required.") }
        ArtistShowRules.dateInRange(eventDate, "eventDate", required: true, &v)
        ArtistShowRules.dateInRange(expiresOn, "expiresOn", required: false, &v)
        if let eventDate, let expiresOn, CalendarDate.isValid(eventDate), CalendarDate.isValid(expiresOn), expiresOn > eventDate {
            v.add("expiresOn", "after_event_date", "An offer expires on or before the event's date.")
        }
        if let currency {
            if !DealEngine.isCurrencyCode(currency) { v.add("currency", "invalid_currency", "An ISO 4217 code: three capital letters.") }
        } else {
            v.add("currency", "required", "This field is required.")
        }
        if deal == nil { v.add("deal", "required", "This field is required.") }
        if scenario == nil { v.add("scenario", "required", "This field is required.") }
        OfferRules.validate(deal: deal, scenario: scenario, currency: currency, &v)
        OfferRules.text(venueName, "venueName", maxLength: 200, &v)
        OfferRules.text(city, "city", maxLength: 100, &v)
        OfferRules.text(notes, "notes", maxLength: 10_000, &v)
        OfferRules.version(version, &v)
    }
}

/// `POST /api/offer/{id}/counter`: the other side's changes; fields left out stay as they are.
struct CounterOfferBody: Decodable, Sendable, ValidatableBody {
    var eventDate: String?
    var deal: DealTerms?
    var scenario: OfferScenario?
    var expiresOn: String?
    var notes: String?
    var note: String?
    var version: Int?

    func validate(_ v: inout Validator) {
        ArtistShowRules.dateInRange(eventDate, "eventDate", required: false, &v)
        ArtistShowRules.dateInRange(expiresOn, "expiresOn", required: false, &v)
        // The currency is the offer's: checked against it once the offer is read.
        OfferRules.validate(deal: deal, scenario: scenario, currency: nil, &v)
        OfferRules.text(notes, "notes", maxLength: 10_000, &v)
        OfferRules.text(note, "note", maxLength: 2000, &v)
        OfferRules.version(version, &v)
    }
}

/// send, accept, reject, and `PATCH …/status` (which also names the status).
struct OfferActionBody: Decodable, Sendable, ValidatableBody {
    var status: String?
    var note: String?
    var version: Int?

    func validate(_ v: inout Validator) {
        v.oneOf(status, "status", OfferStatus.all)
        OfferRules.text(note, "note", maxLength: 2000, &v)
        OfferRules.version(version, &v)
    }
}

/// `POST /api/offer/{id}/convert-to-event`.
struct ConvertOfferBody: Decodable, Sendable, ValidatableBody {
    /// The event's name; default "<artist> – <date>".
    var name: String?
    var version: Int?

    func validate(_ v: inout Validator) {
        v.text(name, "name", required: false, maxLength: 200)
        OfferRules.version(version, &v)
    }
}

/// Filters of the offer lists; `search` also matches venue and city.
struct OfferFilter: Sendable {
    var status: String?
    var artistID: UUID?
    var eventID: UUID?
    var from: String?
    var to: String?
    var currency: String?
    var q: String?
    var searchesVenue = false
}

/// `sort` of the offer lists: a column, `-` for descending.
enum OfferSort: String, CaseIterable, Sendable {
    case eventDate, createdAt, updatedAt, guarantee, status, artistName
    static let choices = allCases.flatMap { [$0.rawValue, "-\($0.rawValue)"] }

    static func orderBy(_ choice: String?) -> String {
        guard let choice else { return "ORDER BY o.created_at DESC, o.id" }
        let descending = choice.hasPrefix("-")
        let column = switch OfferSort(rawValue: descending ? String(choice.dropFirst()) : choice) {
        case .eventDate: "o.event_date"
        case .createdAt: "o.created_at"
        case .updatedAt: "o.updated_at"
        case .guarantee: "o.guarantee_minor"
        case .status: "o.status"
        case .artistName: "lower(ar.name)"
        case nil: "o.created_at"
        }
        return "ORDER BY \(column) \(descending ? "DESC" : "ASC"), o.id"
    }
}
