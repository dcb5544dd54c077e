import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The calendar: `GET /api/events/calendar` (JSON for a range), the caller's iCalendar feeds under
/// `/api/events/calendar/feeds`, and the public feed itself, `GET /calendar/{token}.ics` (issue 9, "Calendar feeds").
struct EventCalendarRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: EventCalendarRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let calendar = tenant.group("/api/events/calendar")
        calendar.get("", use: range)
        calendar.get("feeds", use: feeds)
        calendar.post("feeds", use: createFeed)
        calendar.delete("feeds/{id}", use: deleteFeed)
    }

    /// The public feed, outside the tenant group: the token in the path is the credential.
    func addPublicRoutes(to root: RouterGroup<Context>) {
        let feed = root.group("/calendar")
        // `{file}` rather than `{token}.ics`: the contract's path templates know whole-segment parameters only.
        feed.get("{file}", use: serveFeed)
    }

    /// `from` and `to` (inclusive, at most `EventCalendarRules.maxDays` apart). Holds come only for callers who may
    /// read avails.
    @Sendable func range(_ request: Request, context: Context) async throws -> EventCalendar {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let from = q.calendarDate("from")
        let to = q.calendarDate("to")
        try q.validate()
        var v = Validator()
        if from == nil { v.add("from", "required", "The first day of the range is required.") }
        if to == nil { v.add("to", "required", "The last day of the range is required.") }
        guard let from, let to else { throw APIError.validation(v.issues) }
        guard let days = EventCalendarRules.days(from: from, to: to), days >= 0 else {
            throw APIError.validation(field: "to", code: "before_from", message: "The range ends on or after its first day.")
        }
        guard days < EventCalendarRules.maxDays else {
            throw APIError.validation(field: "to", code: "range_too_long", message: "At most \(EventCalendarRules.maxDays) days per request.")
        }
        let limit = EventCalendarRules.feedLimit
        let seesHolds = try context.requireAccess().permits(BasePermission.availsRead)
        async let events = repository.events(companyID: scope.companyID, from: from, to: to, limit: limit)
        async let groups = repository.groups(companyID: scope.companyID, from: from, to: to, limit: limit)
        let holds = seesHolds ? try await repository.holds(companyID: scope.companyID, from: from, to: to, limit: limit) : []
        return EventCalendar(from: from, to: to, events: try await events, holds: holds, eventGroups: try await groups)
    }

    @Sendable func feeds(_ request: Request, context: Context) async throws -> Page<CalendarFeed> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        try q.validate()
        let result = try await repository.feeds(companyID: scope.companyID, userID: scope.userID, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// A new feed for the caller; the answer is the only place its token appears (only the hash is stored).
    @Sendable func createFeed(_ request: Request, context: Context) async throws -> EditedResponse<CreatedCalendarFeed> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let body = try await request.decodeValidIfPresent(as: CreateCalendarFeed.self, context: context)
        let name = body?.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "Kisum events"
        let token = CalendarFeedToken.make()
        let feed = try await repository.createFeed(companyID: scope.companyID, userID: scope.userID, name: name, token: token)
        let path = "/calendar/\(token).ics"
        let created = CreatedCalendarFeed(id: feed.id, name: feed.name, token: token, path: path, url: Self.publicBase(request) + path,
                                          createdAt: feed.createdAt)
        return EditedResponse(status: .created, headers: [.cacheControl: "no-store"], response: created)
    }

    /// Revokes the caller's feed at once (another user's feed is 404 like a missing one).
    @Sendable func deleteFeed(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "calendar feed")
        guard try await repository.deleteFeed(companyID: scope.companyID, userID: scope.userID, id: id) else {
            throw APIError.notFound("calendar feed")
        }
        return Response(status: .noContent)
    }

    /// The company's events, active holds (summary "1st hold: Artist") and tours from a year back to three years
    /// ahead. Unknown, malformed or revoked tokens are 404 alike.
    @Sendable func serveFeed(_ request: Request, context: Context) async throws -> Response {
        guard let file = context.parameters.get("file"), file.hasSuffix(".ics"), CalendarFeedToken.isWellFormed(file.dropLast(4)),
              let feed = try await repository.resolve(token: String(file.dropLast(4))) else { throw APIError.notFound("calendar feed") }
        let today = CalendarDate.today()
        let from = Self.shift(today, years: -1)
        let to = Self.shift(today, years: 3)
        let limit = EventCalendarRules.feedLimit
        async let events = repository.feedEvents(companyID: feed.companyID, from: from, to: to, limit: limit)
        async let holds = repository.holds(companyID: feed.companyID, from: from, to: to, limit: limit)
        async let groups = repository.groups(companyID: feed.companyID, from: from, to: to, limit: limit)
        let body = EventFeedBuilder.calendar(name: feed.name, events: try await events, holds: try await holds, groups: try await groups)
        let headers: HTTPFields = [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300",
                                   .contentDisposition: "inline; filename=\"kisum.ics\""]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `YYYY-MM-DD` moved by whole years (29 February lands on 28 February).
    static func shift(_ day: String, years: Int) -> String {
        guard let year = Int(day.prefix(4)) else { return day }
        var rest = String(day.dropFirst(4))
        if rest == "-02-29" { rest = "-02-28" }
        return String(format: "%04ld", min(max(year + years, 1900), 2199)) + rest
    }

    /// Scheme, host and gateway prefix as the caller reached Base (`X-Forwarded-*` from the gateway, else `Host`);
    /// only plain host characters are echoed.
    static func publicBase(_ request: Request) -> String {
        func header(_ name: String) -> String? {
            guard let field = HTTPField.Name(name), let value = request.headers[field]?.split(separator: ",").first else { return nil }
            let text = value.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
        let safe: (String) -> Bool = { text in
            text.utf8.count <= 255 && text.utf8.allSatisfy { byte in
                (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || [45, 46, 58, 91, 93, 95, 47].contains(byte)
            }
        }
        let scheme = header("X-Forwarded-Proto") == "https" ? "https" : "http"
        guard let host = header("X-Forwarded-Host") ?? request.head.authority ?? header("Host"), safe(host), !host.contains("/") else {
            return ""
        }
        let prefix = header("X-Forwarded-Prefix").flatMap { safe($0) && $0.hasPrefix("/") ? $0 : nil } ?? ""
        return "\(scheme)://\(host)\(prefix)"
    }
}

/// The feed's iCalendar document from the calendar's rows.
enum EventFeedBuilder {
    static func calendar(name: String, events: [FeedEvent], holds: [CalendarHold], groups: [CalendarEventGroup]) -> String {
        var ics = ICalendarWriter(name: name)
        for event in events {
            let start: ICalendarTime = event.startsAt.map { .instant($0) } ?? .day(event.date)
            let end: ICalendarTime = event.endsAt.map { .instant($0) } ?? .day(nextDay(event.date))
            let status = event.status == "cancelled" ? "CANCELLED" : (["draft", "hold"].contains(event.status) ? "TENTATIVE" : "CONFIRMED")
            let summary = event.status == "cancelled" ? "Cancelled: \(event.name)" : event.name
            let location = [event.venueName, event.city].compactMap { $0 }.joined(separator: ", ")
            var description = "Status: \(event.status)"
            if !event.artists.isEmpty { description += "\nBill: " + event.artists.joined(separator: ", ") }
            ics.event(uid: "event-\(event.id.uuidString.lowercased())@kisum", stamp: event.updatedAt, start: start, end: end,
                      summary: summary, location: location, description: description, status: status, sequence: event.version - 1)
        }
        for hold in holds {
            let label = hold.status == "confirmed" ? "\(hold.label) (confirmed)" : hold.label
            let location = [hold.venueName, hold.city].compactMap { $0 }.joined(separator: ", ")
            ics.event(uid: "hold-\(hold.id.uuidString.lowercased())@kisum", stamp: hold.updatedAt, start: .day(hold.date),
                      end: .day(nextDay(hold.date)), summary: "\(label): \(hold.artistName)", location: location,
                      status: "TENTATIVE", transparent: true)
        }
        for group in groups {
            guard let first = group.startsOn ?? group.endsOn else { continue }
            let last = group.endsOn ?? first
            let kind = group.kind.prefix(1).uppercased() + group.kind.dropFirst()
            ics.event(uid: "group-\(group.id.uuidString.lowercased())@kisum", stamp: group.updatedAt, start: .day(first),
                      end: .day(nextDay(last)), summary: "\(kind): \(group.name)", description: "Status: \(group.status)",
                      status: group.status == "cancelled" ? "CANCELLED" : "CONFIRMED", transparent: true)
        }
        return ics.finish()
    }

    /// The day after a `YYYY-MM-DD` (DTEND of an all-day item is exclusive).
    static func nextDay(_ day: String) -> String {
        let format = DateFormatter()
        format.calendar = Calendar.utc
        format.timeZone = Calendar.utc.timeZone
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "yyyy-MM-dd"
        guard let date = format.date(from: day), let next = Calendar.utc.date(byAdding: .day, value: 1, to: date) else { return day }
        return format.string(from: next)
    }
}
