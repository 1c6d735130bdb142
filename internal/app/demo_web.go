package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"sync"

	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/devsink"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/web"
)

// DemoPassword is the password of every demo user.
const DemoPassword = "crier-demo"

// DemoLogin is one user the demo created for the web app.
type DemoLogin struct {
	Role, Email, Name string
}

// DemoUsers gives the demo database a user per role, and a password to every
// manager the import created, so that a newcomer can sign in as anyone.
func DemoUsers(ctx context.Context, st *store.Store, bcryptCost int) ([]DemoLogin, error) {
	var out []DemoLogin
	for _, role := range []string{store.RoleAdmin, store.RoleMarketing, store.RoleSupervisor,
		store.RoleOperator} {
		p := web.UserAddParams{Email: role + "@demo.crier.example", Name: "Demo " + role,
			Role: role, Password: DemoPassword, BcryptCost: bcryptCost}
		if _, _, err := web.CreateUser(ctx, st, p); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", role, err)
		}
		out = append(out, DemoLogin{Role: role, Email: p.Email, Name: p.Name})
	}
	users, err := st.WebUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Role != store.RoleManager || u.Email == "" {
			continue
		}
		p := web.UserAddParams{Email: u.Email, Name: u.Name, Role: u.Role,
			Password: DemoPassword, BcryptCost: bcryptCost}
		if _, _, err := web.CreateUser(ctx, st, p); err != nil {
			return nil, fmt.Errorf("demo manager %d: %w", u.ID, err)
		}
		out = append(out, DemoLogin{Role: u.Role, Email: u.Email, Name: u.Name})
	}
	return out, nil
}

// ServeDemo runs the web app on ln over the demo database until ctx is done,
// with the SMTP and Twilio stand-ins and a worker, so that campaigns launched
// from the marketing page are sent for real to the stand-ins.
func ServeDemo(ctx context.Context, cfg config.Config, st *store.Store, fsys fs.FS,
	ln net.Listener, logger *slog.Logger) error {
	sink := devsink.New(devsink.Config{SMTPAddr: "127.0.0.1:0", TwilioAddr: "127.0.0.1:0",
		AccountSID: config.DevAccountSID, AuthToken: config.DevAuthToken, Logger: logger})
	if err := sink.Start(ctx); err != nil {
		return fmt.Errorf("start stand-ins: %w", err)
	}
	defer sink.Close()
	cfg.SMTPURL = sink.SMTPURL()
	cfg.Twilio = config.Twilio{AccountSID: config.DevAccountSID, AuthToken: config.DevAuthToken,
		From: "CRIER", APIURL: sink.TwilioURL()}
	cfg.PublicURL = "http://" + ln.Addr().String()

	srv, closeFn, err := NewWebApp(cfg, st, fsys, logger)
	if err != nil {
		return err
	}
	defer func() { _ = closeFn() }()
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := RunWorker(runCtx, cfg, st, fsys, logger); err != nil {
			stop(fmt.Errorf("worker: %w", err))
		}
	}()
	go func() {
		defer wg.Done()
		if err := srv.Serve(runCtx, ln); err != nil && !errors.Is(err, net.ErrClosed) {
			stop(fmt.Errorf("web app: %w", err))
		}
	}()
	<-runCtx.Done()
	wg.Wait()
	if cause := context.Cause(runCtx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}
