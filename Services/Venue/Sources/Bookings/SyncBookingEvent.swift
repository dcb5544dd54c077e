import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Resolves the venue event of a booking being confirmed, in the spec's order, inside the caller's
/// transaction (the booking row is locked, so concurrent confirmations run one after the other):
///
/// 1. the booking's explicit `eventId`;
/// 2. its `promoterEventId`: upsert on `(company_id, promoter_event_id)`, so a second booking of the
///    same promoter event shares the row;
/// 3. otherwise the placeholder shadow keyed on the booking, inserted with `ON CONFLICT` on the unique
///    placeholder-per-booking index (so a placeholder already created for this booking is that shadow).
///
/// One step sits between 2 and 3, and only there: a canonical (non-placeholder) event that already points
/// at this booking through its `bookingId` is adopted instead of a new placeholder. That is the spec's
/// boundary rule — "the booking ↔ event link uses canonical promoter event identity whenever available;
/// placeholder events are last-resort fallbacks" — applied to a booking that carries neither id itself.
/// It never overrides steps 1 and 2, and never adopts a placeholder other than the shadow.
///
/// The resolved id is written back onto the booking, so later reads expose `eventId` without a new
/// sync, and running it again finds the same event (step 1).
enum SyncBookingEvent {
    struct Input: Sendable {
        var companyID: UUID
        var bookingID: UUID
        var eventID: UUID?
        var promoterEventID: String?
        var title: String?
        var startAt: Date
        var endAt: Date
        var spaceIDs: [UUID]
        var userID: UUID?
    }

    static func run(_ input: Input, on connection: PostgresConnection, logger: Logger) async throws -> UUID {
        let eventID = try await resolve(input, on: connection, logger: logger)
        try await connection.query("""
            UPDATE bookings SET event_id = \(eventID), updated_at = now()
            WHERE company_id = \(input.companyID) AND id = \(input.bookingID) AND event_id IS DISTINCT FROM \(eventID)
            """, logger: logger)
        return eventID
    }

    private static func resolve(_ input: Input, on connection: PostgresConnection, logger: Logger) async throws -> UUID {
        if let eventID = input.eventID {
            // The composite foreign key guarantees the event exists in this company.
            return eventID
        }
        if let promoterEventID = input.promoterEventID {
            let id = try await connection.query("""
                INSERT INTO venue_events (company_id, promoter_event_id, is_placeholder, title, status, starts_at, ends_at,
                                          space_ids, booking_id, created_by)
                VALUES (\(input.companyID), \(promoterEventID), false, \(input.title), 'confirmed', \(input.startAt), \(input.endAt),
                        \(input.spaceIDs), \(input.bookingID), \(input.userID))
                ON CONFLICT ON CONSTRAINT venue_events_promoter_event_key
                DO UPDATE SET booking_id = COALESCE(venue_events.booking_id, EXCLUDED.booking_id), updated_at = now()
                RETURNING id
                """, logger: logger).first { try $0.decode(UUID.self) }
            return id!
        }
        // "Canonical whenever available": the oldest canonical event already referring to this booking.
        if let canonical = try await connection.query("""
            SELECT id FROM venue_events
            WHERE company_id = \(input.companyID) AND booking_id = \(input.bookingID) AND NOT is_placeholder
            ORDER BY created_at, id
            LIMIT 1
            """, logger: logger).first({ try $0.decode(UUID.self) }) {
            return canonical
        }
        let id = try await connection.query("""
            INSERT INTO venue_events (company_id, is_placeholder, title, status, starts_at, ends_at, space_ids, booking_id, created_by)
            VALUES (\(input.companyID), true, \(input.title), 'confirmed', \(input.startAt), \(input.endAt), \(input.spaceIDs),
                    \(input.bookingID), \(input.userID))
            ON CONFLICT (company_id, booking_id) WHERE is_placeholder AND booking_id IS NOT NULL
            DO UPDATE SET updated_at = venue_events.updated_at
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) }
        return id!
    }
}
