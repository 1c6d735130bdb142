package demo

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// names types a person's names, sometimes in ALL CAPS, lower case or with stray
// spaces.
func (g *generator) names(first, last string, noise float64) (string, string) {
	if first == "" || g.rng.Float64() >= noise {
		return first, last
	}
	switch g.rng.IntN(5) {
	case 0, 1:
		return strings.ToUpperSpecial(unicode.TurkishCase, first),
			strings.ToUpperSpecial(unicode.TurkishCase, last)
	case 2:
		return strings.ToLowerSpecial(unicode.TurkishCase, first),
			strings.ToLowerSpecial(unicode.TurkishCase, last)
	case 3:
		return " " + first, last + " "
	default:
		return strings.ReplaceAll(first, " ", "  ") + " ", " " + last
	}
}

func (g *generator) companyCell(company string, noise float64) string {
	if company == "" || g.rng.Float64() >= noise/2 {
		return company
	}
	if g.rng.IntN(2) == 0 {
		return strings.ToUpperSpecial(unicode.TurkishCase, company)
	}
	return company + " "
}

// emailCell types p's e-mail address in p's form.
func (g *generator) emailCell(p *person) string {
	if p.emailKind < emailTypo {
		return p.emailCell
	}
	addr := p.local + "@" + p.domain
	switch p.emailForm {
	case formSpaces:
		return pickString(g.rng, " "+addr, addr+" ", " "+addr+"  ", "\t"+addr)
	case formUpper:
		return strings.ToUpper(addr)
	case formTitle:
		return titleFirst(p.local) + "@" + titleFirst(p.domain)
	case formMailto:
		return pickString(g.rng, "mailto:", "MAILTO:", "mailto: ") + addr
	case formDisplay:
		if p.first == "" || p.last == "" {
			return "<" + addr + ">"
		}
		initial, _ := utf8.DecodeRuneInString(p.last)
		return p.first + " " + string(initial) + ". <" + addr + ">"
	case formQuoted:
		return `"` + strings.TrimSpace(p.first+" "+p.last) + `" <` + addr + ">"
	default:
		return addr
	}
}

// titleFirst upper-cases the first letter of an ASCII-started word.
func titleFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// phoneCells returns the "Phone Number" and "Mobile Phone Number" cells.
func (g *generator) phoneCells(p *person) (phone, mobile string) {
	switch {
	case p.mobileValid:
		mobile = formatMobile(p.mobile, p.mobileFmt)
	case p.mobileBad != "":
		mobile = p.mobileBad
	}
	if p.landline != "" {
		phone = formatLandline(p.landline, p.landlineFmt, p.landlineExt)
	}
	if p.mobileInPhone {
		return mobile, ""
	}
	return phone, mobile
}

// formatMobile types a 10-digit mobile number (5321234567) in one of the ways Turks
// write it. Every format parses back to the same number with libphonenumber.
func formatMobile(n string, format int) string {
	a, b, c, d := n[:3], n[3:6], n[6:8], n[8:]
	switch format {
	case 1:
		return n
	case 2:
		return "0" + n
	case 3:
		return "+90 " + a + " " + b + " " + c + " " + d
	case 4:
		return "+90" + n
	case 5:
		return "0090" + n
	case 6:
		return "(0" + a + ") " + b + "-" + c + "-" + d
	case 7:
		return "0" + a + "-" + b + "-" + c + d
	case 8:
		return "Cep: 0" + a + " " + b + c + d
	case 9:
		return "+90 0" + a + " " + b + " " + c + " " + d
	case 10:
		return "0 " + a + " " + b + " " + c + " " + d
	case 11:
		return a + " " + b + " " + c + " " + d
	case 12:
		return "0" + a + " " + b + " " + c + d
	case 13:
		return "+90 (" + a + ") " + b + " " + c + d
	default:
		return "0" + a + " " + b + " " + c + " " + d
	}
}

// formatLandline types a 10-digit landline (2125551234), sometimes with an
// extension.
func formatLandline(n string, format int, ext string) string {
	a, b, c, d := n[:3], n[3:6], n[6:8], n[8:]
	switch format {
	case 1:
		return "(0" + a + ") " + b + " " + c + " " + d
	case 2:
		return "0" + a + " " + b + " " + c + " " + d + " dahili " + ext
	case 3:
		return "+90 " + a + " " + b + " " + c + " " + d
	case 4:
		return n
	case 5:
		return "0" + a + " " + b + " " + c + d
	case 6:
		return "0" + a + "-" + b + "-" + c + "-" + d
	case 7:
		return "0 (" + a + ") " + b + " " + c + " " + d
	default:
		return "0" + a + " " + b + " " + c + " " + d
	}
}

// badPhone spoils a mobile number the ways people do: too short, too long, or a
// placeholder.
func badPhone(rng *rand.Rand, n string) string {
	a, b, c, d := n[:3], n[3:6], n[6:8], n[8:]
	switch rng.IntN(7) {
	case 0:
		return "0" + a + " " + b + " " + c
	case 1:
		return "0" + a + " " + b + " " + c + " " + d + "7"
	case 2:
		return n[:7]
	case 3:
		return "yok"
	case 4:
		return "Yok"
	case 5:
		return "-"
	default:
		return "0"
	}
}
