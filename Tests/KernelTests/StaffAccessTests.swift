import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOConcurrencyHelpers
import PlatformCoreAPI
import Testing

/// Issue 8: reference data is global, "so only platform staff may edit it (Platform Core's
/// users.is_superuser)": the flag travels in effective access as `is_staff`, older answers without it read
/// as not staff, and API keys never carry it.
@Suite("Effective access: platform staff")
struct StaffAccessTests {
    let keys = TestKeys()
    let user = UUID()
    let company = UUID()

    @Test func anAnswerWithoutIsStaffDecodesAsNotStaff() throws {
        let old = #"{"user_id":"\#(user)","company_id":"\#(company)","role":"admin","permissions":[],"modules":["basic"]}"#
        let decoded = try JSONDecoder().decode(EffectiveAccess.self, from: Data(old.utf8))
        #expect(decoded.staff == false)
        #expect(decoded.timezone == nil)
        let staff = EffectiveAccess(userID: user, companyID: company, role: "viewer", permissions: [], modules: [], staff: true)
        let encoded = try JSONEncoder().encode(staff)
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""is_staff":true"#))
        #expect(try JSONDecoder().decode(EffectiveAccess.self, from: encoded) == staff)
        let wrongType = #"{"user_id":"\#(user)","company_id":"\#(company)","role":"a","permissions":[],"modules":[],"is_staff":"yes"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EffectiveAccess.self, from: Data(wrongType.utf8)) }
    }

    func staffRoute(_ resolver: any EffectiveAccessResolver, apiKeys: (any APIKeyVerifier)? = nil, bearer: String? = nil) async throws -> (Int, String?) {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: resolver, apiKeys: apiKeys)
        return try await app.test(.router) { client in
            let response = try await APITestClient(client, token: bearer ?? keys.token(userID: user), org: company).get("/api/things/staff")
            return (Int(response.status.code), response.errorCode ?? response.text)
        }
    }

    @Test func staffCarriedThroughPlatformCoresAnswerAndTheCacheOpensStaffRoutes() async throws {
        let core = FakePlatformCore()
        core.grant(EffectiveAccess(userID: user, companyID: company, role: "viewer", permissions: [], modules: ["venue"], staff: true))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let resolver = core.resolver(port: port)
            #expect(try await staffRoute(resolver).0 == 200)
            #expect(try await staffRoute(resolver).0 == 200)
            #expect(core.calls.withLockedValue { $0 } == 1)
        }
    }

    @Test func membersWhoAreNotStaffAre403StaffOnly() async throws {
        let resolver = TestAccessResolver()
        resolver.grant(user: user, company: company, role: "owner", permissions: ["*"], modules: ["venue"])
        #expect(try await staffRoute(resolver) == (403, "staff_only"))
        resolver.grant(user: user, company: company, role: "viewer", permissions: [], modules: ["venue"], staff: true)
        #expect(try await staffRoute(resolver).0 == 200)
    }

    /// Even a key verifier that reported staff could not open a staff route: keys act for a company, not a person.
    @Test func apiKeysNeverActAsStaff() async throws {
        struct StaffClaimingKeys: APIKeyVerifier {
            let access: EffectiveAccess
            func recognizes(_ bearer: String) -> Bool { bearer.hasPrefix("kisum_sk_") }
            func authenticate(_ key: String) async throws -> EffectiveAccess { access }
        }
        let keyAccess = EffectiveAccess(userID: UUID(), companyID: company, role: "api_key", permissions: ["*"], modules: ["venue"], staff: true)
        let result = try await staffRoute(TestAccessResolver(), apiKeys: StaffClaimingKeys(access: keyAccess),
                                          bearer: "kisum_sk_" + String(repeating: "s", count: 43))
        #expect(result == (403, "staff_only"))
    }
}
