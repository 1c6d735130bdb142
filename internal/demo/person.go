package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
)

type emailKind uint8

const (
	emailMissing emailKind = iota // empty, "yok", "-"
	emailInvalid                  // cannot be an address
	emailTypo                     // an address at a misspelt domain
	emailValid                    // a deliverable-looking address
)

// emailForm is how a valid (or typo) address is typed into the cell.
type emailForm uint8

const (
	formPlain   emailForm = iota // ayse.yilmaz@gmail.com
	formSpaces                   // " ayse.yilmaz@gmail.com "
	formUpper                    // AYSE.YILMAZ@GMAIL.COM
	formTitle                    // Ayse.yilmaz@Gmail.com
	formMailto                   // mailto:ayse.yilmaz@gmail.com
	formDisplay                  // Ayşe Y. <ayse.yilmaz@gmail.com>
	formQuoted                   // "Ayşe Yılmaz" <ayse.yilmaz@gmail.com>
	numForms
)

// person is one contact as the generator knows it, before it is typed into a row.
type person struct {
	first, last, company, stage string
	owner                       int // index into the profiles; -1: none
	optOut                      bool

	emailKind     emailKind
	emailForm     emailForm
	local, domain string // address parts, for valid and typo kinds
	emailCell     string // the cell, for missing and invalid kinds

	mobile        string // national significant number (10 digits), when valid
	mobileValid   bool
	mobileBad     string // the cell, when the mobile is invalid
	mobileFmt     int
	mobileInPhone bool   // typed into "Phone Number" instead
	landline      string // national significant number, or empty
	landlineFmt   int
	landlineExt   string
}

// bounceEligible reports whether p's address is valid, written in clean form and
// ASCII, so that it can be a bounced mailbox.
func (p *person) bounceEligible() bool {
	return p.emailKind == emailValid && p.emailForm == formPlain && isASCII(p.domain)
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (g *generator) newPerson() person {
	p := person{owner: g.pickOwner()}
	prof := g.profile(p.owner)
	p.first, p.last = g.personName()
	p.company = g.company()
	p.stage = g.cat.stages[pick(g.rng, g.cat.stageWeights)]
	p.optOut = g.rng.Float64() < optOutShare
	g.phones(&p, prof)
	g.email(&p, prof)
	if g.rng.Float64() < prof.nameNoise/10 {
		p.first, p.last = "", ""
	}
	return p
}

func (g *generator) personName() (first, last string) {
	names := g.cat.femaleNames
	if g.rng.IntN(2) == 0 {
		names = g.cat.maleNames
	}
	first = names[g.rng.IntN(len(names))]
	if g.rng.IntN(12) == 0 {
		if second := names[g.rng.IntN(len(names))]; second != first {
			first += " " + second
		}
	}
	return first, g.cat.lastNames[g.rng.IntN(len(g.cat.lastNames))]
}

func (g *generator) company() string {
	c := g.cat
	if g.rng.IntN(9) == 0 {
		return ""
	}
	head := c.companyHeads[g.rng.IntN(len(c.companyHeads))]
	if g.rng.IntN(5) == 0 {
		head = c.lastNames[g.rng.IntN(len(c.lastNames))]
		if g.rng.IntN(3) == 0 {
			head += " Kardeşler"
		}
	}
	return head + " " + c.sectors[g.rng.IntN(len(c.sectors))] + " " +
		c.legalForms[g.rng.IntN(len(c.legalForms))]
}

// phones gives p a mobile (valid, invalid or none) and maybe a landline.
func (g *generator) phones(p *person, prof *profile) {
	p.mobileFmt = pick(g.rng, g.weights.mobileFmts)
	p.landlineFmt = pick(g.rng, g.weights.landlineFmts)
	p.landlineExt = strconv.Itoa(10 + g.rng.IntN(390))
	landline := prof.landline
	switch u := g.rng.Float64(); {
	case u < prof.noMobile:
		landline = 0.75
	case u < prof.noMobile+prof.mobileInvalid:
		p.mobileBad = badPhone(g.rng, g.newMobile())
	default:
		p.mobile, p.mobileValid = g.newMobile(), true
		if g.rng.Float64() < prof.mobileInPhone {
			p.mobileInPhone, landline = true, 0
		}
	}
	if g.rng.Float64() < landline {
		area := g.weights.areaList[pick(g.rng, g.weights.areas)]
		p.landline = area + "555" + pad(g.rng.IntN(10000), 4)
	}
}

func (g *generator) newMobile() string {
	return g.weights.prefixList[pick(g.rng, g.weights.prefixes)] + g.mobiles.next()
}

// email gives p an e-mail cell of the kind the owner's data quality makes likely.
func (g *generator) email(p *person, prof *profile) {
	d := g.domains[pick(g.rng, g.weights.domains)]
	p.local = g.localPart(p.first, p.last)
	p.domain = d.name
	switch u := g.rng.Float64(); {
	case u < prof.emailMissing:
		p.emailKind = emailMissing
		p.emailCell = pickString(g.rng, "", "", "", "", "yok", "YOK", "-")
	case u < prof.emailMissing+prof.emailInvalid:
		p.emailKind = emailInvalid
		p.emailCell = g.invalidEmail(p)
	case u < prof.emailMissing+prof.emailInvalid+prof.emailTypo:
		p.emailKind = emailTypo
		p.domain = d.typos[g.rng.IntN(len(d.typos))]
		p.emailForm = g.emailForm(prof)
	default:
		p.emailKind = emailValid
		p.emailForm = g.emailForm(prof)
	}
}

func (g *generator) emailForm(prof *profile) emailForm {
	if g.rng.Float64() >= prof.emailMessy {
		return formPlain
	}
	return emailForm(1 + g.rng.IntN(int(numForms)-1))
}

// localPart makes an address's local part from a name, the ways people do.
func (g *generator) localPart(first, last string) string {
	f := strings.ReplaceAll(g.ascii(first), " ", "")
	l := g.ascii(last)
	year := 1960 + g.rng.IntN(46)
	switch pick(g.rng, g.weights.localStyles) {
	case 0:
		return f + "." + l
	case 1:
		return f + l
	case 2:
		return f + "." + l + pad(year%100, 2)
	case 3:
		return f[:1] + "." + l
	case 4:
		return f + "_" + l
	case 5:
		return f + l + strconv.Itoa(year)
	case 6:
		return l + "." + f
	default:
		return f + strconv.Itoa(g.rng.IntN(1000))
	}
}

// ascii lower-cases s the Turkish way and folds Turkish letters to ASCII.
func (g *generator) ascii(s string) string {
	return g.cat.fold.Replace(strings.ToLowerSpecial(unicode.TurkishCase, s))
}

func (g *generator) invalidEmail(p *person) string {
	switch g.rng.IntN(8) {
	case 0:
		return p.local + "@"
	case 1:
		return p.first + " " + p.last
	case 2:
		if p.mobileValid {
			return formatMobile(p.mobile, 0)
		}
		return "yok"
	case 3:
		return p.local + "." + p.domain
	case 4:
		return g.ascii(p.first) + " " + g.ascii(p.last) + "@" + p.domain
	case 5:
		return p.local + "@@" + p.domain
	case 6:
		return "@" + p.domain
	default:
		return p.local + "@" + strings.SplitN(p.domain, ".", 2)[0]
	}
}

// mobileSeq hands out distinct 7-digit subscriber numbers, all beginning with 0
// (no real Turkish line does), unique for the first million.
type mobileSeq struct{ n, offset uint64 }

func newMobileSeq(rng *rand.Rand) mobileSeq {
	return mobileSeq{offset: rng.Uint64N(1_000_000)}
}

func (s *mobileSeq) next() string {
	const space, stride = 1_000_000, 736_921 // stride is coprime with space
	v := (s.offset + s.n*stride) % space
	s.n++
	return "0" + pad(int(v), 6)
}

// pad formats n in decimal, zero-padded to width digits.
func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}
