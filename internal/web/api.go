package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/crier-dev/crier/internal/store"
)

// apiContact is a contact in the JSON API (api/openapi.yaml).
type apiContact struct {
	ID           int64     `json:"id"`
	OwnerID      int64     `json:"owner_id"`
	Owner        string    `json:"owner"`
	FirstName    string    `json:"first_name"`
	LastName     string    `json:"last_name"`
	Company      string    `json:"company"`
	Email        string    `json:"email"`
	EmailStatus  string    `json:"email_status"`
	Phone        string    `json:"phone"`
	PhoneType    string    `json:"phone_type"`
	PhoneStatus  string    `json:"phone_status"`
	ConsentEmail bool      `json:"consent_email"`
	ConsentSMS   bool      `json:"consent_sms"`
	OpenFlags    int       `json:"open_flags"`
	Version      int       `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toAPIContact(c store.WebContact) apiContact {
	return apiContact{ID: c.ID, OwnerID: c.OwnerID, Owner: c.OwnerName, FirstName: c.FirstName,
		LastName: c.LastName, Company: c.Company, Email: c.Email, EmailStatus: c.EmailStatus,
		Phone: c.PhoneE164, PhoneType: c.PhoneType, PhoneStatus: c.PhoneStatus,
		ConsentEmail: c.ConsentEmail, ConsentSMS: c.ConsentSMS, OpenFlags: c.OpenFlags,
		Version: c.Version, UpdatedAt: c.UpdatedAt}
}

func (ui *UI) apiContacts(w http.ResponseWriter, r *http.Request, u store.User) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	list, total, err := ui.st.WebContactSearch(r.Context(), scopeOf(u), q.Get("q"), limit,
		max(offset, 0))
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	out := make([]apiContact, len(list))
	for i, c := range list {
		out[i] = toAPIContact(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "contacts": out})
}

// pathContact is the contact of the path's {id} as u may see it; it answers
// 404 itself when there is none.
func (ui *UI) pathContact(w http.ResponseWriter, r *http.Request, u store.User) (store.WebContact, bool) {
	id, ok := pathID(r)
	if !ok {
		ui.fail(w, r, u, store.ErrNotFound)
		return store.WebContact{}, false
	}
	c, err := ui.st.WebContact(r.Context(), scopeOf(u), id)
	if err != nil {
		ui.fail(w, r, u, err)
		return store.WebContact{}, false
	}
	return c, true
}

func (ui *UI) apiContact(w http.ResponseWriter, r *http.Request, u store.User) {
	c, ok := ui.pathContact(w, r, u)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, toAPIContact(c))
}

// apiContactPatch edits a contact: the fields given are normalised and
// stored as on the contact page.
func (ui *UI) apiContactPatch(w http.ResponseWriter, r *http.Request, u store.User) {
	c, ok := ui.pathContact(w, r, u)
	if !ok {
		return
	}
	var body struct {
		FirstName *string `json:"first_name"`
		LastName  *string `json:"last_name"`
		Company   *string `json:"company"`
		Email     *string `json:"email"`
		Phone     *string `json:"phone"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeJSONError(w, http.StatusBadRequest, "body: a JSON object with first_name, "+
			"last_name, company, email, phone")
		return
	}
	f := formOf(c)
	for _, p := range []struct {
		from *string
		to   *string
	}{{body.FirstName, &f.FirstName}, {body.LastName, &f.LastName}, {body.Company, &f.Company},
		{body.Email, &f.Email}, {body.Phone, &f.Phone}} {
		if p.from != nil {
			*p.to = *p.from
		}
	}
	edit, problems := ui.contactEdit("en", u, c, f)
	var err error
	if len(problems) == 0 {
		_, err = ui.st.WebContactEdit(r.Context(), edit)
		if errors.Is(err, store.ErrSuppressed) {
			problems, err = []string{translate("en", "fix.suppressed")}, nil
		}
	}
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	if len(problems) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "invalid fields",
			"problems": problems})
		return
	}
	if c, err = ui.st.WebContact(r.Context(), scopeOf(u), c.ID); err != nil {
		ui.fail(w, r, u, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIContact(c))
}

// apiFlag is an open flag in the JSON API.
type apiFlag struct {
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	OwnerID   int64     `json:"owner_id"`
	Kind      string    `json:"kind"`
	Field     string    `json:"field"`
	Reason    string    `json:"reason"`
	Detail    string    `json:"detail"`
	OpenedAt  time.Time `json:"opened_at"`
	Channel   string    `json:"channel,omitempty"`
	ErrorCode string    `json:"error_code,omitempty"`
}

func (ui *UI) apiFlags(w http.ResponseWriter, r *http.Request, u store.User) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	flags, err := ui.st.WebFlagsOpen(r.Context(), scopeOf(u), store.FlagFilter{Kind: q.Get("kind"),
		Limit: limit, Offset: max(offset, 0)})
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	out := make([]apiFlag, len(flags))
	for i, f := range flags {
		out[i] = apiFlag{ID: f.ID, ContactID: f.ContactID, OwnerID: f.OwnerID, Kind: f.Kind,
			Field: f.Field, Reason: translate("en", "kind."+f.Kind), Detail: f.Detail,
			OpenedAt: f.OpenedAt, Channel: f.Channel, ErrorCode: f.ErrorCode}
	}
	writeJSON(w, http.StatusOK, map[string]any{"flags": out})
}

func (ui *UI) apiCampaigns(w http.ResponseWriter, r *http.Request, u store.User) {
	items, err := ui.campaignItems(r.Context())
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	type item struct {
		Slug     string   `json:"slug"`
		Name     string   `json:"name"`
		Channels []string `json:"channels"`
		Status   string   `json:"status"`
	}
	out := make([]item, len(items))
	for i, c := range items {
		status := c.Status
		if status == "" {
			status = "draft"
		}
		out[i] = item{Slug: c.Slug, Name: c.Name, Channels: c.Channels, Status: status}
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": out})
}

func (ui *UI) apiCampaign(w http.ResponseWriter, r *http.Request, u store.User) {
	slug := r.PathValue("slug")
	if _, err := ui.loadCampaign(slug); err != nil {
		ui.fail(w, r, u, err)
		return
	}
	k, err := ui.st.CampaignBySlug(r.Context(), slug)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusOK, progressDoc{Status: "draft", Channels: []channelProgress{}})
		return
	}
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	doc, err := ui.progress(r.Context(), k)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

func (ui *UI) apiCampaignAction(w http.ResponseWriter, r *http.Request, u store.User) {
	slug := r.PathValue("slug")
	if err := ui.runCampaignAction(r.Context(), u, slug, r.PathValue("action")); err != nil {
		ui.fail(w, r, u, err)
		return
	}
	ui.apiCampaign(w, r, u)
}

// apiReport is `crier report managers --format json`; a manager's own line
// only is not offered: managers are not among the report's readers.
func (ui *UI) apiReport(w http.ResponseWriter, r *http.Request, u store.User) {
	rep, err := ui.ops.Report(r.Context(), r.URL.Query().Get("campaign"))
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := rep.WriteJSON(w); err != nil {
		ui.logger.WarnContext(r.Context(), "Write report", "err", err)
	}
}
