package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/crier-dev/crier/internal/web"
)

type userCmd struct {
	Add userAddCmd `cmd:"" help:"Create a user of the web app and print an API token."`
}

type userAddCmd struct {
	Email         string `arg:"" help:"The user's e-mail: the sign-in name."`
	Role          string `required:"" enum:"admin,marketing,supervisor,manager,operator" help:"The user's role."`
	Name          string `help:"Full name (a manager's name as the CRM export writes it)."`
	PasswordStdin bool   `help:"Read the password from the first line of standard input."`
	NoPassword    bool   `help:"No password: the user signs in to the API with the token only."`
}

func (c userAddCmd) Run(g *Globals) error {
	password, err := c.password(g)
	if err != nil {
		return err
	}
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	u, token, err := web.CreateUser(g.ctx, st, web.UserAddParams{Email: c.Email, Name: c.Name,
		Role: c.Role, Password: password})
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(g.env.Stdout, "User %d: %s <%s>, %s.\nAPI token (shown once; send it as "+
		"`Authorization: Bearer TOKEN`):\n%s\n", u.ID, u.Name, u.Email, u.Role, token)
	return nil
}

// password reads the new user's password: a line of stdin, or twice at a
// terminal without echo.
func (c userAddCmd) password(g *Globals) (string, error) {
	switch {
	case c.NoPassword:
		return "", nil
	case c.PasswordStdin:
		in := g.env.Stdin
		if in == nil {
			in = os.Stdin
		}
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errors.New("user add: no terminal to ask the password at: " +
			"use --password-stdin or --no-password")
	}
	fmt.Fprint(g.env.Stderr, "Password: ")
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(g.env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(g.env.Stderr, "Again: ")
	again, err := term.ReadPassword(fd)
	fmt.Fprintln(g.env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(first) != string(again) {
		return "", errors.New("user add: the passwords differ")
	}
	return string(first), nil
}
