import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PlatformCoreAPI
import PostgresNIO

/// What the Finance sync writes back, and the deposits a confirmed booking hands to Finance.
extension DepositsRepository {
    /// Finance has `version` (and the invoice as it now stands, when there is one). A newer change keeps
    /// the deposit pending: its own message is still on its way.
    func recordSynced(companyID: UUID, id: UUID, version: Int, invoice: LedgerInvoice?) async throws {
        try await database.query("""
            UPDATE deposits SET
                finance_record_id = COALESCE(\(invoice?.id), finance_record_id),
                finance_status = COALESCE(\(invoice?.status), finance_status),
                finance_paid_minor = COALESCE(\(invoice?.paidMinor), finance_paid_minor),
                synced_version = GREATEST(synced_version, \(version)),
                finance_sync_status = CASE WHEN GREATEST(synced_version, \(version)) >= version THEN 'synced' ELSE finance_sync_status END,
                finance_last_error = NULL,
                finance_synced_at = now()
            WHERE company_id = \(companyID) AND id = \(id)
            """)
    }

    /// A failed attempt: `permanent` when Finance refused the request itself (the deposit shows
    /// `failed` until it changes again), otherwise the relay retries and the deposit stays pending.
    /// `notice` (a permanent failure's notification) is enqueued in the same transaction.
    func recordProblem(companyID: UUID, id: UUID, reason: String, permanent: Bool, linkedTo record: UUID? = nil,
                       notice: NotificationRequest? = nil) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            try await connection.query("""
                UPDATE deposits SET
                    finance_record_id = COALESCE(finance_record_id, \(record)),
                    finance_sync_status = CASE WHEN \(permanent) THEN 'failed' ELSE finance_sync_status END,
                    finance_last_error = \(String(reason.prefix(500)))
                WHERE company_id = \(companyID) AND id = \(id)
                """, logger: logger)
            if let notice { try await VenueNotifications.enqueue(notice, on: connection, logger: logger) }
        }
        if notice != nil { database.outboxDoorbell.ring() }
    }

    /// Confirming a booking hands its money to Finance: every accepted deal on the booking with a deposit
    /// amount becomes one requested deposit (once: the unique deal index makes a second confirmation a
    /// no-op), each with its outbox message, inside the confirmation's transaction.
    static func createForConfirmedBooking(companyID: UUID, bookingID: UUID, userID: UUID?, on connection: PostgresConnection,
                                          logger: Logger) async throws {
        let created = try await connection.query("""
            INSERT INTO deposits (company_id, booking_id, event_id, deal_id, payer_name, payer_ref, amount_minor, currency, status,
                                  description, created_by)
            SELECT d.company_id, b.id, b.event_id, d.id, left(COALESCE(NULLIF(btrim(b.title), ''), 'Booking ' || b.id::text), 200),
                   COALESCE(b.market_company_id, b.market_person_id)::text, d.deposit_minor, d.currency, 'requested',
                   left('Deposit: ' || COALESCE(NULLIF(btrim(d.name), ''), d.deal_type), 500), \(userID)
            FROM deals d JOIN bookings b ON b.company_id = d.company_id AND b.id = d.booking_id
            WHERE d.company_id = \(companyID) AND d.booking_id = \(bookingID) AND d.status = 'accepted' AND d.deposit_minor > 0
            ON CONFLICT (company_id, deal_id) WHERE deal_id IS NOT NULL DO NOTHING
            RETURNING id
            """, logger: logger).collect { try $0.decode(UUID.self) }
        for id in created {
            try await enqueueSync(id, version: 1, companyID: companyID, on: connection, logger: logger)
        }
    }
}
