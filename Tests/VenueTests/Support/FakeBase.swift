import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumServiceClient
import KisumTesting
import Logging
import Synchronization
@testable import Venue

extension PartySearchPage: ResponseEncodable {}

/// A stand-in for Base's `GET /internal/parties/search` on a loopback port, for Venue's customer search tests:
/// it answers the parties of the `x-org` company whose name contains `q` (any case), with the score each was
/// given, and records what Venue sent (key, company, request id, query). It can also fail or answer late, which
/// the real Base cannot be made to do on demand.
final class FakeBase: Sendable {
    enum Behaviour: Sendable {
        case answer
        case status(HTTPResponse.Status)
        case delay(Duration)
    }

    struct Seen: Sendable {
        var key: String?
        var org: String?
        var requestID: String?
        var query: [String: String]
    }

    private struct State: Sendable {
        var parties: [UUID: [PartySearchItem]] = [:]
        var behaviour = Behaviour.answer
        var seen: [Seen] = []
    }

    private let state = Mutex(State())

    func add(_ party: PartySearchItem, of company: UUID) {
        state.withLock { $0.parties[company, default: []].append(party) }
    }

    func behave(_ behaviour: Behaviour) {
        state.withLock { $0.behaviour = behaviour }
    }

    var seen: [Seen] { state.withLock { $0.seen } }

    /// A party of `company` in this Base; its id is returned.
    @discardableResult
    func party(_ name: String, of company: UUID, kind: PartyKind = .company, score: Double = 0.75, email: String? = nil) -> UUID {
        let id = UUID()
        add(PartySearchItem(id: id, kind: kind, source: kind == .person ? .artist : .company, name: name, email: email, countryId: nil,
                            city: "Amsterdam", score: score), of: company)
        return id
    }

    func search(_ request: Request) async throws -> PartySearchPage {
        let parameters = request.uri.queryParameters
        var query: [String: String] = [:]
        for (key, value) in parameters { query[String(key)] = String(value) }
        let seen = Seen(key: request.headers[.internalAPIKey], org: request.headers[.xOrg], requestID: request.headers[.requestID], query: query)
        let (behaviour, parties) = state.withLock { state -> (Behaviour, [PartySearchItem]) in
            state.seen.append(seen)
            let company = seen.org.flatMap(UUID.init(uuidString:))
            return (state.behaviour, company.map { state.parties[$0] ?? [] } ?? [])
        }
        switch behaviour {
        case .answer: break
        case .status(let status): throw HTTPError(status)
        case .delay(let duration):
            // Late for `duration`, or until the test asks for another behaviour, so a stopping server never waits long.
            let until = ContinuousClock.now + duration
            while ContinuousClock.now < until, case .delay = state.withLock({ $0.behaviour }) {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let text = query["q"]?.lowercased()
        let kind = query["kind"]
        let limit = query["limit"].flatMap(Int.init) ?? 20
        let found = parties.filter { party in
            (text.map { party.name.lowercased().contains($0) } ?? true) && (kind.map { party.kind.rawValue == $0 } ?? true)
        }.sorted { $0.score > $1.score }
        return PartySearchPage(items: Array(found.prefix(limit)), total: found.count, page: 1, limit: limit)
    }
}

/// Runs a `FakeBase` on a loopback port for `body`; the Venue settings to reach it come with it.
func withFakeBase<Value: Sendable>(timeout: Duration = .seconds(10),
                                   _ body: @escaping @Sendable (FakeBase, VenueSettings) async throws -> Value) async throws -> Value {
    let fake = FakeBase()
    let router = Router()
    router.get(RouterPath(stringLiteral: BaseInternal.partySearchPath)) { request, _ in try await fake.search(request) }
    var logger = Logger(label: "fake-base")
    logger.logLevel = .warning
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    return try await app.test(.live) { client in
        guard let port = client.port else { throw TestFailure("the fake Base has no port") }
        var settings = VenueSettings(base: CalleeSettings(baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[1],
                                                          timeout: timeout))
        settings.runsFinanceRelay = false
        return try await body(fake, settings)
    }
}
