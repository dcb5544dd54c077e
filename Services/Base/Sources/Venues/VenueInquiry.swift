import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumServiceClient

/// An inquiry the company sent about a venue: dates, spaces, expected attendance and a message, addressed to whoever
/// Venue said answers (the venue, or Kisum for sleeping inventory).
public struct VenueInquiry: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var venueId: UUID
    public var venueName: String
    /// `venue` or `kisum`.
    public var recipient: String
    public var status: String
    public var startsOn: String
    public var endsOn: String
    public var spaceIds: [UUID]
    public var expectedAttendance: Int?
    public var eventId: UUID?
    public var message: String
    public var createdBy: UUID
    public var createdAt: Date
}

/// `GET /api/venues/{id}/inquiry`: what Venue says about inquiring (who answers, contact, active spaces, capacities)
/// and the inquiries this company sent about the venue, newest first.
public struct VenueInquiryOverview: ResponseEncodable, Sendable {
    public var inquiry: VenueInquiryInfo
    public var sent: [VenueInquiry]
    public var sentTotal: Int
}

/// `POST /api/venues/{id}/inquiry`.
struct CreateVenueInquiry: ValidatableBody, Sendable {
    var startsOn: String?
    var endsOn: String?
    var spaceIds: [UUID]?
    var expectedAttendance: Int?
    var eventId: UUID?
    var message: String?

    func validate(_ v: inout Validator) {
        v.calendarDate(startsOn, "startsOn", required: true)
        v.calendarDate(endsOn, "endsOn")
        for (value, field) in [(startsOn, "startsOn"), (endsOn, "endsOn")] {
            if let value, CalendarDate.isValid(value), !("1900-01-01"..."2199-12-31").contains(value) {
                v.add(field, "out_of_range", "Must be between 1900-01-01 and 2199-12-31.")
            }
        }
        if let startsOn, let endsOn, CalendarDate.isValid(startsOn), CalendarDate.isValid(endsOn), endsOn < startsOn {
            v.add("endsOn", "before_start", "Must be on or after startsOn.")
        }
        if let spaceIds {
            if spaceIds.count > 20 { v.add("spaceIds", "too_many", "At most 20 spaces.") }
            if Set(spaceIds).count != spaceIds.count { v.add("spaceIds", "duplicate", "Name each space once.") }
        }
        v.range(expectedAttendance, "expectedAttendance", 1...1_000_000)
        v.text(message, "message", maxLength: 5000)
    }

    /// Checks the inquiry against Venue's answer: the venue takes inquiries (409 `venue_not_accepting_inquiries`),
    /// every space is one of its active spaces and the attendance fits its largest capacity (422).
    func check(against info: VenueInquiryInfo) throws {
        guard info.acceptsInquiries else {
            throw APIError.conflict("venue_not_accepting_inquiries", "This venue does not take inquiries (status \(info.venue.status)).")
        }
        var v = Validator()
        let offered = Set(info.spaces.map(\.id))
        if let spaceIds, spaceIds.contains(where: { !offered.contains($0) }) {
            v.add("spaceIds", "not_found", "Each space must be one of the venue's active spaces.")
        }
        let capacity = [info.capacity, info.largestSpaceCapacity].compactMap { $0 }.max()
        if let expectedAttendance, let capacity, capacity > 0, expectedAttendance > capacity {
            v.add("expectedAttendance", "exceeds_capacity", "The venue holds at most \(capacity).")
        }
        try v.validate()
    }
}
