import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The built-in categories (passed in as arrays, so the list and its paging are one statement) and the company's
/// own (`expense_categories`). Editing or deleting a company category holds its row `FOR UPDATE`, which waits for
/// any line write holding it `FOR KEY SHARE`, so the usage check sees every committed line.
struct ExpenseCategoriesRepository: Sendable {
    let database: Database

    static let columns = "k.id, k.code, k.name, k.built_in, k.created_at"

    static let constraints = ConstraintMessages([
        "expense_categories_code_key": .conflict("category_exists", "The company already has a category with this code."),
    ])

    static func decode(_ row: PostgresRow) throws -> ExpenseCategory {
        let c = Columns(row)
        return ExpenseCategory(id: try c("id"), code: try c("code"), name: try c("name"), builtIn: try c("built_in"), createdAt: try c("created_at"))
    }

    static func clash(_ code: String) -> APIError {
        APIError.conflict("category_exists", "\(code) is a built-in category; every company has it already.")
    }

    /// Built-ins first in their own order, then the company's by name.
    func list(companyID: UUID, builtIn: Bool?, q: String?, page: PageRequest) async throws -> (items: [ExpenseCategory], total: Int) {
        let codes = ExpenseCategories.builtIn.map(\.code)
        let names = ExpenseCategories.builtIn.map(\.name)
        let pattern = SQLPattern.contains(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM (
                SELECT NULL::uuid AS id, b.code, b.name, true AS built_in, NULL::timestamptz AS created_at, b.ord
                FROM unnest(\(codes)::text[], \(names)::text[]) WITH ORDINALITY AS b(code, name, ord)
                UNION ALL
                SELECT c.id, c.code, c.name, false, c.created_at, NULL FROM expense_categories c WHERE c.company_id = \(companyID)
            ) k
            WHERE (\(builtIn)::boolean IS NULL OR k.built_in = \(builtIn))
              AND (\(pattern)::text IS NULL OR k.code ILIKE \(pattern) OR k.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY k.built_in DESC, k.ord, lower(k.name), k.code",
                                       page: page, decode: Self.decode)
    }

    func create(companyID: UUID, userID: UUID, _ body: ExpenseCategoryInput) async throws -> ExpenseCategory {
        let code = body.code ?? ""
        if ExpenseCategories.isBuiltIn(code) { throw Self.clash(code) }
        let created = try await Self.constraints.map {
            try await database.query("""
                INSERT INTO expense_categories AS k (company_id, code, name, created_by)
                VALUES (\(companyID), \(code), \(body.trimmedName), \(userID))
                RETURNING k.id, k.code, k.name, false AS built_in, k.created_at
                """).first(Self.decode)
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// How many estimated lines and actual expenses of the company name `code`.
    static func usage(_ connection: PostgresConnection, companyID: UUID, code: String, _ logger: Logger) async throws -> (lines: Int, actuals: Int) {
        try await connection.query("""
            SELECT (SELECT count(*) FROM event_expenses WHERE company_id = \(companyID) AND category = \(code))::int,
                   (SELECT count(*) FROM event_expense_actuals WHERE company_id = \(companyID) AND category = \(code))::int
            """, logger: logger).first { try $0.decode((Int, Int).self) } ?? (0, 0)
    }

    static func inUse(_ code: String, _ usage: (lines: Int, actuals: Int)) -> APIError {
        APIError.conflict("category_in_use", "\(usage.lines) estimated line(s) and \(usage.actuals) actual expense(s) use \(code); "
                          + "move them to another category first.",
                          info: ["expenseLines": .number(Double(usage.lines)), "actualExpenses": .number(Double(usage.actuals))])
    }

    /// Replaces code and name; nil when the company has no such category. A new code while lines or actuals use
    /// the old one is 409 `category_in_use` (they name it by code).
    func replace(companyID: UUID, id: UUID, _ body: ExpenseCategoryInput) async throws -> ExpenseCategory? {
        let logger = database.logger
        let code = body.code ?? ""
        if ExpenseCategories.isBuiltIn(code) { throw Self.clash(code) }
        return try await Self.constraints.map {
            try await database.transaction { connection -> ExpenseCategory? in
                guard let current = try await connection.query("""
                    SELECT code FROM expense_categories WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(String.self) }) else { return nil }
                if current != code {
                    let usage = try await Self.usage(connection, companyID: companyID, code: current, logger)
                    if usage.lines + usage.actuals > 0 { throw Self.inUse(current, usage) }
                }
                return try await connection.query("""
                    UPDATE expense_categories AS k SET code = \(code), name = \(body.trimmedName)
                    WHERE k.company_id = \(companyID) AND k.id = \(id)
                    RETURNING k.id, k.code, k.name, false AS built_in, k.created_at
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// False when the company has no such category; 409 `category_in_use` while any line or actual names it.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection -> Bool in
            guard let code = try await connection.query("""
                SELECT code FROM expense_categories WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                """, logger: logger).first({ try $0.decode(String.self) }) else { return false }
            let usage = try await Self.usage(connection, companyID: companyID, code: code, logger)
            if usage.lines + usage.actuals > 0 { throw Self.inUse(code, usage) }
            try await connection.query("DELETE FROM expense_categories WHERE company_id = \(companyID) AND id = \(id)", logger: logger)
            return true
        }
    }
}
