import Foundation

/// The names the server answers to, checked against each request's `Host` header.
///
/// A page on any web site can make a browser send requests to the dashboard on loopback by DNS
/// rebinding: its own name, re-pointed at 127.0.0.1 after the page loaded, lets it read the answers as
/// same-origin. The browser still sends that name in `Host`, so refusing names the server is not served
/// as closes the hole (docs/SECURITY.md). Always allowed: loopback names, IP addresses (a page
/// reached by its IP has that IP as its origin: nothing to rebind), and the name the server binds;
/// `--allowed-host` adds the names of a reverse proxy or of the host itself.
public struct HostAllowList: Sendable, Equatable {
    /// Lower-cased names, without port or brackets.
    public private(set) var names: Set<String>
    /// `--allowed-host '*'`: every name, with the protection off.
    public private(set) var allowsAny: Bool

    public static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "::1"]

    /// The names for a server bound to `bindHost`, plus `allowed` (names, or `*` for any).
    public init(bindHost: String, allowed: [String] = []) {
        allowsAny = allowed.contains("*")
        names = Self.loopbackNames
        for name in [bindHost] + allowed where name != "*" {
            names.insert(Self.bareHost(name))
        }
    }

    /// Whether a request with this `Host` header may be answered. No header (HTTP/1.0) is allowed: a
    /// browser always sends one.
    public func allows(hostHeader: String?) -> Bool {
        guard !allowsAny, let hostHeader else { return true }
        let host = Self.bareHost(hostHeader)
        if names.contains(host) || host.hasSuffix(".localhost") { return true }
        return Self.isIPAddress(host)
    }

    /// `Example.com:8000` → `example.com`, `[::1]:8000` → `::1`, `::1` → `::1`.
    public static func bareHost(_ text: String) -> String {
        var host = Substring(text.trimmingCharacters(in: .whitespaces).lowercased())
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix { $0 != "]" }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        // A fully qualified name's trailing dot names the same host.
        return String(host.hasSuffix(".") ? host.dropLast() : host)
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
