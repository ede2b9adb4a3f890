import Foundation
import FaroModel

/// The few `printf` conversions Proxmox's CLI output uses, so the columns come out the same.
enum Printf {
    /// `%-Ns`: left-aligned in at least `width` characters.
    static func left(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// `%Ns`: right-aligned in at least `width` characters.
    static func right(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// A number as Perl turns it into text: whole numbers without a point, others with up
    /// to 15 significant digits.
    static func perlNumber(_ value: Double) -> String {
        if value.isFinite, value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.15g", value)
    }

    /// A field as Perl prints it with `%s`: nothing for a missing value.
    static func text(_ value: JSONValue?) -> String { value?.displayText ?? "" }

    /// A field as a number, treating a missing or non-numeric value as 0 (Perl's `|| 0`).
    static func number(_ value: JSONValue?) -> Double {
        value?.doubleValue ?? value?.stringValue.flatMap(Double.init) ?? 0
    }

    /// Perl's truth: missing, empty, `0` and `"0"` are false.
    static func isTrue(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .string(let text)?: return !text.isEmpty && text != "0"
        case let other?: return other.boolValue ?? (other.doubleValue.map { $0 != 0 } ?? true)
        }
    }
}
