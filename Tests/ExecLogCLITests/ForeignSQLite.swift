import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes plain SQLite files with the system's libsqlite3 (loaded at run time: this target has no SQLite module),
/// to show the CLI a valid database that is not an execlog store.
enum ForeignSQLite {
    enum Failure: Error, CustomStringConvertible {
        case unavailable(String)
        case sqlite(String, Int32)
        var description: String {
            switch self {
            case .unavailable(let what): "libsqlite3 unavailable: \(what)"
            case .sqlite(let call, let code): "\(call) failed with SQLite code \(code)"
            }
        }
    }

    private typealias Open = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    private typealias Exec = @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>, OpaquePointer?, UnsafeMutableRawPointer?, OpaquePointer?
    ) -> Int32
    private typealias Close = @convention(c) (OpaquePointer?) -> Int32

    /// Creates the database at `path` and runs `sql` in it.
    static func create(at path: String, sql: String) throws {
        let names = ["libsqlite3.so.0", "libsqlite3.so", "/usr/lib/libsqlite3.dylib", "libsqlite3.dylib"]
        guard let library = names.lazy.compactMap({ dlopen($0, RTLD_NOW) }).first else {
            throw Failure.unavailable("dlopen")
        }
        defer { dlclose(library) }
        guard let openSymbol = dlsym(library, "sqlite3_open"), let execSymbol = dlsym(library, "sqlite3_exec"),
            let closeSymbol = dlsym(library, "sqlite3_close")
        else { throw Failure.unavailable("dlsym") }
        let open = unsafeBitCast(openSymbol, to: Open.self)
        let exec = unsafeBitCast(execSymbol, to: Exec.self)
        let close = unsafeBitCast(closeSymbol, to: Close.self)
        var database: OpaquePointer?
        let opened = open(path, &database)
        defer { _ = close(database) }
        guard opened == 0 else { throw Failure.sqlite("sqlite3_open", opened) }
        let executed = exec(database, sql, nil, nil, nil)
        guard executed == 0 else { throw Failure.sqlite("sqlite3_exec", executed) }
    }
}
