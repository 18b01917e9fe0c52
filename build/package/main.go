package main

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the "deb" packager
	"github.com/goreleaser/nfpm/v2/files"
)

const (
	maintainer = "Fieldnotes team <team@fieldnotes.app>"
	homepage   = "https://fieldnotes.app"
	copyright  = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: fieldnotes
Source: https://fieldnotes.app

Files: *
Copyright: 2026 The Fieldnotes authors
License: proprietary
 All rights reserved. Redistribution only as agreed with the Fieldnotes authors.
`
)

// iconSizes are the hicolor sizes desktops look for (16 for menus, 48 for
// launchers, 256 and 512 for software centres and HiDPI).
var iconSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// debianVersion is what dpkg accepts for a native package's version: it
// starts with a digit and has no hyphen (a hyphen would mean a Debian
// revision).
var debianVersion = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~]*$`)

type options struct {
	version, app, hub, out, repo string
	mtime                        time.Time
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("package", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.version, "version", "", "package version (scripts/version.sh)")
	fs.StringVar(&o.app, "app", "build/bin/fieldnotes", "the built desktop app")
	fs.StringVar(&o.hub, "hub", "build/bin/fieldhub", "the built hub")
	fs.StringVar(&o.out, "out", "build/dist", "output directory")
	fs.StringVar(&o.repo, "repo", ".", "repository root (build/linux, build/appicon.png, docs)")
	epoch := fs.Int64("mtime", 0, "file times as a Unix time (default: $SOURCE_DATE_EPOCH, else now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !debianVersion.MatchString(o.version) {
		return fmt.Errorf("--version %q is not a Debian version (digits first, no hyphen)", o.version)
	}
	o.mtime = fileTime(*epoch)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp("", "fieldnotes-package-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	for _, build := range []func(options, string) error{appPackages, hubPackages} {
		if err := build(o, stage); err != nil {
			return err
		}
	}
	return nil
}

func fileTime(epoch int64) time.Time {
	if epoch == 0 {
		if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
			if _, err := fmt.Sscan(s, &epoch); err != nil {
				epoch = 0 // not a number: build with the current time, as without it
			}
		}
	}
	if epoch == 0 {
		return time.Now().UTC().Truncate(time.Second)
	}
	return time.Unix(epoch, 0).UTC()
}

// appPackages writes the desktop app's .deb and portable tarball.
func appPackages(o options, stage string) error {
	if err := requireFile(o.app); err != nil {
		return err
	}
	icons, err := makeIcons(filepath.Join(o.repo, "build/appicon.png"), filepath.Join(stage, "icons"))
	if err != nil {
		return err
	}
	docs, err := docFiles(o, stage, "fieldnotes")
	if err != nil {
		return err
	}
	linux := filepath.Join(o.repo, "build/linux")
	contents := files.Contents{
		file(o.app, "/usr/bin/fieldnotes", 0o755, o.mtime),
		file(filepath.Join(linux, "fieldnotes.desktop"), "/usr/share/applications/fieldnotes.desktop", 0o644, o.mtime),
		file(filepath.Join(linux, "fieldnotes.metainfo.xml"), "/usr/share/metainfo/app.fieldnotes.Fieldnotes.metainfo.xml", 0o644, o.mtime),
	}
	for size, path := range icons {
		contents = append(contents, file(path, fmt.Sprintf("/usr/share/icons/hicolor/%dx%d/apps/fieldnotes.png", size, size), 0o644, o.mtime))
	}
	contents = append(contents, docs...)
	info := &nfpm.Info{
		Name:          "fieldnotes",
		Arch:          "amd64",
		Platform:      "linux",
		Version:       o.version,
		VersionSchema: "none",
		Section:       "misc",
		Priority:      "optional",
		Maintainer:    maintainer,
		Homepage:      homepage,
		License:       "proprietary",
		Description: "offline-first notebook for customer calls and product hypotheses\n" +
			"Fieldnotes is where sales reps and customer-success managers keep their\n" +
			"customer calls and the evidence they collect for the hypotheses product\n" +
			"managers publish. It works offline and syncs to the team's hub (fieldhub).",
		MTime: o.mtime,
		Overridables: nfpm.Overridables{
			// The runtime libraries of the -dev packages the build links
			// against (Debian 12 names): GTK 3 and WebKitGTK 4.0.
			Depends:  []string{"libc6 (>= 2.34)", "libgtk-3-0 (>= 3.24)", "libwebkit2gtk-4.0-37 (>= 2.40)"},
			Suggests: []string{"gnome-keyring"},
			Contents: contents,
		},
	}
	if err := writeDeb(info, filepath.Join(o.out, fmt.Sprintf("fieldnotes_%s_amd64.deb", o.version))); err != nil {
		return err
	}
	top := fmt.Sprintf("fieldnotes_%s_linux_amd64", o.version)
	entries := []tarEntry{
		{o.app, top + "/fieldnotes", 0o755},
		{filepath.Join(linux, "fieldnotes.desktop"), top + "/fieldnotes.desktop", 0o644},
		{icons[256], top + "/fieldnotes.png", 0o644},
	}
	return writeTarball(filepath.Join(o.out, top+".tar.gz"), entries, o.mtime)
}

// hubPackages writes the hub's .deb (with its systemd unit and system user)
// and tarball.
func hubPackages(o options, stage string) error {
	if err := requireFile(o.hub); err != nil {
		return err
	}
	docs, err := docFiles(o, stage, "fieldhub")
	if err != nil {
		return err
	}
	linux := filepath.Join(o.repo, "build/linux")
	unit := filepath.Join(linux, "fieldhub.service")
	guide := filepath.Join(o.repo, "docs/hub-deployment.md")
	contents := files.Contents{
		file(o.hub, "/usr/bin/fieldhub", 0o755, o.mtime),
		file(unit, "/lib/systemd/system/fieldhub.service", 0o644, o.mtime),
		file(filepath.Join(linux, "fieldhub.sysusers"), "/usr/lib/sysusers.d/fieldhub.conf", 0o644, o.mtime),
		file(guide, "/usr/share/doc/fieldhub/hub-deployment.md", 0o644, o.mtime),
	}
	contents = append(contents, docs...)
	info := &nfpm.Info{
		Name:          "fieldhub",
		Arch:          "amd64",
		Platform:      "linux",
		Version:       o.version,
		VersionSchema: "none",
		Section:       "net",
		Priority:      "optional",
		Maintainer:    maintainer,
		Homepage:      homepage,
		License:       "proprietary",
		Description: "sync hub for the Fieldnotes notebook\n" +
			"fieldhub is the team's central server for Fieldnotes: it syncs every\n" +
			"notebook, answers the product managers' insights and sends webhooks.\n" +
			"It runs as the systemd service fieldhub.service under its own user,\n" +
			"with its embedded store in /var/lib/fieldhub or on PostgreSQL.",
		MTime: o.mtime,
		Overridables: nfpm.Overridables{
			// The system user comes from systemd-sysusers, else adduser.
			Depends:  []string{"libc6 (>= 2.34)", "adduser"},
			Suggests: []string{"postgresql"},
			Contents: contents,
			Scripts: nfpm.Scripts{
				PostInstall: filepath.Join(linux, "fieldhub.postinst"),
				PreRemove:   filepath.Join(linux, "fieldhub.prerm"),
				PostRemove:  filepath.Join(linux, "fieldhub.postrm"),
			},
		},
	}
	if err := writeDeb(info, filepath.Join(o.out, fmt.Sprintf("fieldhub_%s_amd64.deb", o.version))); err != nil {
		return err
	}
	top := fmt.Sprintf("fieldhub_%s_linux_amd64", o.version)
	return writeTarball(filepath.Join(o.out, top+".tar.gz"), []tarEntry{
		{o.hub, top + "/fieldhub", 0o755},
		{unit, top + "/fieldhub.service", 0o644},
		{guide, top + "/hub-deployment.md", 0o644},
	}, o.mtime)
}

func file(src, dst string, mode os.FileMode, mtime time.Time) *files.Content {
	return &files.Content{Source: src, Destination: dst, FileInfo: &files.ContentFileInfo{Mode: mode, MTime: mtime, Owner: "root", Group: "root"}}
}

func requireFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w (build it first: make package builds it)", path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	return nil
}

// makeIcons scales the 1024 px app icon to every hicolor size (8-bit PNGs).
func makeIcons(src, dir string) (map[int]string, error) {
	if err := requireFile(src); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	icons := map[int]string{}
	for _, size := range iconSizes {
		dst := filepath.Join(dir, fmt.Sprintf("fieldnotes-%d.png", size))
		geometry := fmt.Sprintf("%dx%d", size, size)
		out, err := exec.Command("convert", src, "-resize", geometry, "-depth", "8", "-strip", "PNG32:"+dst).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("convert %s to %s: %v: %s", src, geometry, err, strings.TrimSpace(string(out)))
		}
		icons[size] = dst
	}
	return icons, nil
}

// docFiles are what Debian policy asks every package to carry in
// /usr/share/doc/<name>: the copyright and a changelog (gzip -9n, as
// lintian checks).
func docFiles(o options, stage, name string) (files.Contents, error) {
	dir := filepath.Join(stage, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	copyrightPath := filepath.Join(dir, "copyright")
	if err := os.WriteFile(copyrightPath, []byte(copyright), 0o644); err != nil {
		return nil, err
	}
	changelog := fmt.Sprintf("%s (%s) unstable; urgency=medium\n\n  * Release %s, built from git.\n\n -- %s  %s\n",
		name, o.version, o.version, maintainer, o.mtime.Format(time.RFC1123Z))
	changelogPath := filepath.Join(dir, "changelog.gz")
	if err := writeGzip(changelogPath, []byte(changelog)); err != nil {
		return nil, err
	}
	return files.Contents{
		file(copyrightPath, "/usr/share/doc/"+name+"/copyright", 0o644, o.mtime),
		file(changelogPath, "/usr/share/doc/"+name+"/changelog.gz", 0o644, o.mtime),
	}, nil
}

// writeGzip writes data gzip'd at best compression with no name and no
// time in the header (what gzip -9n makes).
func writeGzip(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	_, err = zw.Write(data)
	return errors.Join(err, zw.Close(), f.Close())
}

// writeDeb validates info the way nfpm's CLI does and writes the archive
// next to its final name, renaming it into place only when complete.
func writeDeb(info *nfpm.Info, dst string) error {
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(dst), err)
	}
	packager, err := nfpm.Get("deb")
	if err != nil {
		return err
	}
	return writeAtomically(dst, func(w io.Writer) error { return packager.Package(info, w) })
}

type tarEntry struct {
	src, name string
	mode      int64
}

func writeTarball(dst string, entries []tarEntry, mtime time.Time) error {
	return writeAtomically(dst, func(w io.Writer) error {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		tw := tar.NewWriter(zw)
		dir := strings.SplitN(entries[0].name, "/", 2)[0]
		err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: mtime, Format: tar.FormatPAX})
		for _, e := range entries {
			if err != nil {
				break
			}
			err = addTarFile(tw, e, mtime)
		}
		return errors.Join(err, tw.Close(), zw.Close())
	})
}

func addTarFile(tw *tar.Writer, e tarEntry, mtime time.Time) error {
	f, err := os.Open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: e.mode, Size: st.Size(), ModTime: mtime, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// writeAtomically writes through a temporary file in dst's directory and
// renames it over dst: a failed build never leaves a half package behind
// under the real name.
func writeAtomically(dst string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", filepath.Base(dst), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
