package web

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
)

func TestFlagFixNormalisesAndMovesTheCounter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, body := f.get("managerA", "/flags")
	require.Contains(t, body, `id="fixed-of">0 of 1 fixed<`)

	// A suspected typo is refused with the suggestion; nothing changes.
	status, body, _ := f.post("managerA", "/flags/"+itoa(f.flagA)+"/fix",
		url.Values{"value": {"ayse@gmial.com"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "did you mean ayse@gmail.com?")
	require.Contains(t, body, `value="ayse@gmial.com"`)

	status, _, h := f.post("managerA", "/flags/"+itoa(f.flagA)+"/fix",
		url.Values{"value": {"  Ayse@Example.COM "}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/flags?done=fixed#counters", h.Get("Location"))
	c, err := f.st.WebContact(f.ctx, scopeOf(f.users["managerA"]), f.contactA)
	require.NoError(t, err)
	require.Equal(t, "ayse@example.com", c.Email)
	require.Equal(t, "valid", c.EmailStatus)

	_, body = f.get("managerA", "/flags?done=fixed")
	require.Contains(t, body, "Saved. The flag is closed.")
	require.Contains(t, body, `id="fixed-of">1 of 1 fixed<`)
	require.Contains(t, body, `id="count-fixed">1<`)

	// In Turkish, with the decimal comma.
	status, body, _ = f.do(f.client("managerA"), "GET", "/flags", "", "",
		http.Header{"Accept-Language": {"tr-TR,tr;q=0.9,en;q=0.8"}})
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "İşaretli kişilerim")
	require.Contains(t, body, "1 / 1 düzeltildi")
	require.Regexp(t, regexp.MustCompile(`id="score">\d+,\d<`), body)
}

func TestQuickPickNumberChangedClearsThePhone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	flags, err := f.st.WebContactFlags(f.ctx, store.WebScope{All: true}, f.contactB)
	require.NoError(t, err)
	var phoneFlag int64
	for _, fl := range flags {
		if fl.Kind == "phone_not_mobile" {
			phoneFlag = fl.ID
		}
	}
	require.NotZero(t, phoneFlag)
	status, _, h := f.post("managerB", "/flags/"+itoa(phoneFlag)+"/pick",
		url.Values{"pick": {pickNumberChanged}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/flags?done=number_changed#counters", h.Get("Location"))
	c, err := f.st.WebContact(f.ctx, store.WebScope{All: true}, f.contactB)
	require.NoError(t, err)
	require.Equal(t, "", c.PhoneE164)
	require.Equal(t, "missing", c.PhoneStatus)
	audit, err := f.st.WebAuditList(f.ctx, store.AuditFilter{Entity: "contact", EntityID: f.contactB})
	require.NoError(t, err)
	require.NotEmpty(t, audit)
	require.Equal(t, f.users["managerB"].ID, audit[0].ActorID)
}

func TestCheckSaysWhatWouldBeStored(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct{ query, want string }{
		{"field=email&value=+Ali%40Example.com", `"value": "ali@example.com"`},
		{"field=email&value=ali%40hotmial.com", `did you mean ali@hotmail.com?`},
		{"field=phone&value=0532+123+45+67", `"value": "+905321234567"`},
		{"field=phone&value=0212+123+45+67", `not a mobile`},
		{"field=phone&value=123", `"ok": false`},
	} {
		status, body, _ := f.do(f.client("managerA"), "POST", "/check", tc.query,
			"application/x-www-form-urlencoded", nil)
		require.Equal(t, http.StatusOK, status, tc.query)
		require.Contains(t, body, tc.want, tc.query)
	}
}

func TestSMSSegments(t *testing.T) {
	t.Parallel()
	long := make([]byte, 161)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		text           string
		chars, segment int
	}{
		{"", 0, 0},
		{"Merhaba", 7, 1},
		{string(long), 161, 2},
		{"{}", 4, 1},        // GSM extension characters count twice
		{"Şimdi %30", 9, 1}, // Ş is outside GSM-7: UCS-2
		{string(long[:70]) + "ş", 71, 2},
	} {
		chars, segments := smsSegments(tc.text)
		require.Equal(t, tc.chars, chars, tc.text)
		require.Equal(t, tc.segment, segments, tc.text)
	}
}

func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, cookie, want string }{
		{"", "", "en"},
		{"tr-TR,tr;q=0.9,en-US;q=0.8", "", "tr"},
		{"en-US,en;q=0.9,tr;q=0.8", "", "en"},
		{"de-DE,tr;q=0.5", "", "tr"},
		{"tr", "en", "en"},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", tc.header)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: "lang", Value: tc.cookie})
		}
		require.Equal(t, tc.want, langOf(r), "%q %q", tc.header, tc.cookie)
	}
}
