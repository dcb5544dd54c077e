import Foundation
import KisumKernel
import KisumPersistence
import Logging

/// The signature actions of `ContractWorkflow`: send-for-signature, resend and the signature-status refresh.
extension ContractWorkflow {
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
}
