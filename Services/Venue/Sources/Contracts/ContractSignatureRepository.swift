import Foundation
import KisumKernel
import Logging
import PostgresNIO

/// The `ContractsRepository` statements that record signature-provider results: sent, resent, refreshed, sync errors, expiry.
extension ContractsRepository {
    /// After a successful send: the provider, its agreement id and status; signers as the provider reports.
    static func recordSent(companyID: UUID, id: UUID, provider: String, state: AgreementState, on connection: PostgresConnection,
                           logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET
                status = \(state.status), signature_provider = \(provider), signature_agreement_id = \(state.agreementID),
                signature_status = \(state.providerStatus), signature_error = NULL, signature_synced_at = now(),
                sent_at = now(), last_sent_at = now(), updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger)
        try await applySigners(companyID: companyID, id: id, state.signers, on: connection, logger: logger)
    }

    /// After a reminder: the signers who were asked and have not acted were notified again. Signers
    /// still `pending` (their turn in a sequential flow has not come) were not, and stay as they are.
    static func recordResent(companyID: UUID, id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET resend_count = resend_count + 1, last_sent_at = now(), updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger)
        try await connection.query("""
            UPDATE contract_signers SET last_sent_at = now(), updated_at = now()
            WHERE company_id = \(companyID) AND contract_id = \(id) AND role <> 'cc' AND status IN ('sent', 'viewed')
            """, logger: logger)
    }

    /// A provider state fetched by a status refresh. The contract status moves only forward along the
    /// transition table (a provider repeating an older state changes nothing); timestamps are set once.
    static func applyProviderState(_ record: ContractRecord, _ state: AgreementState, on connection: PostgresConnection,
                                   logger: Logger) async throws {
        let current = record.contract.status
        let status = ContractStatus.transitions[current, default: []].contains(state.status) ? state.status : current
        try await connection.query("""
            UPDATE contracts SET
                status = \(status), signature_status = \(state.providerStatus), signature_error = NULL, signature_synced_at = now(),
                signed_at = CASE WHEN \(status) = 'signed' THEN COALESCE(signed_at, now()) ELSE signed_at END,
                declined_at = CASE WHEN \(status) = 'declined' THEN COALESCE(declined_at, now()) ELSE declined_at END,
                voided_at = CASE WHEN \(status) = 'voided' THEN COALESCE(voided_at, now()) ELSE voided_at END,
                updated_at = CASE WHEN status = \(status) THEN updated_at ELSE now() END
            WHERE company_id = \(record.contract.companyId) AND id = \(record.contract.id)
            """, logger: logger)
        try await applySigners(companyID: record.contract.companyId, id: record.contract.id, state.signers, on: connection, logger: logger)
    }

    private static func applySigners(companyID: UUID, id: UUID, _ signers: [String: String], on connection: PostgresConnection,
                                     logger: Logger) async throws {
        guard !signers.isEmpty else { return }
        let json = String(decoding: try JSONCoding.encoder.encode(signers), as: UTF8.self)
        try await connection.query("""
            UPDATE contract_signers s SET
                status = x.status,
                last_sent_at = CASE WHEN x.status = 'sent' AND s.status = 'pending' THEN now() ELSE s.last_sent_at END,
                signed_at = CASE WHEN x.status = 'signed' THEN COALESCE(s.signed_at, now()) ELSE s.signed_at END,
                declined_at = CASE WHEN x.status = 'declined' THEN COALESCE(s.declined_at, now()) ELSE s.declined_at END,
                updated_at = now()
            FROM jsonb_each_text(\(json)::jsonb) AS x(email, status)
            WHERE s.company_id = \(companyID) AND s.contract_id = \(id) AND s.email = x.email AND s.status IS DISTINCT FROM x.status
            """, logger: logger)
    }

    /// A refresh that could not reach the provider: the stored state stands, the reason is kept.
    static func recordSyncError(companyID: UUID, id: UUID, reason: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET signature_error = \(reason) WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger)
    }

    /// An agreement past its `expiresAt` that nobody finished.
    static func expireIfDue(companyID: UUID, id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE contracts SET status = 'expired', updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id) AND status IN ('sent', 'partially_signed')
              AND expires_at IS NOT NULL AND expires_at <= now()
            """, logger: logger)
    }
}
