import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `execlog keygen`: a CURVE key pair as NAME.key (0644) and NAME.secret (0600), never overwritten.
@Suite struct KeygenCommandTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    /// The key line of a key file: the first line that is not a `# ` comment.
    func key(_ path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try #require(text.split(separator: "\n").first { !$0.hasPrefix("# ") }).description
    }

    @Test func writesAPublicAndASecretKeyWithTheirModes() throws {
        try withTemporaryFolder { folder in
            let result = try CLI.succeed(["keygen", "--out", folder.path, "--name", "worker-1"])
            let publicPath = folder.appendingPathComponent("worker-1.key").path
            let secretPath = folder.appendingPathComponent("worker-1.secret").path
            #expect(result.stdout.contains(publicPath) && result.stdout.contains(secretPath), "\(result)")
            #expect(mode(publicPath) == 0o644)
            #expect(mode(secretPath) == 0o600)
            let publicKey = try key(publicPath)
            let secretKey = try key(secretPath)
            #expect(publicKey.utf8.count == 40 && secretKey.utf8.count == 40 && publicKey != secretKey)
        }
    }

    @Test func refusesToOverwriteEitherFile() throws {
        try withTemporaryFolder { folder in
            _ = try CLI.succeed(["keygen", "--out", folder.path, "--name", "w"])
            let publicPath = folder.appendingPathComponent("w.key").path
            let before = try String(contentsOfFile: publicPath, encoding: .utf8)
            try CLI.fail(["keygen", "--out", folder.path, "--name", "w"], messageContains: "already exists; not overwriting it")
            #expect(try String(contentsOfFile: publicPath, encoding: .utf8) == before)

            // Only the secret left: still refused, and no lone public key is written.
            unlink(publicPath)
            try CLI.fail(["keygen", "--out", folder.path, "--name", "w"], messageContains: "w.secret already exists")
            #expect(!FileManager.default.fileExists(atPath: publicPath))
        }
    }

    @Test func aMissingFolderOrABadNameIsAOneLineError() throws {
        try CLI.fail(["keygen", "--out", "/nonexistent/keys", "--name", "w"], messageContains: "--out /nonexistent/keys: no such folder")
        try withTemporaryFolder { folder in
            try CLI.fail(["keygen", "--out", folder.path, "--name", "../x"], messageContains: "--name \"../x\"")
        }
    }
}
