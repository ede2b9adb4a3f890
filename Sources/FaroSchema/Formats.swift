import FaroModel

/// The registered format names of Proxmox's schema dialect. A name ending in `-list` validates
/// each item of a `,`/`;`/whitespace separated list; `-opt` validates only non-empty values.
public enum Formats {
    typealias Check = @Sendable (String) -> String?

    /// Validates `value` against `name`; returns the reason when it does not conform.
    public static func check(_ name: String, _ value: String) -> String? {
        if name.hasSuffix("-list"), let check = checks[String(name.dropLast(5))] {
            for item in splitList(value) {
                if let reason = check(item) { return "value '\(item)' does not match format - \(reason)" }
            }
            return nil
        }
        if name.hasSuffix("-opt"), let check = checks[String(name.dropLast(4))] {
            return value.isEmpty ? nil : check(value)
        }
        guard let check = checks[name] else { return "unknown format '\(name)'" }
        return check(value)
    }

    public static func isKnown(_ name: String) -> Bool {
        if checks[name] != nil { return true }
        if name.hasSuffix("-list") { return checks[String(name.dropLast(5))] != nil }
        if name.hasSuffix("-opt") { return checks[String(name.dropLast(4))] != nil }
        return false
    }

    /// Proxmox's `split_list`: items separated by `,`, `;`, whitespace or NUL; empty items dropped.
    public static func splitList(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace || $0 == "\0" }).map(String.init)
    }

    static let checks: [String: Check] = coreChecks.merging(storageChecks) { first, _ in first }

    static let coreChecks: [String: Check] = [
        "pve-vmid": { VMID($0) == nil ? "value does not look like a valid VM ID" : nil },
        "pve-node": { NodeName.isValid($0) ? nil : "value does not look like a valid node name" },
        "pve-configid": { configID($0) ? nil : "invalid configuration ID '\($0)'" },
        "pve-storage-id": { storageID($0) ? nil : "storage ID '\($0)' contains illegal characters" },
        "pve-bridge-id": { bridgeID($0) ? nil : "invalid bridge ID '\($0)'" },
        "pve-iface": { iface($0) ? nil : "invalid network interface name '\($0)'" },
        "pve-poolid": { poolID($0) ? nil : "invalid pool ID '\($0)'" },
        "pve-userid": { userID($0, token: false) ? nil : "value '\($0)' does not look like a valid user name" },
        "pve-tokenid": { userID($0, token: true) ? nil : "invalid token ID '\($0)'" },
        "pve-groupid": { simpleID($0) ? nil : "invalid group name '\($0)'" },
        "pve-roleid": { simpleID($0) ? nil : "invalid role ID '\($0)'" },
        "pve-realm": { realm($0) ? nil : "invalid realm name '\($0)'" },
        "pve-tag": { tag($0) ? nil : "invalid tag '\($0)'" },
        "mac-addr": { macAddress($0) ? nil : "value does not look like a valid unicast MAC address" },
        "mac-prefix": { macPrefix($0) ? nil : "value does not look like a valid unicast MAC address prefix" },
        "ipv4": { IPAddress.parseV4($0) == nil ? "value does not look like a valid IPv4 address" : nil },
        "ipv6": { IPAddress.parseV6($0) == nil ? "value does not look like a valid IPv6 address" : nil },
        "ip": { IPAddress.parse($0) == nil ? "value does not look like a valid IP address" : nil },
        "CIDR": { cidr($0, v4: true, v6: true) },
        "CIDRv4": { cidr($0, v4: true, v6: false) },
        "CIDRv6": { cidr($0, v4: false, v6: true) },
        "pve-ipv4-config": { ["dhcp", "manual"].contains($0) ? nil : cidr($0, v4: true, v6: false) },
        "pve-ipv6-config": { ["dhcp", "manual", "auto"].contains($0) ? nil : cidr($0, v4: false, v6: true) },
        "dns-name": { dnsName($0) ? nil : "value does not look like a valid DNS name" },
        // A Graphite metric path prefix: dot-separated words of letters, digits, `-` and `_`.
        "graphite-path": { path in
            path.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { word in
                !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            } ? nil : "value does not look like a valid graphite path"
        },
        "address": { IPAddress.parse($0) != nil || dnsName($0) ? nil : "value does not look like a valid address" },
        "email": { email($0) ? nil : "value does not look like a valid email address" },
        "urlencoded": { urlEncoded($0) ? nil : "value must be URL encoded" },
        "pve-volume-id": { volumeID($0) ? nil : "unable to parse volume ID '\($0)'" },
        "disk-size": { SizeFormat.parse($0) == nil ? "unable to parse size '\($0)'" : nil },
        "pve-task-status-type": { ["ok", "error", "warning", "unknown"].contains($0) ? nil : "invalid status type" },
        "pve-upid": { UPID($0) == nil ? "unable to parse worker upid '\($0)'" : nil },
        "pve-startup-order": { startupOrder($0) },
        "pve-priv": { privilege($0) ? nil : "invalid privilege name '\($0)'" },
    ]

    // MARK: individual rules

    static func isAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
    static func isLowerAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }

    static func configID(_ s: String) -> Bool {
        let lower = s.lowercased()
        guard lower.count >= 2, let first = lower.first, first.isASCII, first.isLetter else { return false }
        return lower.allSatisfy { isLowerAlnum($0) || $0 == "_" || $0 == "-" }
    }

    static func storageID(_ s: String) -> Bool {
        let lower = s.lowercased()
        guard lower.count >= 2, let first = lower.first, let last = lower.last,
            first.isASCII, first.isLetter, isLowerAlnum(last)
        else { return false }
        return lower.allSatisfy { isLowerAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    static func bridgeID(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    static func iface(_ s: String) -> Bool {
        var name = Substring(s.lowercased())
        if let sep = name.firstIndex(where: { $0 == ":" || $0 == "." }) {
            let suffix = name[name.index(after: sep)...]
            guard !suffix.isEmpty, suffix.allSatisfy(\.isASCIIDigitChar) else { return false }
            name = name[..<sep]
        }
        guard (2...21).contains(name.count), let first = name.first, first.isASCII, first.isLetter else { return false }
        return name.allSatisfy { isLowerAlnum($0) || $0 == "_" }
    }

    static func simpleID(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { isAlnum($0) || $0 == "." || $0 == "-" || $0 == "_" }
    }

    static func poolID(_ s: String) -> Bool {
        let levels = s.split(separator: "/", omittingEmptySubsequences: false)
        return (1...3).contains(levels.count) && levels.allSatisfy { simpleID(String($0)) }
    }

    static func realm(_ s: String) -> Bool {
        guard s.count >= 2, let first = s.first, first.isASCII, first.isLetter else { return false }
        return s.allSatisfy { isAlnum($0) || $0 == "." || $0 == "-" || $0 == "_" }
    }

    static func userID(_ s: String, token: Bool) -> Bool {
        guard let id = UserID(s), (id.token != nil) == token, realm(id.realm) else { return false }
        if let name = id.token, !realm(name) { return false }
        return true
    }

    static func tag(_ s: String) -> Bool {
        let lower = s.lowercased()
        guard let first = lower.first, isLowerAlnum(first) || first == "_" else { return false }
        return lower.allSatisfy { isLowerAlnum($0) || "_-+.".contains($0) }
    }

    static func macAddress(_ s: String) -> Bool {
        let parts = s.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else { return false }
        return "02468ace".contains(parts[0].last!)
    }

    /// One to three whole bytes of a unicast address, optionally followed by half a byte
    /// (`BC:24:11`, `BC:24:11:0`), so at least two and a half random bytes remain.
    static func macPrefix(_ s: String) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 2, "02468ace".contains(first.lowercased().last!) else { return false }
        let whole = parts.prefix(while: { $0.count == 2 })
        let rest = parts.dropFirst(whole.count)
        guard whole.count <= 3, rest.count <= 1, rest.allSatisfy({ $0.count == 1 }) else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    static func cidr(_ s: String, v4: Bool, v6: Bool) -> String? {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigitChar) else {
            return "value does not look like a valid CIDR network"
        }
        let address = String(parts[0])
        if v4, IPAddress.parseV4(address) != nil, prefix > 7, prefix <= 32 { return nil }
        if v6, IPAddress.parseV6(address) != nil, prefix > 7, prefix <= 128 { return nil }
        return "value does not look like a valid CIDR network"
    }

    static func dnsName(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
            return isAlnum(first) && isAlnum(last) && label.allSatisfy { isAlnum($0) || $0 == "-" }
        }
    }

    static func email(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !s.contains(where: \.isWhitespace) else { return false }
        return dnsName(String(parts[1]))
    }

    static func urlEncoded(_ s: String) -> Bool {
        s.allSatisfy { isAlnum($0) || "-_.~%+".contains($0) }
    }

    static func volumeID(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        return storageID(String(s[..<colon])) && s.index(after: colon) < s.endIndex
    }

    static func startupOrder(_ s: String) -> String? {
        for item in s.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
            let key = pair.count == 2 ? pair[0] : "order"
            let value = pair.count == 2 ? pair[1] : pair[0]
            guard ["order", "up", "down"].contains(key), !value.isEmpty, value.allSatisfy(\.isASCIIDigitChar) else {
                return "invalid startup order '\(s)'"
            }
        }
        return nil
    }

    static func privilege(_ s: String) -> Bool {
        let parts = s.split(separator: ".")
        return parts.count >= 2 && parts.allSatisfy { $0.allSatisfy(isAlnum) }
    }
}
