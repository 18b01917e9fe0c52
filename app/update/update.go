package update

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
)

// PublicKey is the release key compiled in: the base64 of the 32-byte
// Ed25519 public key, set with -ldflags "-X fieldnotes/app/update.PublicKey=…".
var PublicKey = ""

// OrgKeyFile is where an organisation sets its own release key (PEM or
// base64); when present it replaces the compiled-in one.
const OrgKeyFile = "/etc/fieldnotes/update-key.pub"

// Phase is where the updater is.
type Phase string

// Phases.
const (
	PhaseOff         Phase = "off"             // no key, no release version, or no hub: nothing to check
	PhaseChecking    Phase = "checking"        // asking the hub
	PhaseUpToDate    Phase = "up_to_date"      // the hub has nothing newer
	PhaseAvailable   Phase = "available"       // a newer signed release exists (Check with download off)
	PhaseDownloading Phase = "downloading"     // fetching into a temporary file
	PhaseReady       Phase = "ready"           // verified and staged: restart to update
	PhaseWaiting     Phase = "package_manager" // newer signed release, but dpkg owns the binary
	PhaseRefused     Phase = "refused"         // a release that failed a check; the binary is untouched
	PhaseFailed      Phase = "failed"          // the check could not be made (network, hub); tried again later
	PhaseApplied     Phase = "applied"         // swapped: the next start runs the new version
)

// Status is what the UI shows.
type Status struct {
	Phase     Phase  `json:"phase"`
	Current   string `json:"current"`
	Available string `json:"available,omitempty"`
	Message   string `json:"message"`
}

// Config is what an Updater needs.
type Config struct {
	Current    string            // the running version (cli.Version)
	Executable string            // the binary to replace; "" means os.Executable, symlinks resolved
	Key        ed25519.PublicKey // nil: LoadKey(OrgKeyFile, PublicKey)
	KeyProblem string            // why there is no key, when Key is nil and loading failed
	// Hub says where to ask; an empty URL means "not connected to a hub".
	Hub func(ctx context.Context) (Source, error)
	// Client is for hubs without a pinned certificate; nil: a client
	// without overall timeout (downloads are bounded by ctx). A Source
	// with CertSHA256 gets a client that trusts only that certificate.
	Client   *http.Client
	OS, Arch string // "" means this build's
	Interval time.Duration
	Logger   *slog.Logger
	OnStatus func(Status) // called on every change, from the updater's goroutine
	// Packaged reports whether the package manager owns the binary;
	// nil means IsPackaged.
	Packaged func(exe string) bool
}

// Source is the hub to ask: its address, the laptop's token, and the
// SHA-256 of its self-signed certificate when the invite pinned one.
type Source struct {
	URL, Token, CertSHA256 string
}

// Updater checks, downloads, verifies and swaps. One goroutine (Serve, or
// the CLI's single Check) drives it; Status and Apply may be called from
// any goroutine.
type Updater struct {
	cfg    Config
	nudge  chan struct{}
	client *http.Client // of the check in progress (the driving goroutine's)

	mu      sync.Mutex
	status  Status
	staged  string // verified temporary file, "" when none
	release syncproto.ReleaseInfo
}

// DefaultInterval is how often a running app checks.
const DefaultInterval = 24 * time.Hour

// retryAfterFailure is how soon a check that could not be made is retried;
// lookAgainWhenOff how soon an updater with nothing to ask looks again.
const (
	retryAfterFailure = time.Hour
	lookAgainWhenOff  = 10 * time.Minute
)

// New builds an updater; it touches neither the network nor the disk.
func New(cfg Config) *Updater {
	if cfg.Key == nil && cfg.KeyProblem == "" {
		cfg.Key, cfg.KeyProblem = LoadKey(OrgKeyFile, PublicKey)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.OS == "" {
		cfg.OS = runtime.GOOS
	}
	if cfg.Arch == "" {
		cfg.Arch = runtime.GOARCH
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Packaged == nil {
		cfg.Packaged = IsPackaged
	}
	if cfg.Executable == "" {
		// Now, not at swap time: once the binary is replaced, the running
		// process's own path names the new file.
		cfg.Executable = runningExecutable()
	}
	u := &Updater{cfg: cfg, nudge: make(chan struct{}, 1)}
	u.status = Status{Phase: PhaseOff, Current: cfg.Current, Message: "Not checked for updates yet."}
	return u
}

// LoadKey returns the organisation's key from orgFile when that file
// exists, else the compiled-in one; nil with the reason when neither is
// usable (an unreadable or malformed key file is not silently skipped).
func LoadKey(orgFile, compiled string) (ed25519.PublicKey, string) {
	raw, err := os.ReadFile(orgFile)
	switch {
	case err == nil:
		k, perr := syncproto.ParsePublicKey(string(raw))
		if perr != nil {
			return nil, fmt.Sprintf("the update key in %s is not usable (%s); updates are off", orgFile, perr.(*syncproto.Error).Message)
		}
		return k, ""
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Sprintf("the update key in %s cannot be read (%v); updates are off", orgFile, err)
	case compiled == "":
		return nil, "This build has no update key (neither compiled in nor in " + orgFile + "), so it does not update itself."
	}
	k, perr := syncproto.ParsePublicKey(compiled)
	if perr != nil {
		return nil, "this build's compiled-in update key is not usable; updates are off"
	}
	return k, ""
}

// Status returns the current status.
func (u *Updater) Status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.status
}

// CheckNow asks Serve to check at once (after joining a hub, say).
func (u *Updater) CheckNow() {
	select {
	case u.nudge <- struct{}{}:
	default:
	}
}

func (u *Updater) set(s Status) Status {
	s.Current = u.cfg.Current
	u.mu.Lock()
	u.status = s
	u.mu.Unlock()
	if s.Phase == PhaseRefused || s.Phase == PhaseFailed {
		u.cfg.Logger.Warn("update", "phase", s.Phase, "available", s.Available, "reason", s.Message)
	} else {
		u.cfg.Logger.Info("update", "phase", s.Phase, "available", s.Available)
	}
	if u.cfg.OnStatus != nil {
		u.cfg.OnStatus(s)
	}
	return s
}

// Serve checks now, then every Interval (sooner after a failed check, or
// when nudged), until ctx ends. A staged update that was not applied is
// removed on the way out: it is verified again only by downloading anew.
func (u *Updater) Serve(ctx context.Context) error {
	defer u.Discard()
	for {
		st := u.Check(ctx, true)
		wait := u.cfg.Interval
		switch st.Phase {
		case PhaseFailed:
			wait = min(wait, retryAfterFailure)
		case PhaseOff: // joining a hub later needs no nudge; looking costs only local reads
			wait = min(wait, lookAgainWhenOff)
		}
		if st.Phase == PhaseReady || st.Phase == PhaseApplied {
			<-ctx.Done() // nothing more to do until the restart
			return ctx.Err()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-u.nudge:
		case <-t.C:
		}
		t.Stop()
	}
}

// Check asks the hub for the latest release and, when download is true
// and it passes every check, downloads and verifies it into a staged file
// beside the binary (Status ready). It never replaces the binary.
func (u *Updater) Check(ctx context.Context, download bool) Status {
	if u.Status().Phase == PhaseReady {
		return u.Status()
	}
	if u.cfg.Key == nil {
		return u.set(Status{Phase: PhaseOff, Message: u.cfg.KeyProblem})
	}
	if _, ok := syncproto.ParseVersion(u.cfg.Current); !ok {
		return u.set(Status{Phase: PhaseOff, Message: fmt.Sprintf("This build (%s) has no release version, so it does not update itself.", u.cfg.Current)})
	}
	src, err := u.cfg.Hub(ctx)
	if err != nil {
		return u.set(Status{Phase: PhaseFailed, Message: "Cannot check for updates: " + err.Error()})
	}
	hubURL, token := src.URL, src.Token
	u.client = u.cfg.Client
	if src.CertSHA256 != "" {
		u.client = &http.Client{Transport: syncclient.PinnedTransport(src.CertSHA256)}
	}
	if hubURL == "" {
		return u.set(Status{Phase: PhaseOff, Message: "Not connected to a team hub, so there is nowhere to get updates from."})
	}
	u.set(Status{Phase: PhaseChecking, Message: "Checking for updates…"})
	info, st, ok := u.latest(ctx, hubURL, token)
	if !ok {
		return u.set(st)
	}
	if st, ok := u.judge(info); !ok {
		return u.set(st)
	}
	if u.cfg.Packaged(u.executable()) {
		return u.set(Status{Phase: PhaseWaiting, Available: info.Version, Message: fmt.Sprintf(
			"Version %s is waiting for the package manager: this copy was installed as a package, so it updates with the system's updates (apt), not by itself.", info.Version)})
	}
	if !download {
		return u.set(Status{Phase: PhaseAvailable, Available: info.Version, Message: fmt.Sprintf("Version %s is available (signed; you run %s).", info.Version, u.cfg.Current)})
	}
	u.set(Status{Phase: PhaseDownloading, Available: info.Version, Message: fmt.Sprintf("Downloading version %s…", info.Version)})
	path, err := u.download(ctx, hubURL, token, info)
	if err != nil {
		var r *refusal
		if errors.As(err, &r) {
			return u.set(Status{Phase: PhaseRefused, Available: info.Version, Message: fmt.Sprintf("Version %s was refused: %s. Nothing was changed.", info.Version, r.why)})
		}
		return u.set(Status{Phase: PhaseFailed, Available: info.Version, Message: "Could not download the update: " + err.Error()})
	}
	u.mu.Lock()
	u.staged, u.release = path, info
	u.mu.Unlock()
	return u.set(Status{Phase: PhaseReady, Available: info.Version, Message: fmt.Sprintf("Version %s is downloaded and verified. Restart to update.", info.Version)})
}

// latest fetches and decodes GET /v1/releases/latest; !ok with the status to show.
func (u *Updater) latest(ctx context.Context, hubURL, token string) (syncproto.ReleaseInfo, Status, bool) {
	q := url.Values{"os": {u.cfg.OS}, "arch": {u.cfg.Arch}}
	resp, err := u.get(ctx, hubURL+"/v1/releases/latest?"+q.Encode(), token)
	if err != nil {
		return syncproto.ReleaseInfo{}, Status{Phase: PhaseFailed, Message: "Cannot reach the hub to check for updates: " + err.Error()}, false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, syncproto.MaxReleaseInfoBytes+1))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return syncproto.ReleaseInfo{}, Status{Phase: PhaseUpToDate, Message: fmt.Sprintf("Up to date: the hub has no release for %s/%s.", u.cfg.OS, u.cfg.Arch)}, false
	case resp.StatusCode == http.StatusUnauthorized:
		return syncproto.ReleaseInfo{}, Status{Phase: PhaseFailed, Message: "The hub does not accept this laptop's token, so updates cannot be checked."}, false
	case resp.StatusCode != http.StatusOK:
		return syncproto.ReleaseInfo{}, Status{Phase: PhaseFailed, Message: fmt.Sprintf("The hub answered %d to the update check.", resp.StatusCode)}, false
	}
	info, err := syncproto.DecodeReleaseInfo(body)
	if err != nil {
		return syncproto.ReleaseInfo{}, Status{Phase: PhaseRefused, Message: "The hub's release information was refused: " + err.(*syncproto.Error).Message + ". Nothing was changed."}, false
	}
	if info.OS != u.cfg.OS || info.Arch != u.cfg.Arch {
		return syncproto.ReleaseInfo{}, Status{Phase: PhaseRefused, Message: fmt.Sprintf("The hub offered a release for %s/%s to a %s/%s laptop; refused. Nothing was changed.", info.OS, info.Arch, u.cfg.OS, u.cfg.Arch)}, false
	}
	return info, Status{}, true
}

// judge decides on the metadata alone: the same version is up to date; a
// bad signature or an older version is refused.
func (u *Updater) judge(info syncproto.ReleaseInfo) (Status, bool) {
	c, _ := syncproto.CompareVersions(info.Version, u.cfg.Current)
	if c == 0 {
		return Status{Phase: PhaseUpToDate, Message: fmt.Sprintf("Up to date: version %s is the newest.", u.cfg.Current)}, false
	}
	if !info.VerifySignature(u.cfg.Key) {
		return Status{Phase: PhaseRefused, Available: info.Version, Message: fmt.Sprintf(
			"Version %s was refused: its signature is not one made with this app's release key (or the release was altered after signing). Nothing was changed.", info.Version)}, false
	}
	if c < 0 {
		return Status{Phase: PhaseRefused, Available: info.Version, Message: fmt.Sprintf(
			"Version %s was refused: it is older than the running %s, and an update never goes back (a downgrade). Nothing was changed.", info.Version, u.cfg.Current)}, false
	}
	return Status{}, true
}

func (u *Updater) get(ctx context.Context, rawURL, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return u.client.Do(req)
}

func (u *Updater) executable() string { return u.cfg.Executable }

// Executable is the binary the updater replaces (and a restart runs).
func (u *Updater) Executable() string { return u.cfg.Executable }

func runningExecutable() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		return real
	}
	return exe
}

// refusal is a download that failed a check (as opposed to a network failure).
type refusal struct{ why string }

func (r *refusal) Error() string { return r.why }

// IsPackaged reports whether the package manager owns exe: it is under
// /usr (where only packages put binaries) or listed in dpkg's file list
// of the fieldnotes package.
func IsPackaged(exe string) bool { return isPackaged(exe, "/var/lib/dpkg/info/fieldnotes.list") }

func isPackaged(exe, dpkgList string) bool {
	if exe == "" {
		return false
	}
	if strings.HasPrefix(exe, "/usr/") {
		return true
	}
	list, err := os.ReadFile(dpkgList)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(list), "\n") {
		if line == exe {
			return true
		}
	}
	return false
}

// Errors of Apply.
var errNothingStaged = notebook.Errorf(notebook.Conflict, "no verified update is waiting")
