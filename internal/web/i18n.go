package web

import "fmt"

// messages holds every UI text in English and Turkish: key → {en, tr}.
var messages = map[string][2]string{
	"app":             {"crier", "crier"},
	"nav.flags":       {"My flagged contacts", "İşaretli kişilerim"},
	"nav.supervisor":  {"Managers", "Yöneticiler"},
	"nav.campaigns":   {"Campaigns", "Kampanyalar"},
	"nav.contacts":    {"Contacts", "Kişiler"},
	"nav.import":      {"Import", "İçe aktar"},
	"nav.admin":       {"Admin", "Yönetim"},
	"logout":          {"Sign out", "Çıkış"},
	"lang.other":      {"Türkçe", "English"},
	"role.admin":      {"admin", "yönetici"},
	"role.marketing":  {"marketing", "pazarlama"},
	"role.supervisor": {"supervisor", "süpervizör"},
	"role.manager":    {"manager", "satış yöneticisi"},
	"role.operator":   {"operator", "operatör"},
	"error.title":     {"Something went wrong", "Bir sorun oluştu"},
	"error.403": {
		"Your role may not open this page.",
		"Rolünüz bu sayfayı açamaz.",
	},
	"error.404": {"Not found.", "Bulunamadı."},
	"error.500": {
		"The server could not do this; it has been logged.",
		"Sunucu bunu yapamadı; kayda geçti.",
	},
	"login.title":    {"Sign in", "Giriş"},
	"login.email":    {"E-mail", "E-posta"},
	"login.password": {"Password", "Parola"},
	"login.submit":   {"Sign in", "Giriş yap"},
	"login.bad":      {"Wrong e-mail or password.", "E-posta veya parola yanlış."},
	"login.slow_down": {
		"Too many attempts; wait a minute and try again.",
		"Çok fazla deneme; bir dakika bekleyip yeniden deneyin.",
	},
	"flags.title":      {"My flagged contacts", "İşaretli kişilerim"},
	"flags.of":         {"Flagged contacts of a manager", "Yöneticinin işaretli kişileri"},
	"flags.week":       {"This week", "Bu hafta"},
	"flags.fixed":      {"fixed", "düzeltildi"},
	"flags.left":       {"left", "ayrıldı"},
	"flags.new":        {"new", "yeni"},
	"flags.open":       {"open", "açık"},
	"flags.fixed_of":   {"%d of %d fixed", "%d / %d düzeltildi"},
	"flags.team_fixed": {"team: %d of %d fixed", "ekip: %d / %d düzeltildi"},
	"flags.score":      {"Your quality score", "Veri kalite puanınız"},
	"flags.score_of":   {"Quality score", "Veri kalite puanı"},
	"flags.team":       {"team average", "ekip ortalaması"},
	"flags.none": {
		"Nothing to fix. Well done!",
		"Düzeltilecek bir şey yok. Tebrikler!",
	},
	"flags.since":         {"open since", "açık:"},
	"flags.evidence":      {"Evidence", "Kanıt"},
	"flags.save":          {"Save", "Kaydet"},
	"flags.first":         {"First name", "Ad"},
	"flags.last":          {"Last name", "Soyad"},
	"flags.new_email":     {"Correct e-mail", "Doğru e-posta"},
	"flags.new_phone":     {"Correct phone", "Doğru telefon"},
	"flags.count":         {"%d open", "%d açık"},
	"pick.customer_left":  {"Customer left", "Müşteri ayrıldı"},
	"pick.number_changed": {"Number changed", "Numara değişti"},
	"pick.no_email":       {"No e-mail available", "E-postası yok"},
	"pick.not_a_bounce":   {"Not a real bounce", "Gerçek bir geri dönme değil"},
	"done.fixed":          {"Saved. The flag is closed.", "Kaydedildi. İşaret kapandı."},
	"done.customer_left":  {"Noted: the customer left.", "Not edildi: müşteri ayrıldı."},
	"done.number_changed": {
		"The old number was removed; add the new one when you have it.",
		"Eski numara silindi; yenisini öğrenince ekleyin.",
	},
	"done.no_email": {"Noted: no e-mail address.", "Not edildi: e-posta adresi yok."},
	"done.not_a_bounce": {
		"The address works again and can be sent to.",
		"Adres yeniden kullanılabilir.",
	},
	"done.saved":  {"Saved.", "Kaydedildi."},
	"done.launch": {"Launched.", "Başlatıldı."},
	"done.pause":  {"Paused.", "Duraklatıldı."},
	"done.resume": {"Resumed.", "Devam ediyor."},
	"done.cancel": {"Cancelled.", "İptal edildi."},
	"done.test": {
		"A test was sent to your own address.",
		"Kendi adresinize bir deneme gönderildi.",
	},
	"fix.typo": {
		"This looks like a typo: did you mean %s?",
		"Yazım hatası gibi görünüyor: %s mi demek istediniz?",
	},
	"fix.email_invalid": {"Not a valid e-mail: %s.", "Geçerli bir e-posta değil: %s."},
	"fix.phone_invalid": {
		"Not a valid phone number: %s.",
		"Geçerli bir telefon numarası değil: %s.",
	},
	"fix.not_mobile": {
		"Valid, but not a mobile: no SMS possible.",
		"Geçerli, ama cep telefonu değil: SMS gönderilemez.",
	},
	"fix.name_needed": {
		"Give both the first and the last name.",
		"Ad ve soyadın ikisini de yazın.",
	},
	"fix.no_form": {
		"This flag has no form; use a quick pick or the contact page.",
		"Bu işaretin formu yok; hızlı seçimi veya kişi sayfasını kullanın.",
	},
	"fix.suppressed": {
		"That address is on the do-not-send list after a bounce.",
		"Bu adres geri dönme nedeniyle gönderim dışı listesinde.",
	},
	"fix.wrong_pick": {
		"That choice does not apply to this flag.",
		"Bu seçim bu işarete uygun değil.",
	},
	"kind.email_missing":        {"No e-mail address", "E-posta adresi yok"},
	"kind.email_invalid":        {"The e-mail address is not valid", "E-posta adresi geçersiz"},
	"kind.email_typo_suspected": {"The e-mail looks mistyped", "E-posta yanlış yazılmış görünüyor"},
	"kind.phone_missing":        {"No phone number", "Telefon numarası yok"},
	"kind.phone_invalid":        {"The phone number is not valid", "Telefon numarası geçersiz"},
	"kind.phone_not_mobile":     {"Not a mobile number: no SMS", "Cep numarası değil: SMS gitmez"},
	"kind.duplicate":            {"Appears twice", "İki kez kayıtlı"},
	"kind.owner_conflict": {
		"Another manager has this customer too",
		"Bu müşteri başka bir yöneticide de var",
	},
	"kind.name_missing":        {"No person's name", "Kişi adı yok"},
	"kind.owner_missing":       {"No responsible manager", "Sorumlu yönetici yok"},
	"kind.opt_out":             {"Does not want marketing messages", "Pazarlama mesajı istemiyor"},
	"kind.email_bounced":       {"The e-mail bounced", "E-posta geri döndü"},
	"kind.phone_undeliverable": {"The SMS could not be delivered", "SMS iletilemedi"},
	"kind.complaint": {
		"The customer marked our mail as spam",
		"Müşteri e-postamızı spam olarak işaretledi",
	},
	"supervisor.title":    {"Managers' data quality", "Yöneticilerin veri kalitesi"},
	"supervisor.scores":   {"Quality score per manager", "Yönetici başına kalite puanı"},
	"supervisor.trend":    {"Quality score, last 30 days", "Kalite puanı, son 30 gün"},
	"supervisor.notrend":  {"No daily snapshots yet.", "Henüz günlük ölçüm yok."},
	"supervisor.export":   {"Export", "Dışa aktar"},
	"supervisor.campaign": {"Last campaign: %s (%s)", "Son kampanya: %s (%s)"},
	"col.manager":         {"Manager", "Yönetici"},
	"col.contacts":        {"Contacts", "Kişi"},
	"col.score":           {"Score", "Puan"},
	"col.complete":        {"Complete", "Eksiksiz"},
	"col.valid_email":     {"Valid e-mail", "Geçerli e-posta"},
	"col.valid_mobile":    {"Valid mobile", "Geçerli cep"},
	"col.reachable":       {"Reachable", "Ulaşılabilir"},
	"col.open_flags":      {"Open flags", "Açık işaret"},
	"col.fixed_7d":        {"Fixed 7d", "7 günde düzeltilen"},
	"col.median_fix":      {"Median fix (h)", "Ortanca düzeltme (sa)"},
	"campaigns.title":     {"Campaigns", "Kampanyalar"},
	"campaigns.draft":     {"not launched", "başlatılmadı"},
	"campaign.title":      {"Campaign", "Kampanya"},
	"campaign.email":      {"E-mail preview", "E-posta önizlemesi"},
	"campaign.subject":    {"Subject", "Konu"},
	"campaign.sms":        {"SMS preview", "SMS önizlemesi"},
	"campaign.segments": {
		"%d characters, %d SMS segment(s)",
		"%d karakter, %d SMS parçası",
	},
	"campaign.audience": {
		"Audience per manager (planned as a launch would)",
		"Yönetici başına hedef kitle (başlatmadaki gibi planlandı)",
	},
	"campaign.send":      {"to send", "gönderilecek"},
	"campaign.skipped":   {"skipped", "atlanacak"},
	"campaign.progress":  {"Progress", "İlerleme"},
	"campaign.results":   {"Results per manager", "Yönetici başına sonuçlar"},
	"campaign.launch":    {"Launch", "Başlat"},
	"campaign.pause":     {"Pause", "Duraklat"},
	"campaign.resume":    {"Resume", "Devam"},
	"campaign.cancel":    {"Cancel", "İptal"},
	"campaign.test":      {"Send a test to me", "Bana deneme gönder"},
	"campaign.status":    {"Status", "Durum"},
	"campaign.sent":      {"sent", "gönderildi"},
	"campaign.delivered": {"delivered", "iletildi"},
	"campaign.bounced":   {"bounced", "geri döndü"},
	"campaign.failed":    {"failed", "başarısız"},
	"campaign.refresh": {
		"This page refreshes itself while sending.",
		"Gönderim sürerken sayfa kendini yeniler.",
	},
	"contacts.title": {"Contacts", "Kişiler"},
	"contacts.search": {
		"Search name, company, e-mail or phone",
		"Ad, şirket, e-posta veya telefon ara",
	},
	"contacts.found":  {"%d found", "%d bulundu"},
	"contacts.next":   {"Next page", "Sonraki sayfa"},
	"contact.title":   {"Contact", "Kişi"},
	"contact.company": {"Company", "Şirket"},
	"contact.email":   {"E-mail", "E-posta"},
	"contact.phone":   {"Phone", "Telefon"},
	"contact.owner":   {"Manager", "Yönetici"},
	"contact.history": {"Changes", "Değişiklikler"},
	"contact.flags":   {"Open flags", "Açık işaretler"},
	"audit.who":       {"Who", "Kim"},
	"audit.when":      {"When", "Ne zaman"},
	"audit.what":      {"What", "Ne"},
	"audit.field":     {"Field", "Alan"},
	"audit.from":      {"From", "Eski"},
	"audit.to":        {"To", "Yeni"},
	"import.title":    {"Import contacts", "Kişileri içe aktar"},
	"import.file":     {"CRM export (CSV)", "CRM dışa aktarımı (CSV)"},
	"import.preview":  {"Check the file", "Dosyayı denetle"},
	"import.commit":   {"Import these rows", "Bu satırları içe aktar"},
	"import.counts": {
		"%d rows: %d new, %d updated, %d unchanged, %d rejected",
		"%d satır: %d yeni, %d güncellenen, %d değişmeyen, %d reddedilen",
	},
	"import.nothing": {"Nothing has been written yet.", "Henüz hiçbir şey yazılmadı."},
	"import.done":    {"Imported.", "İçe aktarıldı."},
	"import.row":     {"Row", "Satır"},
	"import.column":  {"Column", "Sütun"},
	"import.reason":  {"Reason", "Neden"},
	"import.no_file": {"Choose a file first.", "Önce bir dosya seçin."},
	"import.unreadable": {
		"The file could not be read as a CRM export.",
		"Dosya bir CRM dışa aktarımı olarak okunamadı.",
	},
	"import.expired": {
		"The preview expired; upload the file again.",
		"Önizlemenin süresi doldu; dosyayı yeniden yükleyin.",
	},
	"admin.title": {"Admin", "Yönetim"},
	"admin.users": {"Users and roles", "Kullanıcılar ve roller"},
	"admin.add":   {"Add user", "Kullanıcı ekle"},
	"admin.name":  {"Name", "Ad"},
	"admin.role":  {"Role", "Rol"},
	"admin.password": {
		"Password (8+ characters; empty: API token only)",
		"Parola (en az 8 karakter; boş: yalnız API anahtarı)",
	},
	"admin.token": {
		"API token (shown once): %s",
		"API anahtarı (bir kez gösterilir): %s",
	},
	"admin.conflict": {
		"A user with this e-mail or name has another role.",
		"Bu e-posta veya adla başka rolde bir kullanıcı var.",
	},
	"admin.bad_user": {
		"Check the e-mail, the role and the password (8+ characters).",
		"E-postayı, rolü ve parolayı (en az 8 karakter) kontrol edin.",
	},
	"admin.self":         {"You cannot change your own role or access.", "Kendi rolünüzü veya erişiminizi değiştiremezsiniz."},
	"admin.bad_action":   {"Choose a role, or disable or enable.", "Bir rol seçin ya da devre dışı bırakın veya etkinleştirin."},
	"admin.disable":      {"Disable", "Devre dışı bırak"},
	"admin.enable":       {"Enable", "Etkinleştir"},
	"admin.disabled":     {"disabled", "devre dışı"},
	"admin.set_role":     {"Set role", "Rolü değiştir"},
	"admin.settings":     {"Delivery settings", "Gönderim ayarları"},
	"admin.audit":        {"Audit log", "Denetim kaydı"},
	"admin.password_set": {"password", "parola"},
	"admin.token_only":   {"API token only", "yalnız API anahtarı"},
}

// details translates the normalisers' plain-words details (English in
// internal/contact) into Turkish.
var details = map[string]string{
	"no e-mail address given":                                                      "e-posta adresi verilmemiş",
	"the e-mail has no @":                                                          "e-postada @ yok",
	"the e-mail has no @ between the name and the domain":                          "e-postada ad ile alan adı arasında @ yok",
	"the e-mail cell holds a name, not an address":                                 "e-posta hücresinde adres değil ad var",
	"the e-mail cell holds a phone number, not an address":                         "e-posta hücresinde adres değil telefon var",
	"no phone number given":                                                        "telefon numarası verilmemiş",
	"too short: too few digits for a phone number":                                 "çok kısa: telefon numarası için az rakam",
	"too long: too many digits for a phone number":                                 "çok uzun: telefon numarası için fazla rakam",
	"letters typed in place of digits":                                             "rakam yerine harf yazılmış",
	"no digits in the phone cell":                                                  "telefon hücresinde rakam yok",
	"no person's name, only a company":                                             "kişi adı yok, yalnız şirket",
	"no responsible manager":                                                       "sorumlu yönetici yok",
	"only a landline or other non-mobile number; no SMS possible":                  "yalnız sabit hat veya cep dışı numara; SMS gönderilemez",
	"the contact opted out of marketing messages":                                  "kişi pazarlama mesajlarını istemiyor",
	"the e-mail cell holds more than one address; the first is used":               "e-posta hücresinde birden çok adres var; ilki kullanıldı",
	"the phone cell holds more than one number; the first is used":                 "telefon hücresinde birden çok numara var; ilki kullanıldı",
	"the phone cell holds characters that have no place in a number":               "telefon hücresinde numarada yeri olmayan karakterler var",
	"Excel scientific notation lost digits; the number cannot be recovered":        "Excel bilimsel gösterimi rakamları yuttu; numara kurtarılamaz",
	"the mailbox does not exist: the e-mail address is wrong or no longer used":    "posta kutusu yok: adres yanlış veya artık kullanılmıyor",
	"the e-mail domain does not receive mail: check the part after @":              "alan adı e-posta almıyor: @ sonrasını kontrol edin",
	"the customer asked to stop receiving our e-mail":                              "müşteri e-postalarımızı almak istemediğini bildirdi",
	"the customer reported our e-mail as spam":                                     "müşteri e-postamızı spam olarak bildirdi",
	"the number does not exist or is no longer in use":                             "numara yok veya artık kullanılmıyor",
	"the number is a landline and cannot receive SMS":                              "numara sabit hat, SMS alamaz",
	"the phone number is not a valid number":                                       "telefon numarası geçerli değil",
	"the phone was unreachable (switched off or out of service); check the number": "telefona ulaşılamadı (kapalı veya hizmet dışı); numarayı kontrol edin",
	"the customer has replied STOP to our SMS":                                     "müşteri SMS'imize RET yanıtı verdi",
	"the customer's mailbox is full":                                               "müşterinin posta kutusu dolu",
}

// translate returns the text of key in lang ("en" or "tr") with args filled
// in; an unknown key is returned as it is, so a missing text shows.
func translate(lang, key string, args ...any) string {
	pair, ok := messages[key]
	if !ok {
		return key
	}
	text := pair[0]
	if lang == "tr" {
		text = pair[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// translateDetail returns a normaliser's detail in lang.
func translateDetail(lang, detail string) string {
	if lang == "tr" {
		if tr, ok := details[detail]; ok {
			return tr
		}
	}
	return detail
}
