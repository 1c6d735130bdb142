package web

import (
	"errors"
	"net/http"

	"github.com/crier-dev/crier/internal/store"
)

type adminData struct {
	Users    []store.User
	Roles    []string
	Settings []Setting
	Audit    []store.AuditEntry
	Token    string // the new user's API token, shown once
	Problem  string
}

func (ui *UI) adminData(r *http.Request) (adminData, error) {
	d := adminData{Roles: store.Roles, Settings: ui.cfg.Settings}
	var err error
	if d.Users, err = ui.st.WebUsers(r.Context()); err != nil {
		return d, err
	}
	d.Audit, err = ui.st.WebAuditList(r.Context(), store.AuditFilter{
		Action: r.URL.Query().Get("action"), Limit: 200})
	return d, err
}

func (ui *UI) adminPage(w http.ResponseWriter, r *http.Request, u store.User) {
	d, err := ui.adminData(r)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	ui.render(w, r, http.StatusOK, "admin", view{User: u, Title: "admin.title", Data: d})
}

// adminAddUser creates a user and shows its API token once.
func (ui *UI) adminAddUser(w http.ResponseWriter, r *http.Request, u store.User) {
	nu, token, err := CreateUser(r.Context(), ui.st, UserAddParams{
		Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Role: r.PostFormValue("role"), Password: r.PostFormValue("password"),
		BcryptCost: ui.cfg.BcryptCost})
	status := http.StatusOK
	var problem string
	switch {
	case errors.Is(err, store.ErrUserConflict):
		status, problem = http.StatusConflict, translate(langOf(r), "admin.conflict")
	case err != nil:
		status, problem = http.StatusUnprocessableEntity, translate(langOf(r), "admin.bad_user")
	default:
		err = ui.st.WebAudit(r.Context(), store.AuditEntry{ActorID: u.ID, Action: "user.add",
			Entity: "user", EntityID: nu.ID, Field: "role", New: nu.Role})
		if err != nil {
			ui.fail(w, r, u, err)
			return
		}
	}
	d, derr := ui.adminData(r)
	if derr != nil {
		ui.fail(w, r, u, derr)
		return
	}
	if problem == "" {
		d.Token = token
	}
	d.Problem = problem
	ui.render(w, r, status, "admin", view{User: u, Title: "admin.title", Data: d})
}

// adminEditUser changes a user's role, or disables or enables the user. An
// admin cannot disable or demote themselves: someone must stay admin.
func (ui *UI) adminEditUser(w http.ResponseWriter, r *http.Request, u store.User) {
	id, ok := pathID(r)
	if !ok {
		ui.fail(w, r, u, store.ErrNotFound)
		return
	}
	ctx := r.Context()
	entry := store.AuditEntry{ActorID: u.ID, Entity: "user", EntityID: id}
	var err error
	switch action := r.PostFormValue("action"); {
	case id == u.ID:
		err = errSelf
	case action == "role" && validRole(r.PostFormValue("role")):
		entry.Action, entry.Field, entry.New = "user.role", "role", r.PostFormValue("role")
		err = ui.st.WebUserSetRole(ctx, id, entry.New)
	case action == "disable" || action == "enable":
		entry.Action, entry.Field, entry.New = "user."+action, "disabled", action
		err = ui.st.WebUserSetDisabled(ctx, id, action == "disable")
	default:
		err = errBadAction
	}
	if err == nil {
		err = ui.st.WebAudit(ctx, entry)
	}
	var problem string
	status := http.StatusUnprocessableEntity
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin?done=saved", http.StatusSeeOther)
		return
	case errors.Is(err, store.ErrUserConflict):
		status, problem = http.StatusConflict, translate(langOf(r), "admin.conflict")
	case errors.Is(err, errSelf):
		problem = translate(langOf(r), "admin.self")
	case errors.Is(err, errBadAction):
		problem = translate(langOf(r), "admin.bad_action")
	default:
		ui.fail(w, r, u, err)
		return
	}
	d, derr := ui.adminData(r)
	if derr != nil {
		ui.fail(w, r, u, derr)
		return
	}
	d.Problem = problem
	ui.render(w, r, status, "admin", view{User: u, Title: "admin.title", Data: d})
}

var (
	errSelf      = errors.New("web: an admin cannot change their own role or access")
	errBadAction = errors.New("web: unknown user action")
)
