import Foundation
import GroceryTestSupport
import NIOSSH
import Testing

@testable import GrocerySSH

/// Runs OpenSSH's `ssh-keygen` (the real program, from openssh-client) and returns its
/// standard output; fails the test when it cannot run or exits non-zero.
func sshKeygen(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["ssh-keygen"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else { throw TestFailure("ssh-keygen \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)") }
    return text
}

/// The `SHA256:…` field of `ssh-keygen -l`'s line ("256 SHA256:… comment (ED25519)").
func keygenFingerprint(_ path: String) throws -> String? {
    try sshKeygen(["-l", "-f", path]).split(separator: " ").dropFirst().first.map(String.init)
}

@Suite("SSH host key")
struct HostKeyTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("grocery-ssh-\(UUID().uuidString)")
    }

    @Test("made on first start with mode 0600, the same key after; ssh-keygen reads the file and prints the fingerprint we log")
    func madeOnceAndReused() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state/ssh_host_ed25519_key").path
        let (made, created) = try SSHHostKey.loadOrCreate(at: path)
        #expect(created)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let (again, createdAgain) = try SSHHostKey.loadOrCreate(at: path)
        #expect(!createdAgain && again.fingerprint == made.fingerprint && again.openSSHPublicKey == made.openSSHPublicKey)
        #expect(made.fingerprint.hasPrefix("SHA256:") && made.fingerprint.count == 7 + 43)
        // The real program agrees: on the private key file, and on the public line.
        #expect(try keygenFingerprint(path) == made.fingerprint)
        #expect(try sshKeygen(["-y", "-f", path]).hasPrefix(made.openSSHPublicKey))
        #expect(try NIOSSHPublicKey(openSSHPublicKey: made.openSSHPublicKey) == made.privateKey.publicKey)
    }

    @Test("a key ssh-keygen made is used as it is")
    func keygenKey() throws {
        let folder = Self.folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("key").path
        _ = try sshKeygen(["-q", "-t", "ed25519", "-N", "", "-C", "made elsewhere", "-f", path])
        let (key, created) = try SSHHostKey.loadOrCreate(at: path)
        #expect(!created)
        #expect(try keygenFingerprint(path) == key.fingerprint)
        #expect(SSHFingerprint.of(openSSHPublicKey: try String(contentsOfFile: path + ".pub", encoding: .utf8)) == key.fingerprint)
    }

    @Test("a file that is not an unencrypted Ed25519 key is refused with a reason, and left as it was")
    func refused() throws {
        let folder = Self.folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ecdsa = folder.appendingPathComponent("ecdsa").path
        _ = try sshKeygen(["-q", "-t", "ecdsa", "-N", "", "-f", ecdsa])
        let locked = folder.appendingPathComponent("locked").path
        _ = try sshKeygen(["-q", "-t", "ed25519", "-N", "secret words", "-f", locked])
        let junk = folder.appendingPathComponent("junk").path
        try "not a key\n".write(toFile: junk, atomically: true, encoding: .utf8)
        for (path, reason) in [(ecdsa, "only Ed25519"), (locked, "encrypted"), (junk, "not an OpenSSH private key")] {
            let before = try String(contentsOfFile: path, encoding: .utf8)
            #expect {
                try SSHHostKey.loadOrCreate(at: path)
            } throws: { error in
                "\(error)".contains(reason)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        }
    }
}

@Suite("SSH authorized keys")
struct AuthorizedKeysTests {
    @Test("a key's comment is its user, and it logs in only as that user; options are allowed; ECDSA too")
    func users() throws {
        let folder = HostKeyTests.folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines: [String] = ["# shoppers", ""]
        var keys: [String: NIOSSHPublicKey] = [:]
        for (user, type) in [("alice", "ed25519"), ("bob", "ecdsa")] {
            let path = folder.appendingPathComponent(user).path
            _ = try sshKeygen(["-q", "-t", type, "-N", "", "-C", user, "-f", path])
            let line = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            lines.append(user == "bob" ? "restrict,pty " + line : line)
            keys[user] = try NIOSSHPublicKey(openSSHPublicKey: line)
        }
        let authorized = try AuthorizedKeys(text: lines.joined(separator: "\n"))
        #expect(authorized.users.count == 2)
        #expect(authorized.user(for: keys["alice"]!, asking: "alice") == "alice")
        #expect(authorized.user(for: keys["bob"]!, asking: "bob") == "bob")
        #expect(authorized.user(for: keys["bob"]!, asking: "alice") == nil)  // bob's key cannot log in as alice
    }

    @Test(
        "a line that cannot be used is refused, naming its line",
        arguments: [
            ("ssh-rsa AAAAB3NzaC1yc2E carol", "no Ed25519 or ECDSA key"),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq5 carol", "cannot be read"),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrrf1MeLYjOiyGDyrTjRlAwlfOTjJtGB0g/E5Ky+tSp", "no comment"),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrrf1MeLYjOiyGDyrTjRlAwlfOTjJtGB0g/E5Ky+tSp no/slash", "not a user id"),
        ])
    func refused(_ line: String, _ reason: String) {
        #expect {
            try AuthorizedKeys(text: "# first\n" + line)
        } throws: { error in
            let problem = error as? AuthorizedKeys.Problem
            return problem?.line == 2 && problem?.reason.contains(reason) == true
        }
    }

    @Test("one key listed for two users is refused")
    func oneKeyOneUser() {
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrrf1MeLYjOiyGDyrTjRlAwlfOTjJtGB0g/E5Ky+tSp"
        #expect(throws: AuthorizedKeys.Problem(line: 2, reason: "this key is listed for \"dora\" already: one key, one user")) {
            try AuthorizedKeys(text: "\(key) dora\n\(key) ed")
        }
    }
}
