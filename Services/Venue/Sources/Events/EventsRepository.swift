import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Venue event rows.
struct EventsRepository: Sendable {
    let database: Database

    static let columns = """
        e.id, e.company_id, e.promoter_event_id, e.is_placeholder, e.placeholder_promoter_name, e.placeholder_promoter_email,
        e.placeholder_notes, e.title, e.description, e.event_type, e.status, e.starts_at, e.ends_at, e.space_ids,
        e.payload::text AS payload, e.business_unit_id, e.booking_id, e.created_by, e.created_at, e.updated_at
        """

    static let constraints = ConstraintMessages([
        "venue_events_promoter_event_key": .conflict("promoter_event_already_linked",
                                                     "This promoter event is already linked to another event of this company."),
        "venue_events_booking_fk": .validation(field: "bookingId", code: "not_found", message: "No booking with this id in this company."),
        "venue_events_time_order": .validation(field: "endAt", code: "before_start", message: "endAt must be after startAt (and needs one)."),
        "venue_events_placeholder_booking_key": .conflict("booking_has_placeholder",
                                                          "This booking already has a placeholder event."),
    ])

    static func decode(_ row: PostgresRow) throws -> VenueEvent {
        let c = Columns(row)
        return VenueEvent(
            id: try c("id"), companyId: try c("company_id"), promoterEventId: try c("promoter_event_id"),
            isPlaceholder: try c("is_placeholder"), placeholderPromoterName: try c("placeholder_promoter_name"),
            placeholderPromoterEmail: try c("placeholder_promoter_email"), placeholderNotes: try c("placeholder_notes"),
            title: try c("title"), description: try c("description"), eventType: try c("event_type"), status: try c("status"),
            startAt: try c("starts_at"), endAt: try c("ends_at"), spaceIds: try c("space_ids"), payload: try c.json("payload"),
            businessUnitId: try c("business_unit_id"), bookingId: try c("booking_id"), createdBy: try c("created_by"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    func list(companyID: UUID, _ filter: EventFilter, page: PageRequest) async throws -> (items: [VenueEvent], total: Int) {
        let promoterEventID = PromoterEventID.normalized(filter.promoterEventID)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM venue_events e
            WHERE e.company_id = \(companyID)
              AND (\(filter.status)::text IS NULL OR e.status = \(filter.status))
              AND (\(filter.bookingID)::uuid IS NULL OR e.booking_id = \(filter.bookingID))
              AND (\(promoterEventID)::text IS NULL OR e.promoter_event_id = \(promoterEventID))
              AND (\(filter.placeholder)::text IS NULL
                   OR (\(filter.placeholder) = 'only' AND e.is_placeholder)
                   OR (\(filter.placeholder) = 'exclude' AND NOT e.is_placeholder))
              AND (\(filter.toAt)::timestamptz IS NULL OR e.starts_at < \(filter.toAt))
              AND (\(filter.fromAt)::timestamptz IS NULL OR COALESCE(e.ends_at, e.starts_at) >= \(filter.fromAt))
              AND (\(filter.venueID)::uuid IS NULL
                   OR e.space_ids && ARRAY(SELECT s.id FROM spaces s WHERE s.company_id = e.company_id AND s.venue_id = \(filter.venueID))
                   OR EXISTS (SELECT 1 FROM booking_spaces bs JOIN spaces s ON s.company_id = bs.company_id AND s.id = bs.space_id
                              WHERE bs.company_id = e.company_id AND bs.booking_id = e.booking_id AND s.venue_id = \(filter.venueID)))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY e.starts_at DESC NULLS LAST, e.created_at DESC, e.id", page: page,
                                                      decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> VenueEvent? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM venue_events e WHERE e.company_id = \(companyID) AND e.id = \(id)
            """).first(Self.decode)
    }

    // MARK: Writes

    /// `promoterEventID` is the canonical id Promoter answered for `input.promoterEventId` (nil for a placeholder).
    func create(companyID: UUID, userID: UUID, _ input: CreateEvent, promoterEventID: String?) async throws -> VenueEvent {
        let logger = database.logger
        let payload = try SQLText.json(input.payload.flatMap { $0.isNull ? nil : $0 }) ?? "{}"
        let spaceIDs = input.spaceIds ?? []
        return try await Self.constraints.map {
            try await database.transaction { connection in
                try await Self.checkSpaces(spaceIDs, companyID: companyID, on: connection, logger: logger)
                if let promoterEventID {
                    try await Self.checkPromoterEventFree(promoterEventID, companyID: companyID, except: nil, on: connection, logger: logger)
                }
                return try await connection.query("""
                    INSERT INTO venue_events AS e (company_id, promoter_event_id, is_placeholder, placeholder_promoter_name,
                        placeholder_promoter_email, placeholder_notes, title, description, event_type, status, starts_at, ends_at,
                        space_ids, payload, business_unit_id, booking_id, created_by)
                    VALUES (\(companyID), \(promoterEventID), \(input.isPlaceholder), \(input.placeholderPromoterName),
                        \(input.placeholderPromoterEmail), \(input.placeholderNotes), \(input.title), \(input.description),
                        \(input.eventType), \(input.status ?? "draft"), \(input.startAt), \(input.endAt), \(spaceIDs),
                        \(payload)::jsonb, \(input.businessUnitId), \(input.bookingId), \(userID))
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)!
            }
        }
    }

    /// One UPDATE of the allowed fields. Nil when there is no such event.
    func update(companyID: UUID, id: UUID, _ p: EventPatch) async throws -> VenueEvent? {
        let logger = database.logger
        let payload = try SQLText.json(p.payloadValue)
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let isPlaceholder = try await connection.query("""
                    SELECT is_placeholder FROM venue_events WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(Bool.self) }) else { return nil }
                if p.touchesPlaceholderFields, !isPlaceholder {
                    throw APIError.validation(field: "placeholderPromoterName", code: "only_for_placeholders",
                                              message: "Placeholder fields apply to placeholder events only; this event is linked to a promoter event.")
                }
                if let spaceIDs = p.spaceIds.value {
                    try await Self.checkSpaces(spaceIDs, companyID: companyID, on: connection, logger: logger)
                }
                return try await connection.query("""
                    UPDATE venue_events e SET
                        title = CASE WHEN \(p.title.clears) THEN NULL ELSE COALESCE(\(p.title.value), title) END,
                        description = CASE WHEN \(p.description.clears) THEN NULL ELSE COALESCE(\(p.description.value), description) END,
                        event_type = CASE WHEN \(p.eventType.clears) THEN NULL ELSE COALESCE(\(p.eventType.value), event_type) END,
                        status = COALESCE(\(p.status.value), status),
                        starts_at = CASE WHEN \(p.startAt.clears) THEN NULL ELSE COALESCE(\(p.startAt.value), starts_at) END,
                        ends_at = CASE WHEN \(p.endAt.clears) THEN NULL ELSE COALESCE(\(p.endAt.value), ends_at) END,
                        space_ids = COALESCE(\(p.spaceIds.value), space_ids),
                        payload = COALESCE(\(payload)::jsonb, payload),
                        business_unit_id = CASE WHEN \(p.businessUnitId.clears) THEN NULL ELSE COALESCE(\(p.businessUnitId.value), business_unit_id) END,
                        booking_id = CASE WHEN \(p.bookingId.clears) THEN NULL ELSE COALESCE(\(p.bookingId.value), booking_id) END,
                        placeholder_promoter_name = COALESCE(\(p.placeholderPromoterName.value), placeholder_promoter_name),
                        placeholder_promoter_email = CASE WHEN \(p.placeholderPromoterEmail.clears) THEN NULL
                            ELSE COALESCE(\(p.placeholderPromoterEmail.value), placeholder_promoter_email) END,
                        placeholder_notes = CASE WHEN \(p.placeholderNotes.clears) THEN NULL
                            ELSE COALESCE(\(p.placeholderNotes.value), placeholder_notes) END,
                        updated_at = now()
                    WHERE e.company_id = \(companyID) AND e.id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// Promotes a placeholder to a canonical promoter-event reference (`promoterEventID` as Promoter answered
    /// it). Nil when there is no such event.
    func linkPromoter(companyID: UUID, id: UUID, promoterEventID: String) async throws -> VenueEvent? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let isPlaceholder = try await connection.query("""
                    SELECT is_placeholder FROM venue_events WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(Bool.self) }) else { return nil }
                guard isPlaceholder else { throw Self.notPlaceholder }
                try await Self.checkPromoterEventFree(promoterEventID, companyID: companyID, except: id, on: connection, logger: logger)
                return try await connection.query("""
                    UPDATE venue_events e SET promoter_event_id = \(promoterEventID), is_placeholder = false, updated_at = now()
                    WHERE e.company_id = \(companyID) AND e.id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    // MARK: Checks

    static let notPlaceholder = APIError.conflict("not_placeholder", "Only placeholder events can be linked to a promoter event.")

    /// 409 naming the other event when the promoter event is already linked in this company. The
    /// unique constraint covers the race between this check and the write.
    private static func checkPromoterEventFree(_ promoterEventID: String, companyID: UUID, except: UUID?,
                                               on connection: PostgresConnection, logger: Logger) async throws {
        if let other = try await connection.query("""
            SELECT id FROM venue_events WHERE company_id = \(companyID) AND promoter_event_id = \(promoterEventID)
              AND id IS DISTINCT FROM \(except)
            """, logger: logger).first({ try $0.decode(UUID.self) }) {
            throw APIError.conflict("promoter_event_already_linked",
                                    "This promoter event is already linked to another event of this company.",
                                    info: ["eventId": .uuid(other)])
        }
    }

    /// `spaceIds` is an array column (no foreign key), so membership is checked here.
    static func checkSpaces(_ ids: [UUID], companyID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        let found = try await connection.query("""
            SELECT count(*) FROM spaces WHERE company_id = \(companyID) AND id = ANY(\(ids)) AND deleted_at IS NULL
            """, logger: logger).count()
        if found != Set(ids).count {
            throw APIError.validation(field: "spaceIds", code: "not_found", message: "Every space must be a space of this company.")
        }
    }
}
