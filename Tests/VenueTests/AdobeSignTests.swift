import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing
@testable import Venue

/// A stand-in for Adobe Acrobat Sign's REST API v6: the calls the adapter makes, with the agreement
/// and participant states each test scripts.
actor FakeAdobeSign {
    static let token = "fake-adobe-token-3f9a7c1e5b"

    struct Upload: Sendable {
        var contentType: String
        var body: [UInt8]
    }

    var uploads: [Upload] = []
    var agreements: [JSONValue] = []
    var reminders: [JSONValue] = []
    var stateChanges: [JSONValue] = []
    var unauthorized = 0
    /// Agreement status, and participant-set status by e-mail.
    var agreementStatus = "OUT_FOR_SIGNATURE"
    var participantStatus: [String: String] = [:]
    /// When set, every call answers this status (an outage or a refusal).
    var failWith: HTTPResponse.Status?

    func script(agreement: String, participants: [String: String]) {
        agreementStatus = agreement
        participantStatus = participants
    }

    func fail(_ status: HTTPResponse.Status?) { failWith = status }

    func record(upload: Upload) { uploads.append(upload) }
    func record(agreement: JSONValue) -> Int {
        agreements.append(agreement)
        return agreements.count
    }
    func record(reminder: JSONValue) { reminders.append(reminder) }
    func record(stateChange: JSONValue) { stateChanges.append(stateChange) }
    func countUnauthorized() { unauthorized += 1 }

    /// One participant set per signer of the last agreement, with ids the reminders refer to.
    func members() -> JSONValue {
        let sets = agreements.last?["participantSetsInfo"]?.arrayValue ?? []
        return ["participantSets": .array(sets.enumerated().map { index, set in
            let email = set["memberInfos"]?[0]?["email"]?.stringValue ?? ""
            return [
                "id": .string("set-\(index)"), "role": set["role"] ?? "SIGNER", "order": set["order"] ?? 1,
                "status": .string(participantStatus[email] ?? "WAITING_FOR_MY_SIGNATURE"),
                "memberInfos": [["id": .string("participant-\(index)"), "email": .string(email)]],
            ]
        })]
    }

    nonisolated func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        let prefix = "/api/rest/v6"
        router.add(middleware: FakeAdobeGate(fake: self))
        router.post("\(prefix)/transientDocuments") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10 << 20)
            await self.record(upload: Upload(contentType: request.headers[.contentType] ?? "", body: Array(body.readableBytesView)))
            return Self.json(["transientDocumentId": "transient-1"], status: .created)
        }
        router.post("\(prefix)/agreements") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let agreement = try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
            let number = await self.record(agreement: agreement)
            return Self.json(["id": .string("agreement-\(number)")], status: .created)
        }
        router.get("\(prefix)/agreements/{id}") { _, context -> Response in
            Self.json(["id": .string(context.parameters.get("id") ?? ""), "status": .string(await self.agreementStatus)])
        }
        router.get("\(prefix)/agreements/{id}/members") { _, _ -> Response in
            Self.json(await self.members())
        }
        router.post("\(prefix)/agreements/{id}/reminders") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            await self.record(reminder: try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)))
            return Self.json(["id": "reminder-1"], status: .created)
        }
        router.put("\(prefix)/agreements/{id}/state") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            await self.record(stateChange: try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)))
            return Response(status: .noContent)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Checks the bearer token and plays scripted failures, like Adobe's gateway would.
struct FakeAdobeGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let fake: FakeAdobeSign

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let status = await fake.failWith {
            return FakeAdobeSign.json(["code": "SERVICE_DOWN", "message": "scripted"], status: status)
        }
        guard request.headers[.authorization] == "Bearer \(FakeAdobeSign.token)" else {
            await fake.countUnauthorized()
            return FakeAdobeSign.json(["code": "INVALID_ACCESS_TOKEN", "message": "Access token provided is invalid or has expired"],
                                      status: .unauthorized)
        }
        return try await next(request, context)
    }
}

@Suite("Adobe Sign adapter")
struct AdobeSignTests {
    func settings(port: Int, storage: String, token: String = FakeAdobeSign.token) -> VenueSettings {
        VenueSettings(storageDirectory: storage,
                      signature: .adobeSign(AdobeSignSettings(baseURL: "http://127.0.0.1:\(port)", accessToken: token, timeout: .seconds(5))))
    }

    /// A generated contract ready to send.
    func generatedContract(_ api: APITestClient) async throws -> UUID {
        let world = try await api.makeContractWorld()
        let id = try await api.createContract(world, extra: ["expiresAt": "2031-01-01T12:00:00.250Z"])
        let generated = try await api.post("/api/v1/contracts/\(id)/generate")
        guard generated.status == .ok else { throw TestFailure("generate answered \(generated.status): \(generated.text)") }
        return id
    }

    @Test func sendRefreshRemindAndSign() async throws {
        let fake = FakeAdobeSign()
        try await withStorageDirectory { storage in
            try await withRunningApplication({ fake.application(onRunning: $0) }) { port async throws in
                try await withVenueApp(settings: settings(port: port, storage: storage)) { clients in
                    let api = clients.a
                    let id = try await generatedContract(api)

                    let sent = try await api.post("/api/v1/contracts/\(id)/send-for-signature", ["message": "Please sign"])
                    #expect(sent.status == .ok, "\(sent.text)")
                    #expect(sent.json["status"] == "sent")
                    #expect(sent.json["signature"]?["provider"] == "adobe_sign")
                    #expect(sent.json["signature"]?["agreementId"] == "agreement-1")
                    #expect(!sent.text.contains(FakeAdobeSign.token), "credentials never reach a response")

                    // The PDF went up as a multipart transient document …
                    let upload = try #require(await fake.uploads.first)
                    #expect(upload.contentType.hasPrefix("multipart/form-data; boundary="))
                    let uploaded = String(decoding: upload.body.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
                    #expect(uploaded.contains("name=\"File\"; filename=\"paradiso-x-the-band.pdf\""))
                    let boundary = try #require(MultipartForm.boundary(inContentType: upload.contentType))
                    let file = try #require(try MultipartForm(Array(upload.body), boundary: boundary).filePart(named: "File"))
                    #expect(file.body.starts(with: Array("%PDF-".utf8)))
                    #expect(PdfText.flattened(try await PdfText.extract(Array(file.body))).contains("Paradiso x The Band"))
                    // … and the agreement names it, one participant set per signer, in order, cc apart.
                    let agreement = try #require(await fake.agreements.first)
                    #expect(agreement["fileInfos"]?[0]?["transientDocumentId"] == "transient-1")
                    #expect(agreement["name"] == "Paradiso x The Band")
                    #expect(agreement["signatureType"] == "ESIGN")
                    #expect(agreement["state"] == "IN_PROCESS")
                    #expect(agreement["message"] == "Please sign")
                    #expect(agreement["expirationTime"] == "2031-01-01T12:00:00Z")
                    #expect(agreement["externalId"]?["id"]?.stringValue == id.uuidString.lowercased())
                    let sets = agreement["participantSetsInfo"]?.arrayValue ?? []
                    #expect(sets.count == 2)
                    #expect(sets.first?["memberInfos"]?[0]?["email"] == "ann@example.com")
                    #expect(sets.first?["role"] == "SIGNER")
                    #expect(sets.last?["role"] == "APPROVER")
                    #expect(sets.last?["order"] == 2)
                    #expect(agreement["ccs"]?[0]?["email"] == "ben@example.com")

                    // Ann has signed, Gina has not: partially signed.
                    await fake.script(agreement: "OUT_FOR_SIGNATURE", participants: ["ann@example.com": "COMPLETED", "gina@example.com": "WAITING_FOR_MY_APPROVAL"])
                    let partial = try await api.get("/api/v1/contracts/\(id)/signature-status")
                    #expect(partial.json["status"] == "partially_signed")
                    #expect(partial.json["providerStatus"] == "OUT_FOR_SIGNATURE")
                    #expect(partial.json["sync"]?["source"] == "provider")
                    #expect(partial.json["sync"]?["refreshed"] == true)
                    #expect(partial.json["sync"]?["stale"] == false)
                    #expect(partial.json["sync"]?["syncedAt"]?.isNull == false)
                    let signers = Dictionary(uniqueKeysWithValues: (partial.json["signers"]?.arrayValue ?? []).compactMap { signer in
                        signer["email"]?.stringValue.map { ($0, signer) }
                    })
                    #expect(signers["ann@example.com"]?["status"] == "signed")
                    #expect(signers["ann@example.com"]?["signedAt"]?.isNull == false)
                    #expect(signers["gina@example.com"]?["status"] == "sent")
                    #expect(try await api.get("/api/v1/contracts/\(id)").json["status"] == "partially_signed", "the refresh is stored")

                    // Resend reminds only who still has to act.
                    let resent = try await api.post("/api/v1/contracts/\(id)/resend", ["message": "Friendly reminder"])
                    #expect(resent.status == .ok)
                    #expect(resent.json["signature"]?["resendCount"] == 1)
                    let reminder = try #require(await fake.reminders.first)
                    #expect(reminder["recipientParticipantIds"] == ["participant-1"])
                    #expect(reminder["status"] == "ACTIVE")
                    #expect(reminder["note"] == "Friendly reminder")

                    await fake.script(agreement: "SIGNED", participants: ["ann@example.com": "COMPLETED", "gina@example.com": "COMPLETED"])
                    let signed = try await api.get("/api/v1/contracts/\(id)/signature-status")
                    #expect(signed.json["status"] == "signed")
                    #expect(signed.json["signedAt"]?.isNull == false)
                    #expect(try await api.patch("/api/v1/contracts/\(id)", ["status": "voided"]).errorCode == "invalid_transition")
                    // A final contract is not asked again.
                    await fake.script(agreement: "CANCELLED", participants: [:])
                    #expect(try await api.get("/api/v1/contracts/\(id)/signature-status").json["sync"]?["refreshed"] == false)
                    #expect(await fake.unauthorized == 0)
                }
            }
        }
    }

    @Test func declineVoidAndExpiryMapping() async throws {
        let fake = FakeAdobeSign()
        try await withStorageDirectory { storage in
            try await withRunningApplication({ fake.application(onRunning: $0) }) { port async throws in
                try await withVenueApp(settings: settings(port: port, storage: storage)) { clients in
                    let api = clients.a
                    let declined = try await generatedContract(api)
                    #expect(try await api.post("/api/v1/contracts/\(declined)/send-for-signature").status == .ok)
                    await fake.script(agreement: "CANCELLED", participants: ["ann@example.com": "DECLINED"])
                    let status = try await api.get("/api/v1/contracts/\(declined)/signature-status")
                    #expect(status.json["status"] == "declined")
                    #expect(status.json["declinedAt"]?.isNull == false)

                    // Voiding a sent contract cancels the agreement at Adobe.
                    let voided = try await api.post("/api/v1/contracts", ["title": "Second", "dealId": .string(try requireUUID(
                        try await api.get("/api/v1/contracts/\(declined)").json["dealId"]).uuidString),
                        "signers": [["name": "Ann", "email": "ann@example.com"]]])
                    let second = try requireUUID(voided.json["id"])
                    #expect(try await api.post("/api/v1/contracts/\(second)/generate").status == .ok)
                    await fake.script(agreement: "OUT_FOR_SIGNATURE", participants: [:])
                    #expect(try await api.post("/api/v1/contracts/\(second)/send-for-signature").json["signature"]?["agreementId"] == "agreement-2")
                    let cancelled = try await api.patch("/api/v1/contracts/\(second)", ["status": "voided", "notes": "show moved"])
                    #expect(cancelled.json["status"] == "voided")
                    let change = try #require(await fake.stateChanges.first)
                    #expect(change["state"] == "CANCELLED")
                    #expect(change["agreementCancellationInfo"]?["comment"] == "show moved")
                }
            }
        }
        // The mapping on its own.
        let sets = [AdobeSignProvider.ParticipantSet(id: "1", role: "SIGNER", order: 1, status: "COMPLETED",
                                                     memberInfos: [.init(id: "p1", email: "A@example.com")]),
                    AdobeSignProvider.ParticipantSet(id: "2", role: "SIGNER", order: 2, status: "NOT_YET_VISIBLE",
                                                     memberInfos: [.init(id: "p2", email: "b@example.com")])]
        let partial = AdobeSignProvider.state(agreementID: "x", agreementStatus: "OUT_FOR_SIGNATURE", participantSets: sets)
        #expect(partial.status == "partially_signed")
        #expect(partial.signers == ["a@example.com": "signed", "b@example.com": "pending"])
        #expect(AdobeSignProvider.state(agreementID: "x", agreementStatus: "EXPIRED", participantSets: sets).status == "expired")
        #expect(AdobeSignProvider.state(agreementID: "x", agreementStatus: "ABORTED", participantSets: []).status == "voided")
        #expect(AdobeSignProvider.state(agreementID: "x", agreementStatus: "APPROVED", participantSets: []).status == "signed")
        #expect(AdobeSignProvider.state(agreementID: "x", agreementStatus: "OUT_FOR_APPROVAL", participantSets: []).status == "sent")
    }

    @Test func providerOutagesAndRefusals() async throws {
        let fake = FakeAdobeSign()
        try await withStorageDirectory { storage in
            try await withRunningApplication({ fake.application(onRunning: $0) }) { port async throws in
                try await withVenueApp(settings: settings(port: port, storage: storage)) { clients in
                    let api = clients.a
                    let id = try await generatedContract(api)
                    #expect(try await api.post("/api/v1/contracts/\(id)/send-for-signature").status == .ok)

                    // Adobe is down: the status answers with the stored state, marked stale.
                    await fake.fail(.serviceUnavailable)
                    let stale = try await api.get("/api/v1/contracts/\(id)/signature-status")
                    #expect(stale.status == .ok)
                    #expect(stale.json["status"] == "sent")
                    #expect(stale.json["sync"]?["stale"] == true)
                    #expect(stale.json["sync"]?["refreshed"] == false)
                    #expect(stale.json["sync"]?["error"] == "provider_unavailable")
                    #expect(try await api.get("/api/v1/contracts/\(id)").json["signature"]?["error"] == "provider_unavailable")
                    let resend = try await api.post("/api/v1/contracts/\(id)/resend")
                    #expect(resend.status == .serviceUnavailable)
                    #expect(resend.errorCode == "signature_provider_unavailable")
                    #expect(try await api.get("/api/v1/contracts/\(id)").json["signature"]?["resendCount"] == 0, "a failed resend records nothing")

                    let other = try await api.createContract(try await api.makeContractWorld(venueName: "Melkweg"))
                    #expect(try await api.post("/api/v1/contracts/\(other)/generate").status == .ok)
                    let down = try await api.post("/api/v1/contracts/\(other)/send-for-signature")
                    #expect(down.status == .serviceUnavailable)
                    #expect(down.errorCode == "signature_provider_unavailable")
                    #expect(try await api.get("/api/v1/contracts/\(other)").json["status"] == "generated", "nothing was sent")

                    // Back up: the next refresh clears the error.
                    await fake.fail(nil)
                    let fresh = try await api.get("/api/v1/contracts/\(id)/signature-status")
                    #expect(fresh.json["sync"]?["stale"] == false)
                    #expect(fresh.json["sync"]?["error"] == .null)
                }
            }
            // A wrong token: Adobe refuses; the answer names Adobe's code, never the token.
            try await withRunningApplication({ fake.application(onRunning: $0) }) { port async throws in
                try await withVenueApp(settings: settings(port: port, storage: storage, token: "wrong-token-0123456789")) { clients in
                    let id = try await generatedContract(clients.a)
                    let refused = try await clients.a.post("/api/v1/contracts/\(id)/send-for-signature")
                    #expect(refused.status == .badGateway)
                    #expect(refused.errorCode == "signature_provider_rejected")
                    #expect(refused.json["error"]?["info"]?["reason"] == "INVALID_ACCESS_TOKEN")
                    #expect(!refused.text.contains("wrong-token-0123456789"))
                }
            }
        }
        // Nobody listening at all.
        try await withStorageDirectory { storage in
            try await withVenueApp(settings: settings(port: 1, storage: storage)) { clients in
                let id = try await generatedContract(clients.a)
                let unreachable = try await clients.a.post("/api/v1/contracts/\(id)/send-for-signature")
                #expect(unreachable.status == .serviceUnavailable)
                #expect(unreachable.errorCode == "signature_provider_unavailable")
            }
        }
    }

    @Test func settingsChooseTheProviderAndListWhatIsMissing() throws {
        var local = EnvironmentReader([:])
        guard case .local = VenueSettings.load(from: &local).signature else { Issue.record("local is the default"); return }
        #expect(local.problems.isEmpty)

        var missing = EnvironmentReader(["SIGNATURE_PROVIDER": "adobe_sign"])
        _ = VenueSettings.load(from: &missing)
        #expect(missing.problems.count == 2)
        #expect(missing.problems.contains { $0.hasPrefix("ADOBE_SIGN_BASE_URL must be set") })
        #expect(missing.problems.contains { $0.hasPrefix("ADOBE_SIGN_ACCESS_TOKEN must be set") })
        #expect(throws: ConfigurationError.self) { try missing.validate(service: "venue") }

        var unknown = EnvironmentReader(["SIGNATURE_PROVIDER": "docusign"])
        _ = VenueSettings.load(from: &unknown)
        #expect(unknown.problems.count == 1)

        var adobe = EnvironmentReader(["SIGNATURE_PROVIDER": "adobe_sign", "ADOBE_SIGN_BASE_URL": "https://api.eu1.adobesign.com",
                                       "ADOBE_SIGN_ACCESS_TOKEN": "secret-integration-key"])
        let settings = VenueSettings.load(from: &adobe)
        #expect(adobe.problems.isEmpty)
        guard case .adobeSign(let configured) = settings.signature else { Issue.record("expected adobe_sign"); return }
        #expect(configured.baseURL == "https://api.eu1.adobesign.com")
        #expect(configured.accessToken == "secret-integration-key")
        #expect(!"\(settings.signature)".contains("secret-integration-key"), "settings can be logged without the token")
        #expect(!String(reflecting: configured).contains("secret-integration-key"))
        #expect(VenueService.signatureProvider(settings.signature).kind == "adobe_sign")
    }
}
