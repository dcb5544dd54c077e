import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumServiceClient
import KisumTesting
import NIOConcurrencyHelpers
import PlatformCoreAPI
import Testing

@Suite("Tenant header")
struct TenantHeaderTests {
    let keys = TestKeys()

    @Test func missingOrgIs400() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in
            let response = try await APITestClient(client, token: keys.token(userID: UUID())).get("/tenant")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "tenant_required")
        }
    }

    @Test func malformedOrgIs400() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in
            for bad in ["not-a-uuid", "1234", "' OR 1=1 --"] {
                let response = try await APITestClient(client, token: keys.token(userID: UUID())).with(orgHeader: bad).get("/tenant")
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "tenant_invalid")
            }
        }
    }

    @Test func validOrgIsCarriedToTheHandler() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        let company = UUID()
        try await app.test(.router) { client in
            let response = try await APITestClient(client, token: keys.token(userID: UUID()), org: company).get("/tenant")
            #expect(response.status == .ok)
            #expect(response.json["companyID"]?.uuid == company)
        }
    }

    /// Issue 17: every service accepts either header; two that disagree are refused, so a client sending
    /// both can never be served two different companies by two services.
    @Test func eitherHeaderNamesTheCompanyAndConflictingOnesAre400() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        let company = UUID()
        try await app.test(.router) { client in
            let api = APITestClient(client, token: keys.token(userID: UUID()))
            let viaWorkspace = try await api.with(header: "x-workspace-id", company.uuidString.lowercased()).get("/tenant")
            #expect(viaWorkspace.status == .ok)
            #expect(viaWorkspace.json["companyID"]?.uuid == company)
            // The same company in both, in different letter cases, is one company.
            let both = try await api.with(orgHeader: company.uuidString.uppercased())
                .with(header: "x-workspace-id", company.uuidString.lowercased()).get("/tenant")
            #expect(both.status == .ok)
            #expect(both.json["companyID"]?.uuid == company)
            let conflict = try await api.with(org: company).with(header: "x-workspace-id", UUID().uuidString).get("/tenant")
            #expect(conflict.status == .badRequest)
            #expect(conflict.errorCode == "tenant_header_conflict")
            let badSecond = try await api.with(org: company).with(header: "x-workspace-id", "nope").get("/tenant")
            #expect(badSecond.errorCode == "tenant_invalid")
        }
    }

    @Test func authenticationIsCheckedBeforeTheTenant() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in
            let response = try await APITestClient(client).with(orgHeader: "garbage").get("/tenant")
            #expect(response.status == .unauthorized)
        }
    }
}

/// A stand-in for Platform Core's `GET /internal/access` and `POST /internal/api-keys/authenticate`.
final class FakePlatformCore: Sendable {
    let answers = NIOLockedValueBox<[String: EffectiveAccess]>([:])
    /// API key → its access, or the error code Platform Core answers for it (`api_key_revoked`, …).
    let apiKeys = NIOLockedValueBox<[String: Result<EffectiveAccess, APIError>]>([:])
    let calls = NIOLockedValueBox(0)
    let key = "platform-core-test-key-000000000001"

    func grant(_ access: EffectiveAccess) {
        answers.withLockedValue { $0["\(access.userID)|\(access.companyID)".lowercased()] = access }
    }

    func apiKey(_ key: String, _ answer: Result<EffectiveAccess, APIError>) {
        apiKeys.withLockedValue { $0[key] = answer }
    }

    func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        let key = self.key
        router.get("/internal/access") { request, _ -> Response in
            self.calls.withLockedValue { $0 += 1 }
            guard request.headers[.internalAPIKey] == key else { return Response(status: .unauthorized) }
            let user = request.uri.queryParameters.get("user_id") ?? ""
            let company = request.uri.queryParameters.get("company_id") ?? ""
            let access = self.answers.withLockedValue { $0["\(user)|\(company)".lowercased()] }
            let answer = InternalAccessAnswer(member: access != nil, access: access)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(answer))))
        }
        router.post("/internal/api-keys/authenticate") { request, context -> Response in
            self.calls.withLockedValue { $0 += 1 }
            guard request.headers[.internalAPIKey] == key else {
                return Self.json(.unauthorized, ["error": ["code": "internal_key_invalid", "message": "no"]])
            }
            let presented = try await request.decode(as: [String: String].self, context: context)["key"] ?? ""
            switch self.apiKeys.withLockedValue({ $0[presented] }) {
            case .success(let access)?:
                return Self.json(.ok, ["key_id": .string(access.userID.uuidString), "workspace_id": .string(access.companyID.uuidString),
                                       "name": "test key", "scopes": .array(access.permissions.map(JSONValue.string)),
                                       "modules": .array(access.modules.map(JSONValue.string))])
            case .failure(let error)?:
                return Self.json(.unauthorized, ["error": ["code": .string(error.code), "message": "refused"]])
            case nil:
                return Self.json(.unauthorized, ["error": ["code": "api_key_invalid", "message": "unknown"]])
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(body)).map(Array.init) ?? [])))
    }

    func apiKeyVerifier(port: Int, ttl: Duration = .seconds(30), internalKey: String? = nil) -> PlatformAPIKeyVerifier {
        PlatformAPIKeyVerifier(client: ServiceClient(name: "platform-core", baseURL: "http://127.0.0.1:\(port)",
                                                     internalAPIKey: internalKey ?? key, timeout: .seconds(5), retry: .none), ttl: ttl)
    }

    func resolver(port: Int, ttl: Duration = .seconds(30)) -> PlatformAccessResolver {
        PlatformAccessResolver(client: ServiceClient(name: "platform-core", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: key,
                                                     timeout: .seconds(2), retry: .none), ttl: ttl)
    }
}

@Suite("Effective access")
struct EffectiveAccessTests {
    let keys = TestKeys()
    let user = UUID()
    let company = UUID()

    func call(_ resolver: any EffectiveAccessResolver, user: UUID? = nil, company: UUID? = nil) async throws -> (Int, String?) {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: resolver)
        return try await app.test(.router) { client in
            let response = try await APITestClient(client, token: keys.token(userID: user ?? self.user), org: company ?? self.company)
                .get("/api/things")
            return (Int(response.status.code), response.errorCode ?? response.json["role"]?.stringValue)
        }
    }

    @Test func memberWithPermissionAndModuleIsAllowedAndTheAnswerIsCached() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "admin", permissions: ["venue.things.read"], modules: ["venue"]))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let resolver = core.resolver(port: port)
            #expect(try await call(resolver) == (200, "admin"))
            #expect(try await call(resolver) == (200, "admin"))
            #expect(core.calls.withLockedValue { $0 } == 1)
        }
    }

    @Test func wildcardPermissionGrantsTheModulesActions() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "owner", permissions: ["venue.*"], modules: ["venue"]))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            #expect(try await call(core.resolver(port: port)) == (200, "owner"))
        }
    }

    @Test func notAMemberIs403() async throws {
        let core = FakePlatformCore()
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            #expect(try await call(core.resolver(port: port)) == (403, "not_a_member"))
        }
    }

    @Test func missingPermissionIs403() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "viewer", permissions: ["venue.other.read"], modules: ["venue"]))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            #expect(try await call(core.resolver(port: port)) == (403, "permission_denied"))
        }
    }

    @Test func disabledModuleIs403() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "admin", permissions: ["venue.things.read"], modules: ["finance"]))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            #expect(try await call(core.resolver(port: port)) == (403, "module_disabled"))
        }
    }

    @Test func platformCoreDownWithNothingCachedIs503() async throws {
        let resolver = PlatformAccessResolver(
            client: ServiceClient(name: "platform-core", baseURL: "http://127.0.0.1:1", internalAPIKey: "k", timeout: .seconds(1), retry: .none))
        #expect(try await call(resolver) == (503, "access_unavailable"))
    }

    @Test func cachedAnswerOutlivesAnOutageButNotItsTTL() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "admin", permissions: ["venue.things.read"], modules: ["venue"]))
        var port = 0
        let resolver = try await withRunningApplication({ core.application(onRunning: $0) }) { livePort async throws in
            port = livePort
            // Long enough that stopping the server on a loaded machine does not outlast it.
            let resolver = core.resolver(port: livePort, ttl: .seconds(5))
            #expect(try await call(resolver) == (200, "admin"))
            return resolver
        }
        // Platform Core has stopped: the cached answer still serves within its TTL…
        #expect(port != 0)
        #expect(try await call(resolver) == (200, "admin"))
        // …and once it expires the resolver fails closed.
        try await Task.sleep(for: .milliseconds(5100))
        #expect(try await call(resolver) == (503, "access_unavailable"))
    }

    @Test func anAnswerNearItsEndIsRenewedInTheBackgroundWhileStillServed() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "admin", permissions: ["venue.things.read"], modules: ["venue"]))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let resolver = core.resolver(port: port, ttl: .seconds(4))
            #expect(try await call(resolver) == (200, "admin"))
            core.grant(EffectiveAccess(userID: user, companyID: company, role: "editor", permissions: ["venue.things.read"], modules: ["venue"]))
            // In the last quarter of the TTL: the cached answer is served at once and a renewal starts…
            try await Task.sleep(for: .milliseconds(3300))
            #expect(try await call(resolver) == (200, "admin"))
            // …whose answer the next request gets, with no call of its own.
            for _ in 0..<50 where core.calls.withLockedValue({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await call(resolver) == (200, "editor"))
            #expect(core.calls.withLockedValue { $0 } == 2)
        }
    }

    @Test func wrongInternalKeyAtPlatformCoreFailsClosed() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "admin", permissions: ["venue.things.read"], modules: ["venue"]))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let resolver = PlatformAccessResolver(
                client: ServiceClient(name: "platform-core", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: "wrong", retry: .none))
            #expect(try await call(resolver) == (503, "access_unavailable"))
        }
    }
}

@Suite("Internal API key guard")
struct InternalKeyTests {
    let keys = TestKeys()

    func call(key: String?) async throws -> (Int, String?) {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        return try await app.test(.router) { client in
            var api = APITestClient(client)
            if let key { api = api.with(header: "X-Internal-API-Key", key) }
            let response = try await api.get("/internal/ping")
            return (Int(response.status.code), response.errorCode ?? response.text)
        }
    }

    @Test func noKeyIs401() async throws {
        #expect(try await call(key: nil) == (401, "internal_key_required"))
    }

    @Test func wrongKeyIs401() async throws {
        #expect(try await call(key: "test-internal-key-0000000000000003") == (401, "internal_key_invalid"))
        #expect(try await call(key: "x") == (401, "internal_key_invalid"))
    }

    @Test func eitherOfTwoRotatingKeysIsAccepted() async throws {
        #expect(try await call(key: TestDefaults.internalKeys[0]) == (200, "internal"))
        #expect(try await call(key: TestDefaults.internalKeys[1]) == (200, "internal"))
    }

    @Test func aBearerTokenIsNoSubstituteForTheKey() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in
            let response = try await APITestClient(client, token: keys.token(userID: UUID())).get("/internal/ping")
            #expect(response.status == .unauthorized)
        }
    }

    @Test func aServiceWithNoKeysAcceptsNothing() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver(), internalKeys: [])
        try await app.test(.router) { client in
            let response = try await APITestClient(client).with(header: "X-Internal-API-Key", "").get("/internal/ping")
            #expect(response.status == .unauthorized)
        }
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "abcd"))
        #expect(ConstantTime.matchesAny("b", of: ["a", "b"]))
        #expect(!ConstantTime.matchesAny("c", of: ["a", "b"]))
        #expect(!ConstantTime.matchesAny("", of: []))
    }
}
