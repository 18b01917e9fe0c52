package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/webhooks"
	"fieldnotes/sync/supervise"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitDirBusy = 3
)

// Version is the hub's release, set at build time with
// -ldflags "-X main.Version=…" (scripts/version.sh); "dev" in a plain go build.
var Version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  fieldhub serve --data DIR | --db URL [--wait-db] [--addr 127.0.0.1:8787] [--tls-cert FILE --tls-key FILE] [--webhook-allow-private] [--webhook-timeout 10s] [--webhook-lease 1m]
                 [--oidc-issuer URL --oidc-client-id ID [--oidc-allowed-domains acme.com,…]]
  fieldhub user add --data DIR | --db URL --email E --role field|product|admin
  fieldhub user list --data DIR | --db URL
  fieldhub user revoke --data DIR | --db URL --id USER_ID
  fieldhub user rotate-token --data DIR | --db URL --id USER_ID   (new token, same user; old tokens stop working)
  fieldhub migrate --db URL
  fieldhub copy --from-data DIR --to-db URL
  fieldhub hypothesis import --data DIR FILE.yaml|FILE.json
  fieldhub insights --data DIR [--json] [--hypothesis ID]
  fieldhub invite add --data DIR | --db URL --email E [--role field|product] [--expires 7d] --hub-url URL [--pin-cert FILE]
  fieldhub invite list|revoke --data DIR | --db URL [--id INVITE_ID]
  fieldhub release keygen --out PREFIX   (offline: PREFIX.key, mode 0600, stays off the hub; PREFIX.pub)
  fieldhub release sign FILE --key PREFIX.key --version V [--os linux] [--arch amd64] [--out FILE.sig]   (offline)
  fieldhub release add FILE --sig FILE.sig --version V [--os linux] [--arch amd64] [--public-key PREFIX.pub] --data DIR | --db URL
  fieldhub release list --data DIR | --db URL
  fieldhub version
--db URL may come from $FIELDHUB_DB instead (PostgreSQL; any number of replicas).
`

// run is main without os.Exit, so tests can call it (and re-exec it).
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "user":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		return userCommand(args[1], args[2:], stdout, stderr)
	case "migrate":
		return migrateCommand(args[1:], stdout, stderr)
	case "copy":
		return copyCommand(args[1:], stdout, stderr)
	case "hypothesis":
		return hypothesisCommand(args[1:], stdout, stderr)
	case "insights":
		return insightsCommand(args[1:], stdout, stderr)
	case "invite":
		return inviteCommand(args[1:], stdout, stderr)
	case "release":
		return releaseCommand(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "fieldhub", Version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "fieldhub: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

// fail prints err for people and picks the exit status from its code.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "fieldhub: %s\n", err.Error())
	if notebook.IsCode(err, notebook.Conflict) {
		return exitDirBusy
	}
	return exitFailed
}

func openStore(dir string, log *slog.Logger) (*hubdb.Badger, error) {
	if dir == "" {
		return nil, notebook.Errorf(notebook.Invalid, "--data DIR is required")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, notebook.Wrap(notebook.Internal, err, "create data dir %s: %v", dir, err)
	}
	store, err := hubdb.OpenBadger(hubdb.Options{Dir: dir, Logger: log})
	if err != nil {
		return nil, err
	}
	// Hubs before the store kept everything had product state in files:
	// every command that opens the data dir imports them first (once), so
	// nothing reads a store that lacks them, and copy carries them along.
	if err := hub.ImportProductDir(context.Background(), store, productDir(dir), log); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

func serve(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, "data directory of the embedded store (created if missing)")
	waitDB := fs.Bool("wait-db", false, "with --db: wait for an unreachable database instead of exiting")
	addr := fs.String("addr", "127.0.0.1:8787", "listen address")
	cert := fs.String("tls-cert", "", "TLS certificate file (PEM); with --tls-key serves HTTPS")
	key := fs.String("tls-key", "", "TLS private key file (PEM)")
	allowPrivate := fs.Bool("webhook-allow-private", false, "let webhooks deliver to loopback, private, link-local and metadata addresses")
	hookTimeout := fs.Duration("webhook-timeout", webhooks.DefaultTiming.Timeout, "time limit of one webhook delivery attempt")
	hookLease := fs.Duration("webhook-lease", webhooks.DefaultTiming.Lease, "how long a replica holds a webhook delivery before another replica may send it (at least twice --webhook-timeout)")
	sso := addOIDCFlags(fs)
	if fs.Parse(args) != nil {
		return exitUsage
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "fieldhub: --tls-cert and --tls-key go together")
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	open := func() (hubdb.Store, error) { return stores.open(ctx, log, true) }
	if *waitDB {
		open = func() (hubdb.Store, error) { return stores.openWaiting(ctx, log) }
	}
	store, err := open()
	if err != nil {
		if notebook.IsCode(err, notebook.Unavailable) {
			err = notebook.Errorf(notebook.Unavailable, "%s (start it, or pass --wait-db to wait for it)", err.Error())
		}
		return fail(stderr, err)
	}
	defer store.Close()
	srv, err := hub.NewServer(hub.Options{Store: store, Logger: log, WebhookAllowPrivate: *allowPrivate,
		WebhookTimeout: *hookTimeout, WebhookLease: *hookLease, OIDC: sso.options()})
	if err != nil {
		return fail(stderr, err)
	}
	log.Info("webhook deliverer", "worker", srv.WebhookWorker())
	if err := listenAndServe(ctx, srv, *addr, *cert, *key, log); err != nil {
		log.Error("hub stopped", "err", err)
		return exitFailed
	}
	log.Info("hub stopped")
	return exitOK
}

// listenAndServe serves until ctx ends, with the hub's services running
// beside the HTTP server under a supervisor, then shuts down gracefully:
// long polls are released first, in-flight pushes finish (up to 15 s),
// then the services are stopped and waited for, so the store is closed
// only when nothing uses it.
func listenAndServe(ctx context.Context, srv *hub.Server, addr, cert, key string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := srv.HTTPServer(log)
	sup := supervise.New(ctx, log)
	for _, svc := range hubServices(srv) {
		sup.Run(svc.Name, svc.Serve)
	}
	defer sup.Stop(20 * time.Second)
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- hs.ServeTLS(ln, cert, key)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	log.Info("listening", "addr", ln.Addr().String(), "tls", cert != "")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	srv.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func userCommand(sub string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, "data directory of a stopped hub")
	email := fs.String("email", "", "user's email (add)")
	role := fs.String("role", "", "field, product or admin (add)")
	id := fs.String("id", "", "user id (revoke, rotate-token)")
	if fs.Parse(args) != nil {
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	store, err := stores.open(ctx, log, false)
	if err != nil {
		if notebook.IsCode(err, notebook.Conflict) && *stores.dir != "" {
			err = notebook.Errorf(notebook.Conflict, "%s; while the hub runs, manage users through its admin API (/v1/admin/users)", err.Error())
		}
		return fail(stderr, err)
	}
	defer store.Close()
	enc := json.NewEncoder(stdout)
	switch sub {
	case "add":
		nu, err := hub.AddUser(ctx, store, *email, hubdb.Role(*role), time.Now())
		if err != nil {
			return fail(stderr, err)
		}
		if err := enc.Encode(nu); err != nil {
			return fail(stderr, err)
		}
	case "list":
		users, err := store.ListUsers(ctx)
		if err != nil {
			return fail(stderr, err)
		}
		if users == nil {
			users = []hubdb.User{}
		}
		if err := enc.Encode(map[string]any{"users": users}); err != nil {
			return fail(stderr, err)
		}
	case "rotate-token":
		nu, err := hub.RotateToken(ctx, store, *id)
		if err != nil {
			return fail(stderr, err)
		}
		if err := enc.Encode(nu); err != nil {
			return fail(stderr, err)
		}
	case "revoke":
		if err := store.RevokeUser(ctx, *id); err != nil {
			return fail(stderr, err)
		}
		if err := enc.Encode(map[string]any{"id": *id, "revoked": true}); err != nil {
			return fail(stderr, err)
		}
	default:
		fmt.Fprintf(stderr, "fieldhub: unknown user command %q\n%s", sub, usage)
		return exitUsage
	}
	return exitOK
}
