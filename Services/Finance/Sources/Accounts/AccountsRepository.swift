import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The chart of accounts, always within one company.
struct AccountsRepository: Sendable {
    let database: Database

    static let columns = """
        a.id, a.company_id, a.code, a.name, a.type, a.description, a.active, a.created_by, a.created_at, a.updated_at
        """

    static let constraints = ConstraintMessages([
        "finance_accounts_code_key": APIError.conflict("account_code_taken", "The company has an account with this code."),
    ])

    static func decode(_ row: PostgresRow) throws -> FinanceAccount {
        let c = Columns(row)
        return FinanceAccount(id: try c("id"), companyId: try c("company_id"), code: try c("code"), name: try c("name"), type: try c("type"),
                              description: try c("description"), active: try c("active"), createdBy: try c("created_by"),
                              createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// By type, then code.
    func list(companyID: UUID, _ f: AccountFilter, page: PageRequest) async throws -> (items: [FinanceAccount], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        return try await database.page({ select, suffix in
            """
            SELECT \(unescaped: select) FROM finance_accounts a
            WHERE a.company_id = \(companyID)
              AND (\(f.type)::text IS NULL OR a.type = \(f.type))
              AND (\(f.active)::bool IS NULL OR a.active = \(f.active))
              AND (\(f.q)::text IS NULL OR a.code ILIKE \(pattern) OR a.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }, columns: Self.columns, orderBy: "ORDER BY a.type, a.code", page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> FinanceAccount? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM finance_accounts a WHERE a.company_id = \(companyID) AND a.id = \(id)
            """).first(Self.decode)
    }

    func create(companyID: UUID, createdBy: UUID?, _ input: CreateAccount) async throws -> FinanceAccount? {
        try await Self.constraints.map {
            try await database.query("""
                INSERT INTO finance_accounts AS a (company_id, code, name, type, description, active, created_by)
                VALUES (\(companyID), \(input.code ?? ""), \(input.name ?? ""), \(input.type ?? ""), \(input.description),
                        \(input.active ?? true), \(createdBy))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
    }

    /// Nil when the company has no such account.
    func update(companyID: UUID, id: UUID, _ p: AccountPatch) async throws -> FinanceAccount? {
        try await Self.constraints.map {
            try await database.query("""
                UPDATE finance_accounts a SET
                    code = COALESCE(\(p.code.value), code),
                    name = COALESCE(\(p.name.value), name),
                    type = COALESCE(\(p.type.value), type),
                    description = CASE WHEN \(p.description.clears) THEN NULL ELSE COALESCE(\(p.description.value), description) END,
                    active = COALESCE(\(p.active.value), active),
                    updated_at = now()
                WHERE a.company_id = \(companyID) AND a.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
    }
}
