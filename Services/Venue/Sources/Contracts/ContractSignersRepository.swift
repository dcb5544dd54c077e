import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The signer statements of `ContractsRepository`: reading a page of contracts' signers, attaching them, and writing the list.
extension ContractsRepository {
    static let signerColumns = """
        s.contract_id, s.id, s.name, s.email, s.role, s.signing_order, s.status, s.last_sent_at, s.signed_at, s.declined_at
        """

    static func decodeSigner(_ row: PostgresRow) throws -> (UUID, ContractSigner) {
        let c = Columns(row)
        return (try c("contract_id"), ContractSigner(
            id: try c("id"), name: try c("name"), email: try c("email"), role: try c("role"), signingOrder: try c("signing_order"),
            status: try c("status"), lastSentAt: try c("last_sent_at"), signedAt: try c("signed_at"), declinedAt: try c("declined_at")))
    }

    /// The signers of a page of contracts in one query, in signing order.
    static func signers(companyID: UUID, contractIDs: [UUID], database: Database) async throws -> [(UUID, ContractSigner)] {
        guard !contractIDs.isEmpty else { return [] }
        return try await database.query(signersQuery(companyID: companyID, contractIDs: contractIDs)).collect(decodeSigner)
    }

    static func signersQuery(companyID: UUID, contractIDs: [UUID]) -> PostgresQuery {
        """
        SELECT \(unescaped: signerColumns) FROM contract_signers s
        WHERE s.company_id = \(companyID) AND s.contract_id = ANY(\(contractIDs))
        ORDER BY s.contract_id, s.signing_order, s.created_at, s.email
        """
    }

    static func attach(_ signers: [(UUID, ContractSigner)], to records: [ContractRecord]) -> [ContractRecord] {
        let grouped = Dictionary(grouping: signers, by: \.0).mapValues { $0.map(\.1) }
        return records.map { record in
            var record = record
            record.contract.signers = grouped[record.contract.id] ?? []
            return record
        }
    }

    /// Replaces the signer list (one INSERT from a JSON array); e-mails stored lower-case.
    static func insertSigners(_ signers: [SignerInput], companyID: UUID, contractID: UUID, on connection: PostgresConnection,
                              logger: Logger) async throws {
        guard !signers.isEmpty else { return }
        let rows = signers.enumerated().map { index, signer in
            SignerRow(name: signer.name ?? "", email: signer.normalizedEmail ?? "", role: signer.role ?? "signer",
                      signingOrder: signer.signingOrder ?? index + 1)
        }
        let json = String(decoding: try JSONCoding.encoder.encode(rows), as: UTF8.self)
        try await connection.query("""
            INSERT INTO contract_signers (company_id, contract_id, name, email, role, signing_order)
            SELECT \(companyID), \(contractID), r.name, r.email, r.role, r.signing_order
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(name text, email text, role text, signing_order integer)
            """, logger: logger)
    }

    private struct SignerRow: Encodable {
        var name: String
        var email: String
        var role: String
        var signingOrder: Int

        enum CodingKeys: String, CodingKey {
            case name, email, role
            case signingOrder = "signing_order"
        }
    }
}
