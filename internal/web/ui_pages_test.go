package web

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// TestSupervisorFiguresAreTheReports checks that the page, the CSV and the
// XLSX show what `crier report managers` computes.
func TestSupervisorFiguresAreTheReports(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rep, err := f.ops.Report(f.ctx, "")
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, rep.WriteCSV(&want))

	status, csvBody := f.get("supervisor", "/supervisor/export.csv")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, want.String(), csvBody)

	status, xlsxBody := f.get("supervisor", "/supervisor/export.xlsx")
	require.Equal(t, http.StatusOK, status)
	book, err := excelize.OpenReader(strings.NewReader(xlsxBody))
	require.NoError(t, err)
	rows, err := book.GetRows("Managers")
	require.NoError(t, err)
	records, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, len(records))
	for i := range records {
		for j := range records[i] {
			cell := ""
			if j < len(rows[i]) {
				cell = rows[i][j]
			}
			want, werr := strconv.ParseFloat(records[i][j], 64)
			got, gerr := strconv.ParseFloat(cell, 64)
			if werr == nil && i > 0 {
				require.NoError(t, gerr, "row %d column %d is a number", i, j)
				require.InDelta(t, want, got, 1e-9, "row %d column %d", i, j)
				continue
			}
			require.Equal(t, report.PlainText(records[i][j]), cell, "row %d column %d", i, j)
		}
	}

	_, page := f.get("supervisor", "/supervisor?sort=score&dir=desc")
	for _, line := range rep.Lines {
		require.Contains(t, page, report.Name(line))
		require.Contains(t, page, `<td class="n score">`+view{}.Num(report.Score(line))+`</td>`)
	}
	// Sorted by score, best first.
	first, second := rep.Lines[0], rep.Lines[1]
	if report.Score(first) < report.Score(second) {
		first, second = second, first
	}
	require.Less(t, strings.Index(page, ">"+first.Name+"<"), strings.Index(page, ">"+second.Name+"<"))
}

func TestOperatorEditIsAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, _, _ := f.post("operator", "/contacts/"+itoa(f.contactA), url.Values{
		"first_name": {"AYŞE"}, "last_name": {"test"}, "email": {"ayse@example.com"},
		"phone": {"+905321234567"}})
	require.Equal(t, http.StatusSeeOther, status)
	c, err := f.st.WebContact(f.ctx, store.WebScope{All: true}, f.contactA)
	require.NoError(t, err)
	require.Equal(t, "Ayşe", c.FirstName) // Turkish title case: AYŞE → Ayşe
	require.Equal(t, "Test", c.LastName)
	require.Equal(t, "ayse@example.com", c.Email)

	_, page := f.get("operator", "/contacts/"+itoa(f.contactA))
	require.Contains(t, page, "Test operator")
	require.Contains(t, page, "<td>email</td><td></td><td>ayse@example.com</td>")

	// A phone that is not a number is refused with the reason, and nothing changes.
	status, body, _ := f.post("operator", "/contacts/"+itoa(f.contactA), url.Values{
		"first_name": {"Ayşe"}, "last_name": {"Test"}, "email": {"ayse@example.com"},
		"phone": {"12"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "Not a valid phone number: too short")
}

func TestImportPreviewThenCommit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "crm.csv")
	require.NoError(t, err)
	_, err = fw.Write([]byte("first,last,email\nAli,Veli,ali@example.com\nX,Y,bad\n"))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	c := f.client("operator")
	status, body, _ := f.do(c, "POST", "/import", buf.String(), mw.FormDataContentType(), nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "2 rows: 1 new, 0 updated, 0 unchanged, 1 rejected")
	require.Contains(t, body, "<td class=\"n\">2</td><td>Email</td><td>no @</td>")
	require.Equal(t, []string{"import crm.csv"}, f.ops.calls) // the dry run

	key := submatch(body, `name="key" value="([^"]+)"`)
	status, _, _ = f.post("supervisor", "/import/commit", url.Values{"key": {key}})
	require.Equal(t, http.StatusForbidden, status)
	status, body, _ = f.do(f.client("admin"), "POST", "/import/commit",
		url.Values{"key": {key}}.Encode(), "application/x-www-form-urlencoded", nil)
	require.Equal(t, http.StatusGone, status, "another user's preview cannot be committed")
	require.Contains(t, body, "The preview expired")
}

// submatch returns the first group of pattern in s.
func submatch(s, pattern string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestAdminAddsUsersAndNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, body, _ := f.post("admin", "/admin/users", url.Values{"email": {"new@example.com"},
		"name": {"New Person"}, "role": {"operator"}, "password": {"long enough pw"}})
	require.Equal(t, http.StatusOK, status)
	token := submatch(body, `API token \(shown once\): ([A-Za-z0-9]+)`)
	require.NotEmpty(t, token)
	u, err := f.st.WebAPITokenUser(f.ctx, HashToken(token))
	require.NoError(t, err)
	require.Equal(t, store.RoleOperator, u.Role)

	status, _, _ = f.post("admin", "/admin/users", url.Values{"email": {"zeynep@example.com"},
		"role": {"admin"}, "password": {"long enough pw"}})
	require.Equal(t, http.StatusConflict, status)

	_, page := f.get("admin", "/admin")
	require.Contains(t, page, "<code>CRIER_SMTP_URL</code></td><td>smtp://127.0.0.1:2525</td>")
	require.Contains(t, page, "user.add")
	require.NotContains(t, page, token)
}

func TestCampaignActionsAreAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.st.CampaignLaunch(f.ctx, "spring-sale", "Spring", map[string]string{})
	require.NoError(t, err)
	status, _, h := f.post("marketing", "/campaigns/spring-sale/pause", nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/campaigns/spring-sale?done=pause", h.Get("Location"))
	k, err := f.st.CampaignBySlug(f.ctx, "spring-sale")
	require.NoError(t, err)
	require.Equal(t, "paused", k.Status)
	_, page := f.get("marketing", "/campaigns/spring-sale?done=pause")
	require.Contains(t, page, "Paused.")
	require.Contains(t, page, `formaction="/campaigns/spring-sale/resume"`)
	require.NotContains(t, page, "ayse@", "marketing sees no customer addresses")

	audit, err := f.st.WebAuditList(f.ctx, store.AuditFilter{Action: "campaign."})
	require.NoError(t, err)
	require.Len(t, audit, 1)
	require.Equal(t, "campaign.pause", audit[0].Action)
	require.Equal(t, f.users["marketing"].ID, audit[0].ActorID)

	status, _, _ = f.post("marketing", "/campaigns/no-such-campaign/launch", nil)
	require.Equal(t, http.StatusNotFound, status)
}

func TestAdminDisablesAndChangesRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := itoa(f.users["managerB"].ID)
	session := f.client("managerB")
	status, _, _ := f.do(session, "GET", "/flags", "", "", nil)
	require.Equal(t, http.StatusOK, status)

	status, _, h := f.post("admin", "/admin/users/"+b, url.Values{"action": {"disable"}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/admin?done=saved", h.Get("Location"))
	status, _, _ = f.do(session, "GET", "/flags", "", "", nil)
	require.Equal(t, http.StatusSeeOther, status, "a disabled user's session ends at once")
	status, _, _ = f.do(f.client(""), "GET", "/api/v1/flags", "", "",
		http.Header{"Authorization": {"Bearer " + f.tokens["managerB"]}})
	require.Equal(t, http.StatusUnauthorized, status, "and so does their token")
	status, _, _ = f.post("admin", "/admin/users/"+b, url.Values{"action": {"enable"}})
	require.Equal(t, http.StatusSeeOther, status)
	status, _, _ = f.do(session, "GET", "/flags", "", "", nil)
	require.Equal(t, http.StatusOK, status)

	op := itoa(f.users["operator"].ID)
	status, _, _ = f.post("admin", "/admin/users/"+op, url.Values{"action": {"role"},
		"role": {store.RoleSupervisor}})
	require.Equal(t, http.StatusSeeOther, status)
	u, err := f.st.WebUserByID(f.ctx, f.users["operator"].ID)
	require.NoError(t, err)
	require.Equal(t, store.RoleSupervisor, u.Role)

	// A second manager of the same name cannot exist.
	twin, _, err := CreateUser(f.ctx, f.st, UserAddParams{Email: "twin@example.com",
		Name: "Zeynep Kılıç", Role: store.RoleOperator})
	require.NoError(t, err)
	status, _, _ = f.post("admin", "/admin/users/"+itoa(twin.ID), url.Values{"action": {"role"},
		"role": {store.RoleManager}})
	require.Equal(t, http.StatusConflict, status)

	status, body, _ := f.post("admin", "/admin/users/"+itoa(f.users["admin"].ID),
		url.Values{"action": {"disable"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "You cannot change your own role or access.")

	audit, err := f.st.WebAuditList(f.ctx, store.AuditFilter{Action: "user."})
	require.NoError(t, err)
	require.Len(t, audit, 3) // disable, enable, role
	require.Equal(t, "user.role", audit[0].Action)
	require.Equal(t, store.RoleSupervisor, audit[0].New)
}
