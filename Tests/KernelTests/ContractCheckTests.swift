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

    /// Issue 13, item 15: "Encode absent optionals as `null` in every response." An optional response
    /// property is sent as null, so the contract must allow null wherever it does not require the key.
    @Test func anOptionalResponsePropertyMustAllowNull() throws {
        let contract = """
            openapi: 3.1.0
            info: { title: t, version: "1" }
            paths:
              /things:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              items: { type: array, items: { $ref: "#/components/schemas/Thing" } }
                              next: { type: [string, "null"] }
                    "400": { $ref: "#/components/responses/Error" }
                post:
                  requestBody:
                    content:
                      application/json:
                        schema: { $ref: "#/components/schemas/ThingInput" }
                  responses: { "201": { description: made } }
            components:
              responses:
                Error:
                  description: failed
                  content:
                    application/json:
                      schema:
                        type: object
                        properties: { requestId: { type: string } }
              schemas:
                Thing:
                  type: object
                  required: [id, hours]
                  properties:
                    id: { type: string }
                    note: { type: string }
                    owner: { $ref: "#/components/schemas/Owner" }
                    kind: { type: [string, "null"], enum: [a, b, null] }
                    hours: { $ref: "#/components/schemas/Hours" }
                    anything: { description: Any JSON value. }
                Owner:
                  type: object
                  properties:
                    since: { anyOf: [{ type: string }, { type: "null" }] }
                Hours:
                  type: object
                  x-stored-as-given: true
                  properties:
                    monday: { type: string }
                ThingInput:
                  type: object
                  properties:
                    note: { type: string }
            """
        let problems = try ContractCheck.nullabilityProblems(inContract: contract)
        #expect(problems.count == 4, "\(problems)")
        for flagged in ["#/components/schemas/Thing.note", "#/components/schemas/Thing.owner", "GET /things 200.items",
                        "GET /things 400.requestId"] {
            #expect(problems.contains { $0.hasPrefix(flagged + ":") }, "\(flagged) in \(problems)")
        }
    }
}
