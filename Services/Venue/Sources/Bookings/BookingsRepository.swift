import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Bookings and their spaces. Occupancy rows follow from the `booking_spaces` and `bookings`
/// triggers inside the same transaction; the exclusion constraint decides conflicts.
struct BookingsRepository: Sendable {
    let database: Database

    static let columns = """
        b.id, b.company_id, b.status, b.market_company_id, b.market_person_id, b.event_id, b.promoter_event_id, b.title,
        b.notes, b.status_reason, b.starts_at, b.ends_at, b.created_by, b.confirmed_at, b.cancelled_at, b.created_at, b.updated_at
        """

    static let constraints = ConstraintMessages([
        "bookings_event_fk": .validation(field: "eventId", code: "not_found", message: "No venue event with this id in this company."),
        "bookings_market_party": .validation(field: "marketCompanyId", code: "market_party_required",
                                             message: "Give marketCompanyId, marketPersonId or both."),
        "booking_spaces_space_fk": .validation(field: "spaceIds", code: "not_found", message: "A space is not in this company."),
    ])

    /// A booking row without its spaces (filled in by `attachSpaces`).
    static func decode(_ row: PostgresRow) throws -> Booking {
        let c = Columns(row)
        return Booking(
            id: try c("id"), companyId: try c("company_id"), status: try c("status"), marketCompanyId: try c("market_company_id"),
            marketPersonId: try c("market_person_id"), eventId: try c("event_id"), promoterEventId: try c("promoter_event_id"),
            title: try c("title"), notes: try c("notes"), statusReason: try c("status_reason"), startAt: try c("starts_at"),
            endAt: try c("ends_at"), spaceIds: [], createdBy: try c("created_by"), confirmedAt: try c("confirmed_at"),
            cancelledAt: try c("cancelled_at"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    var occupancy: OccupancyGuard { OccupancyGuard(database: database) }

    // MARK: Reads

    func list(companyID: UUID, _ filter: BookingFilter, page: PageRequest) async throws -> (items: [Booking], total: Int) {
        let promoterEventID = PromoterEventID.normalized(filter.promoterEventID)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM bookings b
            WHERE b.company_id = \(companyID)
              AND (\(filter.status)::text IS NULL OR b.status = \(filter.status))
              AND (\(filter.eventID)::uuid IS NULL OR b.event_id = \(filter.eventID))
              AND (\(promoterEventID)::text IS NULL OR b.promoter_event_id = \(promoterEventID))
              AND (\(filter.marketCompanyID)::uuid IS NULL OR b.market_company_id = \(filter.marketCompanyID))
              AND (\(filter.marketPersonID)::uuid IS NULL OR b.market_person_id = \(filter.marketPersonID))
              AND (\(filter.toAt)::timestamptz IS NULL OR b.starts_at < \(filter.toAt))
              AND (\(filter.fromAt)::timestamptz IS NULL OR b.ends_at > \(filter.fromAt))
              AND (\(filter.spaceID)::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM booking_spaces bs
                    WHERE bs.company_id = b.company_id AND bs.booking_id = b.id AND bs.space_id = \(filter.spaceID)))
              AND (\(filter.venueID)::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM booking_spaces bs JOIN spaces s ON s.company_id = bs.company_id AND s.id = bs.space_id
                    WHERE bs.company_id = b.company_id AND bs.booking_id = b.id AND s.venue_id = \(filter.venueID)))
            \(unescaped: suffix)
            """
        }
        let (rows, total) = try await database.page(query, columns: Self.columns, orderBy: "ORDER BY b.starts_at DESC, b.id", page: page,
                                                      decode: Self.decode)
        return (try await attachSpaces(companyID: companyID, rows), total)
    }

    func get(companyID: UUID, id: UUID) async throws -> Booking? {
        guard let row = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM bookings b WHERE b.company_id = \(companyID) AND b.id = \(id)
            """).first(Self.decode) else { return nil }
        return try await attachSpaces(companyID: companyID, [row]).first
    }

    /// Fills `spaceIds` for a page of bookings with one query (no per-booking round trip).
    func attachSpaces(companyID: UUID, _ bookings: [Booking]) async throws -> [Booking] {
        guard !bookings.isEmpty else { return [] }
        let ids = bookings.map(\.id)
        var spaces: [UUID: [UUID]] = [:]
        for try await (booking, space) in try await database.query("""
            SELECT booking_id, space_id FROM booking_spaces
            WHERE company_id = \(companyID) AND booking_id = ANY(\(ids))
            ORDER BY booking_id, space_id
            """).decode((UUID, UUID).self) {
            spaces[booking, default: []].append(space)
        }
        return bookings.map { booking in
            var booking = booking
            booking.spaceIds = spaces[booking.id] ?? []
            return booking
        }
    }

    // MARK: Writes

    /// Creates the booking and its space links in one transaction. The spaces must be live, active
    /// spaces of the company (422 on `spaceIds`); an overlap with another occupying item → 409.
    /// `promoterEventID` is the canonical id Promoter answered for `input.promoterEventId`.
    func create(companyID: UUID, userID: UUID, _ input: CreateBooking, promoterEventID: String?) async throws -> Booking {
        let logger = database.logger
        let spaceIDs = input.spaceIds ?? []
        guard let start = input.startAt, let end = input.endAt else {
            throw APIError.validation(field: "startAt", code: "required", message: "startAt and endAt are required.")
        }
        return try await occupancy.run(companyID: companyID, spaceIDs: spaceIDs, startAt: start, endAt: end, excluding: nil) {
            try await Self.constraints.map {
                try await database.transaction { connection in
                    try await Self.checkSpaces(spaceIDs, companyID: companyID, on: connection, logger: logger)
                    if let eventID = input.eventId, let promoterEventID {
                        try await Self.checkEventMatches(eventID, promoterEventID: promoterEventID, companyID: companyID,
                                                         on: connection, logger: logger)
                    }
                    var booking = try await connection.query("""
                        INSERT INTO bookings AS b (company_id, status, market_company_id, market_person_id, event_id, promoter_event_id,
                                                   title, notes, starts_at, ends_at, created_by)
                        VALUES (\(companyID), \(input.status ?? "tentative"), \(input.marketCompanyId), \(input.marketPersonId),
                                \(input.eventId), \(promoterEventID), \(input.title), \(input.notes), \(start), \(end), \(userID))
                        RETURNING \(unescaped: Self.columns)
                        """, logger: logger).first(Self.decode)!
                    // One statement for every space; the trigger adds each occupancy row, and the
                    // exclusion constraint rejects the whole booking if any space is taken.
                    try await connection.query("""
                        INSERT INTO booking_spaces (company_id, booking_id, space_id)
                        SELECT \(companyID), \(booking.id), unnest(\(spaceIDs)::uuid[])
                        """, logger: logger)
                    booking.spaceIds = spaceIDs.sorted { $0.uuidString < $1.uuidString }
                    return booking
                }
            }
        }
    }

    /// Applies a status change (checked against the transition table) and descriptive fields; on
    /// confirmation runs SyncBookingEvent in the same transaction. Nil when there is no such booking.
    /// `promoterEvent` is the booking's promoter event as Promoter resolved it for a confirmation: the
    /// canonical id replaces the stored spelling, so the synced venue event and the booking agree.
    func update(companyID: UUID, userID: UUID, id: UUID, _ p: BookingPatch, promoterEvent: ResolvedPromoterEvent?) async throws -> Booking? {
        let logger = database.logger
        let updated: Booking? = try await database.transaction { connection in
            guard let current = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM bookings b WHERE b.company_id = \(companyID) AND b.id = \(id) FOR UPDATE
                """, logger: logger).first(Self.decode) else { return nil }
            let target = p.status.value ?? current.status
            if let problem = BookingStatus.check(from: current.status, to: target, endsAt: current.endAt) { throw problem }
            // Confirming syncs the booking's promoter event, resolved through Promoter before this transaction.
            // A booking's promoterEventId changes only here, so the locked row holds the id that was resolved;
            // anything else means the row changed meanwhile, and an unchecked id must not reach venue_events.
            let syncs = target == "confirmed" && !p.status.isAbsent
            if syncs, let stored = current.promoterEventId, stored != promoterEvent?.stored {
                throw APIError.conflict("concurrent_update", "The booking changed while it was being confirmed; try again.")
            }
            let canonical = syncs ? promoterEvent?.canonical : nil
            var booking = try await connection.query("""
                UPDATE bookings b SET
                    status = \(target),
                    promoter_event_id = COALESCE(\(canonical)::text, promoter_event_id),
                    status_reason = CASE WHEN \(p.statusReason.clears) THEN NULL ELSE COALESCE(\(p.statusReason.value), status_reason) END,
                    title = CASE WHEN \(p.title.clears) THEN NULL ELSE COALESCE(\(p.title.value), title) END,
                    notes = CASE WHEN \(p.notes.clears) THEN NULL ELSE COALESCE(\(p.notes.value), notes) END,
                    confirmed_at = CASE WHEN \(target) = 'confirmed' THEN COALESCE(confirmed_at, now()) ELSE confirmed_at END,
                    cancelled_at = CASE WHEN \(target) IN ('cancelled', 'declined') THEN COALESCE(cancelled_at, now()) ELSE cancelled_at END,
                    updated_at = now()
                WHERE b.company_id = \(companyID) AND b.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode)!
            if syncs {
                let spaceIDs = try await connection.query("""
                    SELECT space_id FROM booking_spaces WHERE company_id = \(companyID) AND booking_id = \(id) ORDER BY space_id
                    """, logger: logger).collect { try $0.decode(UUID.self) }
                booking.eventId = try await SyncBookingEvent.run(.init(
                    companyID: companyID, bookingID: id, eventID: booking.eventId, promoterEventID: booking.promoterEventId,
                    title: booking.title, startAt: booking.startAt, endAt: booking.endAt, spaceIDs: spaceIDs, userID: userID),
                    on: connection, logger: logger)
                // The Finance handoff: accepted deals' deposits become deposits, each with its outbox message.
                try await DepositsRepository.createForConfirmedBooking(companyID: companyID, bookingID: id, userID: userID,
                                                                       on: connection, logger: logger)
            }
            // Becoming confirmed tells the booking's creator through Platform Core (an outbox message, same transaction).
            if target == "confirmed", current.status != "confirmed", let notice = VenueNotifications.bookingConfirmed(booking) {
                try await VenueNotifications.enqueue(notice, on: connection, logger: logger)
            }
            return booking
        }
        guard let updated else { return nil }
        // A confirmation may have enqueued deposits for Finance and its notification.
        if updated.status == "confirmed" { database.outboxDoorbell.ring() }
        return try await attachSpaces(companyID: companyID, [updated]).first
    }

    // MARK: Checks inside the write transaction

    private static func checkSpaces(_ ids: [UUID], companyID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let found = try await connection.query("""
            SELECT id, status FROM spaces WHERE company_id = \(companyID) AND id = ANY(\(ids)) AND deleted_at IS NULL
            FOR SHARE
            """, logger: logger).collect { try $0.decode((UUID, String).self) }
        let known = Dictionary(found, uniquingKeysWith: { first, _ in first })
        let missing = ids.filter { known[$0] == nil }
        if !missing.isEmpty {
            throw APIError.validation(field: "spaceIds", code: "not_found",
                                      message: "No space with id \(missing.map { $0.uuidString.lowercased() }.joined(separator: ", ")) in this company.")
        }
        let inactive = ids.filter { known[$0] != "active" }
        if !inactive.isEmpty {
            throw APIError.validation(field: "spaceIds", code: "inactive",
                                      message: "Space \(inactive.map { $0.uuidString.lowercased() }.joined(separator: ", ")) is not active.")
        }
    }

    /// An explicit event and a promoter event id must not contradict each other.
    private static func checkEventMatches(_ eventID: UUID, promoterEventID: String, companyID: UUID,
                                          on connection: PostgresConnection, logger: Logger) async throws {
        let linked = try await connection.query("""
            SELECT promoter_event_id FROM venue_events WHERE company_id = \(companyID) AND id = \(eventID)
            """, logger: logger).first { try $0.decode(String?.self) }
        if let linked, let linked, linked != promoterEventID {
            throw APIError.validation(field: "promoterEventId", code: "mismatch",
                                      message: "The event \(eventID.uuidString.lowercased()) is linked to another promoter event.")
        }
    }
}
