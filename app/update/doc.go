// Package update keeps the app up to date from the team's own hub (issue
// 12 §3): it asks GET /v1/releases/latest on start and daily, downloads a
// newer release in the background into a temporary file beside the
// running binary, and checks it — size, SHA-256 and the Ed25519 signature
// of its manifest (syncproto.ReleaseInfo) against the release key —
// before anything is replaced. Only then does it offer "Restart to
// update"; Apply swaps the binary, keeping the previous one beside it as
// <binary>.previous for rollback.
//
// # The release key
//
// The public key is compiled in (-ldflags "-X
// fieldnotes/app/update.PublicKey=<base64>", printed by fieldhub release
// keygen; the Makefile passes $(UPDATE_PUBLIC_KEY)) or set by the
// organisation in /etc/fieldnotes/update-key.pub (PEM or base64), which
// wins when present: a team running its own hub signs with its own key,
// and only an administrator can write there. Without a key, updates are
// off and the app says so; a build without a release version ("dev")
// never updates.
//
// # What is refused, and why the binary is untouched
//
// A release with no signature or one the key did not make (including a
// release relabelled to another version or platform: the manifest binds
// them), an older version than the running one (a downgrade), the same
// version, a download shorter or longer than the signed size, or one whose
// SHA-256 differs: each is refused with a message that says which, and the
// temporary file is removed. The running binary is only ever replaced by
// a rename of a fully verified file in the same directory, so it is
// either the old binary or the new one, never a part.
//
// # Installed by the package manager
//
// A binary that dpkg owns (/usr/…, or listed in dpkg's file list for
// fieldnotes) is not swapped: replacing files under the package
// manager's feet breaks the next upgrade and its checksums. The updater
// then only says that the version is waiting for the package manager.
//
// # Why not github.com/minio/selfupdate
//
// The Go proxy serves it (v0.6.0) and it was read before deciding. Its
// Apply reads the whole binary into memory, writes .<name>.new with
// O_TRUNC (through a symlink someone planted there, not instead of it),
// renames without an fsync first (a power cut can leave an empty
// binary), and leaves a moment with no binary at all between its two
// renames (target → old, new → target). apply.go does the same job
// without those: the verified file was created with O_EXCL and fsynced,
// the previous binary is kept by a hard link, and one rename replaces the
// target atomically, then the directory is fsynced. The verification
// selfupdate offers (checksum, minisign) we do ourselves against our own
// signed manifest.
package update
