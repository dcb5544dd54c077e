/// Checked integer arithmetic for money: every operation either answers exactly or throws
/// `DealEngineError.overflow` naming the quantity, so no input can trap the process.
enum Checked {
    static func add(_ a: Int64, _ b: Int64, _ what: String) throws(DealEngineError) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        if overflow { throw .overflow(what) }
        return value
    }

    static func subtract(_ a: Int64, _ b: Int64, _ what: String) throws(DealEngineError) -> Int64 {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        if overflow { throw .overflow(what) }
        return value
    }

    static func multiply(_ a: Int64, _ b: Int64, _ what: String) throws(DealEngineError) -> Int64 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw .overflow(what) }
        return value
    }

    static func sum(_ values: [Int64], _ what: String) throws(DealEngineError) -> Int64 {
        var total: Int64 = 0
        for value in values { total = try add(total, value, what) }
        return total
    }

    /// `amount × numerator / denominator`, rounded with `rounding`. The product is formed in 128 bits
    /// (`multipliedFullWidth`), so only a quotient that does not fit Int64 throws. Halves round away from zero
    /// (`half_up`) or to the even neighbour (`half_even`); `down` truncates toward zero. The sign of the
    /// result is the sign of the exact quotient, and the rounding acts on its magnitude, so a negative
    /// amount rounds symmetrically to its positive twin.
    static func scale(_ amount: Int64, by numerator: Int64, over denominator: Int64, rounding: DealTerms.Rounding,
                      _ what: String) throws(DealEngineError) -> Int64 {
        guard denominator > 0, numerator >= 0 else { throw .overflow(what) }
        let negative = amount < 0
        let product = amount.magnitude.multipliedFullWidth(by: numerator.magnitude)
        let divisor = denominator.magnitude
        // The high word must be below the divisor or the quotient cannot fit 64 bits.
        guard product.high < divisor else { throw .overflow(what) }
        let (quotient, remainder) = divisor.dividingFullWidth(product)
        var bump = false
        let twice = remainder.multipliedReportingOverflow(by: 2)
        // A remainder of at least half the divisor: `twice` overflowing means it is far above half.
        let comparison: Int = twice.overflow ? 1 : (twice.partialValue > divisor ? 1 : (twice.partialValue == divisor ? 0 : -1))
        switch rounding {
        case .down:
            break
        case .halfUp:
            bump = comparison >= 0
        case .halfEven:
            bump = comparison > 0 || (comparison == 0 && quotient % 2 == 1)
        }
        let (magnitude, carried) = quotient.addingReportingOverflow(bump ? 1 : 0)
        guard !carried, magnitude <= UInt64(Int64.max) else { throw .overflow(what) }
        let value = Int64(magnitude)
        return negative ? -value : value
    }

    /// `basisPoints` per 10,000 of `amount`, rounded.
    static func percent(_ amount: Int64, basisPoints: Int, rounding: DealTerms.Rounding,
                        _ what: String) throws(DealEngineError) -> Int64 {
        try scale(amount, by: Int64(basisPoints), over: 10_000, rounding: rounding, what)
    }
}
