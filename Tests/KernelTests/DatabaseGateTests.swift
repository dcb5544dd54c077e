@testable import KisumPersistence
import KisumKernel
import Logging
import Synchronization
import Testing

/// The gate on its own, with a probe the test decides: what is failed, what is left alone, and when it reopens.
/// (The drill in SystemTests/FailureDrillTests does the same against a real PostgreSQL that is stopped and started.)
@Suite("Database gate")
struct DatabaseGateTests {
    final class Server: Sendable {
        private let state = Mutex<(up: Bool, probes: Int)>((true, 0))
        var up: Bool {
            get { state.withLock { $0.up } }
            set { state.withLock { $0.up = newValue } }
        }
        var probes: Int { state.withLock { $0.probes } }
        func probe() -> Bool { state.withLock { $0.probes += 1; return $0.up } }
    }

    static func gate(_ server: Server) -> DatabaseGate {
        DatabaseGate(logger: Logger(label: "gate-test"), watchAfter: .milliseconds(50)) { server.probe() }
    }

    /// Work that never gets a connection, as a lease queued behind a pool that cannot connect.
    static func stuck(_ gate: DatabaseGate) async throws -> Int {
        try await gate.run { (_: @Sendable (Int) -> Bool) in try await Task.sleep(for: .seconds(600)) }
    }

    @Test func waitingWorkIsAnswered503OnceTheServerIsFoundGoneAndTheGateReopensWhenItIsBack() async throws {
        let server = Server()
        server.up = false
        let gate = Self.gate(server)
        let started = ContinuousClock.now
        await #expect(throws: APIError.self) { _ = try await Self.stuck(gate) }
        // Within a second when the machine is quiet; the bound leaves room for a full parallel run.
        #expect(started.duration(to: .now) < .seconds(30))
        // Closed: refused at once, without a probe of its own.
        #expect(throws: APIError.self) { try gate.checkOpen() }
        let probes = server.probes
        await #expect(throws: APIError.self) { _ = try await gate.run { (deliver: @Sendable (Int) -> Bool) in _ = deliver(1) } }

        server.up = true
        let back = ContinuousClock.now
        while (try? gate.checkOpen()) == nil {
            try #require(back.duration(to: .now) < .seconds(30), "the gate did not reopen")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(server.probes > probes)
        #expect(try await gate.run { (deliver: @Sendable (Int) -> Bool) in _ = deliver(7) } == 7)
    }

    @Test func slowWorkOnAReachableServerIsLeftAlone() async throws {
        let server = Server()
        let gate = Self.gate(server)
        let value = try await gate.run { (deliver: @Sendable (Int) -> Bool) in
            try await Task.sleep(for: .milliseconds(400))
            _ = deliver(42)
        }
        #expect(value == 42)
        // Probed while it waited (once, or twice on a machine slow enough to outlive the answer's second), still open.
        #expect((1...2).contains(server.probes))
        try gate.checkOpen()
    }

    @Test func aValueDeliveredAfterTheCallerWasAnsweredGoesBackToTheOperation() async throws {
        let server = Server()
        server.up = false
        let gate = Self.gate(server)
        let returned = Mutex<Bool?>(nil)
        await #expect(throws: APIError.self) {
            _ = try await gate.run { (deliver: @Sendable (Int) -> Bool) in
                try? await Task.sleep(for: .milliseconds(300))
                // The caller is gone: the operation keeps what it delivered (a pool lease goes straight back).
                returned.withLock { $0 = deliver(1) }
            }
        }
        try await Task.sleep(for: .milliseconds(600))
        #expect(returned.withLock { $0 } == false)
    }
}
