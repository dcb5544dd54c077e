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
        let bytes = ContractDocument.render(data, generatedAt: generatedAt)
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

    // MARK: send-for-signature

    /// Sends the generated document to every signer through the provider. Requires a generated
    /// document (409 `document_required`) and at least one signer who signs or approves (409
    /// `signers_required`). Nil when there is no such contract.
    func send(companyID: UUID, id: UUID, message: String?) async throws -> Contract? {
        let logger = self.logger
        return try await database.transaction { connection -> Contract? in
            guard let record = try await ContractsRepository.lock(companyID: companyID, id: id, on: connection, logger: logger) else {
                return nil
            }
            let contract = record.contract
            if contract.status == "draft" {
                throw APIError.conflict("document_required", "Generate the document before sending the contract for signature.")
            }
            if let problem = ContractStatus.check(from: contract.status, to: "sent", action: "be sent for signature") { throw problem }
            let signers = contract.signers.map { EnvelopeSigner(name: $0.name, email: $0.email, role: $0.role, signingOrder: $0.signingOrder) }
            guard signers.contains(where: { $0.role != "cc" && Validator.looksLikeEmail($0.email) }) else {
                throw APIError.conflict("signers_required", "Add at least one signer or approver with a valid e-mail before sending.")
            }
            if let expiresAt = contract.expiresAt, expiresAt <= Date() {
                throw APIError.conflict("expires_at_passed", "The contract's expiresAt has passed; set a later one before sending.")
            }
            let document = try await loadDocument(record)
            let envelope = SignatureEnvelope(contractID: id, title: contract.title, message: message, fileName: ContractDocument.fileName(contract),
                                             document: document, signers: signers, expiresAt: contract.expiresAt)
            let state = try await provider.send(envelope)
            try await ContractsRepository.recordSent(companyID: companyID, id: id, provider: provider.kind, state: state,
                                                     on: connection, logger: logger)
            return try await ContractsRepository.reload(companyID: companyID, id: id, on: connection, logger: logger)?.contract
        }
    }

    // MARK: resend

    private enum ResendOutcome: Sendable {
        case resent(Contract)
        case expired
        case missing
    }

    /// Reminds the signers who have not acted. Only while the contract is out for signature; a
    /// contract past its `expiresAt` is marked expired instead (409 `contract_expired`).
    func resend(companyID: UUID, id: UUID, message: String?) async throws -> Contract? {
        let logger = self.logger
        let outcome = try await database.transaction { connection -> ResendOutcome in
            guard let record = try await ContractsRepository.lock(companyID: companyID, id: id, on: connection, logger: logger) else {
                return .missing
            }
            let contract = record.contract
            guard ContractStatus.awaitingSignatures.contains(contract.status), let agreementID = record.agreementID else {
                throw APIError.conflict("not_out_for_signature", "Only a contract out for signature (sent or partially signed) can be resent.",
                                        info: ["status": .string(contract.status)])
            }
            if let expiresAt = contract.expiresAt, expiresAt <= Date() {
                try await ContractsRepository.expireIfDue(companyID: companyID, id: id, on: connection, logger: logger)
                return .expired
            }
            let waiting = contract.signers.filter { ["pending", "sent", "viewed"].contains($0.status) }
                .map { EnvelopeSigner(name: $0.name, email: $0.email, role: $0.role, signingOrder: $0.signingOrder) }
            try await withProvider(of: record) { provider in
                try await provider.remind(agreementID: agreementID, signers: waiting, message: message)
            }
            try await ContractsRepository.recordResent(companyID: companyID, id: id, on: connection, logger: logger)
            guard let reloaded = try await ContractsRepository.reload(companyID: companyID, id: id, on: connection, logger: logger) else {
                return .missing
            }
            return .resent(reloaded.contract)
        }
        switch outcome {
        case .resent(let contract): return contract
        case .missing: return nil
        case .expired: throw APIError.conflict("contract_expired", "The contract expired before it was signed; it cannot be resent.")
        }
    }

    // MARK: signature-status

    /// The contract's signature state. While it is out for signature the provider is asked (the local
    /// adapter has nothing to ask: the database is its truth) and its answer stored; if the provider
    /// cannot be reached the stored state is returned with `sync.stale = true` and the reason — the
    /// last known state is still the best answer for the UI, so this is not an error. An agreement past
    /// its `expiresAt` is marked expired. Nil when there is no such contract.
    func signatureStatus(companyID: UUID, id: UUID) async throws -> SignatureStatusReport? {
        guard var record = try await repository.get(companyID: companyID, id: id) else { return nil }
        var sync = SignatureSync(source: "stored", refreshed: false, stale: false, syncedAt: record.contract.signature?.syncedAt,
                                 error: record.contract.signature?.error)
        let logger = self.logger
        if ContractStatus.awaitingSignatures.contains(record.contract.status), let agreementID = record.agreementID {
            if record.signatureProvider == provider.kind {
                do {
                    if let state = try await provider.fetchState(agreementID: agreementID) {
                        try await database.transaction { connection in
                            guard let locked = try await ContractsRepository.lock(companyID: companyID, id: id, on: connection, logger: logger),
                                  ContractStatus.awaitingSignatures.contains(locked.contract.status) else { return }
                            try await ContractsRepository.applyProviderState(locked, state, on: connection, logger: logger)
                        }
                        sync.source = "provider"
                        sync.refreshed = true
                        sync.error = nil
                    }
                } catch let error as SignatureProviderError {
                    logger.warning("signature status refresh failed", metadata: ["contract": "\(id)", "error": "\(error)"])
                    try await database.transaction { connection in
                        try await ContractsRepository.recordSyncError(companyID: companyID, id: id, reason: error.storedReason,
                                                                      on: connection, logger: logger)
                    }
                    sync.stale = true
                    sync.error = error.storedReason
                }
            } else {
                sync.stale = true
                sync.error = "provider_changed: sent through \(record.signatureProvider ?? "?"), the service now uses \(provider.kind)"
            }
            try await database.transaction { connection in
                try await ContractsRepository.expireIfDue(companyID: companyID, id: id, on: connection, logger: logger)
            }
            record = try await repository.get(companyID: companyID, id: id) ?? record
            if sync.refreshed { sync.syncedAt = record.contract.signature?.syncedAt }
        }
        let contract = record.contract
        return SignatureStatusReport(
            contractId: contract.id, status: contract.status, provider: contract.signature?.provider, agreementId: contract.signature?.agreementId,
            providerStatus: contract.signature?.providerStatus, sentAt: contract.sentAt, lastSentAt: contract.signature?.lastSentAt,
            signedAt: contract.signedAt, declinedAt: contract.declinedAt, voidedAt: contract.voidedAt, expiresAt: contract.expiresAt,
            signers: contract.signers, sync: sync)
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
    private func loadDocument(_ record: ContractRecord) async throws -> ByteBuffer {
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
    private func withProvider(of record: ContractRecord, _ body: (any SignatureProvider) async throws -> Void) async throws {
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
