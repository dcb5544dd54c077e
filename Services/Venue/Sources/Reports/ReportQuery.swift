import Foundation
import Hummingbird
import KisumKernel

/// The query every Venue report shares (spec "Reports"): a window, a bucket size, the zone its edges are
/// drawn in, and optional filters. Malformed values are 400 `invalid_query`; rules between values or
/// against data a schema cannot state (window order and length, an unknown zone name) are 422
/// `validation_failed`, as everywhere else in Venue, so that schema-valid input is never a 400.
struct ReportQuery: Sendable, Equatable {
    enum Bucket: String, Sendable, CaseIterable {
        case day, week, month

        /// The longest window a report covers for this bucket size. It bounds the work (buckets ×
        /// spaces) while still allowing a year of days and five years of weeks or months.
        var maxWindowDays: Int { self == .day ? 400 : 1_830 }
    }

    var fromAt: Date
    var toAt: Date
    var bucket: Bucket
    /// IANA zone name; bucket edges are its local midnights (weeks from Monday, months from the 1st).
    var timezone: String
    var venueID: UUID?
    /// The venue named by its numeric `venueId` (the venue record's own name for it) instead of its uuid `id`.
    var venueNumber: Int64?
    var spaceID: UUID?
    var businessUnitID: UUID?
    var marketCompanyID: UUID?
    var marketPersonID: UUID?

    static let defaultWindow: TimeInterval = 30 * 86_400
    static let defaultTimezone = "UTC"
    static let maxTimezoneLength = 64

    /// Names accepted for `timezone`. The platform's IANA list, not `TimeZone(identifier:)` alone: that also
    /// takes offset spellings ("GMT+5", "UTC+5") which PostgreSQL reads as POSIX zones with the sign the
    /// other way round, so the same text would draw edges where the caller did not mean.
    static let knownTimezones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC", "Etc/UTC"])

    /// A party or business-unit filter narrows what is counted to bookings: blocks carry neither.
    var filtersParties: Bool { businessUnitID != nil || marketCompanyID != nil || marketPersonID != nil }

    init(fromAt: Date, toAt: Date, bucket: Bucket = .month, timezone: String = defaultTimezone) {
        self.fromAt = fromAt
        self.toAt = toAt
        self.bucket = bucket
        self.timezone = timezone
    }

    /// Reads `fromAt`, `toAt` (default: the 30 days ending now; one given alone sets the other 30 days
    /// away), `bucket` (default month), `timezone` (default: the company's own zone from its workspace
    /// settings, when this service knows it, else UTC) and the id filters.
    init(_ request: Request, companyTimezone: String? = nil, now: Date = Date()) throws {
        var q = QueryReader(request)
        let from = q.date("fromAt")
        let to = q.date("toAt")
        let bucket = q.oneOf("bucket", Bucket.allCases.map(\.rawValue)).flatMap(Bucket.init(rawValue:)) ?? .month
        let zone: String? = request.uri.queryParameters.get("timezone").map { String($0) }
        if let zone, !Self.isZoneName(zone) {
            q.add("timezone", "invalid_timezone", "Must be an IANA time zone name such as Europe/Amsterdam.")
        }
        let venue = Self.venueReference(request.uri.queryParameters.get("venueId").map { String($0) }, into: &q)
        let ids = (venue: venue.id, space: q.uuid("spaceId"), unit: q.uuid("businessUnitId"),
                   company: q.uuid("marketCompanyId"), person: q.uuid("marketPersonId"))
        try q.validate()

        let toAt = to ?? from.map { $0.addingTimeInterval(Self.defaultWindow) } ?? now
        self.init(fromAt: from ?? toAt.addingTimeInterval(-Self.defaultWindow), toAt: toAt, bucket: bucket,
                  timezone: zone ?? companyTimezone.flatMap { Self.knownTimezones.contains($0) ? $0 : nil } ?? Self.defaultTimezone)
        (venueID, spaceID, businessUnitID, marketCompanyID, marketPersonID) = ids
        venueNumber = venue.number
        try checkRules()
    }

    /// `venueId` names a venue by its uuid `id` or by its numeric `venueId` (1 to 18 digits); anything else is a
    /// 400 on the parameter.
    static func venueReference(_ text: String?, into q: inout QueryReader) -> (id: UUID?, number: Int64?) {
        // Sent empty is malformed, as for every typed parameter.
        guard let text else { return (nil, nil) }
        if let id = UUID(uuidString: text) { return (id, nil) }
        if text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int64(text) { return (nil, number) }
        q.add("venueId", "invalid_venue_id", "Must be a venue's uuid id or its numeric venueId.")
        return (nil, nil)
    }

    /// The 422 rules: a non-empty window no longer than the bucket allows, in a zone the service knows.
    func checkRules() throws {
        var v = Validator()
        let seconds = toAt.timeIntervalSince(fromAt)
        if seconds <= 0 {
            v.add("toAt", "not_after_from", "toAt must be after fromAt.")
        } else if seconds > Double(bucket.maxWindowDays) * 86_400 {
            v.add("toAt", "window_too_long", "With bucket=\(bucket.rawValue) a report covers at most \(bucket.maxWindowDays) days.")
        }
        if !Self.knownTimezones.contains(timezone) { v.add("timezone", Self.unknownTimezone.code, Self.unknownTimezone.message) }
        try v.validate()
    }

    static let unknownTimezone = FieldIssue(field: "timezone", code: "unknown_timezone", message: "Not a time zone this service knows.")

    /// The shape of an IANA name (`Area/Location[/Sub]`, `UTC`, `Etc/GMT+5`): what the contract's pattern says.
    static func isZoneName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard text.unicodeScalars.count <= maxTimezoneLength, (1...3).contains(parts.count),
              let first = text.unicodeScalars.first, zoneLetters.contains(first) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { zoneCharacters.contains($0) }
        }
    }

    private static let zoneLetters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    private static let zoneCharacters = zoneLetters.union(CharacterSet(charactersIn: "0123456789_+-"))
}
