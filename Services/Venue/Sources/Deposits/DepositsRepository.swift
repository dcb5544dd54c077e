import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Deposit rows, always within one company. Every write commits the deposit and its outbox message in
/// one transaction: a deposit is never saved without the message that takes it to Finance.
struct DepositsRepository: Sendable {
    let database: Database

    /// The outbox topic the Finance sync handles.
    static let topic = "finance.deposit"

    static let columns = """
        d.id, d.company_id, d.booking_id, d.event_id, d.deal_id, d.payer_name, d.payer_ref, d.payer_email, d.amount_minor,
        d.currency, to_char(d.due_date, 'YYYY-MM-DD') AS due_date, d.status, d.description, d.notes, d.finance_record_id,
        d.finance_sync_status, d.finance_last_error, d.finance_synced_at, d.finance_status, d.finance_paid_minor,
        d.version, d.synced_version, d.created_by, d.created_at, d.updated_at
        """

    /// Another company's booking, event or deal is refused by the composite foreign keys.
    static let constraints = ConstraintMessages([
        "deposits_booking_fk": .validation(field: "bookingId", code: "not_found", message: "No booking with this id in this company."),
        "deposits_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "deposits_deal_fk": .validation(field: "dealId", code: "not_found", message: "No deal with this id in this company."),
        "deposits_company_deal": .conflict("deal_has_deposit", "This deal already has its deposit."),
    ])

    static func decode(_ row: PostgresRow) throws -> Deposit {
        let c = Columns(row)
        return Deposit(
            id: try c("id"), companyId: try c("company_id"), bookingId: try c("booking_id"), eventId: try c("event_id"),
            dealId: try c("deal_id"), payerName: try c("payer_name"), payerRef: try c("payer_ref"), payerEmail: try c("payer_email"),
            amountMinor: try c("amount_minor"), currency: try c("currency"), dueDate: try c("due_date"), status: try c("status"),
            description: try c("description"), notes: try c("notes"), financeRecordId: try c("finance_record_id"),
            financeSyncStatus: try c("finance_sync_status"), financeLastError: try c("finance_last_error"),
            financeSyncedAt: try c("finance_synced_at"), financeStatus: try c("finance_status"), paidMinor: try c("finance_paid_minor"),
            financeLive: false, createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"),
            version: try c("version"), syncedVersion: try c("synced_version"))
    }

    // MARK: Reads

    func list(companyID: UUID, _ f: DepositFilter, page: PageRequest) async throws -> (items: [Deposit], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM deposits d
            WHERE d.company_id = \(companyID)
              AND (\(f.eventID)::uuid IS NULL OR d.event_id = \(f.eventID))
              AND (\(f.bookingID)::uuid IS NULL OR d.booking_id = \(f.bookingID))
              AND (\(f.status)::text IS NULL OR d.status = \(f.status))
              AND (\(f.syncStatus)::text IS NULL OR d.finance_sync_status = \(f.syncStatus))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY d.created_at DESC, d.id DESC", page: page,
                                                      decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Deposit? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM deposits d WHERE d.company_id = \(companyID) AND d.id = \(id)
            """).first(Self.decode)
    }

    /// An event's deposits: its own, and those of the bookings linked to it.
    func forEvent(companyID: UUID, eventID: UUID) async throws -> [Deposit] {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM deposits d
            WHERE d.company_id = \(companyID)
              AND (d.event_id = \(eventID) OR d.booking_id IN (SELECT b.id FROM bookings b WHERE b.company_id = \(companyID)
                                                                  AND b.event_id = \(eventID)))
            ORDER BY d.created_at, d.id
            """).collect(Self.decode)
    }

    func eventExists(companyID: UUID, eventID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT count(*) FROM venue_events WHERE company_id = \(companyID) AND id = \(eventID)
            """).count() > 0
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: CreateDeposit) async throws -> Deposit {
        let logger = database.logger
        defer { database.outboxDoorbell.ring() }
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let deposit = try await connection.query("""
                    INSERT INTO deposits AS d (company_id, booking_id, event_id, deal_id, payer_name, payer_ref, payer_email, amount_minor,
                                               currency, due_date, status, description, notes, created_by)
                    VALUES (\(companyID), \(input.bookingId), \(input.eventId), \(input.dealId), \(input.payerName ?? ""), \(input.payerRef),
                            \(input.payerEmail), \(input.amountMinor ?? 0), \(input.currency ?? ""), \(input.dueDate)::date,
                            \(input.status ?? "requested"), \(input.description), \(input.notes), \(userID))
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode) else {
                    throw APIError(.internalServerError, code: "internal_error", message: "The deposit was not recorded.")
                }
                try await Self.enqueueSync(deposit.id, version: 1, companyID: companyID, on: connection, logger: logger)
                return deposit
            }
        }
    }

    /// Applies a patch under the row lock (status machine, amount and payer only while pending) and
    /// enqueues the new version for Finance. Nil when there is no such deposit.
    func update(companyID: UUID, id: UUID, _ p: DepositPatch) async throws -> Deposit? {
        let logger = database.logger
        defer { database.outboxDoorbell.ring() }
        return try await database.transaction { connection in
            guard let current = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM deposits d WHERE d.company_id = \(companyID) AND d.id = \(id) FOR UPDATE
                """, logger: logger).first(Self.decode) else { return nil }
            if current.status == "cancelled" { throw APIError.conflict("deposit_cancelled", "A cancelled deposit does not change.") }
            let target = p.status.value ?? current.status
            try DepositStatus.check(from: current.status, to: target)
            let locked = p.lockedFields
            if !locked.isEmpty, current.status != "pending" {
                throw APIError.conflict("deposit_locked", "Amount, currency, payer and description change only while a deposit is pending.",
                                        info: ["fields": .array(locked.map(JSONValue.string))])
            }
            if target == "cancelled", (current.paidMinor ?? 0) > 0 {
                throw APIError.conflict("deposit_has_payments", "Finance has payments against this deposit; refund them there first.")
            }
            guard let deposit = try await connection.query("""
                UPDATE deposits d SET
                    payer_name = COALESCE(\(p.payerName.value), payer_name),
                    payer_ref = CASE WHEN \(p.payerRef.clears) THEN NULL ELSE COALESCE(\(p.payerRef.value), payer_ref) END,
                    payer_email = CASE WHEN \(p.payerEmail.clears) THEN NULL ELSE COALESCE(\(p.payerEmail.value), payer_email) END,
                    amount_minor = COALESCE(\(p.amountMinor.value), amount_minor),
                    currency = COALESCE(\(p.currency.value), currency),
                    due_date = CASE WHEN \(p.dueDate.clears) THEN NULL ELSE COALESCE(\(p.dueDate.value)::date, due_date) END,
                    status = \(target),
                    description = CASE WHEN \(p.description.clears) THEN NULL ELSE COALESCE(\(p.description.value), description) END,
                    notes = CASE WHEN \(p.notes.clears) THEN NULL ELSE COALESCE(\(p.notes.value), notes) END,
                    version = version + 1,
                    finance_sync_status = 'pending',
                    updated_at = now()
                WHERE d.company_id = \(companyID) AND d.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode) else { return nil }
            try await Self.enqueueSync(id, version: deposit.version, companyID: companyID, on: connection, logger: logger)
            return deposit
        }
    }

    /// Each version gets its own message, so a change is never lost behind an earlier delivery; the
    /// handler syncs the newest state whichever message it runs for.
    static func enqueueSync(_ id: UUID, version: Int, companyID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await Outbox.enqueue(on: connection, topic: topic, companyID: companyID, payload: DepositSyncMessage(depositId: id),
                                 idempotencyKey: "deposit:\(id.uuidString.lowercased()):v\(version)", logger: logger)
    }
}

/// The outbox payload: which deposit to bring to Finance (its newest state is read when delivered).
struct DepositSyncMessage: Codable, Sendable {
    var depositId: UUID
}
