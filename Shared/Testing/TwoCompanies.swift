import Foundation
import HummingbirdTesting
import KisumKernel
import KisumRuntime

/// The fixture most feature tests start from: two companies with a member holding every permission of
/// the module in each (so every test can check that B cannot see A's ids), plus helpers for a member
/// with fewer grants and a machine caller.
public struct TwoCompanies<Service: KisumService>: Sendable {
    public let harness: ServiceTestHarness<Service>
    public let raw: any TestClientProtocol
    public let module: String
    public let companyA: UUID
    public let companyB: UUID
    /// Full-permission members of A and B.
    public let a: APITestClient
    public let b: APITestClient

    /// A member of company A with exactly these grants (the module on unless `modules` says otherwise).
    public func a(permissions: [String], modules: [String]? = nil) -> APITestClient {
        let member = harness.member(of: companyA, permissions: permissions, modules: modules ?? [module])
        return APITestClient(raw, token: member.token, org: companyA)
    }

    /// A service holding a valid internal key and no company yet (`.with(org:)` names one).
    public var machine: APITestClient {
        APITestClient(raw).with(header: "X-Internal-API-Key", TestDefaults.internalKeys[0])
    }
}

extension ServiceTestHarness where Service: SendableMetatype {
    /// Runs `body` with `TwoCompanies` whose full members hold `permissions` in `module`.
    @discardableResult
    public func withTwoCompanies<Value: Sendable>(
        permissions: [String], module: String, _ body: @Sendable @escaping (TwoCompanies<Service>) async throws -> Value
    ) async throws -> Value {
        let companyA = UUID()
        let companyB = UUID()
        let memberA = member(of: companyA, permissions: permissions, modules: [module])
        let memberB = member(of: companyB, permissions: permissions, modules: [module])
        return try await run { client in
            try await body(TwoCompanies(harness: self, raw: client, module: module, companyA: companyA, companyB: companyB,
                                        a: APITestClient(client, token: memberA.token, org: companyA),
                                        b: APITestClient(client, token: memberB.token, org: companyB)))
        }
    }
}

/// A test step that could not go on (a fixture request answered something unexpected).
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TestResponse {
    /// The fields named in an error's details.
    public var errorFields: [String] {
        (json["error"]?["details"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }
    }
}
