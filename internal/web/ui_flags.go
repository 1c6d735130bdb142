package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// Quick picks: the frequent outcomes a manager closes a flag with.
const (
	pickLeft          = "customer_left"
	pickNumberChanged = "number_changed"
	pickNoEmail       = "no_email"
	pickNotABounce    = "not_a_bounce"
)

// flagGroup is the open flags of one reason, oldest first.
type flagGroup struct {
	Kind  string
	Flags []flagRow
}

// flagRow is one flag with its fix form.
type flagRow struct {
	store.WebFlag
	Picks []string
	Value string // the form's value after a refused fix
	Error string // why the fix was refused, in the page's language
}

// flagsData is the manager's page: counters, score and the flags.
type flagsData struct {
	Week, Team     store.WebWeek
	Score, TeamAvg float64
	HasScore       bool
	Groups         []flagGroup
	Total          int
	ReadOnly       bool   // the supervisor's drill-down
	Manager        string // whose flags, on the drill-down
}

func (ui *UI) flagsPage(w http.ResponseWriter, r *http.Request, u store.User) {
	ui.renderFlags(w, r, u, http.StatusOK, nil)
}

// renderFlags renders the flags page; refused carries a refused fix's form.
func (ui *UI) renderFlags(w http.ResponseWriter, r *http.Request, u store.User, status int,
	refused *flagRow) {
	d, err := ui.flagsData(r, u, scopeOf(u))
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	if refused != nil {
		for gi := range d.Groups {
			for fi := range d.Groups[gi].Flags {
				if f := &d.Groups[gi].Flags[fi]; f.ID == refused.ID {
					f.Value, f.Error = refused.Value, refused.Error
				}
			}
		}
	}
	ui.render(w, r, status, "flags", view{User: u, Title: "flags.title", Data: d})
}

func (ui *UI) flagsData(r *http.Request, u store.User, scope store.WebScope) (flagsData, error) {
	ctx := r.Context()
	var d flagsData
	since := ui.now().Add(-7 * 24 * time.Hour)
	var err error
	if d.Week, err = ui.st.WebWeekCounters(ctx, scope, since); err != nil {
		return d, err
	}
	if d.Team, err = ui.st.WebWeekCounters(ctx, store.WebScope{All: true}, since); err != nil {
		return d, err
	}
	flags, err := ui.st.WebFlagsOpen(ctx, scope, store.FlagFilter{Limit: 500})
	if err != nil {
		return d, err
	}
	d.Total = len(flags)
	d.Groups = groupFlags(flags)
	if scope.OwnerID != 0 {
		rep, err := ui.ops.Report(ctx, "")
		if err != nil {
			return d, err
		}
		d.Score, d.TeamAvg, d.HasScore = scoreOf(rep, scope.OwnerID)
	}
	return d, nil
}

// scoreOf is a manager's quality score (report.Score, as in `crier report
// managers`) and the mean score of all managers.
func scoreOf(rep report.Managers, ownerID int64) (mine, team float64, ok bool) {
	n := 0
	for _, line := range rep.Lines {
		if line.OwnerID == 0 {
			continue
		}
		s := report.Score(line)
		team += s
		n++
		if line.OwnerID == ownerID {
			mine, ok = s, true
		}
	}
	if n > 0 {
		team /= float64(n)
	}
	return mine, float64(int(team*10+0.5)) / 10, ok
}

// groupFlags groups flags by reason; the group whose oldest flag is oldest
// comes first, and each group keeps the oldest-first order.
func groupFlags(flags []store.WebFlag) []flagGroup {
	var groups []flagGroup
	index := map[string]int{}
	for _, f := range flags {
		i, ok := index[f.Kind]
		if !ok {
			i = len(groups)
			index[f.Kind] = i
			groups = append(groups, flagGroup{Kind: f.Kind})
		}
		groups[i].Flags = append(groups[i].Flags, flagRow{WebFlag: f, Picks: picksFor(f.Kind)})
	}
	return groups
}

func picksFor(kind string) []string {
	picks := []string{}
	if kind == "email_bounced" || kind == "phone_undeliverable" {
		picks = append(picks, pickNotABounce)
	}
	if strings.HasPrefix(kind, "phone_") {
		picks = append(picks, pickNumberChanged)
	}
	if strings.HasPrefix(kind, "email_") {
		picks = append(picks, pickNoEmail)
	}
	return append(picks, pickLeft)
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// flagFix stores the value typed into a flag's inline form, normalised.
func (ui *UI) flagFix(w http.ResponseWriter, r *http.Request, u store.User) {
	id, ok := pathID(r)
	if !ok {
		ui.fail(w, r, u, store.ErrNotFound)
		return
	}
	scope := scopeOf(u)
	f, err := ui.st.WebFlag(r.Context(), scope, id)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	edit := store.WebEdit{ActorID: u.ID, Scope: scope, ContactID: f.ContactID}
	value := r.PostFormValue("value")
	lang := langOf(r)
	var problem string
	switch f.Field {
	case "email":
		edit.Email, problem = ui.emailEdit(lang, value)
	case "phone":
		edit.Phone, problem = ui.phoneEdit(lang, value, f.Region)
	case "name":
		edit.Names = &store.WebNames{FirstName: contact.TitleCaseTR(strings.TrimSpace(
			r.PostFormValue("first_name"))), LastName: contact.TitleCaseTR(strings.TrimSpace(
			r.PostFormValue("last_name"))), Company: f.Company}
		if edit.Names.FirstName == "" || edit.Names.LastName == "" {
			problem = translate(lang, "fix.name_needed")
		}
	default:
		problem = translate(lang, "fix.no_form")
	}
	if problem == "" {
		_, err = ui.st.WebContactEdit(r.Context(), edit)
		if errors.Is(err, store.ErrSuppressed) {
			problem, err = translate(lang, "fix.suppressed"), nil
		}
		if err != nil {
			ui.fail(w, r, u, err)
			return
		}
	}
	if problem != "" {
		ui.renderFlags(w, r, u, http.StatusUnprocessableEntity,
			&flagRow{WebFlag: f, Value: value, Error: problem})
		return
	}
	http.Redirect(w, r, "/flags?done=fixed#counters", http.StatusSeeOther)
}

// flagPick applies a quick pick to a flag's contact.
func (ui *UI) flagPick(w http.ResponseWriter, r *http.Request, u store.User) {
	id, ok := pathID(r)
	if !ok {
		ui.fail(w, r, u, store.ErrNotFound)
		return
	}
	scope := scopeOf(u)
	ctx := r.Context()
	f, err := ui.st.WebFlag(ctx, scope, id)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	pick := r.PostFormValue("pick")
	switch pick {
	case pickLeft:
		err = ui.st.WebContactLeft(ctx, u.ID, scope, f.ContactID)
	case pickNoEmail:
		err = ui.st.WebNoEmail(ctx, u.ID, scope, f.ContactID)
	case pickNotABounce:
		err = ui.st.WebNotABounce(ctx, u.ID, scope, f.ID)
	case pickNumberChanged:
		// The old number is someone else's now: it goes, and the contact
		// waits for the new one under "no phone".
		_, err = ui.st.WebContactEdit(ctx, store.WebEdit{ActorID: u.ID, Scope: scope,
			ContactID: f.ContactID, Phone: &store.WebPhone{Type: string(contact.PhoneMissing),
				Status: "missing"}})
	default:
		err = store.ErrWrongFlag
	}
	if errors.Is(err, store.ErrWrongFlag) {
		ui.renderFlags(w, r, u, http.StatusUnprocessableEntity,
			&flagRow{WebFlag: f, Error: translate(langOf(r), "fix.wrong_pick")})
		return
	}
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/flags?done="+pick+"#counters", http.StatusSeeOther)
}

// emailEdit normalises a typed e-mail; it refuses an invalid one and a
// suspected typo with the reason, and an empty one clears the address.
func (ui *UI) emailEdit(lang, raw string) (*store.WebEmail, string) {
	res := contact.NormalizeEmail(raw)
	switch {
	case res.Suggestion != "":
		return nil, translate(lang, "fix.typo", res.Suggestion)
	case res.Address != "":
		return &store.WebEmail{Raw: strings.TrimSpace(raw), Address: res.Address,
			Status: "valid"}, ""
	case strings.TrimSpace(raw) == "":
		return &store.WebEmail{Status: "missing"}, ""
	}
	return nil, translate(lang, "fix.email_invalid", translateDetail(lang, res.Detail))
}

// phoneEdit normalises a typed phone number in the contact's region.
func (ui *UI) phoneEdit(lang, raw, region string) (*store.WebPhone, string) {
	if region == "" {
		region = ui.cfg.DefaultRegion
	}
	res := contact.NormalizePhone(raw, region)
	switch {
	case res.E164 != "":
		return &store.WebPhone{Raw: strings.TrimSpace(raw), E164: res.E164,
			Type: string(res.Type), Status: "valid", Region: res.Region,
			SMS: res.Type.SMSCapable()}, ""
	case res.Type == contact.PhoneMissing:
		return &store.WebPhone{Type: string(contact.PhoneMissing), Status: "missing"}, ""
	}
	return nil, translate(lang, "fix.phone_invalid", translateDetail(lang, res.Detail))
}

// checkResult answers the as-you-type check.
type checkResult struct {
	OK    bool   `json:"ok"`
	Value string `json:"value"`
	Note  string `json:"note"`
}

// check normalises a value as the fix would and says what would be stored.
// It is a POST so that the value, a customer's address, stays out of URLs
// and access logs.
func (ui *UI) check(w http.ResponseWriter, r *http.Request, _ store.User) {
	lang := langOf(r)
	value := r.PostFormValue("value")
	var res checkResult
	switch r.PostFormValue("field") {
	case "email":
		e, problem := ui.emailEdit(lang, value)
		res = checkResult{OK: e != nil, Note: problem}
		if e != nil {
			res.Value = e.Address
		}
	case "phone":
		p, problem := ui.phoneEdit(lang, value, r.PostFormValue("region"))
		res = checkResult{OK: p != nil, Note: problem}
		if p != nil {
			res.Value = p.E164
			if p.E164 != "" && !p.SMS {
				res.Note = translate(lang, "fix.not_mobile")
			}
		}
	default:
		writeJSONError(w, http.StatusBadRequest, "field: email or phone")
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// managerFlagsPage is the supervisor's drill-down into one manager's flags.
func (ui *UI) managerFlagsPage(w http.ResponseWriter, r *http.Request, u store.User) {
	id, ok := pathID(r)
	if !ok {
		ui.fail(w, r, u, store.ErrNotFound)
		return
	}
	m, err := ui.st.WebUserByID(r.Context(), id)
	if err == nil && m.Role != store.RoleManager {
		err = store.ErrNotFound
	}
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	d, err := ui.flagsData(r, u, store.WebScope{OwnerID: id})
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	d.ReadOnly, d.Manager = true, m.Name
	ui.render(w, r, http.StatusOK, "flags", view{User: u, Title: "flags.of", Data: d})
}
