import Foundation
import KisumKernel
import KisumPersistence

/// Brings one line to Finance, exactly once whatever the network does: the create carries the line id as Finance's
/// idempotency key (`Idempotency-Key` = `sourceRef`), so a retried or repeated create is Finance's replay of the first;
/// a create whose body changed since (the line was edited, an option changed) is met with `idempotency_conflict`
/// naming the document, which is then brought to the line with a PATCH. Used by the outbox handler and, synchronously,
/// by `POST /api/event-income/{id}/invoice`.
struct FinanceLinePusher: Sendable {
    let client: FinanceClient

    /// The document and its id as Finance now holds them. Throws `FinanceUnavailable` (retry) or `FinanceLineRefused`
    /// (retrying the same request cannot help).
    func push(_ line: FinanceSyncLine, companyID: UUID) async throws -> (id: UUID, document: JSONValue) {
        var known = line.financeDocumentId
        if let known, line.deliveredHash == line.hash {
            // Finance already holds this content: read it back, change nothing.
            let current = try await client.send("GET", Self.path(line, known), companyID: companyID)
            guard current.succeeded else { throw FinanceLineRefused(current, document: known) }
            return (known, current.body)
        }
        if known == nil {
            let created = try await client.send("POST", line.kind.path, body: FinanceDocumentBody.create(line), companyID: companyID,
                                                idempotencyKey: line.id.uuidString.lowercased())
            if created.succeeded, let id = created.body["id"]?.stringValue.flatMap(UUID.init(uuidString:)) {
                return (id, created.body)
            }
            guard created.status == 409, created.code == "idempotency_conflict", let existing = created.existingID else {
                throw FinanceLineRefused(created, document: nil)
            }
            known = existing
        }
        guard let known else { throw FinanceLineRefused(reason: "Finance named no document", document: nil) }
        let current = try await client.send("GET", Self.path(line, known), companyID: companyID)
        guard current.succeeded else { throw FinanceLineRefused(current, document: known) }
        let status = current.body["status"]?.stringValue ?? "draft"
        if status == "void" {
            throw FinanceLineRefused(reason: "Finance's \(Self.what(line)) is void; make a new one in Finance", document: known)
        }
        if status != "draft", !FinanceDocumentBody.matches(current.body, line) {
            throw FinanceLineRefused(reason: "Finance's \(Self.what(line)) is \(status): its amount, currency and \(line.kind.party) no longer change",
                                     document: known)
        }
        let patched = try await client.send("PATCH", Self.path(line, known), body: FinanceDocumentBody.patch(line, documentStatus: status),
                                            companyID: companyID)
        guard patched.succeeded else { throw FinanceLineRefused(patched, document: known) }
        return (known, patched.body)
    }

    static func path(_ line: FinanceSyncLine, _ id: UUID) -> String {
        "\(line.kind.path)/\(id.uuidString.lowercased())"
    }

    static func what(_ line: FinanceSyncLine) -> String { line.kind == .income ? "invoice" : "bill" }
}

/// Finance refused the line's request as such (a 4xx): retrying it unchanged cannot help.
struct FinanceLineRefused: Error, CustomStringConvertible {
    var description: String
    /// The Finance document the line is linked to, when there is one.
    var document: UUID?
    /// Finance's answer, for a caller waiting on it (`POST /api/event-income/{id}/invoice`).
    var reply: FinanceReply?

    init(reason: String, document: UUID?) {
        description = reason
        self.document = document
    }

    init(_ reply: FinanceReply, document: UUID?) {
        description = "Finance refused (\(reply.status) \(reply.code ?? "no code"))"
        self.document = document
        self.reply = reply
    }
}

/// The outbox handler of `finance.event_sync`: brings the line's newest state to Finance and records the outcome on
/// its sync row. Finance down → the relay retries with backoff and the line stays queued with the reason as its last
/// error; Finance refusing → `failed` (until the line changes or the event is synced again).
struct FinanceSyncHandler: OutboxHandler {
    let repository: FinanceSyncRepository
    let pusher: FinanceLinePusher

    func deliver(_ message: OutboxMessage) async throws {
        let payload = try message.decode(FinanceSyncMessage.self)
        guard let companyID = message.companyID else { throw PermanentDeliveryFailure("a Finance sync message names no company") }
        guard let line = try await repository.line(companyID: companyID, kind: payload.kind, id: payload.lineId), line.eligible else {
            // Deleted (or no longer an approved cost) since it was queued: nothing to bring; a document Finance already
            // holds stays there (voiding it is Finance's decision).
            try await repository.forget(companyID: companyID, kind: payload.kind, id: payload.lineId)
            return
        }
        // A later sync queued the line again: that message brings it.
        if line.generation > payload.generation { return }
        if line.status == "delivered", line.deliveredHash == line.hash { return }
        do {
            let pushed = try await pusher.push(line, companyID: companyID)
            try await repository.recordDelivered(companyID: companyID, line: line, generation: payload.generation, document: pushed.id)
        } catch let refused as FinanceLineRefused {
            try await repository.recordProblem(companyID: companyID, kind: line.kind, id: line.id, generation: payload.generation,
                                               reason: refused.description, permanent: true, document: refused.document)
            throw PermanentDeliveryFailure(refused.description)
        } catch let unavailable as FinanceUnavailable {
            try await repository.recordProblem(companyID: companyID, kind: line.kind, id: line.id, generation: payload.generation,
                                               reason: "Finance unavailable: \(unavailable)", permanent: false)
            throw unavailable
        }
    }
}
