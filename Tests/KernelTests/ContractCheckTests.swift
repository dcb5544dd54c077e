import Hummingbird
import KisumTesting
import Testing

@Suite("Contract check")
struct ContractCheckTests {
    let contract = """
        openapi: 3.1.0
        info: { title: t, version: "1" }
        tags: [{ name: Things }]
        paths:
          /things/{id}:
            get:
              operationId: getThing
              summary: Get a thing.
              tags: [Things]
              security: [{ bearer: [] }]
              parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
              responses: { "200": { description: ok } }
          /ghosts:
            get:
              operationId: listGhosts
              tags: [Spirits]
              responses: { "200": { description: ok } }
        components:
          securitySchemes:
            bearer: { type: http, scheme: bearer }
        """

    @Test func reportsBothDirectionsAndRuleViolations() throws {
        let router = Router()
        router.get("/things/{id}") { _, _ in "thing" }
        router.post("/things") { _, _ in "made" }
        let report = try ContractCheck.check(router: router, contract: contract)
        #expect(report.undocumented.map(\.description) == ["POST /things"])
        #expect(report.unrouted.map(\.description) == ["GET /ghosts"])
        #expect(report.problems.contains("GET /ghosts: no summary"))
        #expect(report.problems.contains("GET /ghosts: security is not declared"))
        #expect(report.problems.contains("GET /ghosts: tag Spirits is not declared under tags"))
        #expect(!report.problems.contains { $0.hasPrefix("GET /things/{id}") })
        #expect(!report.isClean)
    }
}
