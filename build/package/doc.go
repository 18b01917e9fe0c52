// Command package turns the built binaries into what a team installs:
// build/dist/fieldnotes_<version>_amd64.deb and
// fieldnotes_<version>_linux_amd64.tar.gz (the desktop app), and
// fieldhub_<version>_amd64.deb and fieldhub_<version>_linux_amd64.tar.gz
// (the hub, with its systemd unit). `make package` builds the binaries with
// the version from scripts/version.sh and runs it:
//
//	go run ./build/package --version V --app build/bin/fieldnotes --hub build/bin/fieldhub --out build/dist
//
// The .debs are made with nfpm (github.com/goreleaser/nfpm/v2) used as a
// library: it writes a correct Debian archive (control, md5sums, conffiles,
// maintainer scripts) from a Go description of the package, so there is no
// debian/ directory, no dpkg-buildpackage and no fakeroot, and the same
// description could later make an .rpm. It is pinned at v2.48.0, the newest
// release the Go proxy here serves that builds with this Go (its
// go.digitalxero.dev dependency resolved, so v2.45.2 was not needed).
// dpkg-deb would have worked too, but needs a staged tree with root-owned
// files, which nfpm writes directly into the archive.
//
// Icons at the usual hicolor sizes come from build/appicon.png through
// ImageMagick's convert (already an apt package of the build). Everything
// else installed (desktop entry, AppStream metainfo, systemd unit, sysusers
// file, maintainer scripts) lives in build/linux, where a reviewer reads it.
// The mtime of every file is the commit's time, so two builds of one commit
// give the same package.
package main
