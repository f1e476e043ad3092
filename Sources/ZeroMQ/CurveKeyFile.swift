import Foundation
import Glibc

/// execlog's CURVE key files: a text file holding one 40-character Z85 key (docs/SECURITY.md).
///
/// Blank lines and comment lines (`#` followed by a space, or `#` alone: `#` itself is a Z85
/// character) are ignored, so a file may say whose key it is; the first other line, trimmed, is the key. `NAME.key` holds a public key (any mode),
/// `NAME.secret` a secret key, which must be readable by its owner only.
public enum CurveKeyFile {
    /// A key file that cannot be used, as one line naming the file.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The key of a public key file.
    public static func readPublicKey(_ path: String) throws(Failure) -> String {
        try readKey(path)
    }

    /// The key of a secret key file, refused when group or others have any access to the file: a
    /// secret that others could have read is no secret.
    public static func readSecretKey(_ path: String) throws(Failure) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Failure("cannot read CURVE secret key file \(path): \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw Failure(
                "CURVE secret key file \(path) has mode \(octal(mode)): it must not be accessible by group or others (chmod 600 \(path))")
        }
        // Any 32 bytes make a secret key, so a public key file passes every other check and the process
        // would run with a wrong key pair: the comment `execlog keygen` writes tells them apart.
        if try comments(path).contains(where: { $0.hasPrefix("# " + publicKeyComment) }) {
            throw Failure(
                "\(path) holds a CURVE public key (its comment says so): give the secret key file, NAME.secret")
        }
        let key = try readKey(path)
        guard (try? ZMQ.curvePublicKey(fromSecret: key)) != nil else {
            throw Failure("\(path) does not hold a CURVE secret key")
        }
        return key
    }

    /// How the comment of a public key file `execlog keygen` writes begins.
    public static let publicKeyComment = "execlog CURVE public key"

    /// Whether `text` is a key in Z85: 40 characters of the Z85 alphabet.
    public static func isKey(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { z85Alphabet.contains($0) }
    }

    /// The file's text for a key, with a comment line naming it.
    public static func contents(key: String, comment: String) -> String {
        "# \(comment)\n\(key)\n"
    }

    /// Writes a new key file with exactly `mode` (whatever the umask), refusing to replace an existing file.
    public static func create(_ path: String, contents: String, mode: mode_t) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it already exists (not overwritten)" : String(cString: strerror(errno))
            throw Failure("cannot create \(path): \(reason)")
        }
        defer { close(descriptor) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw Failure("cannot write \(path): \(reason)")
        }
    }

    public static func octal(_ mode: mode_t) -> String {
        "0" + String(mode, radix: 8)
    }

    /// The file's lines, trimmed.
    private static func lines(_ path: String) throws(Failure) -> [String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure("cannot read CURVE key file \(path): \(String(cString: strerror(errno)))")
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func isComment(_ line: String) -> Bool { line == "#" || line.hasPrefix("# ") }

    private static func comments(_ path: String) throws(Failure) -> [String] {
        try lines(path).filter(isComment)
    }

    private static func readKey(_ path: String) throws(Failure) -> String {
        let lines = try lines(path)
        guard let key = lines.first(where: { !$0.isEmpty && !isComment($0) }), isKey(key) else {
            throw Failure("\(path) does not hold a CURVE key (40 Z85 characters on a line)")
        }
        return key
    }

    private static let z85Alphabet = Set(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
}
