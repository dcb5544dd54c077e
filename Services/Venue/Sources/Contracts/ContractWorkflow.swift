import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import NIOCore

/// The contract lifecycle actions: edit, generate, send, resend, void and the signature-status
/// refresh. Each action that moves the status runs under the contract's row lock, so two concurrent
/// sends cannot both reach the provider; the provider call happens inside that transaction, and its
/// result is recorded in the same one.
struct ContractWorkflow: Sendable {
    let repository: ContractsRepository
    let storage: any DocumentStorage
    let provider: any SignatureProvider

    static let maxDocumentBytes = 20 * 1024 * 1024
    var database: Database { repository.database }
    var logger: Logger { database.logger }

    // MARK: PATCH

    /// Metadata, variables and signers while draft or generated (a generated contract whose printed
    /// content changes goes back to draft); `status: voided` before the contract is final, cancelling a
    /// sent agreement at the provider first. Nil when there is no such contract.
    func update(companyID: UUID, id: UUID, _ p: ContractPatch) async throws -> Contract? {
        let logger = self.logger
        return try await ContractsRepository.constraints.map {
            try await database.transaction { connection -> Contract? in
                guard let record = try await ContractsRepository.lock(companyID: companyID, id: id, on: connection, logger: logger) else {
                    return nil
                }
                let current = record.contract.status
                let changed = p.changedDraftFields
                if !changed.isEmpty, !ContractStatus.editable.contains(current) {
                    throw APIError.conflict("contract_locked", "A \(current) contract can no longer be edited; only notes can change, or void it.",
                                            info: ["status": .string(current), "fields": .array(changed.map(JSONValue.string))])
                }
                var target = current
                if p.status.value == "voided" {
                    if let problem = ContractStatus.check(from: current, to: "voided", action: "be voided") { throw problem }
                    target = "voided"
                } else if current == "generated", p.changesDocument {
                    // The document shows these fields; it must be generated again before sending.
                    target = "draft"
                }

                var bookingID = record.contract.bookingId
                var dealID = record.contract.dealId
                if !p.bookingId.isAbsent || !p.dealId.isAbsent {
                    if !p.bookingId.isAbsent { bookingID = p.bookingId.value }
                    if !p.dealId.isAbsent { dealID = p.dealId.value }
                    bookingID = try await ContractsRepository.resolveLinks(companyID: companyID, bookingID: bookingID, dealID: dealID,
                                                                           on: connection, logger: logger)
                }

                if target == "voided", ContractStatus.awaitingSignatures.contains(current), let agreementID = record.agreementID {
                    try await withProvider(of: record) { provider in
                        try await provider.cancel(agreementID: agreementID, reason: p.notes.value)
                    }
                }
                try await ContractsRepository.update(record, p, status: target, bookingID: bookingID, dealID: dealID,
                                                     on: connection, logger: logger)
                return try await ContractsRepository.reload(companyID: companyID, id: id, on: connection, logger: logger)?.contract
            }
        }
    }

    // MARK: generate

    /// Renders the PDF from the booking, deal and venue, stores it, and records key, size and SHA-256.
    /// The document is rendered outside the row lock; it is recorded only if the contract did not
    /// change meanwhile (409 `concurrent_update` otherwise). Nil when there is no such contract.
    func generate(companyID: UUID, id: UUID) async throws -> Contract? {
        guard let record = try await repository.get(companyID: companyID, id: id) else { return nil }
        let contract = record.contract
        if let problem = ContractStatus.check(from: contract.status, to: "generated", action: "be generated") { throw problem }
        guard contract.bookingId != nil || contract.dealId != nil else {
            throw APIError.conflict("contract_incomplete", "Link a booking or a deal before generating: the document is made from them.",
                                    info: ["missing": .array(["bookingId", "dealId"])])
        }
        let data = try await repository.renderData(record)
        guard data.venue != nil else {
            throw APIError.conflict("venue_required", "The company has no venue to name on the contract.")
        }

        let generatedAt = Date()
        let bytes = try await ContractDocument.render(data, generatedAt: generatedAt)
        let buffer = ByteBuffer(bytes: bytes)
        let hash = StorageKey.sha256Hex(buffer)
        let millis = Int64((generatedAt.timeIntervalSince1970 * 1000).rounded())
        let key = "contracts/\(companyID.uuidString.lowercased())/\(id.uuidString.lowercased())/\(millis)-\(hash.prefix(16)).pdf"
        let stored = try await storage.store(buffer, key: key, contentType: ContractDocument.contentType)

        let logger = self.logger
        let recorded = try await database.transaction { connection in
            try await ContractsRepository.recordDocument(companyID: companyID, id: id, renderedFrom: record.version, document: stored,
                                                         generatedAt: generatedAt, on: connection, logger: logger)
        }
        guard recorded else {
            await removeQuietly(key)
            throw APIError.conflict("concurrent_update", "The contract changed while its document was generated; generate again.")
        }
        // The previous document was never sent (only draft/generated contracts regenerate), so it can go.
        if let previous = record.documentKey, previous != key { await removeQuietly(previous) }
        return try await repository.get(companyID: companyID, id: id)?.contract
    }

    // MARK: document

    /// The stored PDF and its file name. 404 `document_not_generated` before `generate`.
    func document(companyID: UUID, id: UUID) async throws -> (bytes: ByteBuffer, fileName: String, sha256: String)? {
        guard let record = try await repository.get(companyID: companyID, id: id) else { return nil }
        guard let info = record.contract.document else {
            throw APIError(.notFound, code: "document_not_generated", message: "This contract has no generated document yet.")
        }
        return (try await loadDocument(record), ContractDocument.fileName(record.contract), info.sha256)
    }

    // MARK: Helpers

    /// The stored bytes, checked against the recorded SHA-256 (what is signed must be what was generated).
    func loadDocument(_ record: ContractRecord) async throws -> ByteBuffer {
        guard let key = record.documentKey, let info = record.contract.document else {
            throw APIError.conflict("document_required", "Generate the document first.")
        }
        guard let bytes = try await storage.load(key: key, maxBytes: Self.maxDocumentBytes),
              StorageKey.sha256Hex(bytes) == info.sha256 else {
            logger.error("contract document missing or altered in storage", metadata: ["contract": "\(record.contract.id)", "key": "\(key)"])
            throw APIError.conflict("document_missing", "The stored document is missing or altered; generate it again if the contract is not sent yet.")
        }
        return bytes
    }

    /// Runs `body` with the provider that sent this contract; a contract sent through another provider
    /// than the one configured now cannot be acted on remotely.
    func withProvider(of record: ContractRecord, _ body: (any SignatureProvider) async throws -> Void) async throws {
        guard record.signatureProvider == provider.kind else {
            throw APIError.providerNotConfigured(record.signatureProvider ?? "signature")
        }
        try await body(provider)
    }

    private func removeQuietly(_ key: String) async {
        do {
            try await storage.remove(key: key)
        } catch {
            logger.warning("could not remove a superseded contract document", metadata: ["key": "\(key)", "error": "\(error)"])
        }
    }
}
