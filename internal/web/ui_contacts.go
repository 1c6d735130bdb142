package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
)

type contactsData struct {
	Query    string
	Contacts []store.WebContact
	Total    int
	Page     int
	Next     int
}

const contactsPerPage = 50

func (ui *UI) contactsPage(w http.ResponseWriter, r *http.Request, u store.User) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 0)
	list, total, err := ui.st.WebContactSearch(r.Context(), scopeOf(u), q, contactsPerPage,
		page*contactsPerPage)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	d := contactsData{Query: q, Contacts: list, Total: total, Page: page}
	if (page+1)*contactsPerPage < total {
		d.Next = page + 1
	}
	ui.render(w, r, http.StatusOK, "contacts", view{User: u, Title: "contacts.title", Data: d})
}

type contactData struct {
	Contact  store.WebContact
	Flags    []store.WebFlag
	History  []store.AuditEntry
	CanEdit  bool
	Form     contactForm
	Problems []string
}

// contactForm is the edit form's values as typed.
type contactForm struct {
	FirstName, LastName, Company, Email, Phone string
}

func formOf(c store.WebContact) contactForm {
	email := c.Email
	if email == "" {
		email = c.EmailRaw
	}
	phone := c.PhoneE164
	if phone == "" {
		phone = c.PhoneRaw
	}
	return contactForm{FirstName: c.FirstName, LastName: c.LastName, Company: c.Company,
		Email: email, Phone: phone}
}

func canEdit(role string) bool {
	return role == store.RoleManager || role == store.RoleOperator || role == store.RoleAdmin
}

func (ui *UI) contactData(r *http.Request, u store.User, id int64) (contactData, error) {
	ctx := r.Context()
	scope := scopeOf(u)
	c, err := ui.st.WebContact(ctx, scope, id)
	if err != nil {
		return contactData{}, err
	}
	d := contactData{Contact: c, CanEdit: canEdit(u.Role), Form: formOf(c)}
	if d.Flags, err = ui.st.WebContactFlags(ctx, scope, id); err != nil {
		return d, err
	}
	d.History, err = ui.st.WebAuditList(ctx, store.AuditFilter{Entity: "contact", EntityID: id,
		Limit: 50})
	return d, err
}

func (ui *UI) contactPage(w http.ResponseWriter, r *http.Request, u store.User) {
	id, ok := pathID(r)
	if !ok {
		ui.fail(w, r, u, store.ErrNotFound)
		return
	}
	d, err := ui.contactData(r, u, id)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	ui.render(w, r, http.StatusOK, "contact", view{User: u, Title: "contact.title", Data: d})
}

// contactEdit turns a typed form into an edit: each field normalised as an
// import would, or the problems in the page's language.
func (ui *UI) contactEdit(lang string, u store.User, c store.WebContact,
	f contactForm) (store.WebEdit, []string) {
	e := store.WebEdit{ActorID: u.ID, Scope: scopeOf(u), ContactID: c.ID}
	var problems []string
	names := store.WebNames{FirstName: contact.TitleCaseTR(strings.TrimSpace(f.FirstName)),
		LastName: contact.TitleCaseTR(strings.TrimSpace(f.LastName)),
		Company:  strings.TrimSpace(f.Company)}
	if names != (store.WebNames{FirstName: c.FirstName, LastName: c.LastName, Company: c.Company}) {
		e.Names = &names
	}
	if strings.TrimSpace(f.Email) != formOf(c).Email {
		email, problem := ui.emailEdit(lang, f.Email)
		if problem != "" {
			problems = append(problems, problem)
		}
		e.Email = email
	}
	if strings.TrimSpace(f.Phone) != formOf(c).Phone {
		phone, problem := ui.phoneEdit(lang, f.Phone, c.Region)
		if problem != "" {
			problems = append(problems, problem)
		}
		e.Phone = phone
	}
	return e, problems
}

func (ui *UI) contactPost(w http.ResponseWriter, r *http.Request, u store.User) {
	id, ok := pathID(r)
	if !ok {
		ui.fail(w, r, u, store.ErrNotFound)
		return
	}
	d, err := ui.contactData(r, u, id)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	lang := langOf(r)
	d.Form = contactForm{FirstName: r.PostFormValue("first_name"),
		LastName: r.PostFormValue("last_name"), Company: r.PostFormValue("company"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
	edit, problems := ui.contactEdit(lang, u, d.Contact, d.Form)
	if len(problems) == 0 {
		_, err = ui.st.WebContactEdit(r.Context(), edit)
		if errors.Is(err, store.ErrSuppressed) {
			problems, err = []string{translate(lang, "fix.suppressed")}, nil
		}
		if err != nil {
			ui.fail(w, r, u, err)
			return
		}
	}
	if len(problems) > 0 {
		d.Problems = problems
		ui.render(w, r, http.StatusUnprocessableEntity, "contact",
			view{User: u, Title: "contact.title", Data: d})
		return
	}
	http.Redirect(w, r, "/contacts/"+strconv.FormatInt(id, 10)+"?done=saved", http.StatusSeeOther)
}
